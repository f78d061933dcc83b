/**
 * MNIST 784-128-10 training throughput (samples/s), side by side in one process:
 * simdnn wasm (relaxed-SIMD build when the engine validates it, and the baseline SIMD build),
 * simdnn js (the pure-TypeScript backend), and TensorFlow.js on its wasm backend (two training styles,
 * see bench/tfjs.ts), at batch 32 and 128. Same network, loss and optimizer everywhere:
 * ReLU hidden layer, softmax output, categorical cross-entropy, SGD lr 0.1 momentum 0.9, shuffling.
 *
 * simdnn method: one untimed warm-up fit (1 epoch on a small subset), then ONE timed `fit` over the
 * subset (as many epochs as the time budget needs) with `onBatchEnd` timestamps; the batches are cut
 * into chunks of equal size and the median chunk rate is reported. This times the steady-state
 * training step (shuffle, gather, forward, loss, backward, update, callback) and leaves out the
 * per-`fit` setup, which is also reported (end-to-end rate over the whole call) for honesty.
 */
import { init, sequential, dense, sgd, loadMnist } from '../src/index.js';
import { relaxedSimdSupported } from './machine.js';
import { fmt, mdTable, now, ratio, throughput, type Throughput } from './stats.js';
import { PEER_MODE_NOTE, measureTfjsTrain, tfjsInfo, type Matrix, type TfjsTrainMode } from './tfjs.js';

export type Contender = 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js' | 'tfjs-wasm-fit' | 'tfjs-wasm-loop';

export interface MnistRun extends Throughput {
  contender: Contender;
  batchSize: number;
  /** simdnn: samples / wall time of the whole timed fit() call, setup included. */
  endToEnd?: number;
  finalLoss?: number;
  skipped?: string;
}

export interface MnistBenchOptions {
  batchSizes?: number[];
  /** Timed seconds per contender and batch size. Default 3. */
  seconds?: number;
  /** Training rows used (the first n of the MNIST training set). Default 10,000. */
  subset?: number;
  /** Which contenders to run. Default: all. */
  contenders?: Contender[];
  log?: (line: string) => void;
}

export interface MnistBenchResult {
  runs: MnistRun[];
  markdown: string;
}

const CHUNKS = 8;

async function simdnnBackend(contender: Contender) {
  if (contender === 'simdnn-js') return init({ backend: 'js' });
  return init({ backend: 'wasm', simd: contender === 'simdnn-wasm-relaxed' ? 'relaxed' : 'baseline' });
}

/** simdnn training throughput for one backend and batch size (see the module comment for the method). */
async function measureSimdnn(contender: Contender, x: Matrix, labels: Int32Array, batchSize: number, seconds: number): Promise<MnistRun> {
  const backend = await simdnnBackend(contender);
  const model = sequential(
    [dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })],
    { seed: 1, backend },
  );
  model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), metrics: ['accuracy'] });
  const n = x.shape[0]!;
  const d = x.shape[1]!;
  try {
    // Warm-up: one untimed epoch on a small slice (tiers up every kernel, plans the buffers).
    const warmRows = Math.min(n, Math.max(batchSize * 16, 2048));
    const wx = { data: x.data.subarray(0, warmRows * d), shape: [warmRows, d] as [number, number] };
    const t0 = now();
    await model.fit(wx, labels.subarray(0, warmRows), { epochs: 1, batchSize, shuffle: true, seed: 1, yieldEvery: 'never' });
    const warmRate = warmRows / ((now() - t0) / 1000);

    // One timed fit, long enough for the budget (first estimate from the warm-up, which is pessimistic).
    const stepsPerEpoch = Math.floor(n / batchSize);
    const epochs = Math.max(1, Math.ceil((warmRate * seconds * 1.2) / (stepsPerEpoch * batchSize)));
    const stamps: number[] = [];
    const sizes: number[] = [];
    let finalLoss = NaN;
    const tFit = now();
    stamps.push(tFit);
    await model.fit({ data: x.data, shape: [n, d] }, labels, {
      epochs,
      batchSize,
      shuffle: true,
      seed: 1,
      yieldEvery: 'never',
      callbacks: {
        onBatchEnd(_batch: number, logs?: { loss?: number; size?: number }) {
          stamps.push(now());
          sizes.push(logs?.size ?? batchSize);
          if (logs?.loss !== undefined) finalLoss = logs.loss;
        },
      },
    });
    const fitSeconds = (now() - tFit) / 1000;
    // Chunks of equal batch count; a batch's interval runs from the previous batch end (or the fit
    // start) to its own end, so epoch-boundary work (the shuffle) lands in the chunk that pays it.
    const batches = sizes.length;
    const per = Math.max(1, Math.floor(batches / CHUNKS));
    const rates: number[] = [];
    for (let c = 0; c + per <= batches; c += per) {
      let samples = 0;
      for (let i = c; i < c + per; i++) samples += sizes[i]!;
      rates.push(samples / ((stamps[c + per]! - stamps[c]!) / 1000));
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    return { contender, batchSize, ...throughput(rates), endToEnd: total / fitSeconds, finalLoss };
  } finally {
    (model as { dispose?: () => void }).dispose?.();
  }
}

const LABEL: Record<Contender, string> = {
  'simdnn-wasm-relaxed': 'simdnn wasm (relaxed SIMD, FMA)',
  'simdnn-wasm': 'simdnn wasm (baseline SIMD)',
  'simdnn-js': 'simdnn js (pure TypeScript)',
  'tfjs-wasm-fit': 'TF.js wasm, model.fit',
  'tfjs-wasm-loop': 'TF.js wasm, optimizer.minimize loop',
};

export const ALL_CONTENDERS: Contender[] = ['simdnn-wasm-relaxed', 'simdnn-wasm', 'simdnn-js', 'tfjs-wasm-fit', 'tfjs-wasm-loop'];

export async function benchMnist(opts: MnistBenchOptions = {}): Promise<MnistBenchResult> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const batchSizes = opts.batchSizes ?? [32, 128];
  const seconds = opts.seconds ?? 3;
  const contenders = opts.contenders ?? ALL_CONTENDERS;

  const { train } = await loadMnist();
  const n = Math.min(opts.subset ?? 10_000, train.x.shape[0]);
  const x: Matrix = { data: train.x.data.subarray(0, n * 784), shape: [n, 784] };
  const labels = train.labels.subarray(0, n);
  const relaxedOk = relaxedSimdSupported();

  const runs: MnistRun[] = [];
  for (const batchSize of batchSizes) {
    for (const c of contenders) {
      if (c === 'simdnn-wasm-relaxed' && !relaxedOk) {
        runs.push({ contender: c, batchSize, median: NaN, chunks: [], spreadPct: NaN, skipped: 'engine does not validate relaxed SIMD' });
        log(`  mnist b=${batchSize} ${c}: skipped (relaxed SIMD does not validate; run node with --experimental-wasm-relaxed-simd)`);
        continue;
      }
      let run: MnistRun;
      if (c.startsWith('tfjs')) {
        const mode: TfjsTrainMode = c === 'tfjs-wasm-fit' ? 'fit' : 'loop';
        const r = await measureTfjsTrain(x, labels, batchSize, seconds, { mode });
        run = { contender: c, batchSize, median: r.median, chunks: r.chunks, spreadPct: r.spreadPct, finalLoss: r.finalLoss };
      } else {
        run = await measureSimdnn(c, x, labels, batchSize, seconds);
      }
      runs.push(run);
      log(
        `  mnist b=${batchSize} ${c}: ${fmt(run.median)} samples/s (±${fmt(run.spreadPct, 0)} % p10–p90, ${run.chunks.length} chunks` +
          (run.endToEnd ? `, end-to-end ${fmt(run.endToEnd)}` : '') +
          `, loss ${run.finalLoss?.toFixed(3)})`,
      );
    }
  }
  return { runs, markdown: await mnistMarkdown(runs, batchSizes, n) };
}

function get(runs: MnistRun[], c: Contender, b: number): number {
  return runs.find((r) => r.contender === c && r.batchSize === b && !r.skipped)?.median ?? NaN;
}

/** The best of several contenders (e.g. TF.js's two training styles) at one batch size. */
function best(runs: MnistRun[], b: number, cs: Contender[]): number {
  const v = cs.map((c) => get(runs, c, b)).filter(Number.isFinite);
  return v.length ? Math.max(...v) : NaN;
}

async function mnistMarkdown(runs: MnistRun[], batchSizes: number[], n: number): Promise<string> {
  const present = ALL_CONTENDERS.filter((c) => runs.some((r) => r.contender === c));
  const header = ['784-128-10, samples/s (median)', ...batchSizes.map((b) => `batch ${b}`)];
  const rows = present.map((c) => [
    LABEL[c],
    ...batchSizes.map((b) => {
      const r = runs.find((x) => x.contender === c && x.batchSize === b);
      if (!r) return '—';
      if (r.skipped) return `skipped (${r.skipped})`;
      return `${fmt(r.median)} <sub>±${fmt(r.spreadPct)} %</sub>`;
    }),
  ]);
  const tfjs = (b: number) => best(runs, b, ['tfjs-wasm-fit', 'tfjs-wasm-loop']);
  const ratioRows: string[][] = [
    ['simdnn-wasm baseline / TF.js-wasm (target ≥ 8×)', ...batchSizes.map((b) => ratio(get(runs, 'simdnn-wasm', b), tfjs(b)))],
    ['simdnn-wasm relaxed / TF.js-wasm', ...batchSizes.map((b) => ratio(get(runs, 'simdnn-wasm-relaxed', b), tfjs(b)))],
    ['simdnn-wasm baseline / simdnn-js', ...batchSizes.map((b) => ratio(get(runs, 'simdnn-wasm', b), get(runs, 'simdnn-js', b)))],
    ['simdnn-wasm relaxed / baseline', ...batchSizes.map((b) => ratio(get(runs, 'simdnn-wasm-relaxed', b), get(runs, 'simdnn-wasm', b), 2))],
  ];
  const e2e = runs
    .filter((r) => r.endToEnd)
    .map((r) => `${r.contender} b${r.batchSize} ${fmt(r.endToEnd!)}`)
    .join(', ');
  let peer = '';
  if (runs.some((r) => r.contender.startsWith('tfjs') && !r.skipped)) peer = await tfjsInfo();
  return [
    `### MNIST training throughput (${fmt(n)} training rows, 784-128-10 ReLU/softmax, cross-entropy, SGD 0.1 + momentum 0.9)`,
    '',
    mdTable(header, rows),
    '',
    mdTable(['ratio', ...batchSizes.map((b) => `batch ${b}`)], ratioRows),
    '',
    `Medians over timed chunks (simdnn: ${CHUNKS} per timed fit, TF.js: ≥ 5) after an untimed warm-up; ± is the p10–p90 spread of the chunks as a % of the median. ` +
      PEER_MODE_NOTE +
      (peer ? ` Peer: ${peer}.` : '') +
      (e2e ? ` simdnn end-to-end fit() rates, setup included: ${e2e}.` : ''),
  ].join('\n');
}
