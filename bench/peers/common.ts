/**
 * What every peer adapter shares: the networks and hyper-parameters measured, the training data
 * shape, the two interfaces an adapter implements (a trainer, a predictor), and seeded weights.
 *
 * The work is the same for everyone: dense layers, ReLU on the hidden ones, softmax + categorical
 * cross-entropy on the output, SGD with momentum (v ← μ·v + g, w ← w − η·v), shuffled mini-batches
 * of real MNIST digits. brain.js cannot do all of it; bench/peers/brainjs.ts says what differs.
 * No Node imports here or in jaxjs.ts: bench/browser.ts bundles jaxjs.ts for the Chromium page.
 */

/** Milliseconds (the global `performance`: this file is also bundled into the browser page). */
const now = (): number => performance.now();

/** Layer widths, input first: [784, 128, 10] is 784-128-10. */
export type Layers = readonly number[];

export const NET_SMALL: Layers = [784, 128, 10];
export const NET_DEEP: Layers = [784, 512, 256, 10];

/** SGD step size η. */
export const LEARNING_RATE = 0.1;
/** Momentum μ. */
export const MOMENTUM = 0.9;
/** Rows in the batch-predict row. */
export const PREDICT_ROWS = 10_000;

export const layersName = (l: Layers): string => l.join('-');

/** Row-major training rows and their class labels. */
export interface TrainData {
  x: Float32Array;
  labels: Int32Array;
  rows: number;
  /** Columns of x (784). */
  inputs: number;
}

/**
 * A trainer kept alive for one measurement. `segment` runs timed chunks of `chunkSteps` optimizer
 * steps until `seconds` have passed (at least `minChunks`) and returns each chunk's rate in
 * samples/s; every chunk ends only when its results are computed.
 */
export interface Trainer {
  /** Untimed steps: compilation, tier-up, optimizer state. Returns the observed samples/s. */
  warmUp(steps: number): Promise<number>;
  segment(chunkSteps: number, seconds: number, minChunks: number): Promise<number[]>;
  /** The training loss after the last step (a sanity check: finite and falling). */
  loss(): number;
  dispose(): void;
}

/**
 * A trained-or-not network for inference. `one` predicts one row and returns its first output (so
 * nothing can be optimised away); `batch` predicts `rows` rows in one call and returns a checksum.
 */
export interface Predictor {
  one(row: Float32Array): number;
  batch(x: Float32Array, rows: number): number;
  dispose(): void;
}

/**
 * Chunk timing for trainers that expose "run n steps": the rate of each chunk, until `seconds` have
 * passed and at least `minChunks` chunks were timed.
 */
export async function timeChunks(
  run: (steps: number) => Promise<void>,
  batchSize: number,
  chunkSteps: number,
  seconds: number,
  minChunks: number,
): Promise<number[]> {
  const rates: number[] = [];
  const deadline = now() + seconds * 1000;
  while (rates.length < minChunks || now() < deadline) {
    const t0 = now();
    await run(chunkSteps);
    rates.push((chunkSteps * batchSize) / ((now() - t0) / 1000));
  }
  return rates;
}

/** xorshift32 state, advanced in place; returns a uniform draw in [0, 1). */
export function uniform(state: { s: number }): number {
  let s = state.s;
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  state.s = s >>> 0;
  return state.s / 4294967296;
}

/** Fisher–Yates shuffle of an index permutation, seeded. */
export function shuffle(perm: Int32Array, state: { s: number }): void {
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(uniform(state) * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
}

/**
 * Seeded He-uniform weights for every layer: W_l is [fan_in × fan_out] row-major with entries in
 * ±√(6 / fan_in), b_l = 0. The same numbers for every library that takes weights from outside.
 */
export function heWeights(layers: Layers, seed = 1): { w: Float32Array; b: Float32Array }[] {
  const state = { s: seed >>> 0 || 1 };
  const out: { w: Float32Array; b: Float32Array }[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const fanIn = layers[l]!;
    const fanOut = layers[l + 1]!;
    const limit = Math.sqrt(6 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < w.length; i++) w[i] = (2 * uniform(state) - 1) * limit;
    out.push({ w, b: new Float32Array(fanOut) });
  }
  return out;
}

/** One-hot targets [rows × classes] for labels in [0, classes). */
export function oneHot(labels: Int32Array, classes: number): Float32Array {
  const y = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) y[i * classes + labels[i]!] = 1;
  return y;
}
