/**
 * `InferenceModel`: a loaded model that predicts and does nothing else — what `simdnn/infer`'s
 * `fromJSON` and `loadModel` return. It runs the same forward code as `Sequential` (the network
 * core's forward half and the layers: network/forward.ts, network/batches.ts), over θ read from the
 * file; it has no ∇θ, loss, optimizer, trainer or initializer, so a bundle that only predicts does
 * not carry them (and the heap holds θ once, not θ and ∇θ).
 * To train a loaded model, load it with the main entry (`simdnn`), whose `fromJSON` returns a
 * `Sequential`.
 */
import { toMatrix, type Input } from './data/prepare.js';
import { checkSample } from './data/sample.js';
import type { Backend } from './kernels/backend.js';
import type { LayerConfig } from './layers/layer.js';
import { predictRows } from './network/batches.js';
import type { ForwardNetwork } from './network/forward.js';

/** Default rows per chunk of `predict` (as Sequential's). */
export const DEFAULT_PREDICT_BATCH_SIZE = 256;

export class InferenceModel {
  private disposed = false;

  /** @internal Built by the inference entry's `fromJSON` / `loadModel` from a checked file. */
  constructor(
    private readonly net: ForwardNetwork,
    /** The model's name (from the file). */
    readonly name: string,
  ) {}

  /** Width of an input row. */
  get inputUnits(): number {
    return this.net.inputUnits;
  }
  /** Width of an output row. */
  get outputUnits(): number {
    return this.net.outputUnits;
  }
  /** Parameters (the floats of the weights file). */
  get paramCount(): number {
    return this.net.paramCount;
  }
  /** The backend the model runs on. */
  get backend(): Backend {
    return this.net.backend;
  }
  /** The layers as saved (their configs: type, units, activation, …), first to last. */
  get layers(): readonly LayerConfig[] {
    return this.net.layers.map((l) => l.getConfig());
  }

  /** Outputs for every row of x, as a row-major matrix [rows × outputs] (dropout is off). */
  predict(x: Input, options: { batchSize?: number } = {}): { data: Float32Array; shape: [number, number] } {
    const net = this.alive();
    // The NaN/±∞ scan runs in predictRows, chunk by chunk in wasm, not over all of x in JS.
    const X = toMatrix(x, net.inputUnits, 'x', false);
    return {
      data: predictRows(net, X.data, X.rows, options.batchSize ?? DEFAULT_PREDICT_BATCH_SIZE, true),
      shape: [X.rows, net.outputUnits],
    };
  }

  /**
   * Outputs for one sample: the fast path for serving (no validation beyond the length, no
   * allocation when `out` is given). Non-finite inputs give non-finite outputs.
   */
  predictOne(x: ArrayLike<number>, out?: Float32Array): Float32Array {
    const net = this.alive();
    checkSample(x, net.inputUnits, out, net.outputUnits);
    return net.predictOne(x, out ?? new Float32Array(net.outputUnits));
  }

  /** Frees the model's buffers in the backend's heap. The model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.net.dispose();
    this.disposed = true;
  }

  private alive(): ForwardNetwork {
    if (this.disposed) throw new Error('this model was disposed.');
    return this.net;
  }
}
