/**
 * The threaded kernel table allocates nothing per call (issue 10: "the pool adds no allocation per
 * step"): neither the calls it splits nor the ones it passes on whole. A split used to return its
 * [step, parts] as a new array, and the elementwise kernels read their float arguments back from
 * a Float64Array, which boxes a new number for each on its way into the call.
 *
 * Measured on the JS heap of the calling thread, per kind of call: V8's used heap before and after
 * a loop of calls (no await in between, so nothing else runs on this thread), and the garbage
 * collections whose start falls inside the loop (a collection starts only when allocation fills
 * the young generation). Zero collections and under 4 bytes a call — a tenth of one array — pass.
 * The one exception is Node's clock: performance.now() returns a new number object, and the pool
 * reads it in a wait longer than SPIN_CHECK polls (≈ 1 µs) to tell a descheduled thread from a slow
 * worker. A split call may therefore also take what its counted clock reads (pool.clockReads) take,
 * measured here per read. The same loops on a one-thread backend (the wasm exports themselves) are
 * the reference, and each split case checks that the pool did run jobs of its kernel, so the split
 * path is the one measured. (Checked to fail with the arrays and the boxed floats put back.)
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import { KERNEL_INDEX, type Pool } from '../../src/kernels/pool.js';
import { threadPoolOf } from '../../src/kernels/threads.js';

/** Order of the factorized matrix: its first trailing update (96·320·321 flop) is over the GEMM ceiling. */
const CHOLESKY_N = 416;

/** A symmetric positive definite matrix of that order (diagonally dominant): its lower triangle is factorized. */
const SPD = Float32Array.from({ length: CHOLESKY_N * CHOLESKY_N }, (_, i) =>
  i % (CHOLESKY_N + 1) === 0 ? CHOLESKY_N : 0.5 / (1 + (i % 7)),
);

/**
 * Allowed bytes per clock read of the pool: the read itself (≈ 17–19 measured warm here) and the
 * numbers its caller keeps (the times it compares, boxed where that code runs unoptimised — the
 * busy-mode paths a slow worker leads into: up to ≈ 440 bytes a read were seen). The whole calls,
 * which read no clock, are held to BYTES_PER_CALL alone.
 */
const READ_BYTES = 512;

/** Loops measured at most this many times until one runs without a collection starting in it. */
const ATTEMPTS = 3;

/** Allowed bytes of JS heap per call (an empty array alone takes 16, a boxed number 12). */
const BYTES_PER_CALL = 4;

interface Operands {
  /** 4 buffers of 1 Mi floats each (GEMM operands, optimizer state, activations). */
  p: number[];
  idx: number;
  spd: number;
}

function operands(b: Backend): Operands {
  const h = b.heap;
  const p = [0, 1, 2, 3].map(() => h.allocF32(1 << 20));
  const f = h.f32;
  for (const q of p) for (let i = 0; i < 1 << 20; i++) f[(q >>> 2) + i] = ((i * 37) % 101) / 101 - 0.5;
  const idx = h.allocF32(512);
  for (let i = 0; i < 512; i++) h.i32[(idx >>> 2) + i] = (i * 7) % 512;
  const spd = h.allocF32(CHOLESKY_N * CHOLESKY_N);
  return { p, idx, spd };
}

/** Each case: the kernel the pool is expected to run jobs of when split, the call, and its repetitions. */
type Case = [name: string, splitKernel: keyof typeof KERNEL_INDEX | null, call: (b: Backend, o: Operands) => void, reps: number];

const CASES: Case[] = [
  // Whole calls (below every threshold).
  ['gemm_nn small', null, (b, { p }) => b.k.gemm_nn_f32(p[0]!, p[1]!, p[2]!, 8, 8, 8, p[3]!, 0, b.ws), 50_000],
  ['gemm_tn small', null, (b, { p }) => b.k.gemm_tn_f32(p[0]!, p[1]!, p[2]!, 8, 8, 8, 0.5, b.ws), 50_000],
  ['gemm_nt small', null, (b, { p }) => b.k.gemm_nt_f32(p[0]!, p[1]!, p[2]!, 8, 8, 8, 0, b.ws), 50_000],
  ['adam small', null, (b, { p }) => b.k.adam_f32(p[0]!, p[1]!, p[2]!, p[3]!, 64, 0.001, 0.9, 0.999, 1e-7, 0.3, 0.7, 0, 0), 50_000],
  ['sgd_l1l2 small', null, (b, { p }) => b.k.sgd_l1l2_f32(p[0]!, p[1]!, p[2]!, 64, 0.01, 0.9, 1e-4, 1e-3), 50_000],
  ['relu small', null, (b, { p }) => b.k.relu_fwd_f32(p[0]!, p[1]!, 64, 0), 50_000],
  ['NaN scan small', null, (b, { p }) => b.k.find_nonfinite_f32(p[0]!, 64), 50_000],
  ['gather small', null, (b, { p, idx }) => b.k.gather_rows_f32(p[0]!, idx, p[1]!, 4, 8), 50_000],
  // Split calls: above the ceilings, so that they split even while the pool sees the machine busy.
  ['gemm_nn by k-slices', 'gemm_nn_kslices_f32', (b, { p }) => b.k.gemm_nn_f32(p[0]!, p[1]!, p[2]!, 32, 512, 784, p[3]!, 0, b.ws), 600],
  ['gemm_nn by rows', 'gemm_nn_f32', (b, { p }) => b.k.gemm_nn_f32(p[0]!, p[1]!, p[2]!, 128, 64, 512, p[3]!, 0, b.ws), 1500],
  ['gemm_nt by columns', 'gemm_nt_cols_f32', (b, { p }) => b.k.gemm_nt_f32(p[0]!, p[1]!, p[2]!, 32, 784, 512, 0, b.ws), 600],
  ['gemm_tn by rows', 'gemm_tn_ld_f32', (b, { p }) => b.k.gemm_tn_f32(p[0]!, p[1]!, p[2]!, 512, 256, 32, 0, b.ws), 1500],
  [
    'adam by ranges',
    'adam_f32',
    (b, { p }) => b.k.adam_f32(p[0]!, p[1]!, p[2]!, p[3]!, 1 << 17, 0.001, 0.9, 0.999, 1e-7, 0.3, 0.7, 0, 0),
    1500,
  ],
  ['relu by ranges', 'relu_fwd_f32', (b, { p }) => b.k.relu_fwd_f32(p[0]!, p[1]!, 1 << 20, 0), 600],
  ['gather by rows', 'gather_rows_f32', (b, { p, idx }) => b.k.gather_rows_f32(p[0]!, idx, p[1]!, 512, 512), 1500],
  ['NaN scan by ranges', 'find_nonfinite_f32', (b, { p }) => b.k.find_nonfinite_f32(p[0]!, 1 << 20), 600],
  ['syrk by rows', 'syrk_acc_rows_f32', (b, { p }) => b.k.syrk_acc_f32(p[0]!, p[1]!, 64, 360, 0, b.ws), 600],
  [
    'cholesky by blocks',
    'cholesky_update_rows_f32',
    (b, { spd }) => {
      b.heap.f32.set(SPD, spd >>> 2);
      b.k.cholesky_f32(spd, CHOLESKY_N, 0, b.ws);
    },
    100,
  ],
];

/** Starts of garbage collections, in performance.now() time. */
const collections: number[] = [];
let observer: PerformanceObserver;

interface Allocation {
  bytes: number;
  /** Clock reads of the pool during the loop. */
  reads: number;
  gcs: () => number;
}

/** JS heap bytes taken, clock reads and collections started by `reps` calls of f (after as many untimed ones). */
function allocationOf(f: () => void, reps: number, pool?: Pool): Allocation {
  for (let i = 0; i < 3 * reps; i++) f(); // tiers the wrappers up, as a training run's first steps do
  const t0 = performance.now();
  const reads = pool?.clockReads ?? 0;
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < reps; i++) f();
  const after = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  // Collections are reported asynchronously: counted when asked, by their start time.
  return { bytes: after - before, reads: (pool?.clockReads ?? 0) - reads, gcs: () => collections.filter((t) => t >= t0 && t <= t1).length };
}

/** JS heap bytes one of the pool's clock reads takes (its own method, warm, as its waits call it). */
function clockBytes(pool: Pool): number {
  const clock = (pool as unknown as { clock(): number }).clock.bind(pool);
  const reps = 2000;
  // As a wait uses it: each read compared with the one before.
  let late = 0;
  const loop = () => {
    let prev = clock();
    for (let i = 0; i < reps; i++) {
      const t = clock();
      if (t - prev > 1) late++;
      prev = t;
    }
  };
  for (let i = 0; i < 20; i++) loop();
  const before = process.memoryUsage().heapUsed;
  loop();
  const bytes = (process.memoryUsage().heapUsed - before) / reps;
  return Math.max(0, bytes);
}

const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the threaded kernel table allocates nothing per call', () => {
  const backends: Backend[] = [];
  let pool: Pool;
  let perRead = 0;
  beforeAll(async () => {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) collections.push(e.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    backends.push(await init({ backend: 'wasm', simd: 'baseline', threads: 1 }));
    backends.push(await init({ backend: 'wasm', simd: 'baseline', threads: 2 }));
    pool = threadPoolOf(backends[1]!)!;
    perRead = clockBytes(pool);
  });
  afterAll(async () => {
    observer.disconnect();
    for (const b of backends) await b.dispose();
  });

  it.each(CASES)('%s', async (_name, splitKernel, call, reps) => {
    const [one, two] = backends as [Backend, Backend];
    const measure = async (b: Backend): Promise<Allocation> => {
      const o = operands(b);
      const jobs = splitKernel ? pool.jobsByKernel[KERNEL_INDEX[splitKernel]]! : 0;
      const r = allocationOf(() => call(b, o), reps, b === two ? pool : undefined);
      if (b === two && splitKernel) {
        expect(pool.jobsByKernel[KERNEL_INDEX[splitKernel]]! - jobs, 'the pool ran jobs of the split kernel').toBeGreaterThan(0);
      }
      for (const q of o.p) b.heap.free(q);
      b.heap.free(o.idx);
      b.heap.free(o.spd);
      await until(20);
      return r;
    };
    // A collection can also start because the young generation was nearly full already (from
    // set-up, or the engine's own work such as installing optimised code): such a loop does not
    // measure the calls, and is measured again, up to ATTEMPTS times. The byte counts decide.
    const clean = async (b: Backend): Promise<Allocation> => {
      let r = await measure(b);
      for (let i = 1; i < ATTEMPTS && r.gcs() > 0; i++) r = await measure(b);
      return r;
    };
    const ref = await clean(one);
    expect(ref.gcs(), `collections during the one-thread calls (the reference), ${ATTEMPTS} attempts`).toBe(0);
    const threaded = await clean(two);
    expect(
      threaded.gcs(),
      `collections during ${reps} threaded calls (${threaded.bytes} bytes, ${threaded.reads} clock reads), ${ATTEMPTS} attempts`,
    ).toBe(0);
    const allowed = BYTES_PER_CALL * reps + Math.max(2 * perRead, READ_BYTES) * threaded.reads;
    expect(
      threaded.bytes,
      `JS heap bytes of ${reps} threaded calls with ${threaded.reads} clock reads of ${perRead.toFixed(0)} bytes (one thread: ${ref.bytes})`,
    ).toBeLessThan(allowed);
  });
});
