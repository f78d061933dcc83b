/**
 * simdnn as a contender: the wasm backend at a given SIMD level and thread count, training through
 * `fit` and predicting through `predictOne` / `predict`, as a user calls them.
 *
 * Threads: `init({ threads })` is passed only as a request; whether it was honoured is read back from
 * the backend (`backend.threads`, a number, where the threaded build reports it). A build that does
 * not report a thread count runs on one thread: a one-thread contender is then still valid, and a
 * multi-thread contender is reported as "n/a" instead of being measured on one thread.
 */
import { dense, init, sequential, sgd, type Backend, type InitOptions, type Sequential } from '../../src/index.js';
import { now } from '../stats.js';
import { LEARNING_RATE, MOMENTUM, type Layers, type Predictor, type TrainData, type Trainer } from './common.js';

export interface SimdnnConfig {
  simd: 'baseline' | 'relaxed';
  threads: number;
}

/** fit's epoch count: a bound never reached, training is stopped once the segment's time is up. */
const EPOCHS_CAP = 100_000;

/** The thread count the backend reports, or undefined when this build has no notion of threads. */
export function reportedThreads(backend: Backend): number | undefined {
  const t = (backend as unknown as { threads?: unknown }).threads;
  return typeof t === 'number' ? t : undefined;
}

/** Thrown (and reported as "n/a") when a thread count was asked for that this build cannot give. */
export class ThreadsUnavailable extends Error {}

/**
 * Initialises the wasm backend with `threads` requested. A build without threads accepts and ignores
 * the option; then one thread is fine and more is ThreadsUnavailable.
 */
export async function simdnnBackend(cfg: SimdnnConfig): Promise<{ backend: Backend; threads: number | undefined }> {
  const options: InitOptions & { threads?: number } = { backend: 'wasm', simd: cfg.simd, threads: cfg.threads };
  const backend = await init(options);
  const threads = reportedThreads(backend);
  if (threads === undefined && cfg.threads !== 1) {
    throw new ThreadsUnavailable(`this simdnn build does not report threads (init({ threads: ${cfg.threads} }) not available)`);
  }
  if (threads !== undefined && threads !== cfg.threads) {
    throw new ThreadsUnavailable(`asked for ${cfg.threads} threads, the backend runs ${threads}`);
  }
  return { backend, threads };
}

/** The benchmarked network on `backend`: ReLU hidden layers, softmax output, cross-entropy, SGD + momentum. */
export function simdnnNet(layers: Layers, backend: Backend, seed = 1): Sequential {
  const hidden = layers.slice(1, -1);
  const model = sequential(
    [
      ...hidden.map((units, i) => dense(i === 0 ? { units, activation: 'relu', inputShape: [layers[0]!] } : { units, activation: 'relu' })),
      dense({ units: layers[layers.length - 1]!, activation: 'softmax' }),
    ],
    { seed, backend },
  );
  model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: LEARNING_RATE, momentum: MOMENTUM }) });
  return model;
}

/**
 * Training: each segment is one `fit` call over the whole training set (enough epochs), stopped with
 * `model.stopTraining` once the time is up; chunk rates come from `onTrainBegin`/`onBatchEnd`
 * timestamps (so fit's per-call setup — copying x into the heap, planning — is outside the chunks,
 * as in bench/mnist.ts).
 */
export async function simdnnTrainer(cfg: SimdnnConfig, layers: Layers, batchSize: number, data: TrainData): Promise<Trainer> {
  const { backend } = await simdnnBackend(cfg);
  const model = simdnnNet(layers, backend);
  const x = { data: data.x, shape: [data.rows, data.inputs] };
  let seed = 1;
  let lastLoss = NaN;

  async function fitFor(minBatches: number, chunkSteps: number, seconds: number): Promise<{ stamps: number[]; sizes: number[] }> {
    const stamps: number[] = [];
    const sizes: number[] = [];
    const deadline = now() + seconds * 1000;
    await model.fit(x, data.labels, {
      epochs: EPOCHS_CAP, // stopped from onBatchEnd long before
      batchSize,
      shuffle: true,
      seed: seed++,
      yieldEvery: 'never',
      callbacks: {
        onTrainBegin() {
          stamps.push(now());
        },
        onBatchEnd(_b, logs) {
          const t = now();
          stamps.push(t);
          sizes.push(logs.size);
          lastLoss = logs.loss;
          if (sizes.length >= minBatches && sizes.length % chunkSteps === 0 && t >= deadline) model.stopTraining = true;
        },
      },
    });
    return { stamps, sizes };
  }

  return {
    async warmUp(steps) {
      const { stamps, sizes } = await fitFor(steps, steps, 0);
      const samples = sizes.reduce((a, b) => a + b, 0);
      return samples / ((stamps[stamps.length - 1]! - stamps[0]!) / 1000);
    },
    async segment(chunkSteps, seconds, minChunks) {
      const { stamps, sizes } = await fitFor(minChunks * chunkSteps, chunkSteps, seconds);
      const rates: number[] = [];
      for (let c = 0; c + chunkSteps <= sizes.length; c += chunkSteps) {
        let samples = 0;
        for (let i = c; i < c + chunkSteps; i++) samples += sizes[i]!;
        rates.push(samples / ((stamps[c + chunkSteps]! - stamps[c]!) / 1000));
      }
      return rates;
    },
    loss: () => lastLoss,
    dispose: () => model.dispose(),
  };
}

/** Inference: `predictOne(row)` and `predict({ data, shape })` with their default options. */
export async function simdnnPredictor(cfg: SimdnnConfig, layers: Layers): Promise<Predictor> {
  const { backend } = await simdnnBackend(cfg);
  const model = simdnnNet(layers, backend);
  return {
    one: (row) => model.predictOne(row)[0]!,
    batch(x, rows) {
      const y = model.predict({ data: x, shape: [rows, layers[0]!] });
      return y.data[0]! + y.data[y.data.length - 1]!;
    },
    dispose: () => model.dispose(),
  };
}
