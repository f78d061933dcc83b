/**
 * Column splits (src/kernels/threaded.ts: Z = X·W and dX = dZ·Wᵀ of a layer wider than the batch
 * split by column blocks of their output, each thread reading only its columns, or rows, of W):
 * - gemm_nn_cols_f32 and gemm_nt_cols_f32 conform to the js reference on every build (debug asserts on).
 * - A GEMM computed as column slices of C (starting at multiples of 16, the threaded table's rule;
 *   also of 8, the tile width the exactness rule names) equals the whole call bit for bit on the
 *   packed path: partial edge tiles (n not a multiple of 8), several k-slices, m just over the
 *   tiny-m limit, and whole calls whose n is just above the small-n limit, cut into slices of ≤ 12
 *   columns (the path must be the whole call's, not the slice's).
 * - The threaded tables (2, 3 threads) split such GEMMs by columns, never by rows (the pool counts
 *   the jobs per kernel), and equal one thread bit for bit, with optimizer updates of W in between.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import { KERNEL_INDEX } from '../../src/kernels/pool.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { allBackends, conform, rand } from '../helpers/conformance.js';
import { sameBits, setup } from '../helpers/threads.js';

const U = 2 ** -24;

/** (m, n, k): packed with a partial last tile and 3 k-slices; n just over 12; short k; m = 5, 9; a wide W. */
const SHAPES: [number, number, number][] = [
  [37, 129, 600],
  [9, 20, 50],
  [64, 200, 32],
  [5, 44, 300],
  [24, 512, 784],
];

/** Column bounds of n: steps of 8, 16, ⌈n/2⌉ and ⌈n/3⌉ rounded up to 8 or 16 (the last slice may be narrow). */
function columnSplits(n: number): number[][] {
  const out: number[][] = [];
  for (const step of [8, 16, Math.ceil(n / 2 / 16) * 16, Math.ceil(n / 3 / 8) * 8]) {
    if (step <= 0 || step >= n) continue;
    const b = [];
    for (let j = 0; j < n; j += step) b.push(j);
    b.push(n);
    out.push(b);
  }
  return out;
}

describe('gemm_nn_cols_f32 and gemm_nt_cols_f32', () => {
  it('conform to the js reference (every build incl. debug)', async () => {
    for (const [m, n, k, j0, j1] of [
      [37, 129, 300, 16, 129],
      [9, 20, 50, 16, 20],
      [3, 40, 20, 8, 24],
      [64, 200, 0, 32, 96],
    ] as const) {
      const A = rand(m * k, m + n);
      const B = rand(k * n, k);
      const bias = rand(n, 5);
      const C0 = rand(m * n, j0);
      // |C| ≤ k + 2 (entries in [-1, 1]): the bound of test/kernels/gemm.test.ts with S = k + 2.
      const abs = (k + 3) * 2 * U * (k + 2);
      for (const nt of [false, true]) {
        await conform(
          nt ? 'gemm_nt_cols_f32' : 'gemm_nn_cols_f32',
          {
            inputs: { a: A, b: B, bias },
            outputs: { c: m * n },
            init: { c: C0 },
            // nt reads B as [n×k] (the same k·n floats).
            args: (p, be) => (nt ? [p.a!, p.b!, p.c!, m, n, k, 1, be.ws, j0, j1] : [p.a!, p.b!, p.c!, m, n, k, p.bias!, 1, be.ws, j0, j1]),
          },
          { abs, rel: 0 },
          `${nt ? 'nt' : 'nn'} m=${m} n=${n} k=${k} cols ${j0}..${j1}`,
        );
      }
    }
  });
});

describe('column slices of C equal the whole GEMM bit for bit', () => {
  for (const nt of [false, true]) {
    it(`${nt ? 'nt' : 'nn'}: packed path with edge tiles, k-slices, narrow last slices; every build`, async () => {
      for (const [tag, b] of (await allBackends({ debug: true })).filter(([t]) => t !== 'js')) {
        for (const [m, n, k] of SHAPES) {
          const p = setup(b, m, n, k, m * 3 + n);
          const C0 = rand(m * n, 99);
          b.heap.writeF32(p.C, C0);
          if (nt) b.k.gemm_nt_f32(p.A, p.B, p.C, m, n, k, 1, b.ws);
          else b.k.gemm_nn_f32(p.A, p.B, p.C, m, n, k, p.bias, 1, b.ws);
          const whole = b.heap.readF32(p.C, m * n);
          const splits = columnSplits(n);
          expect(splits.length).toBeGreaterThan(0);
          for (const bounds of splits) {
            b.heap.writeF32(p.C, C0);
            for (let s = 0; s + 1 < bounds.length; s++) {
              const [j0, j1] = [bounds[s]!, bounds[s + 1]!];
              if (nt) b.k.gemm_nt_cols_f32(p.A, p.B, p.C, m, n, k, 1, b.ws, j0, j1);
              else b.k.gemm_nn_cols_f32(p.A, p.B, p.C, m, n, k, p.bias, 1, b.ws, j0, j1);
            }
            sameBits(b.heap.readF32(p.C, m * n), whole, `${tag} ${nt ? 'nt' : 'nn'} m=${m} n=${n} k=${k} columns ${bounds.join(',')}`);
          }
          for (const q of Object.values(p)) b.heap.free(q);
        }
      }
    });
  }
});

describe('threaded tables split by columns and equal one thread', () => {
  const created: Backend[] = [];
  afterAll(async () => {
    await Promise.all(created.map((b) => b.dispose()));
  });

  it('Z = X·W and dX = dZ·Wᵀ (wider than the batch) by columns, dW, updates of W; 2 and 3 threads, both builds', async () => {
    // Forward-like shapes (m = batch < n = units) split in 3 even at the ceilings (2·m·n·k ≥ 12 MFLOP,
    // k·n ≥ 2¹⁷ weights).
    const shapes: [number, number, number][] = [
      [64, 512, 784],
      [48, 129, 1100],
      [48, 200, 700],
    ];
    for (const simd of ['baseline', 'relaxed'] as const) {
      const run = (b: Backend): Float32Array[] => {
        const out: Float32Array[] = [];
        const h = b.heap;
        for (const [m, n, k] of shapes) {
          const x = h.allocF32(m * k);
          const w = h.allocF32(k * n);
          const bias = h.allocF32(n);
          const z = h.allocF32(m * n);
          const dx = h.allocF32(m * k);
          const dw = h.allocF32(k * n);
          const state = h.allocF32(2 * k * n);
          const v = h.allocF32(k * n);
          h.writeF32(x, rand(m * k, m));
          h.writeF32(w, rand(k * n, n));
          h.writeF32(bias, rand(n, k));
          for (let t = 1; t <= 2; t++) {
            b.k.gemm_nn_f32(x, w, z, m, n, k, bias, 0, b.ws);
            out.push(h.readF32(z, m * n));
            // dW = Xᵀ·Z (Z standing for dZ): tn with m = k (inputs), n (units), k = m (batch).
            b.k.gemm_tn_f32(x, z, dw, k, n, m, 0, b.ws);
            out.push(h.readF32(dw, k * n));
            // dX = dZ·Wᵀ with W as [k×n] read as [n'×k'] = [k × n]: m × k output, wider than the batch.
            b.k.gemm_nt_f32(z, w, dx, m, k, n, 0, b.ws);
            out.push(h.readF32(dx, m * k));
            b.k.adam_f32(w, dw, state, state + 4 * k * n, k * n, 1e-3, 0.9, 0.999, 1e-7, 1 / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t), 0, 1e-4);
            b.k.nesterov_f32(w, dw, v, k * n, 0.01, 0.9, 1e-5, 1e-4);
            b.k.sgd_f32(w, dw, v, k * n, 0.01, 0.9, 1e-4);
            b.k.sgd_l1l2_f32(w, dw, v, k * n, 0.01, 0.9, 1e-5, 1e-4);
            out.push(h.readF32(w, k * n), h.readF32(state, 2 * k * n), h.readF32(v, k * n));
          }
          for (const q of [x, w, bias, z, dx, dw, state, v]) h.free(q);
        }
        return out;
      };
      const one = await init({ backend: 'wasm', simd, threads: 1 });
      created.push(one);
      const want = run(one);
      for (const threads of [2, 3]) {
        const b = await init({ backend: 'wasm', simd, threads });
        created.push(b);
        const pool = threadPoolOf(b)!;
        // (Jobs counted from here: the pool's start warms the workers with a few jobs.)
        const before = Float64Array.from(pool.jobsByKernel);
        const jobs = (name: keyof typeof KERNEL_INDEX): number => pool.jobsByKernel[KERNEL_INDEX[name]]! - before[KERNEL_INDEX[name]]!;
        const got = run(b);
        // Z by slices of k (rows of W: threads-kslices.test.ts), dX by columns, never by rows, dW by
        // rows: each of the 3 shapes' 2 steps posts (threads − 1) jobs of each.
        const each = (threads - 1) * shapes.length * 2;
        expect(jobs('gemm_nn_kslices_f32')).toBe(each);
        expect(jobs('gemm_nn_cols_f32')).toBe(0);
        expect(jobs('gemm_nt_cols_f32')).toBe(each);
        expect(jobs('gemm_nn_f32')).toBe(0);
        expect(jobs('gemm_nt_f32')).toBe(0);
        expect(jobs('gemm_tn_ld_f32')).toBe(each);
        for (const [i, x] of got.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, output ${i}`);
      }
    }
  });
});
