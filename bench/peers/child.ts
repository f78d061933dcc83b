/**
 * One measurement in a fresh process: `node --experimental-wasm-relaxed-simd --import tsx
 * bench/peers/child.ts '<json Job>'` prints one JSON line (a Measurement) on stdout. Started by
 * bench/peers.ts, once per contender, task and round, so no library shares a process (or a heap, a
 * JIT profile, a wasm instance) with another.
 */
import { loadMnist } from '../../src/index.js';
import { latency, median, now, sampleCalls, spreadPct } from '../stats.js';
import { PREDICT_ROWS, type Layers, type Predictor, type TrainData, type Trainer } from './common.js';
import { ThreadsUnavailable, simdnnPredictor, simdnnTrainer, type SimdnnConfig } from './simdnn.js';

export type Lib = 'simdnn' | 'simdnn-relaxed' | 'simdnn-2-threads' | 'tfjs' | 'jaxjs' | 'brainjs';

export type Task =
  | { kind: 'train'; layers: Layers; batchSize: number }
  | { kind: 'predict-one'; layers: Layers }
  | { kind: 'predict-batch'; layers: Layers };

export interface Job {
  lib: Lib;
  task: Task;
  /** Timed seconds of this measurement. */
  seconds: number;
  /** MNIST training rows used by training tasks. */
  trainRows: number;
}

export interface Measurement {
  /** Median: samples/s for training and predict-batch, µs per call for predict-one. */
  median: number;
  /** p10–p90 spread of the timed chunks or calls, % of the median. */
  spreadPct: number;
  /** Timed chunks (training, batch predict) or calls (predict-one). */
  count: number;
  /** Training loss at the end (a sanity check). */
  loss?: number;
  /** Set instead of the figures when the contender cannot run this (e.g. threads not available). */
  skipped?: string;
}

const SIMDNN: Partial<Record<Lib, SimdnnConfig>> = {
  simdnn: { simd: 'baseline', threads: 1 },
  'simdnn-relaxed': { simd: 'relaxed', threads: 1 },
  'simdnn-2-threads': { simd: 'baseline', threads: 2 },
};

/** Chunks per measurement aimed for. */
const CHUNKS = 8;
/** The timed half of the last training warm-up lasts at least this long (or MAX_WARMUP_STEPS steps). */
const CALIBRATE_MS = 150;
const MAX_WARMUP_STEPS = 512;
/** Untimed calls before timing predict-one (at least this many, for at least PREDICT_WARMUP_MS). */
const PREDICT_WARMUP = 300;
const PREDICT_WARMUP_MS = 300;

async function trainer(lib: Lib, layers: Layers, batchSize: number, data: TrainData): Promise<Trainer> {
  const s = SIMDNN[lib];
  if (s) return simdnnTrainer(s, layers, batchSize, data);
  if (lib === 'tfjs') return (await import('./tfjs.js')).tfjsTrainer(layers, batchSize, data);
  if (lib === 'jaxjs') return (await import('./jaxjs.js')).jaxjsTrainer(layers, batchSize, data);
  return (await import('./brainjs.js')).brainjsTrainer(layers, batchSize, data);
}

async function predictor(lib: Lib, layers: Layers): Promise<Predictor> {
  const s = SIMDNN[lib];
  if (s) return simdnnPredictor(s, layers);
  if (lib === 'tfjs') return (await import('./tfjs.js')).tfjsPredictor(layers);
  if (lib === 'jaxjs') return (await import('./jaxjs.js')).jaxjsPredictor(layers);
  return (await import('./brainjs.js')).brainjsPredictor(layers);
}

async function measureTrain(job: Job, task: Extract<Task, { kind: 'train' }>): Promise<Measurement> {
  const { train } = await loadMnist({ trainLimit: job.trainRows, testLimit: 1 });
  const data: TrainData = { x: train.x.data, labels: train.labels, rows: train.x.shape[0], inputs: train.x.shape[1] };
  // brain.js updates per sample: its "step" is one row, so chunks are sized in its own unit.
  const stepRows = job.lib === 'brainjs' ? 1 : task.batchSize;
  const t = await trainer(job.lib, task.layers, stepRows, data);
  try {
    // Warm-up steps double until the timed half of a warm-up lasts CALIBRATE_MS, so the rate that
    // sizes the chunks is measured over enough work (every contender, whatever its speed).
    let steps = 1;
    let rate = 0;
    for (;;) {
      rate = await t.warmUp(steps);
      if ((1000 * steps * stepRows) / rate >= CALIBRATE_MS || steps >= MAX_WARMUP_STEPS) break;
      steps *= 2;
    }
    const chunkSteps = Math.max(2, Math.round((rate * job.seconds) / CHUNKS / stepRows));
    const rates = await t.segment(chunkSteps, job.seconds, 3);
    return { median: median(rates), spreadPct: spreadPct(rates), count: rates.length, loss: t.loss() };
  } finally {
    t.dispose();
  }
}

async function measurePredict(job: Job, task: Exclude<Task, { kind: 'train' }>): Promise<Measurement> {
  const rows = task.kind === 'predict-one' ? 256 : PREDICT_ROWS;
  const { test } = await loadMnist({ trainLimit: 1, testLimit: rows });
  const d = task.layers[0]!;
  const p = await predictor(job.lib, task.layers);
  try {
    return task.kind === 'predict-one'
      ? timeOne(
          p,
          job.lib,
          Array.from({ length: rows }, (_, r) => test.x.data.slice(r * d, (r + 1) * d)),
          job.seconds,
        )
      : timeBatch(p, job.lib, test.x.data.subarray(0, rows * d), rows, job.seconds);
  } finally {
    p.dispose();
  }
}

/** predict-one: warm-up apart from the timed budget (the first calls compile: jax-js jit, TF.js kernels), then µs per call. */
function timeOne(p: Predictor, lib: Lib, list: Float32Array[], seconds: number): Measurement {
  let sink = 0;
  let i = 0;
  const call = () => {
    sink += p.one(list[i++ % list.length]!);
  };
  const warmEnd = now() + PREDICT_WARMUP_MS;
  for (let c = 0; c < PREDICT_WARMUP || now() < warmEnd; c++) call();
  const lat = latency(sampleCalls(call, { warmup: 0, calls: 20_000, maxSeconds: seconds }));
  if (Number.isNaN(sink)) throw new Error(`${lib}: predictions are NaN`);
  return { median: lat.medianUs, spreadPct: (100 * (lat.p90Us - lat.p10Us)) / lat.medianUs, count: lat.calls };
}

/** predict-batch: one untimed call (compilation, buffers), then calls until `seconds` have passed (at least 3); rows/s each. */
function timeBatch(p: Predictor, lib: Lib, x: Float32Array, rows: number, seconds: number): Measurement {
  let sink = p.batch(x, rows);
  const rates: number[] = [];
  const deadline = now() + seconds * 1000;
  while (rates.length < 3 || now() < deadline) {
    const t0 = now();
    sink += p.batch(x, rows);
    rates.push(rows / ((now() - t0) / 1000));
  }
  if (Number.isNaN(sink)) throw new Error(`${lib}: predictions are NaN`);
  return { median: median(rates), spreadPct: spreadPct(rates), count: rates.length };
}

export async function measure(job: Job): Promise<Measurement> {
  try {
    return job.task.kind === 'train' ? await measureTrain(job, job.task) : await measurePredict(job, job.task);
  } catch (e) {
    if (e instanceof ThreadsUnavailable) return { median: NaN, spreadPct: NaN, count: 0, skipped: `n/a: ${e.message}` };
    throw e;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  measure(job).then(
    (m) => {
      process.stdout.write(`${JSON.stringify(m)}\n`);
      process.exit(0); // worker pools (threads) must not keep the process alive
    },
    (e: unknown) => {
      console.error((e as Error).stack ?? String(e));
      process.exit(1);
    },
  );
}
