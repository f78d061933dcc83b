/**
 * Inverted dropout (Srivastava et al. 2014). In training each element is kept with probability
 * 1 − p (p = rate) and scaled by 1/(1 − p), so the expected activation is unchanged:
 *   mᵢ = keepᵢ / (1 − p),  keepᵢ ~ Bernoulli(1 − p);    a = x ⊙ m;    ∂C/∂x = ∂C/∂a ⊙ m.
 * At inference (predict, evaluate, validation) the layer is the identity: no mask, no scaling.
 *
 * Masks are counter-based (see the dropout kernels): the mask of a step depends only on the
 * layer's seed and the model's step counter, so the same seed gives the same masks on the js and
 * wasm backends, every training step draws a new mask, and a replayed step draws the same one.
 */
import type { Backend } from '../kernels/backend.js';
import { anyInteger, inputShape, shown } from '../validate.js';
import { Layer, type BuildContext, type LayerBuffers, type LayerConfig, type ParamSpec } from './layer.js';
import { fmix32 } from '../random.js';

export interface DropoutOptions {
  /** Fraction p ∈ [0, 1) of the inputs dropped at each training step. Required. */
  rate: number;
  /** Seed of the masks (a 32-bit integer). Default: derived from the model's seed and this layer's position. */
  seed?: number;
  /** Input shape [features]; only when this is the first layer (dropout on the inputs). */
  inputShape?: [number] | number[];
  /** Layer name for summaries. */
  name?: string;
}

/** murmur3's 32-bit finaliser as a signed 32-bit seed. */
const mix32 = (x: number): number => fmix32(x) | 0;

export class Dropout extends Layer {
  readonly type = 'dropout';
  readonly rate: number;
  readonly seed?: number;
  readonly inputShape?: number[];
  name?: string;
  /** Mixed seed of this layer (set by build). */
  private key = 0;

  constructor(o: DropoutOptions) {
    super();
    if (o === null || typeof o !== 'object') throw new Error('dropout: expected an options object like { rate: 0.5 }.');
    if (typeof o.rate !== 'number' || !(o.rate >= 0 && o.rate < 1)) {
      throw new Error(
        `dropout: rate must be in [0, 1) (the fraction of units dropped), got ${shown(o.rate)}; e.g. dropout({ rate: 0.5 }).`,
      );
    }
    this.rate = o.rate;
    this.seed = o.seed === undefined ? undefined : anyInteger('dropout', 'seed', o.seed);
    this.inputShape = inputShape('dropout', o.inputShape);
    this.name = o.name;
  }

  override declaredInputUnits(): number | undefined {
    return this.inputShape?.[0];
  }

  build(inUnits: number, ctx?: BuildContext): ParamSpec[] {
    this.inUnits = inUnits;
    this.outUnits = inUnits;
    const base = this.seed ?? mix32(((ctx?.seed ?? 1) * 0x9e3779b1) ^ (0x632be5ab + (ctx?.index ?? 0)));
    this.key = mix32(base);
    return [];
  }

  /** The kernel seed of training step `step`: a fresh mask per step, reproducible from the seed. */
  stepSeed(step: number): number {
    return (this.key + Math.imul(step | 0, 0x9e3779b9)) | 0;
  }

  getConfig(): LayerConfig {
    const c: LayerConfig = { type: this.type, rate: this.rate };
    if (this.seed !== undefined) c.seed = this.seed;
    if (this.inputShape) c.inputShape = this.inputShape;
    if (this.name) c.name = this.name;
    return c;
  }

  override describe(): string {
    return `dropout p=${this.rate}`;
  }

  alloc(be: Backend, rows: number, training: boolean, needDx: boolean): LayerBuffers {
    // At inference the layer passes its input through: no buffers at all.
    if (!training) return { out: 0 };
    const n = rows * this.inUnits;
    const buf: LayerBuffers = { out: be.heap.allocF32(n), mask: be.heap.allocF32(n) };
    if (needDx) buf.dx = be.heap.allocF32(n);
    return buf;
  }

  forward(be: Backend, buf: LayerBuffers, x: number, rows: number, training: boolean, step = 0): number {
    if (!training) return x;
    be.k.dropout_fwd_f32(x, buf.mask!, buf.out, rows * this.inUnits, this.rate, this.stepSeed(step));
    return buf.out;
  }

  backward(be: Backend, buf: LayerBuffers, _x: number, dOut: number, rows: number, needDx: boolean): number {
    if (!needDx) return 0;
    be.k.dropout_bwd_f32(dOut, buf.mask!, buf.dx!, rows * this.inUnits);
    return buf.dx!;
  }
}

/** An inverted-dropout layer (Keras `Dropout`): drops a fraction `rate` of its inputs in training. */
export function dropout(options: DropoutOptions): Dropout {
  return new Dropout(options);
}
