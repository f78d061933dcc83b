/**
 * What every layer is: a config (plain data, so save/load, export and summary all read the same
 * thing), parameter shapes, and forward/backward written as Backend kernel calls. A layer never
 * knows which backend runs it and never allocates in forward/backward: buffers come from `alloc`,
 * which the model calls once per batch capacity.
 */
import type { InitializerSpec } from '../registries/initializer-names.js';
import type { Backend } from '../kernels/backend.js';

/** Serializable layer description; `type` selects the class in the layer registry. */
export interface LayerConfig {
  type: string;
  [key: string]: unknown;
}

export interface ParamSpec {
  /** 'kernel', 'bias', … */
  name: string;
  shape: number[];
  /** Initializer name or config (see initializers.ts). */
  init: InitializerSpec;
  fanIn: number;
  fanOut: number;
  /** Whether weight decay (L1/L2) applies: true for weights, false for biases and slopes. */
  decay: boolean;
  /** This tensor's own L1 λ (a layer's kernelRegularizer); overrides the model-wide one. */
  l1?: number;
  /** This tensor's own L2 λ (a layer's kernelRegularizer); overrides the model-wide one. */
  l2?: number;
}

/** What the model tells a layer when building it. */
export interface BuildContext {
  /** Position of the layer in the model. */
  index: number;
  /** The model's seed (layers that draw, like dropout, derive their default seed from it). */
  seed: number;
}

/** Buffers of one layer for one batch capacity: pointers by name. `out` is the layer's output. */
export interface LayerBuffers {
  out: number;
  [name: string]: number;
}

export abstract class Layer {
  abstract readonly type: string;
  /** Width of the input rows (set by build). */
  inUnits = 0;
  /** Width of the output rows (set by build). */
  outUnits = 0;
  /** Parameter pointers, in the order of `build`'s specs (set by the model). */
  param: number[] = [];
  /** Gradient pointers, same order. */
  grad: number[] = [];

  /** Fixes the input width and returns the parameter specs. */
  abstract build(inUnits: number, ctx?: BuildContext): ParamSpec[];
  /** The layer's serializable config. */
  abstract getConfig(): LayerConfig;
  /** The input width this layer declares (first layer), if any. */
  declaredInputUnits(): number | undefined {
    return undefined;
  }
  /** Allocates the buffers for batches of up to `rows` rows. `needDx`: the layer must produce dX. */
  abstract alloc(be: Backend, rows: number, training: boolean, needDx: boolean): LayerBuffers;
  /** Frees what `alloc` returned. */
  free(be: Backend, buf: LayerBuffers): void {
    const seen = new Set<number>();
    for (const ptr of Object.values(buf)) {
      if (ptr && !seen.has(ptr)) {
        seen.add(ptr);
        be.heap.free(ptr);
      }
    }
  }
  /**
   * Computes the output for `rows` rows of x and returns its pointer (buf.out, or x itself for a
   * layer that is the identity at inference). `step` is the model's count of updates so far, for
   * layers whose training forward changes every step (dropout masks).
   */
  abstract forward(be: Backend, buf: LayerBuffers, x: number, rows: number, training: boolean, step?: number): number;
  /**
   * Given dOut = ∂C/∂(output) — or ∂C/∂z when `dOutIsPreactivation` (the loss fused the output
   * activation) — writes the parameter gradients and returns a pointer to ∂C/∂x (0 if !needDx).
   */
  abstract backward(
    be: Backend,
    buf: LayerBuffers,
    x: number,
    dOut: number,
    rows: number,
    needDx: boolean,
    dOutIsPreactivation: boolean,
  ): number;
  /** Name of the output activation (for loss pairing checks), if the layer has one. */
  outputActivation(): string | undefined {
    return undefined;
  }
  /** One line for `summary()`. */
  describe(): string {
    return this.type;
  }
}
