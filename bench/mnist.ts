/**
 * MNIST 784-128-10 training throughput (samples/s), side by side in one process:
 * simdnn wasm (relaxed-SIMD build when the engine validates it, and the baseline SIMD build),
 * simdnn js (the pure-TypeScript backend), and TensorFlow.js on its wasm backend (two training styles,
 * see bench/tfjs.ts), at batch 32 and 128. Same network, loss and optimizer everywhere:
 * ReLU hidden layer, softmax output, categorical cross-entropy, SGD lr 0.1 momentum 0.9, shuffling.
 *
 * Method, per batch size: every contender is built and warmed up (untimed), then they take turns in
 * ROUNDS round-robin rounds (the order rotates each round), each turn a timed segment of
 * seconds/ROUNDS. Interleaving spreads whatever else the machine is doing over all contenders
 * alike. A turn is cut into chunks of equal batch count; the table quotes the median chunk rate over
 * all rounds, with the p10–p90 spread of the chunks as a noise flag.
 *
 * simdnn turn: one `fit` call (enough epochs, stopped via `model.stopTraining` once the turn's time
 * is up) timed by `onTrainBegin`/`onBatchEnd` timestamps. This is the steady-state training step —
 * shuffle, gather, forward, loss, backward, update, accuracy count, callback — without the per-`fit`
 * setup (copying x into the heap, planning), which is reported separately as the end-to-end rate
 * (samples / wall time of the whole fit calls).
 */
import { init, sequential, dense, sgd, loadMnist, type Sequential } from '../src/index.js';
import { relaxedSimdSupported } from './machine.js';
import { fmt, mdTable, now, ratio, throughput, type Throughput } from './stats.js';
import { PEER_MODE_NOTE, createTfjsTrainer, tfjsInfo, type Matrix, type Segment } from './tfjs.js';

export type Contender = 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js' | 'tfjs-wasm-fit' | 'tfjs-wasm-loop';

export interface MnistRun extends Throughput {
  contender: Contender;
  batchSize: number;
  /** simdnn: samples / wall time of the timed fit() calls, setup included. */
  endToEnd?: number;
  finalLoss?: number;
  skipped?: string;
}

export interface MnistBenchOptions {
  batchSizes?: number[];
  /** Timed seconds per contender and batch size (split over the rounds). Default 3. */
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

const ROUNDS = 3;
/** Chunks per turn aimed for (at least 2 are always timed). */
const CHUNKS_PER_TURN = 3;

interface Trainer {
  warmUp(targetChunkSeconds: number): Promise<void>;
  segment(seconds: number, minChunks: number): Promise<Segment & { samples?: number; wallSeconds?: number }>;
  dispose(): void;
}

/**
 * The benchmarked network on a contender's own backend: 784-128-10 ReLU/softmax, cross-entropy,
 * SGD lr 0.1 momentum 0.9, seed 1 (shared with bench/predict.ts).
 */
export async function simdnnMnistNet(contender: 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js'): Promise<Sequential> {
  const backend =
    contender === 'simdnn-js'
      ? await init({ backend: 'js' })
      : await init({ backend: 'wasm', simd: contender === 'simdnn-wasm-relaxed' ? 'relaxed' : 'baseline' });
  const model = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], {
    seed: 1,
    backend,
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), metrics: ['accuracy'] });
  return model;
}

/** A simdnn model on its own backend, kept alive across turns. */
async function createSimdnnTrainer(contender: Contender, x: Matrix, labels: Int32Array, batchSize: number): Promise<Trainer> {
  const model = await simdnnMnistNet(contender as 'simdnn-wasm-relaxed' | 'simdnn-wasm' | 'simdnn-js');
  const n = x.shape[0]!;
  const d = x.shape[1]!;
  let rate = 1000; // samples/s, refined by warmUp and every turn
  let chunkBatches = 8;
  let seed = 1;

  return {
    async warmUp(targetChunkSeconds) {
      // One untimed epoch on a slice: tiers up every kernel and the JS around them, plans buffers.
      const rows = Math.min(n, Math.max(batchSize * 16, 2048));
      const t0 = now();
      await model.fit({ data: x.data.subarray(0, rows * d), shape: [rows, d] }, labels.subarray(0, rows), {
        epochs: 1,
        batchSize,
        shuffle: true,
        seed: seed++,
        yieldEvery: 'never',
      });
      rate = rows / ((now() - t0) / 1000);
      chunkBatches = Math.max(4, Math.round((rate * targetChunkSeconds) / batchSize));
    },
    async segment(seconds, minChunks) {
      const stamps: number[] = [];
      const sizes: number[] = [];
      let finalLoss = NaN;
      const minBatches = minChunks * chunkBatches;
      const epochs = Math.max(1, Math.ceil((2 * Math.max(minBatches * batchSize, rate * seconds)) / n));
      const tFit = now();
      const deadline = tFit + seconds * 1000;
      await model.fit({ data: x.data, shape: [n, d] }, labels, {
        epochs,
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
            finalLoss = logs.loss;
            if (sizes.length >= minBatches && sizes.length % chunkBatches === 0 && t >= deadline) model.stopTraining = true;
          },
        },
      });
      const wallSeconds = (now() - tFit) / 1000;
      // A batch's interval runs from the previous batch end (or the start of training) to its own
      // end, so epoch-boundary work (the shuffle) lands in the chunk that pays for it.
      const rates: number[] = [];
      for (let c = 0; c + chunkBatches <= sizes.length; c += chunkBatches) {
        let samples = 0;
        for (let i = c; i < c + chunkBatches; i++) samples += sizes[i]!;
        rates.push(samples / ((stamps[c + chunkBatches]! - stamps[c]!) / 1000));
      }
      const samples = sizes.reduce((a, b) => a + b, 0);
      rate = samples / ((stamps[stamps.length - 1]! - stamps[0]!) / 1000);
      return { rates, finalLoss, samples, wallSeconds };
    },
    dispose() {
      model.dispose();
    },
  };
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
  const turnSeconds = seconds / ROUNDS;
  for (const batchSize of batchSizes) {
    const active: { c: Contender; t: Trainer }[] = [];
    try {
      for (const c of contenders) {
        if (c === 'simdnn-wasm-relaxed' && !relaxedOk) {
          runs.push({ contender: c, batchSize, median: NaN, chunks: [], spreadPct: NaN, skipped: 'engine does not validate relaxed SIMD' });
          log(`  mnist b=${batchSize} ${c}: skipped (relaxed SIMD does not validate; run node with --experimental-wasm-relaxed-simd)`);
          continue;
        }
        const t: Trainer = c.startsWith('tfjs')
          ? await createTfjsTrainer(x, labels, batchSize, { mode: c === 'tfjs-wasm-fit' ? 'fit' : 'loop' })
          : await createSimdnnTrainer(c, x, labels, batchSize);
        await t.warmUp(turnSeconds / CHUNKS_PER_TURN);
        active.push({ c, t });
      }
      const acc = new Map<Contender, { rates: number[]; samples: number; wall: number; loss: number }>();
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < active.length; i++) {
          const { c, t } = active[(i + r) % active.length]!; // rotate the order each round
          const seg = await t.segment(turnSeconds, 2);
          const a = acc.get(c) ?? { rates: [], samples: 0, wall: 0, loss: NaN };
          a.rates.push(...seg.rates);
          a.samples += seg.samples ?? 0;
          a.wall += seg.wallSeconds ?? 0;
          a.loss = seg.finalLoss;
          acc.set(c, a);
        }
      }
      for (const { c } of active) {
        const a = acc.get(c)!;
        const run: MnistRun = { contender: c, batchSize, ...throughput(a.rates), finalLoss: a.loss };
        if (a.wall > 0) run.endToEnd = a.samples / a.wall;
        runs.push(run);
        log(
          `  mnist b=${batchSize} ${c}: ${fmt(run.median)} samples/s (±${fmt(run.spreadPct, 0)} % p10–p90, ${run.chunks.length} chunks` +
            (run.endToEnd ? `, end-to-end ${fmt(run.endToEnd)}` : '') +
            `, loss ${run.finalLoss?.toFixed(3)})`,
        );
      }
    } finally {
      for (const { t } of active) t.dispose();
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
    [
      'simdnn-wasm relaxed / baseline',
      ...batchSizes.map((b) => ratio(get(runs, 'simdnn-wasm-relaxed', b), get(runs, 'simdnn-wasm', b), 2)),
    ],
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
    `Contenders built and warmed up untimed, then timed in ${ROUNDS} interleaved rounds (rotating order); medians over all timed chunks; ± is the p10–p90 spread of the chunks as a % of the median. ` +
      PEER_MODE_NOTE +
      (peer ? ` Peer: ${peer}.` : '') +
      (e2e ? ` simdnn end-to-end fit() rates, setup included: ${e2e}.` : ''),
  ].join('\n');
}
