/**
 * The peer column: TensorFlow.js on its wasm backend (`@tensorflow/tfjs` + `@tensorflow/tfjs-backend-wasm`),
 * training and querying the same 784-128-10 network simdnn is measured on.
 *
 * Loading in Node: the backend's emscripten glue looks for `tfjs-backend-wasm-simd.wasm` relative to
 * its own script (in Node TF.js reports WASM_HAS_MULTITHREAD_SUPPORT = false, so the single-threaded
 * SIMD binary is the one used — one core, like simdnn). We point it at the package's `dist/` directory explicitly with
 * `setWasmPaths(<absolute dir>/)` so the result does not depend on how the package was resolved
 * (ESM vs CJS entry, bundling). It is a local file path: nothing is downloaded.
 *
 * Training loop: two ways are implemented, `fit` (tf.LayersModel.fit, Keras semantics, what a user
 * writes) and `loop` (optimizer.minimize per batch on rows gathered from a shuffled permutation, no
 * callbacks or per-batch log reads). Both shuffle, gather the batch rows and run the same math. In
 * trial runs the loop was ahead at batch 32 (by 5–40 %, noisy machine) and the two were within noise
 * at 128, so the fair comparison is against whichever is faster in the run at hand: `benchTfjsTrain`
 * measures both and returns the better one, and the MNIST table prints both rows.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { now, throughput, timeCalls, type Latency, type Throughput } from './stats.js';

/** A row-major matrix, as simdnn takes it. */
export interface Matrix {
  data: Float32Array;
  shape: readonly number[];
}

export type TfjsTrainMode = 'fit' | 'loop';

export const DEFAULT_TFJS_MODE: TfjsTrainMode = 'fit';
export const PEER_MODE_NOTE =
  'TF.js-wasm is measured two ways — model.fit (shuffle, yieldEvery "never", verbose 0) and a manual ' +
  'optimizer.minimize loop over gathered shuffled batches — and ratios use the faster of the two.';

let tfPromise: Promise<typeof TF> | undefined;

/** Loads TF.js, registers the wasm backend from local files and makes it current. Idempotent. */
export function loadTfjsWasm(): Promise<typeof TF> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const distDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${distDir}/`);
    const ok = await tf.setBackend('wasm');
    if (!ok || tf.getBackend() !== 'wasm') throw new Error('TF.js: the wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return tfPromise;
}

/** "TF.js 4.22.0 wasm (SIMD, 1 thread)" */
export async function tfjsInfo(): Promise<string> {
  const tf = await loadTfjsWasm();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  const n = threads ? (backend.wasm?.tfjs?.getThreadsCount?.() ?? '?') : 1;
  return `TF.js ${tf.version.tfjs} wasm (${simd ? 'SIMD' : 'no SIMD'}, ${n} thread${n === 1 ? '' : 's'})`;
}

/** 784-128-10, ReLU hidden, softmax output, SGD(0.1, momentum 0.9), categorical cross-entropy. */
function mnistModel(tf: typeof TF, inputs: number, hidden: number, classes: number): TF.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [inputs], kernelInitializer: 'heNormal' }),
      tf.layers.dense({ units: classes, activation: 'softmax' }),
    ],
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.momentum(0.1, 0.9), metrics: ['accuracy'] });
  return model;
}

function oneHot(labels: Int32Array, classes: number): Float32Array {
  const y = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) y[i * classes + labels[i]!] = 1;
  return y;
}

/** Seeded Fisher–Yates on an Int32Array (xorshift32), so both modes see the same kind of order. */
function shuffleInPlace(a: Int32Array, state: { s: number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    let s = state.s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    state.s = s >>> 0;
    const j = state.s % (i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

export interface TfjsTrainResult extends Throughput {
  mode: TfjsTrainMode;
  batchSize: number;
  /** Samples per timed chunk. */
  chunkSamples: number;
  /** Training loss after the last chunk (a sanity check that it learns). */
  finalLoss: number;
}

/** A segment of timed training: per-chunk rates (samples/s) and the loss at its end. */
export interface Segment {
  rates: number[];
  finalLoss: number;
}

/**
 * A TF.js-wasm trainer kept alive across timed segments, so that a benchmark can interleave it with
 * other contenders (round-robin) and noise from the machine falls on all of them alike.
 */
export interface TfjsTrainer {
  readonly mode: TfjsTrainMode;
  readonly batchSize: number;
  /** Batches per timed chunk (set by warmUp from the observed rate). */
  readonly chunkSteps: number;
  /** Untimed run that compiles kernels, allocates optimizer slots and sizes the chunks. */
  warmUp(targetChunkSeconds: number): Promise<void>;
  /** Timed chunks until `seconds` have passed (at least `minChunks`). */
  segment(seconds: number, minChunks?: number): Promise<Segment>;
  dispose(): void;
}

export async function createTfjsTrainer(
  x: Matrix,
  labels: Int32Array,
  batchSize: number,
  opts: { mode?: TfjsTrainMode; classes?: number; hidden?: number } = {},
): Promise<TfjsTrainer> {
  const tf = await loadTfjsWasm();
  const mode = opts.mode ?? DEFAULT_TFJS_MODE;
  const classes = opts.classes ?? 10;
  const [n, d] = [x.shape[0]!, x.shape[1]!];
  if (labels.length !== n) throw new Error(`x has ${n} rows but labels has ${labels.length}`);
  const maxSteps = Math.max(1, Math.floor(n / batchSize));

  const model = mnistModel(tf, d, opts.hidden ?? 128, classes);
  const tensors: TF.Tensor[] = [];
  const X = tf.tensor2d(x.data.subarray(0, n * d), [n, d]);
  const Y = tf.tensor2d(oneHot(labels, classes), [n, classes]);
  tensors.push(X, Y);

  let finalLoss = NaN;
  let runChunk: (steps: number) => Promise<void>;

  if (mode === 'fit') {
    // Each chunk fits one epoch over `steps × batchSize` rows taken at a rotating offset.
    let offset = 0;
    const cache = new Map<string, [TF.Tensor, TF.Tensor]>();
    runChunk = async (steps) => {
      const rows = Math.min(n, steps * batchSize);
      if (offset + rows > n) offset = 0;
      const key = `${offset}:${rows}`;
      let pair = cache.get(key);
      if (!pair) {
        pair = [X.slice([offset, 0], [rows, d]), Y.slice([offset, 0], [rows, classes])];
        cache.set(key, pair);
        tensors.push(...pair);
      }
      offset += rows;
      const h = await model.fit(pair[0], pair[1], { epochs: 1, batchSize, shuffle: true, verbose: 0, yieldEvery: 'never' });
      finalLoss = Number(h.history.loss?.at(-1));
    };
  } else {
    const optimizer = tf.train.momentum(0.1, 0.9);
    const perm = new Int32Array(n).map((_, i) => i);
    const rng = { s: 0x9e3779b9 };
    let pos = n; // force a shuffle on first use
    runChunk = async (steps) => {
      let lastLoss: TF.Scalar | null = null;
      for (let s = 0; s < steps; s++) {
        if (pos + batchSize > n) {
          shuffleInPlace(perm, rng);
          pos = 0;
        }
        const idx = perm.subarray(pos, pos + batchSize);
        pos += batchSize;
        const cost: TF.Scalar | null = tf.tidy((): TF.Scalar => {
          const it = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(X, it);
          const yb = tf.gather(Y, it);
          return optimizer.minimize(() => tf.metrics.categoricalCrossentropy(yb, model.apply(xb) as TF.Tensor).mean() as TF.Scalar, true)!;
        });
        lastLoss?.dispose();
        lastLoss = cost;
      }
      // The wasm backend runs ops synchronously; reading the loss closes the chunk either way.
      finalLoss = lastLoss ? lastLoss.dataSync()[0]! : NaN;
      lastLoss?.dispose();
    };
  }

  let chunkSteps = Math.min(maxSteps, 16);
  return {
    mode,
    batchSize,
    get chunkSteps() {
      return chunkSteps;
    },
    async warmUp(targetChunkSeconds) {
      await runChunk(chunkSteps); // first calls: kernel setup, optimizer slots, JIT
      const t0 = now();
      await runChunk(chunkSteps);
      const rate = (chunkSteps * batchSize) / ((now() - t0) / 1000);
      chunkSteps = Math.max(4, Math.min(maxSteps, Math.round((rate * targetChunkSeconds) / batchSize)));
    },
    async segment(seconds, minChunks = 3) {
      const rates: number[] = [];
      const deadline = now() + seconds * 1000;
      while (rates.length < minChunks || now() < deadline) {
        const t = now();
        await runChunk(chunkSteps);
        rates.push((chunkSteps * batchSize) / ((now() - t) / 1000));
      }
      return { rates, finalLoss };
    },
    dispose() {
      model.dispose();
      for (const t of tensors) t.dispose();
    },
  };
}

/**
 * Measures TF.js-wasm training throughput in samples/s: an untimed warm-up, then timed chunks of
 * about seconds/8 each until `seconds` have passed (at least `minChunks`); the median is reported.
 */
export async function measureTfjsTrain(
  x: Matrix,
  labels: Int32Array,
  batchSize: number,
  seconds: number,
  opts: { mode?: TfjsTrainMode; minChunks?: number; classes?: number; hidden?: number } = {},
): Promise<TfjsTrainResult> {
  const trainer = await createTfjsTrainer(x, labels, batchSize, opts);
  try {
    await trainer.warmUp(seconds / 8);
    const seg = await trainer.segment(seconds, opts.minChunks ?? 5);
    return {
      ...throughput(seg.rates),
      mode: trainer.mode,
      batchSize,
      chunkSamples: trainer.chunkSteps * batchSize,
      finalLoss: seg.finalLoss,
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * TF.js-wasm training throughput (samples/s, median over timed chunks) for 784-128-10 at `batchSize`:
 * both training styles get half of `seconds`, and the faster one is returned (the fair peer number).
 */
export async function benchTfjsTrain(x: Matrix, labels: Int32Array, batchSize: number, seconds: number): Promise<number> {
  const fit = await measureTfjsTrain(x, labels, batchSize, seconds / 2, { mode: 'fit' });
  const loop = await measureTfjsTrain(x, labels, batchSize, seconds / 2, { mode: 'loop' });
  return Math.max(fit.median, loop.median);
}

/** A single-sample predictor: `call()` runs one prediction; `dispose()` frees the model. */
export interface Predictor {
  call(): void;
  dispose(): void;
}

/**
 * TF.js-wasm one-sample predict for 784-128-10, as a user writes it:
 * `tf.tidy(() => model.predict(tf.tensor2d(row, [1, 784])).dataSync())`.
 */
export async function createTfjsPredictor(row?: Float32Array): Promise<Predictor> {
  const tf = await loadTfjsWasm();
  const model = mnistModel(tf, 784, 128, 10);
  const input = row ?? Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 255) / 255);
  let sink = 0;
  return {
    call() {
      const out = tf.tidy(() => (model.predict(tf.tensor2d(input, [1, 784])) as TF.Tensor).dataSync());
      sink += out[0]!;
      if (Number.isNaN(sink)) throw new Error('TF.js predict produced NaN');
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * TF.js-wasm batch predict for 784-128-10 over the rows of x, as a user writes it:
 * `tf.tidy(() => model.predict(tf.tensor2d(x, [rows, 784]), { batchSize }).dataSync())`.
 */
export async function createTfjsBatchPredictor(x: Float32Array, rows: number, batchSize: number): Promise<Predictor> {
  const tf = await loadTfjsWasm();
  const model = mnistModel(tf, 784, 128, 10);
  let sink = 0;
  return {
    call() {
      const out = tf.tidy(() => (model.predict(tf.tensor2d(x, [rows, 784]), { batchSize }) as TF.Tensor).dataSync());
      sink += out[0]!;
      if (Number.isNaN(sink)) throw new Error('TF.js predict produced NaN');
    },
    dispose() {
      model.dispose();
    },
  };
}

/** One-sample predict latency of TF.js-wasm (µs per call; see createTfjsPredictor). */
export async function measureTfjsPredictOne(
  row?: Float32Array,
  opts: { calls?: number; warmup?: number; maxSeconds?: number } = {},
): Promise<Latency> {
  const p = await createTfjsPredictor(row);
  try {
    return timeCalls(() => p.call(), { warmup: opts.warmup ?? 300, calls: opts.calls ?? 3000, maxSeconds: opts.maxSeconds ?? 3 });
  } finally {
    p.dispose();
  }
}

/** Median µs per single-sample predict on TF.js-wasm. */
export async function benchTfjsPredictOne(row?: Float32Array): Promise<number> {
  return (await measureTfjsPredictOne(row)).medianUs;
}
