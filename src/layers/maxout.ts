/**
 * Maxout (Goodfellow et al. 2013): each of `units` outputs is the maximum of k = `pieces` linear
 * functions of the input,
 *   z[r, u·k + p] = Σ_i x[r,i]·W[i, u·k + p] + b[u·k + p],     a[r,u] = max_p z[r, u·k + p].
 * W is [in × units·k] (piece p of unit u in column u·k + p), b is [units·k].
 *
 * Backward: the gradient flows through the winning piece only (first maximum on ties),
 *   ∂C/∂z[r, u·k + p] = [p = argmax] · ∂C/∂a[r,u],
 * then as in a dense layer: ∂C/∂W = xᵀ·δ, ∂C/∂b = Σ_rows δ, ∂C/∂x = δ·Wᵀ.
 *
 * A layer rather than an activation because it owns its k linear pieces: it replaces a dense layer
 * (`maxout({ units: 64, pieces: 2 })` where you would write `dense({ units: 64, activation })`).
 */
import { initializerSpec, type InitializerSpec } from '../registries/initializer-names.js';
import type { Backend } from '../kernels/backend.js';
import { checkRegularization, type Regularization } from '../registries/regularizers.js';
import { boolean, inputShape, positiveInteger, shown } from '../validate.js';
import { DEFAULT_BIAS_INITIALIZER, DEFAULT_KERNEL_INITIALIZER } from './dense.js';
import { Layer, type LayerBuffers, type LayerConfig, type ParamSpec } from './layer.js';

export interface MaxoutOptions {
  /** Number of output units. Required; a positive integer. */
  units: number;
  /** Linear pieces per unit, k ≥ 2. Required (2 to 5 are usual; 2 and 4 have the fastest kernels). */
  pieces: number;
  /** Whether each piece has a bias. Default: true. */
  useBias?: boolean;
  /** Initializer of W [in × units·pieces]. Default: 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of b. Default: 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** L1/L2 weight decay of W (course convention); replaces the model-wide one. Default: none. */
  kernelRegularizer?: Regularization;
  /** Input shape [features]; needed on the first layer only. */
  inputShape?: [number] | number[];
  /** Layer name for summaries. */
  name?: string;
}

export class Maxout extends Layer {
  readonly type = 'maxout';
  readonly units: number;
  readonly pieces: number;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer?: Required<Regularization>;
  readonly inputShape?: number[];
  name?: string;

  constructor(o: MaxoutOptions) {
    super();
    if (o === null || typeof o !== 'object') throw new Error('maxout: expected an options object like { units: 64, pieces: 2 }.');
    this.units = positiveInteger('maxout', 'units', o.units);
    if (!Number.isInteger(o.pieces) || o.pieces < 2) {
      throw new Error(
        `maxout: pieces must be an integer ≥ 2 (each unit takes the max of k linear pieces), got ${shown(o.pieces)}; ` +
          'for a single piece use dense({ units }).',
      );
    }
    this.pieces = o.pieces;
    this.useBias = boolean('maxout', 'useBias', o.useBias ?? true);
    this.kernelInitializer = initializerSpec(o.kernelInitializer ?? DEFAULT_KERNEL_INITIALIZER);
    this.biasInitializer = initializerSpec(o.biasInitializer ?? DEFAULT_BIAS_INITIALIZER);
    this.kernelRegularizer = checkRegularization('maxout: kernelRegularizer', o.kernelRegularizer);
    this.inputShape = inputShape('maxout', o.inputShape);
    this.name = o.name;
  }

  /** Columns of the linear part: units·pieces. */
  get width(): number {
    return this.units * this.pieces;
  }

  override declaredInputUnits(): number | undefined {
    return this.inputShape?.[0];
  }

  build(inUnits: number): ParamSpec[] {
    this.inUnits = inUnits;
    this.outUnits = this.units;
    const w = this.width;
    const specs: ParamSpec[] = [
      {
        name: 'kernel',
        shape: [inUnits, w],
        init: this.kernelInitializer,
        fanIn: inUnits,
        fanOut: w,
        decay: true,
        ...this.kernelRegularizer,
      },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [w], init: this.biasInitializer, fanIn: inUnits, fanOut: w, decay: false });
    return specs;
  }

  getConfig(): LayerConfig {
    const c: LayerConfig = {
      type: this.type,
      units: this.units,
      pieces: this.pieces,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
    if (this.kernelRegularizer) c.kernelRegularizer = { ...this.kernelRegularizer };
    if (this.inputShape) c.inputShape = this.inputShape;
    if (this.name) c.name = this.name;
    return c;
  }

  override outputActivation(): string {
    return 'maxout';
  }

  override describe(): string {
    return `maxout ${this.inUnits}→${this.units}×${this.pieces}`;
  }

  alloc(be: Backend, rows: number, training: boolean, needDx: boolean): LayerBuffers {
    const h = be.heap;
    const a = h.allocF32(rows * this.units);
    // `z` here is the pieces' pre-activation [rows × units·k]; a loss never fuses with maxout.
    const buf: LayerBuffers = { out: a, a, z: h.allocF32(rows * this.width), idx: h.allocF32(rows * this.units) };
    if (training) {
      buf.dz = h.allocF32(rows * this.width);
      buf.da = h.allocF32(rows * this.units);
      if (needDx) buf.dx = h.allocF32(rows * this.inUnits);
    }
    return buf;
  }

  forward(be: Backend, buf: LayerBuffers, x: number, rows: number): number {
    const k = be.k;
    const w = this.width;
    const bias = this.useBias ? this.param[1]! : 0;
    // One row: the streaming row kernel (as Dense).
    if (rows === 1) k.gemv_row_f32(x, this.param[0]!, bias, buf.z!, this.inUnits, w);
    else k.gemm_nn_f32(x, this.param[0]!, buf.z!, rows, w, this.inUnits, bias, 0, be.ws);
    k.maxout_fwd_f32(buf.z!, buf.out, buf.idx!, rows, this.units, this.pieces);
    return buf.out;
  }

  backward(be: Backend, buf: LayerBuffers, x: number, dOut: number, rows: number, needDx: boolean): number {
    const k = be.k;
    const w = this.width;
    k.maxout_bwd_f32(dOut, buf.idx!, buf.dz!, rows, this.units, this.pieces);
    k.gemm_tn_f32(x, buf.dz!, this.grad[0]!, this.inUnits, w, rows, 0, be.ws);
    if (this.useBias) k.colsum_f32(buf.dz!, this.grad[1]!, rows, w, 0);
    if (!needDx) return 0;
    k.gemm_nt_f32(buf.dz!, this.param[0]!, buf.dx!, rows, this.inUnits, w, 0, be.ws);
    return buf.dx!;
  }
}

/** A maxout layer: `units` outputs, each the max of `pieces` linear functions of the input. */
export function maxout(options: MaxoutOptions): Maxout {
  return new Maxout(options);
}
