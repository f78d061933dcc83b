/**
 * The NaN/±∞ scan split by ranges (src/kernels/threaded.ts: find_nonfinite_f32 on 2 and 3
 * threads) answers the whole scan's index: the first non-finite value wherever it lies — in the
 * calling thread's range, a worker's, on a range boundary, the last element, in several ranges at
 * once (the first wins) — and −1 when there is none. The reference is the one-thread kernel and,
 * independently, a JS scan of the same floats. Each case checks that the pool did run scan jobs,
 * so the split path is the one answering (the scans are above the light kernels' ceiling; three
 * threads on a 2-core machine may split into two ranges only, while the pool sees it busy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import { LIGHT_SPLIT_CEILING } from '../../src/kernels/split-thresholds.js';
import { KERNEL_INDEX } from '../../src/kernels/pool.js';
import { threadPoolOf } from '../../src/kernels/threads.js';

/** Floats scanned: over the ceiling (split even while the pool sees the machine busy), not a multiple of 16. */
const N = LIGHT_SPLIT_CEILING + 1237;

/** Index of the first NaN or ±∞ of x, −1 when none (the independent reference). */
function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return i;
  return -1;
}

/** Positions and values planted in otherwise finite data, by case. */
const CASES: [string, [number, number][]][] = [
  ['none', []],
  ['first element', [[0, Number.NaN]]],
  ['in the first range', [[4321, Number.POSITIVE_INFINITY]]],
  ['just before the middle', [[(N >> 1) - 1, Number.NEGATIVE_INFINITY]]],
  ['on the middle', [[N >> 1, Number.NaN]]],
  ['in a worker’s range only', [[N - 5000, Number.NaN]]],
  ['the last element', [[N - 1, Number.POSITIVE_INFINITY]]],
  [
    'in every range (the first wins)',
    [
      [N - 3, Number.NaN],
      [(2 * N) / 3, Number.NaN],
      [N / 3 + 1, Number.NEGATIVE_INFINITY],
      [777, Number.NaN],
    ],
  ],
  [
    'in the later ranges only',
    [
      [N - 2, Number.NaN],
      [Math.floor(N * 0.6), Number.POSITIVE_INFINITY],
    ],
  ],
];

describe('find_nonfinite_f32 split over threads', () => {
  const backends: Backend[] = [];
  beforeAll(async () => {
    for (const threads of [1, 2, 3]) backends.push(await init({ backend: 'wasm', simd: 'baseline', threads }));
  });
  afterAll(async () => {
    for (const b of backends) await b.dispose();
  });

  it.each(CASES)('%s', (_name, planted) => {
    const x = Float32Array.from({ length: N }, (_, i) => Math.sin(i) * 1e30);
    for (const [at, v] of planted) x[Math.floor(at)] = v;
    const want = firstNonFinite(x);
    for (const b of backends) {
      const p = b.heap.allocF32(N);
      b.heap.writeF32(p, x);
      const pool = threadPoolOf(b);
      const jobs = pool?.jobsByKernel[KERNEL_INDEX.find_nonfinite_f32] ?? 0;
      const got = b.k.find_nonfinite_f32(p, N);
      if (pool)
        expect(pool.jobsByKernel[KERNEL_INDEX.find_nonfinite_f32]! - jobs, `${b.threads} threads: scan jobs run`).toBeGreaterThan(0);
      expect(got, `${b.threads} thread(s)`).toBe(want);
      // A scan of a prefix that ends inside a worker's range of the whole: its own split.
      const head = Math.floor(N * 0.75);
      expect(b.k.find_nonfinite_f32(p, head), `${b.threads} thread(s), the first ${head}`).toBe(firstNonFinite(x.subarray(0, head)));
      b.heap.free(p);
    }
  });
});
