/**
 * What makes threaded results bit-identical (src/kernels/threaded.ts), kernel by kernel:
 * - gemm_tn_ld_f32 (a tn product reading a column slice of A) conforms to the js reference, on
 *   every build including the debug one (asserts on).
 * - A GEMM computed as row slices of C (starting at multiples of 4, every slice more than 4 rows —
 *   the rule the threaded table follows) equals the whole call bit for bit, for nn, nt and tn (via
 *   gemm_tn_ld_f32), on every path (packed with partial tiles and several k-slices, narrow n) and
 *   on every build (baseline, relaxed, debug).
 * - The threaded tables (2 and 3 threads) give the same bits as one thread for those GEMMs and for
 *   the elementwise kernels they split (activations and optimizer updates over > 2¹⁷ floats, with a
 *   tail that is not a multiple of 4), and they did split them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { allBackends, conform, rand } from '../helpers/conformance.js';
import { type Bufs, sameBits, setup } from '../helpers/threads.js';

const U = 2 ** -24;
type Layout = 'nn' | 'nt' | 'tn';

/** Shapes (m, n, k) over the GEMM paths: packed with partial tiles and 3 k-slices, narrow n, short k, m just over 8. */
const SHAPES: [number, number, number][] = [
  [37, 129, 600],
  [130, 10, 300],
  [64, 128, 784],
  [784, 128, 32],
  [9, 200, 50],
];

/** Row splits of m that follow the threaded table's rule (starts at multiples of 4, slices > 4 rows). */
function splits(m: number): number[][] {
  const out: number[][] = [];
  for (const step of [8, 12, 16, Math.ceil(m / 3 / 4) * 4, Math.ceil(m / 2 / 4) * 4]) {
    if (step <= 4 || step >= m) continue;
    const b = [0];
    for (let i = step; i < m; i += step) b.push(i);
    if (m - b[b.length - 1]! <= 4) b.pop();
    b.push(m);
    out.push(b);
  }
  return out;
}

/** Rows [i0, i1) of C for the layout (beta = 1 onto C0, bias for nn). */
function gemmRows(k: Kernels, ws: number, layout: Layout, p: Bufs, m: number, n: number, kk: number, i0: number, i1: number): void {
  const rows = i1 - i0;
  const c = p.C + 4 * i0 * n;
  if (layout === 'nn') k.gemm_nn_f32(p.A + 4 * i0 * kk, p.B, c, rows, n, kk, p.bias, 1, ws);
  else if (layout === 'nt') k.gemm_nt_f32(p.A + 4 * i0 * kk, p.B, c, rows, n, kk, 1, ws);
  else k.gemm_tn_ld_f32(p.A + 4 * i0, p.B, c, rows, n, kk, m, 1, ws);
}

describe('gemm_tn_ld_f32', () => {
  it('conforms to the js reference (column slices of A, every build incl. debug)', async () => {
    for (const [m, n, k, lda, i0] of [
      [5, 17, 3, 9, 2],
      [37, 129, 300, 50, 8],
      [130, 10, 64, 200, 12],
      [3, 40, 20, 7, 4],
    ] as const) {
      const A = rand(k * lda, m + n);
      const B = rand(k * n, k);
      const C0 = rand(m * n, lda);
      // |C| ≤ k + 1 (entries in [-1, 1]): the bound of test/kernels/gemm.test.ts with S = k + 1.
      const abs = (k + 3) * 2 * U * (k + 1);
      await conform(
        'gemm_tn_ld_f32',
        {
          inputs: { a: A, b: B },
          outputs: { c: m * n },
          init: { c: C0 },
          args: (p, be) => [p.a! + 4 * i0, p.b!, p.c!, m, n, k, lda, 1, be.ws],
        },
        { abs, rel: 0 },
        `m=${m} n=${n} k=${k} lda=${lda}`,
      );
    }
  });
});

describe('row slices of C equal the whole GEMM bit for bit', () => {
  for (const layout of ['nn', 'nt', 'tn'] as Layout[]) {
    it(`${layout}: every path, every build`, async () => {
      for (const [tag, b] of (await allBackends({ debug: true })).filter(([t]) => t !== 'js')) {
        for (const [m, n, k] of SHAPES) {
          const p = setup(b, m, n, k, m * 3 + n);
          const C0 = rand(m * n, 99);
          b.heap.writeF32(p.C, C0);
          if (layout === 'tn') b.k.gemm_tn_f32(p.A, p.B, p.C, m, n, k, 1, b.ws);
          else gemmRows(b.k, b.ws, layout, p, m, n, k, 0, m);
          const whole = b.heap.readF32(p.C, m * n);
          for (const bounds of splits(m)) {
            b.heap.writeF32(p.C, C0);
            for (let s = 0; s + 1 < bounds.length; s++) gemmRows(b.k, b.ws, layout, p, m, n, k, bounds[s]!, bounds[s + 1]!);
            sameBits(b.heap.readF32(p.C, m * n), whole, `${tag} ${layout} m=${m} n=${n} k=${k} split ${bounds.join(',')}`);
          }
          for (const q of Object.values(p)) b.heap.free(q);
        }
      }
    });
  }
});

describe('threaded tables equal one thread', () => {
  const created: Backend[] = [];
  afterAll(async () => {
    await Promise.all(created.map((b) => b.dispose()));
  });

  it('GEMMs (nn, nt, tn) and split elementwise kernels, 2 and 3 threads, baseline and relaxed', async () => {
    for (const simd of ['baseline', 'relaxed'] as const) {
      const run = (b: Backend): Float32Array[] => {
        const out: Float32Array[] = [];
        for (const [m, n, k] of SHAPES) {
          const p = setup(b, m, n, k, 7);
          b.k.gemm_nn_f32(p.A, p.B, p.C, m, n, k, p.bias, 0, b.ws);
          out.push(b.heap.readF32(p.C, m * n));
          // nt: B read as [n×k] (the same k·n floats); tn: A read as [k×m].
          b.k.gemm_nt_f32(p.A, p.B, p.C, m, n, k, 1, b.ws);
          out.push(b.heap.readF32(p.C, m * n));
          b.k.gemm_tn_f32(p.A, p.B, p.C, m, n, k, 1, b.ws);
          out.push(b.heap.readF32(p.C, m * n));
          for (const q of Object.values(p)) b.heap.free(q);
        }
        const n = 300_001;
        const h = b.heap;
        const [z, a, da, g, m1, v] = [0, 1, 2, 3, 4, 5].map(() => h.allocF32(n));
        h.writeF32(z!, rand(n, 1, -4, 4));
        h.writeF32(da!, rand(n, 2));
        h.writeF32(g!, rand(n, 3));
        for (const act of ['sigmoid', 'tanh', 'elu', 'softplus'] as const) {
          b.k[`${act}_fwd_f32`](z!, a!, n, 0.7);
          out.push(h.readF32(a!, n));
          b.k[`${act}_bwd_f32`](z!, a!, da!, v!, n, 0.7);
          out.push(h.readF32(v!, n));
        }
        h.writeF32(v!, new Float32Array(n));
        for (let t = 1; t <= 3; t++) {
          b.k.adam_f32(z!, g!, m1!, v!, n, 1e-3, 0.9, 0.999, 1e-7, 1 / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t), 1e-4, 1e-3);
          b.k.sgd_f32(z!, g!, a!, n, 0.01, 0.9, 1e-4);
          b.k.sgd_l1l2_f32(z!, g!, a!, n, 0.01, 0.9, 1e-5, 1e-4);
          b.k.nesterov_f32(z!, g!, a!, n, 0.01, 0.9, 1e-5, 1e-4);
        }
        out.push(h.readF32(z!, n), h.readF32(m1!, n), h.readF32(v!, n), h.readF32(a!, n));
        for (const q of [z, a, da, g, m1, v]) h.free(q!);
        return out;
      };
      const one = await init({ backend: 'wasm', simd, threads: 1 });
      const want = run(one);
      for (const threads of [2, 3]) {
        const b = await init({ backend: 'wasm', simd, threads });
        created.push(b);
        const pool = threadPoolOf(b)!;
        const got = run(b);
        // Every GEMM but the narrowest and every elementwise call was split.
        expect(pool.jobs).toBeGreaterThanOrEqual((threads - 1) * (8 + 12));
        for (const [i, x] of got.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, output ${i}`);
      }
    }
  });
});
