/**
 * The work thresholds above which the threaded kernel table splits a call, measured when the pool
 * starts (issue 10: "splitting happens only above a work threshold measured at init, so small
 * batches and predictOne are never slower than one thread").
 *
 * A call split over p threads costs its one-thread time t₁ divided by p, plus the dispatch: posting
 * a job to every worker and waiting for the last (the round trip r). Splitting pays when t₁ is
 * well above r, so a call is split when
 *
 *     t₁ ≥ SPLIT_COST_RATIO · r      (LIGHT_COST_RATIO · r for the light elementwise kernels)
 *
 * (at the threshold two threads take t₁/2 + t₁/16: a saving of ~44 %). t₁ is estimated from its
 * work and a rate timed here on the calling thread (never taken below a reference rate): flop for a
 * GEMM (2·m·n·k), floats for an elementwise kernel — "heavy" ones (optimizer updates, exp/log
 * activations, the batch gather of scattered rows: ~0.5–1 ns a float) and "light" ones (ReLU-like
 * activations: a few vector instructions a float). The thresholds are clamped to [floor, ceiling]: the floor keeps a fast round trip from
 * splitting tiny calls, the ceiling keeps a slow one (a busy machine at init) from never splitting
 * what always pays (the ceilings are the constants used before the thresholds were measured).
 *
 * The second-order kernels use the GEMM threshold on their flop: the rank-k update JᵀJ
 * (rows·p·(p+1) flop) and each trailing update of the Cholesky factorization (96·m·(m+1) flop,
 * m rows left) run the GEMM's 4×8 register tile at about its rate (syrk 400 × 1106²: 36 GFLOP/s,
 * GEMM 512³: 40 GFLOP/s, one core, baseline build, measured 2026-11-30).
 */
import type { Kernels } from './kernels.js';
import { KERNEL_INDEX, type Pool } from './pool.js';
import type { SplitThresholds } from './types.js';

export type { SplitThresholds } from './types.js';

/** A call is split when its estimated one-thread time is at least this many dispatch round trips. */
export const SPLIT_COST_RATIO = 16;
/**
 * The ratio for light elementwise kernels (ReLU-like activations). Lower: in a training step their
 * input is the output of a GEMM split by rows, half of it in the other core's cache, so on one
 * thread they pay a transfer their rate measured here does not show (ReLU over 128×512 after a
 * split GEMM: 22 µs on one thread, 52 µs with the other half computed by a worker —
 * bench/step-profile.ts 512 256); split by the same rows, each thread reads what it wrote.
 */
export const LIGHT_COST_RATIO = 2;
/** GEMMs below this many flop (2·m·n·k) are never split (≈ 30 µs on one core)… */
export const GEMM_SPLIT_FLOOR_FLOP = 1e6;
/** …and from this many always are (the constant threshold before it was measured). */
export const GEMM_SPLIT_CEILING_FLOP = 8e6;
/** Heavy elementwise kernels (optimizers, exp/log activations, the batch gather) below this many floats are never split… */
export const HEAVY_SPLIT_FLOOR = 1 << 13;
/** …and from this many always are. */
export const HEAVY_SPLIT_CEILING = 1 << 17;
/** Light elementwise kernels (ReLU-like activations) below this many floats are never split… */
export const LIGHT_SPLIT_FLOOR = 1 << 15;
/** …and from this many always are. */
export const LIGHT_SPLIT_CEILING = 1 << 20;

/**
 * Rates the measured ones are never taken below (one core of the 2-core EPYC this project is
 * measured on: PERF-NOTES): a measurement that comes out slower (a kernel still in the baseline
 * compiler, a busy machine) would lower the thresholds, and splitting calls that are too small is
 * the costly mistake; a faster machine raises them.
 */
export const REFERENCE_GEMM_GFLOPS = 30;
export const REFERENCE_HEAVY_NS_PER_FLOAT = 0.6;
export const REFERENCE_LIGHT_NS_PER_FLOAT = 0.1;

const clamp = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : hi);

const clock = (): number => performance.now();

/**
 * The first quartile of `reps` timings (ms → µs) of f, after `warm` untimed calls. Not the median:
 * at pool start V8 is still compiling the kernels on background threads, which take cores from
 * the workers for a few ms; the machine as training will see it is the calmer part (a busy one is
 * handled while running: pool.contended).
 */
function quantileUs(f: () => void, reps: number, warm: number): number {
  for (let i = 0; i < warm; i++) f();
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = clock();
    f();
    xs.push((clock() - t0) * 1000);
  }
  xs.sort((a, b) => a - b);
  return xs[reps >> 2]!;
}

/**
 * The fastest of RATE_CALLS calls of f (µs; stopping early after RATE_MS): a kernel's first calls
 * run in the baseline compiler until V8 has compiled the optimised code in the background (the
 * GEMM: after ~30 calls, ~6 ms from its first call, measured on Node 20), and a rate measured too
 * low would set the thresholds too low.
 */
function fastestUs(f: () => void): number {
  let best = Infinity;
  const start = clock();
  for (let i = 0; i < RATE_CALLS && clock() - start < RATE_MS; i++) {
    const t0 = clock();
    f();
    best = Math.min(best, (clock() - t0) * 1000);
  }
  return best;
}

/** Bursts of round trips timed at pool start (the best one counts). */
const ROUND_TRIP_BURSTS = 4;
/** Calls of each kernel timed at pool start… */
const RATE_CALLS = 40;
/** …for at most this long (ms). */
const RATE_MS = 10;

/**
 * The round trip to every worker and back with the workers polling, in µs: the best of
 * ROUND_TRIP_BURSTS bursts a millisecond apart (the event loop runs in between), each the first
 * quartile of 24 empty jobs (sgd_f32 over 0 floats). A busy machine makes every burst slow.
 */
export async function measureRoundTrip(pool: Pool): Promise<number> {
  const empty = KERNEL_INDEX.sgd_f32;
  let best = Infinity;
  for (let burst = 0; burst < ROUND_TRIP_BURSTS; burst++) {
    if (burst > 0) await new Promise((resolve) => setTimeout(resolve, 1));
    pool.calm();
    const us = quantileUs(
      () => {
        for (let w = 0; w < pool.count; w++) pool.post(w, empty, 0, 0, 0, 0);
        for (let w = 0; w < pool.count; w++) pool.wait(w);
      },
      24,
      8,
    );
    best = Math.min(best, us);
  }
  pool.calm();
  return best;
}

/**
 * Sets the thresholds of `t` from a round trip (its rates kept): work done in the budget at the
 * measured rate, or the reference rate where that is faster, clamped to [floor, ceiling].
 */
export function deriveThresholds(t: SplitThresholds, roundTripUs: number): void {
  const budget = SPLIT_COST_RATIO * roundTripUs;
  const gemmPerUs = Math.max(t.gemmGflops * 1000, REFERENCE_GEMM_GFLOPS * 1000);
  const heavyPerUs = Math.max(1000 / t.heavyNsPerFloat, 1000 / REFERENCE_HEAVY_NS_PER_FLOAT);
  const lightPerUs = Math.max(1000 / t.lightNsPerFloat, 1000 / REFERENCE_LIGHT_NS_PER_FLOAT);
  t.roundTripUs = roundTripUs;
  t.gemmFlop = clamp(budget * gemmPerUs, GEMM_SPLIT_FLOOR_FLOP, GEMM_SPLIT_CEILING_FLOP);
  t.heavyFloats = Math.round(clamp(budget * heavyPerUs, HEAVY_SPLIT_FLOOR, HEAVY_SPLIT_CEILING));
  t.lightFloats = Math.round(clamp(LIGHT_COST_RATIO * roundTripUs * lightPerUs, LIGHT_SPLIT_FLOOR, LIGHT_SPLIT_CEILING));
}

/**
 * Times the round trip to the pool's workers and the kernels' rates on this thread (≈ 5 ms in all),
 * and derives the thresholds. `scratch` points to at least SCRATCH_BYTES of heap the caller owns.
 */
export async function measureThresholds(base: Kernels, pool: Pool, ws: number, scratch: number): Promise<SplitThresholds> {
  const roundTripUs = await measureRoundTrip(pool);
  const [m, n, k] = [32, 128, 128];
  const a = scratch;
  const b = a + 4 * m * k;
  const c = b + 4 * k * n;
  const gemmUs = fastestUs(() => base.gemm_nn_f32(a, b, c, m, n, k, 0, 0, ws));
  const floats = 8192;
  const [p, g, m1, v1] = [0, 1, 2, 3].map((i) => scratch + i * 4 * floats) as [number, number, number, number];
  const adamUs = fastestUs(() => base.adam_f32(p, g, m1, v1, floats, 0, 0.9, 0.999, 1e-7, 1, 1, 0, 0));
  const reluUs = fastestUs(() => base.relu_fwd_f32(p, g, floats, 0));
  const t: SplitThresholds = {
    gemmFlop: 0,
    heavyFloats: 0,
    lightFloats: 0,
    roundTripUs,
    gemmGflops: (2 * m * n * k) / gemmUs / 1000,
    heavyNsPerFloat: (adamUs * 1000) / floats,
    lightNsPerFloat: (reluUs * 1000) / floats,
  };
  deriveThresholds(t, roundTripUs);
  return t;
}

/**
 * A round trip above this (µs) at pool start is measured again RECHECK_MS later (V8 may have
 * been compiling the kernels on the other core; a polling round trip is 1–3 µs on a quiet machine).
 */
export const RECHECK_ABOVE_US = 5;
/** When the round trip is measured again after pool start (ms), while it stays above RECHECK_ABOVE_US. */
export const RECHECK_MS: readonly number[] = [100, 500, 2000];

/** Bytes of scratch measureThresholds uses: the GEMM's A, B and C, or four vectors of 8192 floats. */
export const SCRATCH_BYTES = 4 * Math.max(32 * 128 + 128 * 128 + 32 * 128, 4 * 8192);
