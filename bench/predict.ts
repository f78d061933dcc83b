/**
 * One-sample predict latency for 784-128-10 (µs per call, median over many calls after warm-up):
 * simdnn wasm (relaxed and baseline builds), simdnn js, and TF.js wasm — each called the way a user
 * calls it: `model.predictOne(row)` returning a Float32Array(10), and for TF.js
 * `tf.tidy(() => model.predict(tf.tensor2d(row, [1, 784])).dataSync())`.
 * The input rows cycle through real MNIST test digits so no branch is trained on one input.
 */
import { dense, init, loadMnist, sequential, sgd } from '../src/index.js';
import { relaxedSimdSupported } from './machine.js';
import { fmt, mdTable, ratio, timeCalls, type Latency } from './stats.js';
import { measureTfjsPredictOne, tfjsInfo } from './tfjs.js';

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

const WARMUP = 500;
const CALLS = 20_000;

async function simdnnPredict(contender: PredictContender, rows: Float32Array[]): Promise<Latency> {
  const backend =
    contender === 'simdnn-js'
      ? await init({ backend: 'js' })
      : await init({ backend: 'wasm', simd: contender === 'simdnn-wasm-relaxed' ? 'relaxed' : 'baseline' });
  const model = sequential(
    [dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })],
    { seed: 1, backend },
  );
  model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }) });
  let i = 0;
  let sink = 0;
  try {
    const lat = timeCalls(
      () => {
        const out = model.predictOne(rows[i++ % rows.length]!);
        sink += out[0]!;
      },
      { warmup: WARMUP, calls: CALLS, maxSeconds: 3 },
    );
    if (!Number.isFinite(sink)) throw new Error(`${contender}: predictOne produced a non-finite output`);
    return lat;
  } finally {
    (model as { dispose?: () => void }).dispose?.();
  }
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
  for (const c of contenders) {
    if (c === 'simdnn-wasm-relaxed' && !relaxedSimdSupported()) {
      runs.push({ contender: c, skipped: 'engine does not validate relaxed SIMD' });
      log(`  predict ${c}: skipped (relaxed SIMD does not validate)`);
      continue;
    }
    let latency: Latency;
    if (c === 'tfjs-wasm') {
      // Single-sample calls to TF.js are ~100× slower; fewer calls give the same confidence.
      latency = await measureTfjsPredictOne(rows[0], { warmup: 300, calls: 3000, maxSeconds: 3 });
    } else {
      latency = await simdnnPredict(c, rows);
    }
    runs.push({ contender: c, latency });
    log(`  predict ${c}: ${latency.medianUs.toFixed(2)} µs median (p10 ${latency.p10Us.toFixed(2)}, p90 ${latency.p90Us.toFixed(2)}, ${latency.calls} calls)`);
  }

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
    '### One-sample predict latency (target ≤ 10 µs)',
    '',
    table,
    '',
    `Each call timed on its own (performance.now) after ${WARMUP} untimed calls; simdnn inputs cycle through 256 MNIST test digits.${peer}`,
  ].join('\n');
  return { runs, markdown };
}
