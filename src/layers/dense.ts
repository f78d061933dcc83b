/**
 * Fully connected layer: z = x·W + b, a = f(z), with x [rows × in], W [in × out], b [out].
 *
 * Backward, from δ = ∂C/∂z (computed from ∂C/∂a by the activation's backward kernel, or handed
 * over directly by a fused loss):
 *   ∂C/∂W = xᵀ·δ,   ∂C/∂b = Σ_rows δ,   ∂C/∂x = δ·Wᵀ.
 */
import { getActivation, type ActivationDef, type ActivationName } from '../registries/activations.js';
import { initializerSpec, type InitializerSpec } from '../registries/initializer-names.js';
import { checkRegularization, type Regularization } from '../registries/regularizers.js';
import type { Backend } from '../kernels/backend.js';
import { Layer, type LayerBuffers, type LayerConfig, type ParamSpec } from './layer.js';
import { boolean, finiteNumber, inputShape, positiveInteger } from '../validate.js';

/** Default activation of a dense layer: the identity. */
export const DEFAULT_ACTIVATION = 'linear';
/** Default initializer of W (as Keras). */
export const DEFAULT_KERNEL_INITIALIZER = 'glorotUniform';
/** Default initializer of b. */
export const DEFAULT_BIAS_INITIALIZER = 'zeros';

export interface DenseOptions {
  /** Number of output units. Required; a positive integer. */
  units: number;
  /** Activation name (see `activationNames()`). Default: 'linear'. */
  activation?: ActivationName;
  /** Parameter of the activation where it has one (leaky slope, ELU α). Default: the activation's own. */
  alpha?: number;
  /** Whether to add a bias vector. Default: true. */
  useBias?: boolean;
  /** Initializer of W: a name, or constant({ value }). Default: 'glorotUniform' (as Keras). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of b: a name, or constant({ value }). Default: 'zeros'. */
  biasInitializer?: InitializerSpec;
  /**
   * L1/L2 weight decay of W in the course's convention (see train/regularizers.ts); replaces the
   * model-wide `regularization` of compile for this layer. Default: none (the model-wide one).
   */
  kernelRegularizer?: Regularization;
  /** Input shape [features]; needed on the first layer only. */
  inputShape?: [number] | number[];
  /** Layer name for summaries. Default: 'dense_<i>'. */
  name?: string;
}

export class Dense extends Layer {
  readonly type = 'dense';
  readonly units: number;
  readonly activation: ActivationDef;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer?: Required<Regularization>;
  readonly inputShape?: number[];
  name?: string;

  constructor(o: DenseOptions) {
    super();
    if (o === null || typeof o !== 'object') throw new Error('dense: expected an options object like { units: 10 }.');
    this.units = positiveInteger('dense', 'units', o.units);
    this.activation = getActivation(o.activation ?? DEFAULT_ACTIVATION);
    this.alpha = finiteNumber('dense', 'alpha', o.alpha ?? this.activation.alpha ?? 0);
    this.useBias = boolean('dense', 'useBias', o.useBias ?? true);
    this.kernelInitializer = initializerSpec(o.kernelInitializer ?? DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = initializerSpec(o.biasInitializer ?? DEFAULT_BIAS_INITIALIZER);
    this.kernelRegularizer = checkRegularization('dense: kernelRegularizer', o.kernelRegularizer);
    this.inputShape = inputShape('dense', o.inputShape);
    this.name = o.name;
  }

  override declaredInputUnits(): number | undefined {
    return this.inputShape?.[0];
  }

  build(inUnits: number): ParamSpec[] {
    this.inUnits = inUnits;
    this.outUnits = this.units;
    const specs: ParamSpec[] = [
      {
        name: 'kernel',
        shape: [inUnits, this.units],
        init: this.kernelInitializer,
        fanIn: inUnits,
        fanOut: this.units,
        decay: true,
        ...this.kernelRegularizer,
      },
    ];
    if (this.useBias) {
      specs.push({ name: 'bias', shape: [this.units], init: this.biasInitializer, fanIn: inUnits, fanOut: this.units, decay: false });
    }
    return specs;
  }

  getConfig(): LayerConfig {
    const c: LayerConfig = {
      type: this.type,
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
    if (this.alpha !== (this.activation.alpha ?? 0)) c.alpha = this.alpha;
    if (this.kernelRegularizer) c.kernelRegularizer = { ...this.kernelRegularizer };
    if (this.inputShape) c.inputShape = this.inputShape;
    if (this.name) c.name = this.name;
    return c;
  }

  override outputActivation(): string {
    return this.activation.name;
  }

  override describe(): string {
    return `dense ${this.inUnits}→${this.outUnits} ${this.activation.name}`;
  }

  alloc(be: Backend, rows: number, training: boolean, needDx: boolean): LayerBuffers {
    const h = be.heap;
    const n = rows * this.units;
    const z = h.allocF32(n);
    const a = this.activation.identity ? z : h.allocF32(n);
    const buf: LayerBuffers = { out: a, z, a };
    if (training) {
      buf.dz = h.allocF32(n);
      buf.da = h.allocF32(n);
      if (needDx) buf.dx = h.allocF32(rows * this.inUnits);
    }
    return buf;
  }

  forward(be: Backend, buf: LayerBuffers, x: number, rows: number): number {
    const k = be.k;
    const bias = this.useBias ? this.param[1]! : 0;
    // One row (predictOne, a batch's last odd row): the streaming row kernel, no GEMM dispatch.
    if (rows === 1) k.gemv_row_f32(x, this.param[0]!, bias, buf.z!, this.inUnits, this.units);
    else k.gemm_nn_f32(x, this.param[0]!, buf.z!, rows, this.units, this.inUnits, bias, 0, be.ws);
    if (!this.activation.identity) this.activation.forward(be, buf.z!, buf.a!, rows, this.units, this.alpha);
    return buf.out;
  }

  backward(be: Backend, buf: LayerBuffers, x: number, dOut: number, rows: number, needDx: boolean, pre: boolean): number {
    const k = be.k;
    const act = this.activation;
    let dz = dOut;
    if (!pre && !act.identity) {
      dz = buf.dz!;
      act.backward(be, buf.z!, buf.a!, dOut, dz, rows, this.units, this.alpha);
    }
    k.gemm_tn_f32(x, dz, this.grad[0]!, this.inUnits, this.units, rows, 0, be.ws);
    if (this.useBias) k.colsum_f32(dz, this.grad[1]!, rows, this.units, 0);
    if (!needDx) return 0;
    k.gemm_nt_f32(dz, this.param[0]!, buf.dx!, rows, this.inUnits, this.units, 0, be.ws);
    return buf.dx!;
  }
}

/** A fully connected layer (Keras `Dense`). */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
