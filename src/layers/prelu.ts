/**
 * Parametric ReLU (He et al. 2015), one learned slope αⱼ per unit:
 *   a[r,j] = z[r,j]        for z > 0
 *            αⱼ·z[r,j]     otherwise
 * Backward, from ∂C/∂a:
 *   ∂C/∂z[r,j] = ∂C/∂a[r,j]·(z > 0 ? 1 : αⱼ),    ∂C/∂αⱼ = Σ_r ∂C/∂a[r,j]·min(z[r,j], 0).
 *
 * A layer rather than a dense activation because the slope is a parameter: it lives in θ, the
 * optimizer updates it, save/load carries it, and the activation registry stays stateless. Put it
 * after a linear dense layer: `dense({ units: 64 }), prelu()`. The slope is never weight-decayed.
 */
import { initializerSpec, type InitializerSpec } from '../registries/initializer-names.js';
import type { Backend } from '../kernels/backend.js';
import { inputShape } from '../validate.js';
import { Layer, type LayerBuffers, type LayerConfig, type ParamSpec } from './layer.js';

/** The slope every unit starts with, as in He et al. 2015 (Keras's PReLU layer starts at 0). */
export const PRELU_INITIAL_SLOPE = 0.25;

export interface PReLUOptions {
  /** Initializer of the slopes α. Default: constant({ value: 0.25 }) (He et al. 2015). */
  alphaInitializer?: InitializerSpec;
  /** Input shape [features]; only when this is the first layer. */
  inputShape?: [number] | number[];
  /** Layer name for summaries. */
  name?: string;
}

export class PReLU extends Layer {
  readonly type = 'prelu';
  readonly alphaInitializer: InitializerSpec;
  readonly inputShape?: number[];
  name?: string;

  constructor(o: PReLUOptions = {}) {
    super();
    if (o === null || typeof o !== 'object') throw new Error('prelu: expected an options object (or nothing), like prelu().');
    this.alphaInitializer = initializerSpec(o.alphaInitializer ?? { name: 'constant', value: PRELU_INITIAL_SLOPE });
    this.inputShape = inputShape('prelu', o.inputShape);
    this.name = o.name;
  }

  override declaredInputUnits(): number | undefined {
    return this.inputShape?.[0];
  }

  build(inUnits: number): ParamSpec[] {
    this.inUnits = inUnits;
    this.outUnits = inUnits;
    return [{ name: 'alpha', shape: [inUnits], init: this.alphaInitializer, fanIn: inUnits, fanOut: inUnits, decay: false }];
  }

  getConfig(): LayerConfig {
    const c: LayerConfig = { type: this.type, alphaInitializer: this.alphaInitializer };
    if (this.inputShape) c.inputShape = this.inputShape;
    if (this.name) c.name = this.name;
    return c;
  }

  override outputActivation(): string {
    return 'prelu';
  }

  override describe(): string {
    return `prelu ${this.inUnits}`;
  }

  alloc(be: Backend, rows: number, training: boolean): LayerBuffers {
    const n = rows * this.inUnits;
    const a = be.heap.allocF32(n);
    // z is the input itself; `z`/`a` name the output for a loss when this is the last layer.
    const buf: LayerBuffers = { out: a, a, z: a };
    if (training) {
      buf.da = be.heap.allocF32(n);
      // The kernel writes ∂C/∂z (= ∂C/∂x) together with ∂C/∂α, so it always needs the room.
      buf.dx = be.heap.allocF32(n);
    }
    return buf;
  }

  forward(be: Backend, buf: LayerBuffers, x: number, rows: number): number {
    be.k.prelu_fwd_f32(x, this.param[0]!, buf.out, rows, this.inUnits);
    return buf.out;
  }

  backward(be: Backend, buf: LayerBuffers, x: number, dOut: number, rows: number, needDx: boolean): number {
    be.k.prelu_bwd_f32(x, this.param[0]!, dOut, buf.dx!, this.grad[0]!, rows, this.inUnits, 0);
    return needDx ? buf.dx! : 0;
  }
}

/** A parametric ReLU layer with one learned slope per unit (Keras `PReLU`). */
export function prelu(options: PReLUOptions = {}): PReLU {
  return new PReLU(options);
}
