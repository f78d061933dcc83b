/**
 * The split thresholds measured when the pool starts (src/kernels/split-thresholds.ts), and what
 * the threaded table splits with them (src/kernels/threaded.ts):
 * - backend.splits holds measured, finite values and thresholds inside their [floor, ceiling];
 *   a one-thread backend has none.
 * - A GEMM is split exactly when its 2·m·n·k reaches splits.gemmFlop (jobs counted just below and
 *   at the threshold), and an elementwise kernel when n reaches its class's threshold; while the
 *   pool sees the machine busy, only calls over the ceilings are; busy spells grow when they
 *   follow each other (nextBusySpell).
 * - predictOne, a predict of a few rows and tiny kernel calls post no job at all: they run as with
 *   one thread.
 * - The kernels split since the thresholds were measured — the batch gather (by rows) and the
 *   ReLU-like activations (by ranges) — give the same bits as one thread, and were split.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dense, init, sequential, sgd, type Backend } from '../../src/index.js';
import {
  GEMM_SPLIT_CEILING_FLOP,
  GEMM_SPLIT_FLOOR_FLOP,
  HEAVY_SPLIT_CEILING,
  HEAVY_SPLIT_FLOOR,
  LIGHT_SPLIT_CEILING,
  LIGHT_SPLIT_FLOOR,
} from '../../src/kernels/split-thresholds.js';
import { nextBusySpell } from '../../src/kernels/pool.js';
import { BUSY_MAX_MS, BUSY_MIN_MS } from '../../src/kernels/pool-sources.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { rand } from '../helpers/conformance.js';
import { sameBits } from '../helpers/threads.js';

const created: Backend[] = [];
afterAll(async () => {
  await Promise.all(created.map((b) => b.dispose()));
});

async function backend(threads: number, simd: 'baseline' | 'relaxed' = 'baseline'): Promise<Backend> {
  const b = await init({ backend: 'wasm', simd, threads });
  created.push(b);
  return b;
}

describe('backend.splits', () => {
  it('holds the measurements and thresholds within their floors and ceilings (2 and 3 threads); none with one thread', async () => {
    expect((await backend(1)).splits).toBeUndefined();
    for (const threads of [2, 3]) {
      const s = (await backend(threads)).splits!;
      expect(s).toBeDefined();
      for (const v of [s.roundTripUs, s.gemmGflops, s.heavyNsPerFloat, s.lightNsPerFloat]) {
        expect(Number.isFinite(v) && v > 0, `${threads} threads: ${JSON.stringify(s)}`).toBe(true);
      }
      expect(s.gemmFlop).toBeGreaterThanOrEqual(GEMM_SPLIT_FLOOR_FLOP);
      expect(s.gemmFlop).toBeLessThanOrEqual(GEMM_SPLIT_CEILING_FLOP);
      expect(s.heavyFloats).toBeGreaterThanOrEqual(HEAVY_SPLIT_FLOOR);
      expect(s.heavyFloats).toBeLessThanOrEqual(HEAVY_SPLIT_CEILING);
      expect(s.lightFloats).toBeGreaterThanOrEqual(LIGHT_SPLIT_FLOOR);
      expect(s.lightFloats).toBeLessThanOrEqual(LIGHT_SPLIT_CEILING);
    }
  });
});

describe('calls are split exactly from the measured thresholds', () => {
  it('a GEMM just below splits.gemmFlop runs on this thread, one at it is split; likewise adam_f32 and relu_fwd_f32', async () => {
    const b = await backend(2);
    const pool = threadPoolOf(b)!;
    const s = b.splits!;
    const [m, n] = [64, 128];
    // k such that 2·m·n·k reaches the threshold; k − 1 stays below it.
    const k = Math.ceil(s.gemmFlop / (2 * m * n));
    const h = b.heap;
    const A = h.allocF32(m * k);
    const B = h.allocF32(k * n);
    const C = h.allocF32(m * n);
    // A busy machine (another process on these cores) would put the pool in its busy mode, in which
    // only calls over the ceilings are split (threaded.ts): each call starts from the calm mode.
    let before = pool.jobs;
    pool.calm();
    b.k.gemm_nn_f32(A, B, C, m, n, k - 1, 0, 0, b.ws);
    expect(pool.jobs - before, `2·${m}·${n}·${k - 1} flop < ${s.gemmFlop}`).toBe(0);
    pool.calm();
    b.k.gemm_nn_f32(A, B, C, m, n, k, 0, 0, b.ws);
    expect(pool.jobs - before, `2·${m}·${n}·${k} flop ≥ ${s.gemmFlop}`).toBe(1);

    for (const [name, min] of [
      ['adam_f32', s.heavyFloats],
      ['relu_fwd_f32', s.lightFloats],
    ] as const) {
      const len = min + 64;
      const [p, g, m1, v1] = [0, 1, 2, 3].map(() => h.allocF32(len)) as [number, number, number, number];
      const call = (count: number) =>
        name === 'adam_f32' ? b.k.adam_f32(p, g, m1, v1, count, 1e-3, 0.9, 0.999, 1e-7, 1, 1, 0, 0) : b.k.relu_fwd_f32(p, g, count, 0);
      before = pool.jobs;
      pool.calm();
      call(min - 1);
      expect(pool.jobs - before, `${name} over ${min - 1} floats`).toBe(0);
      pool.calm();
      call(min);
      expect(pool.jobs - before, `${name} over ${min} floats`).toBe(1);
    }
  });

  it('while the pool sees the machine busy (pool.contended), only calls over the ceilings are split', async () => {
    const b = await backend(2);
    const pool = threadPoolOf(b)!;
    const s = b.splits!;
    const h = b.heap;
    const [m, n] = [64, 128];
    // 2·m·n·k between the measured threshold and the ceiling (8 MFLOP: k = 488 gives 7.99 MFLOP).
    const k = 488;
    const A = h.allocF32(m * k);
    const B = h.allocF32(k * n);
    const C = h.allocF32(m * n);
    // A busy spell lasts BUSY_MIN_MS (20 ms): the call counts only if the spell still held after
    // it (a thread descheduled for longer on a loaded machine voids the attempt; three are made).
    let attempts = 0;
    for (; attempts < 3; attempts++) {
      (pool as unknown as { setBusy(): void }).setBusy();
      expect(pool.contended).toBe(true);
      const before = pool.jobs;
      b.k.gemm_nn_f32(A, B, C, m, n, k, 0, 0, b.ws);
      if (!pool.contended) continue;
      expect(pool.jobs - before, 'busy: under the ceiling').toBe(0);
      break;
    }
    expect(attempts).toBeLessThan(3);
    pool.calm();
    const before = pool.jobs;
    b.k.gemm_nn_f32(A, B, C, m, n, k, 0, 0, b.ws);
    expect(pool.jobs - before, `calm: ${2 * m * n * k} flop against ${s.gemmFlop}`).toBe(2 * m * n * k >= s.gemmFlop ? 1 : 0);
  });

  it('busy spells: the shortest after a calm spell, twice the last when they follow each other, capped', () => {
    expect(nextBusySpell(BUSY_MIN_MS, Number.POSITIVE_INFINITY)).toBe(BUSY_MIN_MS);
    expect(nextBusySpell(BUSY_MIN_MS, BUSY_MIN_MS / 2)).toBe(2 * BUSY_MIN_MS);
    expect(nextBusySpell(4 * BUSY_MIN_MS, 3 * BUSY_MIN_MS)).toBe(8 * BUSY_MIN_MS);
    expect(nextBusySpell(4 * BUSY_MIN_MS, 4 * BUSY_MIN_MS)).toBe(BUSY_MIN_MS);
    expect(nextBusySpell(BUSY_MAX_MS, 0)).toBe(BUSY_MAX_MS);
  });

  it('predictOne and a predict of 4 rows post no job (784-128-10, 2 threads)', async () => {
    const b = await backend(2);
    const pool = threadPoolOf(b)!;
    const model = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], {
      seed: 1,
      backend: b,
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1 }) });
    const x = rand(4 * 784, 5, 0, 1);
    model.predictOne(x.subarray(0, 784));
    const before = pool.jobs;
    for (let i = 0; i < 20; i++) model.predictOne(x.subarray(0, 784));
    model.predict({ data: x, shape: [4, 784] });
    expect(pool.jobs - before).toBe(0);
    model.dispose();
  });
});

describe('the batch gather and the ReLU-like activations, split, equal one thread bit for bit', () => {
  it('gather_rows_f32 by rows, relu/leaky ReLU/hard tanh/abs/linear forward and backward by ranges; 2 and 3 threads, baseline and relaxed', async () => {
    for (const simd of ['baseline', 'relaxed'] as const) {
      const run = (b: Backend): Float32Array[] => {
        const h = b.heap;
        const out: Float32Array[] = [];
        // The gather: 1,344 of 2,000 rows of 784 floats (> 2²⁰ floats: split whatever was measured).
        const [rows, picked, cols] = [2000, 1344, 784];
        const src = h.allocF32(rows * cols);
        const idx = h.allocF32(picked);
        const dst = h.allocF32(picked * cols);
        h.writeF32(src, rand(rows * cols, 21));
        const order = Int32Array.from({ length: picked }, (_, i) => (i * 7919) % rows);
        h.i32.set(order, idx >>> 2);
        b.k.gather_rows_f32(src, idx, dst, picked, cols);
        out.push(h.readF32(dst, picked * cols));
        // The activations over 2²⁰ + 3 floats (a tail that is not a multiple of 4).
        const n = LIGHT_SPLIT_CEILING + 3;
        const [z, a, da, dz] = [0, 1, 2, 3].map(() => h.allocF32(n)) as [number, number, number, number];
        h.writeF32(z, rand(n, 22, -2, 2));
        h.writeF32(da, rand(n, 23));
        for (const act of ['relu', 'leaky_relu', 'hard_tanh', 'abs', 'linear'] as const) {
          b.k[`${act}_fwd_f32`](z, a, n, 0.3);
          out.push(h.readF32(a, n));
          b.k[`${act}_bwd_f32`](z, a, da, dz, n, 0.3);
          out.push(h.readF32(dz, n));
        }
        for (const q of [src, idx, dst, z, a, da, dz]) h.free(q);
        return out;
      };
      const want = run(await backend(1, simd));
      for (const threads of [2, 3]) {
        const b = await backend(threads, simd);
        const pool = threadPoolOf(b)!;
        const before = pool.jobs;
        const got = run(b);
        // Every one of the 11 calls was split (into at most `threads` slices of at least half a threshold).
        expect(pool.jobs - before).toBeGreaterThanOrEqual(11);
        expect(pool.jobs - before).toBeLessThanOrEqual(11 * (threads - 1));
        for (const [i, x] of got.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, output ${i}`);
      }
    }
  });
});
