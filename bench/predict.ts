/**
 * One-sample predict latency for 784-128-10 (µs per call, median over many calls after warm-up):
 * simdnn wasm (relaxed and baseline builds), simdnn js, and TF.js wasm — each called the way a user
 * calls it: `model.predictOne(row)` returning a Float32Array(10), and for TF.js
 * `tf.tidy(() => model.predict(tf.tensor2d(row, [1, 784])).dataSync())`.
 *
 * All predictors are built and warmed up first, then timed in ROUNDS interleaved rounds (rotating
 * order), each call timed on its own; the samples of all rounds are pooled. simdnn's inputs cycle
 * through real MNIST test digits.
 */
import { loadMnist } from '../src/index.js';
import { simdnnMnistNet } from './mnist.js';
import { relaxedSimdSupported } from './machine.js';
import { fmt, latency, mdTable, median, now, quantile, ratio, sampleCalls, type Latency } from './stats.js';
import { createTfjsBatchPredictor, createTfjsPredictor, tfjsInfo, type Predictor } from './tfjs.js';

export type PredictContender = 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js' | 'tfjs-wasm';
export const ALL_PREDICT: PredictContender[] = ['simdnn-wasm-relaxed', 'simdnn-wasm', 'simdnn-js', 'tfjs-wasm'];

export interface PredictRun {
  contender: PredictContender;
  latency?: Latency;
  skipped?: string;
}

const LABEL: Record<PredictContender, string> = {
  'simdnn-wasm-relaxed': 'simdnn wasm (relaxed SIMD)',
  'simdnn-wasm': 'simdnn wasm (baseline SIMD)',
  'simdnn-js': 'simdnn js (pure TypeScript)',
  'tfjs-wasm': 'TF.js wasm (tidy + predict + dataSync)',
};

const ROUNDS = 3;
const WARMUP = 500;
/** Timed calls per round (fewer when a round's time budget runs out first). */
const CALLS_PER_ROUND = 7000;
const SECONDS_PER_ROUND = 1;

async function createSimdnnPredictor(contender: PredictContender, rows: Float32Array[]): Promise<Predictor> {
  const model = await simdnnMnistNet(contender as 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js');
  let i = 0;
  let sink = 0;
  return {
    call() {
      const out = model.predictOne(rows[i++ % rows.length]!);
      sink += out[0]!;
      if (Number.isNaN(sink)) throw new Error(`${contender}: predictOne produced NaN`);
    },
    dispose() {
      model.dispose();
    },
  };
}

export async function benchPredict(
  opts: { contenders?: PredictContender[]; log?: (s: string) => void } = {},
): Promise<{ runs: PredictRun[]; markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const contenders = opts.contenders ?? ALL_PREDICT;
  const { test } = await loadMnist({ testLimit: 256, trainLimit: 1 });
  const rows: Float32Array[] = [];
  for (let r = 0; r < test.x.shape[0]; r++) rows.push(test.x.data.slice(r * 784, (r + 1) * 784));

  const runs: PredictRun[] = [];
  const active: { c: PredictContender; p: Predictor; samples: number[] }[] = [];
  try {
    for (const c of contenders) {
      if (c === 'simdnn-wasm-relaxed' && !relaxedSimdSupported()) {
        runs.push({ contender: c, skipped: 'engine does not validate relaxed SIMD' });
        log(`  predict ${c}: skipped (relaxed SIMD does not validate)`);
        continue;
      }
      const p = c === 'tfjs-wasm' ? await createTfjsPredictor(rows[0]) : await createSimdnnPredictor(c, rows);
      for (let i = 0; i < WARMUP; i++) p.call();
      active.push({ c, p, samples: [] });
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < active.length; i++) {
        const a = active[(i + r) % active.length]!;
        a.samples.push(...sampleCalls(() => a.p.call(), { warmup: 20, calls: CALLS_PER_ROUND, maxSeconds: SECONDS_PER_ROUND }));
      }
    }
  } finally {
    for (const a of active) a.p.dispose();
  }
  for (const c of contenders) {
    const a = active.find((x) => x.c === c);
    if (!a) continue;
    const lat = latency(a.samples);
    runs.push({ contender: c, latency: lat });
    log(
      `  predict ${c}: ${lat.medianUs.toFixed(2)} µs median (p10 ${lat.p10Us.toFixed(2)}, p90 ${lat.p90Us.toFixed(2)}, ${lat.calls} calls)`,
    );
  }
  runs.sort((x, y) => contenders.indexOf(x.contender) - contenders.indexOf(y.contender));

  const med = (c: PredictContender) => runs.find((r) => r.contender === c)?.latency?.medianUs ?? NaN;
  const table = mdTable(
    ['one-sample predict, 784-128-10', 'median µs', 'p10–p90 µs', 'calls', 'TF.js-wasm / this'],
    runs.map((r) =>
      r.latency
        ? [
            LABEL[r.contender],
            fmt(r.latency.medianUs, 2),
            `${fmt(r.latency.p10Us, 2)}–${fmt(r.latency.p90Us, 2)}`,
            fmt(r.latency.calls),
            ratio(med('tfjs-wasm'), r.latency.medianUs),
          ]
        : [LABEL[r.contender], `skipped (${r.skipped})`, '', '', ''],
    ),
  );
  const peer = runs.some((r) => r.contender === 'tfjs-wasm' && r.latency) ? ` Peer: ${await tfjsInfo()}.` : '';
  const markdown = [
    '### One-sample predict latency (targets: ≤ 7 µs baseline, ≤ 6 µs relaxed)',
    '',
    table,
    '',
    `Each call timed on its own (performance.now) after ${WARMUP} untimed calls, in ${ROUNDS} interleaved rounds ` +
      `(rotating order, samples pooled); simdnn inputs cycle through 256 MNIST test digits.${peer}`,
  ].join('\n');
  return { runs, markdown };
}

// ---------------------------------------------------------------------------------------- batch

/** Rows of the batch-predict benchmark (the MNIST test set). */
export const BATCH_ROWS = 10_000;
/** Rows per chunk of simdnn's predict (its default). */
const BATCH_CHUNK = 256;
/** Timed whole-set predictions per contender per round. */
const BATCH_CALLS_PER_ROUND = 3;

export interface PredictBatchRun {
  contender: PredictContender;
  /** Median samples/s over every timed call. */
  samplesPerSecond?: number;
  p10?: number;
  p90?: number;
  calls?: number;
  skipped?: string;
}

/**
 * `predict` of 10,000 MNIST test rows through 784-128-10 (samples/s): simdnn wasm (relaxed and
 * baseline builds) `model.predict({ data, shape: [10000, 784] })` and TF.js wasm
 * `model.predict(tf.tensor2d(x), { batchSize: 10000 }).dataSync()` (its fastest batch size), each whole call timed (validation,
 * copies in and out included), one untimed call first, ROUNDS interleaved rounds of
 * BATCH_CALLS_PER_ROUND calls. The pure-JS backend is left out (tens of seconds per call).
 */
export async function benchPredictBatch(
  opts: { contenders?: PredictContender[]; log?: (s: string) => void; rounds?: number } = {},
): Promise<{ runs: PredictBatchRun[]; markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const contenders: PredictContender[] = (opts.contenders ?? ALL_PREDICT).filter((c) => c !== 'simdnn-js');
  const rounds = opts.rounds ?? ROUNDS;
  const { test } = await loadMnist({ testLimit: BATCH_ROWS, trainLimit: 1 });
  const rows = test.x.shape[0];
  const x = test.x.data.subarray(0, rows * 784);
  const runs: PredictBatchRun[] = [];
  const active: { c: PredictContender; p: Predictor; rates: number[] }[] = [];
  try {
    for (const c of contenders) {
      if (c === 'simdnn-wasm-relaxed' && !relaxedSimdSupported()) {
        runs.push({ contender: c, skipped: 'engine does not validate relaxed SIMD' });
        continue;
      }
      let p: Predictor;
      // TF.js gets its fastest setting, one batch of every row (at 256 rows a batch it is ~20× slower).
      if (c === 'tfjs-wasm') p = await createTfjsBatchPredictor(x, rows, rows);
      else {
        const model = await simdnnMnistNet(c as 'simdnn-wasm-relaxed' | 'simdnn-wasm');
        let sink = 0;
        p = {
          call() {
            sink += model.predict({ data: x, shape: [rows, 784] }, { batchSize: BATCH_CHUNK }).data[0]!;
            if (Number.isNaN(sink)) throw new Error(`${c}: predict produced NaN`);
          },
          dispose: () => model.dispose(),
        };
      }
      p.call();
      active.push({ c, p, rates: [] });
    }
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < active.length; i++) {
        const a = active[(i + r) % active.length]!;
        for (let j = 0; j < BATCH_CALLS_PER_ROUND; j++) {
          const t0 = now();
          a.p.call();
          a.rates.push(rows / ((now() - t0) / 1000));
        }
      }
    }
  } finally {
    for (const a of active) a.p.dispose();
  }
  for (const a of active) {
    const run: PredictBatchRun = {
      contender: a.c,
      samplesPerSecond: median(a.rates),
      p10: quantile(a.rates, 0.1),
      p90: quantile(a.rates, 0.9),
      calls: a.rates.length,
    };
    runs.push(run);
    log(`  predict ${rows} rows ${a.c}: ${fmt(run.samplesPerSecond!)} samples/s median (${run.calls} calls)`);
  }
  runs.sort((p, q) => contenders.indexOf(p.contender) - contenders.indexOf(q.contender));
  const tf = runs.find((r) => r.contender === 'tfjs-wasm')?.samplesPerSecond ?? Number.NaN;
  const table = mdTable(
    [`predict ${fmt(rows)} rows, 784-128-10`, 'median samples/s', 'p10–p90', 'calls', 'this / TF.js-wasm'],
    runs.map((r) =>
      r.samplesPerSecond !== undefined
        ? [LABEL[r.contender], fmt(r.samplesPerSecond), `${fmt(r.p10!)}–${fmt(r.p90!)}`, fmt(r.calls!), ratio(r.samplesPerSecond, tf)]
        : [LABEL[r.contender], `skipped (${r.skipped})`, '', '', ''],
    ),
  );
  const markdown = [
    '### Batch predict throughput (target ≥ 140k samples/s on one core)',
    '',
    table,
    '',
    `Each call predicts all ${fmt(rows)} MNIST test rows (validation and copies included): simdnn in chunks of ` +
      `${BATCH_CHUNK} rows, TF.js as one batch (its fastest; with batchSize 256 it is ~20× slower), ` +
      `after one untimed call; ${rounds} interleaved rounds of ${BATCH_CALLS_PER_ROUND} calls.`,
  ].join('\n');
  return { runs, markdown };
}
