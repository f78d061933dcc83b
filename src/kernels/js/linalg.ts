/**
 * Reference twin of assembly/cholesky.ts, syrk.ts and vector.ts: Cholesky factorization, triangular
 * solves, the symmetric rank-k update JᵀJ and the vector operations of conjugate gradient, written
 * plainly over the heap's f32 view. Sums are accumulated in f64 (JavaScript numbers) and rounded to
 * f32 when stored, so this is at least as accurate as the wasm kernels (which accumulate the O(n³)
 * parts in f32).
 *
 * The heap's view is read at the start of every call: views are re-created after memory growth.
 */
import type { Heap } from '../heap.js';
import { CHOLESKY_BLOCK, CHOLESKY_PANEL, type Kernels } from '../kernels.js';

export type LinalgKernelName =
  | 'cholesky_f32'
  | 'cholesky_block_f32'
  | 'cholesky_update_rows_f32'
  | 'cholesky_diag_f32'
  | 'cholesky_solve_rows_f32'
  | 'cholesky_inner_rows_f32'
  | 'trsv_lower_f32'
  | 'trsv_lower_t_f32'
  | 'cholesky_solve_f32'
  | 'syrk_acc_f32'
  | 'syrk_acc_rows_f32'
  | 'dot_f32'
  | 'axpy_f32'
  | 'scale_f32'
  | 'copy_f32'
  | 'add_diag_f32';

const fround = Math.fround;

/** The end min(K0 + CHOLESKY_BLOCK, n) of the Cholesky column block that holds column k0. */
function blockEnd(n: number, k0: number): number {
  return Math.min(k0 - (k0 % CHOLESKY_BLOCK) + CHOLESKY_BLOCK, n);
}

/** The end k1 of the Cholesky panel that starts at k0: min(k0 + CHOLESKY_PANEL, its column block's end). */
function panelEnd(n: number, k0: number): number {
  return Math.min(k0 + CHOLESKY_PANEL, blockEnd(n, k0));
}

/** Row j of L left of column mEnd: L_jm = (a_jm − Σ_{k0≤k<m} L_jk·L_mk) / L_mm for k0 ≤ m < mEnd (f64 sums). */
function lRow(f: Float32Array, o: number, n: number, j: number, k0: number, mEnd: number): void {
  const rj = o + j * n;
  for (let m = k0; m < mEnd; m++) {
    const rm = o + m * n;
    f[rj + m] = (f[rj + m]! - dot(f, rj + k0, rm + k0, m - k0)) / f[rm + m]!;
  }
}

/** Σ_{k<len} f[p+k]·f[q+k] in f64, four partial sums (lets the JIT overlap the multiply-adds). */
function dot(f: Float32Array, p: number, q: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += f[p + k]! * f[q + k]!;
    s1 += f[p + k + 1]! * f[q + k + 1]!;
    s2 += f[p + k + 2]! * f[q + k + 2]!;
    s3 += f[p + k + 3]! * f[q + k + 3]!;
  }
  for (; k < len; k++) s0 += f[p + k]! * f[q + k]!;
  return s0 + s1 + (s2 + s3);
}

export function linalgKernels(heap: Heap): Pick<Kernels, LinalgKernelName> {
  /** L·y = x in place (rows of L, dot-product form). */
  function trsvLower(l: number, x: number, n: number): void {
    const f = heap.f32;
    const lo = l >>> 2;
    const xo = x >>> 2;
    for (let i = 0; i < n; i++) {
      const ri = lo + i * n;
      f[xo + i] = (f[xo + i]! - dot(f, ri, xo, i)) / f[ri + i]!;
    }
  }

  /** Lᵀ·z = x in place: z_i = (x_i − Σ_{k>i} L_ki·z_k) / L_ii (columns of L, dot-product form). */
  function trsvLowerT(l: number, x: number, n: number): void {
    const f = heap.f32;
    const lo = l >>> 2;
    const xo = x >>> 2;
    for (let i = n - 1; i >= 0; i--) {
      let s = f[xo + i]!;
      for (let k = i + 1; k < n; k++) s -= f[lo + k * n + i]! * f[xo + k]!;
      f[xo + i] = s / f[lo + i * n + i]!;
    }
  }

  /** Rows [r0, r1) of the lower triangle of H = beta·H + JᵀJ, one f64 accumulator row at a time. */
  function syrkRows(j: number, h: number, rows: number, p: number, beta: number, r0: number, r1: number): void {
    const f = heap.f32;
    const jo = j >>> 2;
    const ho = h >>> 2;
    if (p <= 0) return;
    const b = fround(beta);
    const acc = new Float64Array(p);
    for (let r = Math.max(0, r0); r < Math.min(r1, p); r++) {
      acc.fill(0, 0, r + 1);
      for (let k = 0; k < rows; k++) {
        const row = jo + k * p;
        const jr = f[row + r]!;
        for (let c = 0; c <= r; c++) acc[c] = acc[c]! + jr * f[row + c]!;
      }
      const hr = ho + r * p;
      for (let c = 0; c <= r; c++) f[hr + c] = b === 0 ? acc[c]! : b * f[hr + c]! + acc[c]!;
    }
  }

  return {
    /**
     * Cholesky–Banachiewicz (row by row, unblocked; `ws` is not needed here):
     * L_jm = (a_jm − Σ_{k<m} L_jk·L_mk) / L_mm for m < j, L_jj = √(a_jj + shift − Σ_{k<j} L_jk²).
     * Returns j+1 at the first pivot that is not positive and finite; zeroes the strict upper
     * triangle on success.
     */
    cholesky_f32(a: number, n: number, shift: number): number {
      const f = heap.f32;
      const o = a >>> 2;
      const sh = fround(shift);
      for (let j = 0; j < n; j++) {
        const rj = o + j * n;
        for (let m = 0; m < j; m++) {
          const rm = o + m * n;
          f[rj + m] = (f[rj + m]! - dot(f, rj, rm, m)) / f[rm + m]!;
        }
        const d = fround(f[rj + j]! + sh) - dot(f, rj, rj, j);
        if (!(d > 0) || !Number.isFinite(d)) return j + 1;
        f[rj + j] = Math.sqrt(d);
      }
      for (let i = 0; i < n - 1; i++) f.fill(0, o + i * n + i + 1, o + (i + 1) * n);
      return 0;
    },

    /**
     * Right-looking step over the column block [k0, k1): with the earlier blocks' updates already
     * subtracted, L_jm = (a_jm − Σ_{k0≤k<m} L_jk·L_mk) / L_mm for k0 ≤ m < min(j, k1), j ≥ k0, and
     * L_jj = √(a_jj + shift − Σ_{k0≤k<j} L_jk²) for j < k1; zeroes the upper triangle after the last block.
     */
    cholesky_block_f32(a: number, n: number, shift: number, k0: number): number {
      const f = heap.f32;
      const o = a >>> 2;
      const sh = fround(shift);
      const k1 = Math.min(k0 + CHOLESKY_BLOCK, n);
      for (let j = k0; j < n; j++) {
        const rj = o + j * n;
        lRow(f, o, n, j, k0, Math.min(j, k1));
        if (j < k1) {
          const d = fround(f[rj + j]! + sh) - dot(f, rj + k0, rj + k0, j - k0);
          if (!(d > 0) || !Number.isFinite(d)) return j + 1;
          f[rj + j] = Math.sqrt(d);
        }
      }
      if (k1 === n) for (let i = 0; i < n - 1; i++) f.fill(0, o + i * n + i + 1, o + (i + 1) * n);
      return 0;
    },

    /** A[r][c] −= Σ_{k0≤k<k1} L[r][k]·L[c][k] (f64 sum) for k1 ≤ c ≤ r, r0 ≤ r < r1. */
    cholesky_update_rows_f32(a: number, n: number, k0: number, _ws: number, r0: number, r1: number): void {
      const f = heap.f32;
      const o = a >>> 2;
      const k1 = Math.min(k0 + CHOLESKY_BLOCK, n);
      for (let r = r0; r < r1; r++) {
        const rr = o + r * n;
        for (let c = k1; c <= r; c++) f[rr + c] = f[rr + c]! - dot(f, rr + k0, o + c * n + k0, k1 - k0);
      }
    },

    /** The panel's diagonal block: L_jm and L_jj as cholesky_block_f32's for k0 ≤ m ≤ j < k1 (sums from k0). */
    cholesky_diag_f32(a: number, n: number, shift: number, k0: number): number {
      const f = heap.f32;
      const o = a >>> 2;
      const sh = fround(shift);
      const k1 = panelEnd(n, k0);
      for (let j = k0; j < k1; j++) {
        const rj = o + j * n;
        lRow(f, o, n, j, k0, j);
        const d = fround(f[rj + j]! + sh) - dot(f, rj + k0, rj + k0, j - k0);
        if (!(d > 0) || !Number.isFinite(d)) return j + 1;
        f[rj + j] = Math.sqrt(d);
      }
      return 0;
    },

    /** L_rm = (a_rm − Σ_{k0≤k<m} L_rk·L_mk) / L_mm for k0 ≤ m < k1, r0 ≤ r < r1. */
    cholesky_solve_rows_f32(a: number, n: number, k0: number, r0: number, r1: number): void {
      const f = heap.f32;
      const o = a >>> 2;
      const k1 = panelEnd(n, k0);
      for (let r = r0; r < r1; r++) lRow(f, o, n, r, k0, k1);
    },

    /** A[r][c] −= Σ_{k0≤k<k1} L[r][k]·L[c][k] (f64 sum) for k1 ≤ c < K1, c ≤ r, r0 ≤ r < r1. */
    cholesky_inner_rows_f32(a: number, n: number, k0: number, r0: number, r1: number): void {
      const f = heap.f32;
      const o = a >>> 2;
      const k1 = panelEnd(n, k0);
      const K1 = blockEnd(n, k0);
      for (let r = r0; r < r1; r++) {
        const rr = o + r * n;
        for (let c = k1; c < Math.min(K1, r + 1); c++) f[rr + c] = f[rr + c]! - dot(f, rr + k0, o + c * n + k0, k1 - k0);
      }
    },

    trsv_lower_f32: trsvLower,
    trsv_lower_t_f32: trsvLowerT,

    cholesky_solve_f32(l: number, x: number, n: number): void {
      trsvLower(l, x, n);
      trsvLowerT(l, x, n);
    },

    /** Lower triangle of H = beta·H + JᵀJ, one f64 accumulator row at a time (`ws` is not needed here). */
    syrk_acc_f32(j: number, h: number, rows: number, p: number, beta: number): void {
      syrkRows(j, h, rows, p, beta, 0, p);
    },

    /** Rows [r0, r1) of syrk_acc_f32 (each row is computed on its own here, so any range works). */
    syrk_acc_rows_f32(j: number, h: number, rows: number, p: number, beta: number, _ws: number, r0: number, r1: number): void {
      syrkRows(j, h, rows, p, beta, r0, r1);
    },

    dot_f32(x: number, y: number, n: number): number {
      const f = heap.f32;
      const xo = x >>> 2;
      const yo = y >>> 2;
      return fround(dot(f, xo, yo, n));
    },

    axpy_f32(alpha: number, x: number, y: number, n: number): void {
      const f = heap.f32;
      const a = fround(alpha);
      const xo = x >>> 2;
      const yo = y >>> 2;
      for (let i = 0; i < n; i++) f[yo + i] = f[yo + i]! + a * f[xo + i]!;
    },

    scale_f32(x: number, alpha: number, n: number): void {
      const f = heap.f32;
      const a = fround(alpha);
      const xo = x >>> 2;
      for (let i = 0; i < n; i++) f[xo + i] = f[xo + i]! * a;
    },

    copy_f32(src: number, dst: number, n: number): void {
      if (n <= 0) return;
      const f = heap.f32;
      f.copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + n);
    },

    add_diag_f32(a: number, n: number, mu: number): void {
      const f = heap.f32;
      const m = fround(mu);
      const o = a >>> 2;
      for (let i = 0; i < n; i++) f[o + i * n + i] = f[o + i * n + i]! + m;
    },
  };
}
