/**
 * The Cholesky factorization on every core (src/kernels/threaded.ts, assembly/cholesky.ts):
 * - Driven block by block — cholesky_block_f32 for each column block of CHOLESKY_BLOCK, then
 *   cholesky_update_rows_f32 over row ranges covering the trailing rows (starting at multiples of 4,
 *   the threaded table's rule) — and driven panel by panel inside each block but the last
 *   (cholesky_diag_f32, cholesky_solve_rows_f32 over rows split at multiples of 32,
 *   cholesky_inner_rows_f32 over rows split at multiples of 4), it equals cholesky_f32 bit for bit on
 *   every wasm build (debug included: asserts on), with and without ws (packed and strided trailing
 *   updates), and returns the same pivot for a matrix that is not positive definite.
 * - The js twin's block step and row update follow the same contract: the stepped js factor agrees
 *   with the js whole call and with the wasm one within the tolerance of test/kernels/linalg.test.ts.
 * - The threaded tables (2 and 3 threads, baseline and relaxed) give one thread's bits for
 *   cholesky_f32, and did split its trailing updates and its panels' solves and inner updates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import { CHOLESKY_BLOCK, CHOLESKY_PANEL, CHOLESKY_WS_PER_ROW } from '../../src/kernels/kernels.js';
import { KERNEL_INDEX } from '../../src/kernels/pool.js';
import { triangleBounds } from '../../src/kernels/threaded.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { allBackends, expectClose, rand } from '../helpers/conformance.js';

function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) expect.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
}

/**
 * A symmetric positive definite n×n matrix (diagonally dominant: off-diagonal entries in
 * [−1, 1)/n, diagonal 2), lower triangle stored, strict upper triangle NaN (never to be read).
 */
function spd(n: number, seed: number): Float32Array {
  const r = rand(n * n, seed);
  const a = new Float32Array(n * n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) a[i * n + j] = r[i * n + j]! / n;
    a[i * n + i] = 2;
  }
  return a;
}

/** Row splits of [k1, n) by the rule: fixed steps and the balanced bounds for 2 and 3 parts (absolute rows). */
function splits(k1: number, n: number): number[][] {
  const m = n - k1;
  const out: number[][] = [[k1, n]];
  for (const step of [4, 20, 64]) {
    if (step >= m) continue;
    const b = [k1];
    for (let r = k1 + step; r < n; r += step) b.push(r);
    b.push(n);
    out.push(b);
  }
  for (const parts of [2, 3]) {
    const b = new Int32Array(parts + 1);
    const p = triangleBounds(m, parts, b);
    if (p > 1) out.push(Array.from(b.subarray(0, p + 1), (x) => k1 + x));
  }
  return out;
}

/**
 * Factors the matrix at `a` block by block, the trailing update of block i over split i mod the
 * splits (so every split shape is used); ws alternates between the given one and 0 by range.
 */
function stepped(b: Backend, a: number, n: number, shift: number, ws: number): number {
  for (let k0 = 0, i = 0; k0 < n; k0 += CHOLESKY_BLOCK, i++) {
    const info = b.k.cholesky_block_f32(a, n, shift, k0);
    if (info !== 0) return info;
    const k1 = k0 + CHOLESKY_BLOCK;
    if (k1 >= n) break;
    const all = splits(k1, n);
    const bounds = all[i % all.length]!;
    for (let s = 0; s + 1 < bounds.length; s++) b.k.cholesky_update_rows_f32(a, n, k0, s % 2 ? 0 : ws, bounds[s]!, bounds[s + 1]!);
  }
  return 0;
}

/** Row splits of [k1, n) at multiples of `align` from k1 (steps of 1, 2 and 5 alignments, and halves). */
function alignedSplits(k1: number, n: number, align: number): number[][] {
  const out: number[][] = [[k1, n]];
  for (const step of [align, 2 * align, 5 * align, Math.ceil((n - k1) / 2 / align) * align]) {
    if (step >= n - k1) continue;
    const b = [k1];
    for (let r = k1 + step; r < n; r += step) b.push(r);
    b.push(n);
    out.push(b);
  }
  return out;
}

/**
 * As `stepped`, each block but the last driven panel by panel: cholesky_diag_f32, then
 * cholesky_solve_rows_f32 over rows split at multiples of 32 from the panel's end, then (first panel
 * of a block) cholesky_inner_rows_f32 over rows split at multiples of 4 — the split shapes taken in
 * turn — then the trailing update over the rule's splits.
 */
function panelled(b: Backend, a: number, n: number, shift: number, ws: number): number {
  let turn = 0;
  for (let k0 = 0, i = 0; k0 < n; k0 += CHOLESKY_BLOCK, i++) {
    const K1 = k0 + CHOLESKY_BLOCK;
    if (K1 >= n) return b.k.cholesky_block_f32(a, n, shift, k0);
    for (let p0 = k0; p0 < K1; p0 += CHOLESKY_PANEL) {
      const info = b.k.cholesky_diag_f32(a, n, shift, p0);
      if (info !== 0) return info;
      const p1 = p0 + CHOLESKY_PANEL;
      const solve = alignedSplits(p1, n, 32);
      const sb = solve[turn++ % solve.length]!;
      for (let s = 0; s + 1 < sb.length; s++) b.k.cholesky_solve_rows_f32(a, n, p0, sb[s]!, sb[s + 1]!);
      if (p1 < K1) {
        const inner = alignedSplits(p1, n, 4);
        const ib = inner[turn++ % inner.length]!;
        for (let s = 0; s + 1 < ib.length; s++) b.k.cholesky_inner_rows_f32(a, n, p0, ib[s]!, ib[s + 1]!);
      }
    }
    const all = splits(K1, n);
    const bounds = all[i % all.length]!;
    for (let s = 0; s + 1 < bounds.length; s++) b.k.cholesky_update_rows_f32(a, n, k0, s % 2 ? 0 : ws, bounds[s]!, bounds[s + 1]!);
  }
  return 0;
}

/** n: one block, one block and a row, packed trailing updates (n − 96 ≥ 256), n not a multiple of 4. */
const SIZES = [50, 97, 200, 290, 353, 417];

describe('cholesky_f32 driven block by block', () => {
  it('equals the whole call bit for bit, with and without ws (every wasm build incl. debug)', async () => {
    for (const [tag, b] of (await allBackends({ debug: true })).filter(([t]) => t !== 'js')) {
      const h = b.heap;
      for (const n of SIZES) {
        const A0 = spd(n, n);
        const a = h.allocF32(n * n);
        const ws = h.alloc(CHOLESKY_WS_PER_ROW * n);
        for (const useWs of [true, false]) {
          h.writeF32(a, A0);
          expect(b.k.cholesky_f32(a, n, 0.125, useWs ? ws : 0)).toBe(0);
          const whole = h.readF32(a, n * n);
          for (const drive of [stepped, panelled]) {
            h.writeF32(a, A0);
            expect(drive(b, a, n, 0.125, useWs ? ws : 0)).toBe(0);
            sameBits(h.readF32(a, n * n), whole, `${tag} n=${n} ws=${useWs} ${drive.name}`);
          }
        }
        h.free(a);
        h.free(ws);
      }
    }
  });

  it('returns the whole call’s pivot for a matrix that is not positive definite (every backend)', async () => {
    for (const [tag, b] of await allBackends({ debug: true })) {
      for (const [n, bad] of [
        [200, 150],
        [300, 40],
        [300, 290],
      ] as const) {
        const A0 = spd(n, 7);
        A0[bad * n + bad] = -1;
        const a = b.heap.allocF32(n * n);
        b.heap.writeF32(a, A0);
        const whole = b.k.cholesky_f32(a, n, 0, 0);
        b.heap.writeF32(a, A0);
        const got = stepped(b, a, n, 0, 0);
        b.heap.writeF32(a, A0);
        const byPanel = panelled(b, a, n, 0, 0);
        b.heap.free(a);
        expect(whole, `${tag} n=${n}`).toBeGreaterThan(0);
        expect(got, `${tag} n=${n}`).toBe(whole);
        expect(byPanel, `${tag} n=${n} by panel`).toBe(whole);
      }
    }
  });

  it('js twin: the stepped factor agrees with the whole js call and with every wasm build', async () => {
    const list = await allBackends({ debug: true });
    const tol = { abs: 2e-5, rel: 1e-4 };
    for (const n of [97, 290]) {
      const A0 = spd(n, n + 1);
      const run = (b: Backend, how: 'whole' | 'stepped' | 'panelled'): Float32Array => {
        const a = b.heap.allocF32(n * n);
        b.heap.writeF32(a, A0);
        const drive = {
          whole: () => b.k.cholesky_f32(a, n, 0.125, 0),
          stepped: () => stepped(b, a, n, 0.125, 0),
          panelled: () => panelled(b, a, n, 0.125, 0),
        }[how];
        expect(drive()).toBe(0);
        const out = b.heap.readF32(a, n * n);
        b.heap.free(a);
        return out;
      };
      const js = list[0]![1];
      const ref = run(js, 'whole');
      // Upper triangle zeroed by the last block.
      const got = run(js, 'stepped');
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(0);
      expectClose(got, ref, tol, `js stepped n=${n}`);
      expectClose(run(js, 'panelled'), ref, tol, `js panelled n=${n}`);
      for (const [tag, b] of list.slice(1)) expectClose(run(b, 'stepped'), got, tol, `${tag} stepped vs js stepped n=${n}`);
    }
  });
});

describe('the threaded cholesky_f32 equals one thread', () => {
  const created: Backend[] = [];
  afterAll(async () => {
    await Promise.all(created.map((b) => b.dispose()));
  });

  it('2 and 3 threads, baseline and relaxed, with and without ws, and it split', async () => {
    // n = 611: the first trailing update is 96·515·516 ≈ 25.5 Mflop, over GEMM_SPLIT_CEILING_FLOP,
    // so it splits whatever thresholds the pool measured.
    const n = 611;
    const A0 = spd(n, 3);
    for (const simd of ['baseline', 'relaxed'] as const) {
      const run = (b: Backend): Float32Array[] => {
        const a = b.heap.allocF32(n * n);
        const out: Float32Array[] = [];
        for (const ws of [b.ws, 0]) {
          b.heap.writeF32(a, A0);
          expect(b.k.cholesky_f32(a, n, 0.125, ws)).toBe(0);
          out.push(b.heap.readF32(a, n * n));
        }
        b.heap.free(a);
        return out;
      };
      const one = await init({ backend: 'wasm', simd, threads: 1 });
      created.push(one);
      const want = run(one);
      for (const threads of [2, 3]) {
        const b = await init({ backend: 'wasm', simd, threads });
        created.push(b);
        const pool = threadPoolOf(b)!;
        const before = pool.jobs;
        const got = run(b);
        expect(pool.jobs - before).toBeGreaterThanOrEqual(2 * (threads - 1));
        for (const [i, x] of got.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, output ${i}`);
        // A panel's solve (≤ 563·48² ≈ 1.3 Mflop) and inner update (≤ 2.6 Mflop) split from 512 rows
        // below it and above the GEMM threshold the pool measured (1–8 Mflop): with the threshold
        // lowered (the table reads it at each call) and the pool calm, the first panel's split
        // whatever the machine (563 rows below it), and later ones while the pool sees no busy machine.
        const measured = b.splits!.gemmFlop;
        b.splits!.gemmFlop = 2e5;
        pool.calm();
        const solves = pool.jobsByKernel[KERNEL_INDEX.cholesky_solve_rows_f32]!;
        const inner = pool.jobsByKernel[KERNEL_INDEX.cholesky_inner_rows_f32]!;
        const low = run(b);
        b.splits!.gemmFlop = measured;
        expect(pool.jobsByKernel[KERNEL_INDEX.cholesky_solve_rows_f32]! - solves).toBeGreaterThan(0);
        expect(pool.jobsByKernel[KERNEL_INDEX.cholesky_inner_rows_f32]! - inner).toBeGreaterThan(0);
        for (const [i, x] of low.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, every panel split, output ${i}`);
      }
    }
  });
});
