/**
 * `npm run bench -- threads`: one thread against more (init({ threads })), in one run, for
 * GEMM 512³, training 784-512-256-10 (batch 128) and 784-128-10 (batch 128 and 32), predicting
 * 10,000 rows with 784-128-10 and 784-512-256-10, and a
 * Levenberg–Marquardt epoch (its JᵀJ rank-k updates and Cholesky factorizations split by rows), on
 * the baseline and the relaxed build. Thread counts: 1, 2 and, where the machine has more cores, up to
 * 4. Each round times every work on every build and thread count (rounds rounds), so that each
 * cell's rounds spread over the whole run and a busy period hits many cells once rather than a few
 * cells in every round; each cell is the median over rounds. The ratio against one thread is each
 * round's own (its cells timed back to back, so that both saw the host alike): their median, and
 * their range — on a 2-core VM whose second core the host lends out at times, the range shows how
 * much; the ratio of the cells' medians follows (it pairs medians from different rounds, which a
 * spell can skew). Inputs are synthetic (throughput does not depend on the values).
 */
import { availableParallelism } from 'node:os';
import { type Backend, type Sequential, adam, dense, init, levenbergMarquardt, sequential } from '../src/index.js';
import { median, now } from './stats.js';

export interface ThreadsBenchOptions {
  log?: (s: string) => void;
  /** Seconds timed per cell and round. Default 1. */
  seconds?: number;
  /** Rounds (each thread count once per round). Default 5: the median of five shrugs off two rounds the host disturbed. */
  rounds?: number;
}

interface Work {
  name: string;
  unit: string;
  /** Sets up on a backend; returns a function that runs one timed chunk and returns units done. */
  setup(b: Backend): Promise<() => number | Promise<number>>;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function gemm512(): Work {
  const n = 512;
  return {
    name: 'GEMM 512³ (nn)',
    unit: 'GFLOP/s',
    async setup(b) {
      const [A, B, C] = [b.heap.allocF32(n * n), b.heap.allocF32(n * n), b.heap.allocF32(n * n)];
      const r = rng(1);
      const f = b.heap.f32;
      for (let i = 0; i < n * n; i++) {
        f[(A >>> 2) + i] = r() - 0.5;
        f[(B >>> 2) + i] = r() - 0.5;
      }
      return () => {
        b.k.gemm_nn_f32(A, B, C, n, n, n, 0, 0, b.ws);
        return (2 * n * n * n) / 1e9;
      };
    },
  };
}

/** 784-hidden…-10: ReLU hidden layers, a softmax output, compiled with adam and cross-entropy. */
function classifier(hidden: number[], b: Backend): Sequential {
  const layers = [
    ...hidden.map((units, i) => dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
    dense({ units: 10, activation: 'softmax' }),
  ];
  const m = sequential(layers, { seed: 1, backend: b });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: 1e-3 }) });
  return m;
}

/** `rows` synthetic 784-wide inputs in [0, 1) (throughput does not depend on the values). */
function inputs(rows: number, seed: number): { data: Float32Array; shape: [number, number] } {
  const r = rng(seed);
  return { data: Float32Array.from({ length: rows * 784 }, () => r()), shape: [rows, 784] };
}

function training(hidden: number[], batch: number): Work {
  const rows = batch * 16;
  return {
    name: `train 784-${hidden.join('-')}-10, batch ${batch}`,
    unit: 'samples/s',
    async setup(b) {
      const m = classifier(hidden, b);
      const x = inputs(rows, 2);
      const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
      await m.fit(x, y, { epochs: 1, batchSize: batch, yieldEvery: 'never' });
      // One chunk = one epoch of 16 batches (its shuffle included, as in real training).
      return async () => {
        await m.fit(x, y, { epochs: 1, batchSize: batch, shuffle: true, yieldEvery: 'never' });
        return rows;
      };
    },
  };
}

/**
 * `predict` of PREDICT_ROWS rows (its chunks of DEFAULT_PREDICT_BATCH_SIZE rows, each chunk's
 * products split like any GEMM): the batch-inference throughput issue 10 asks to scale with threads.
 */
const PREDICT_ROWS = 10_000;

function predicting(hidden: number[]): Work {
  return {
    name: `predict ${PREDICT_ROWS.toLocaleString('en-US')} rows, 784-${hidden.join('-')}-10`,
    unit: 'samples/s',
    async setup(b) {
      const m = classifier(hidden, b);
      const x = inputs(PREDICT_ROWS, 3);
      return () => {
        m.predict(x);
        return PREDICT_ROWS;
      };
    },
  };
}

/** LM_INPUTS-32-16-LM_OUTPUTS tanh regression: (16·32+32) + (32·16+16) + (16·2+2) = 1,106 parameters. */
const LM_INPUTS = 16;
const LM_OUTPUTS = 2;
const LM_ROWS = 400;

/**
 * One full-batch Levenberg–Marquardt epoch from the same weights each time (so every chunk does the
 * same work: JᵀJ over 400 rows × 1,106² per output, then Cholesky factorizations of 1,106² until a
 * damped step lowers the loss).
 */
function lmEpoch(): Work {
  return {
    name: `Levenberg–Marquardt epoch, ${LM_INPUTS}-32-16-${LM_OUTPUTS} (1,106 weights), ${LM_ROWS} rows`,
    unit: 'epochs/s',
    async setup(b) {
      const m = sequential(
        [
          dense({ units: 32, activation: 'tanh', inputShape: [LM_INPUTS] }),
          dense({ units: 16, activation: 'tanh' }),
          dense({ units: LM_OUTPUTS }),
        ],
        { seed: 1, backend: b },
      );
      m.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
      const r = rng(3);
      const x = {
        data: Float32Array.from({ length: LM_ROWS * LM_INPUTS }, () => r() * 2 - 1),
        shape: [LM_ROWS, LM_INPUTS] as [number, number],
      };
      const y = {
        data: Float32Array.from({ length: LM_ROWS * LM_OUTPUTS }, () => r() - 0.5),
        shape: [LM_ROWS, LM_OUTPUTS] as [number, number],
      };
      const w0 = m.getFlatWeights();
      return async () => {
        m.setFlatWeights(w0);
        await m.fit(x, y, { epochs: 1, yieldEvery: 'never' });
        return 1;
      };
    },
  };
}

/** Runs `chunk` repeatedly for `seconds`; returns units per second. */
async function rate(chunk: () => number | Promise<number>, seconds: number): Promise<number> {
  let units = 0;
  const t0 = now();
  let t = t0;
  do {
    units += await chunk();
    t = now();
  } while (t - t0 < seconds * 1000);
  return units / ((t - t0) / 1000);
}

export async function benchThreads(opts: ThreadsBenchOptions = {}): Promise<{ markdown: string }> {
  const log = opts.log ?? (() => {});
  const seconds = opts.seconds ?? 1;
  const rounds = opts.rounds ?? 5;
  const cores = availableParallelism();
  const counts = [1, 2, ...[3, 4].filter((t) => t <= cores)];
  const works = [
    gemm512(),
    training([512, 256], 128),
    training([128], 128),
    training([128], 32),
    predicting([128]),
    predicting([512, 256]),
    lmEpoch(),
  ];
  const lines = [
    `Threads 1 vs ${counts.slice(1).join(', ')} (${cores} cores available); median of ${rounds} rounds of ${seconds} s each, every work, build and thread count in each round; ratio = against 1 thread, each round's own.`,
    '',
    `| work | build | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' | ')} | ${counts
      .slice(1)
      .map((t) => `${t}/1 (rounds: median, range) | ${t}/1 of the medians`)
      .join(' | ')} |`,
    `|---|---|${counts.map(() => '---:|').join('')}${counts
      .slice(1)
      .map(() => '---:|---:|')
      .join('')}`,
  ];
  const notes: string[] = [];
  // Every backend at once, and every work set up on each: a round times every work on every build
  // and thread count, so that each cell's rounds spread over the whole run (a spell in which the
  // host lends out the second core, tens of seconds here, then disturbs one round of many cells,
  // which their medians shrug off, instead of every round of a few).
  const builds: { simd: 'baseline' | 'relaxed'; backends: Backend[] }[] = [];
  for (const simd of ['baseline', 'relaxed'] as const) {
    const backends: Backend[] = [];
    try {
      for (const t of counts) backends.push(await init({ backend: 'wasm', simd, threads: t }));
      builds.push({ simd, backends });
    } catch (e) {
      await Promise.all(backends.map((b) => b.dispose()));
      lines.push(`| (all) | ${simd} | _skipped: ${(e as Error).message.split('\n')[0]}_ |`);
    }
  }
  const cells = [];
  for (const w of works) {
    for (const build of builds) {
      const chunks = [];
      for (const b of build.backends) chunks.push(await w.setup(b));
      for (const c of chunks) await c(); // untimed: tiers up every kernel on every thread count
      cells.push({ w, simd: build.simd, chunks, samples: counts.map((): number[] => []) });
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const cell of cells) {
      // Each round's cells of one work and build back to back, their order alternating by round.
      const order = counts.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) cell.samples[i]!.push(await rate(cell.chunks[i]!, seconds));
    }
    log(`threads: round ${r + 1} of ${rounds} done`);
  }
  for (const build of builds) {
    for (const { w, samples } of cells.filter((c) => c.simd === build.simd)) {
      const med = samples.map(median);
      const fmt = (v: number) => (w.unit === 'GFLOP/s' || w.unit === 'epochs/s' ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
      // Each round's ratio from its own cells, timed back to back: the median and the range.
      const perRound = (i: number): string => {
        const r = samples[i]!.map((v, j) => v / samples[0]![j]!);
        return `${median(r).toFixed(2)}× (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
      };
      lines.push(
        `| ${w.name} (${w.unit}) | ${build.simd} | ${med.map(fmt).join(' | ')} | ${med
          .slice(1)
          .map((v, i) => `${perRound(i + 1)} | ${(v / med[0]!).toFixed(2)}×`)
          .join(' | ')} |`,
      );
      log(`${build.simd} ${w.name}: ${med.map(fmt).join(' / ')}`);
    }
    for (const b of build.backends) {
      const sp = b.splits;
      if (sp) {
        notes.push(
          `${build.simd}, ${b.threads} threads: round trip ${sp.roundTripUs.toFixed(1)} µs at init → GEMMs split from ${(sp.gemmFlop / 1e6).toFixed(2)} MFLOP, ` +
            `heavy elementwise kernels and gathers from ${sp.heavyFloats.toLocaleString('en-US')} floats, light ones from ${sp.lightFloats.toLocaleString('en-US')}.`,
        );
      }
    }
  }
  await Promise.all(builds.flatMap((b) => b.backends.map((x) => x.dispose())));
  lines.push('', 'Split thresholds measured when each pool started (backend.splits):', '', ...notes.map((n) => `- ${n}`));
  return { markdown: lines.join('\n') };
}
