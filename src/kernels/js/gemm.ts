/**
 * GEMM in plain TypeScript: the reference the wasm kernels are tested against, the fallback where
 * WebAssembly SIMD is missing, and the "pure JS" column of the benchmarks.
 *
 * Semantics (identical for the wasm kernels): row-major contiguous operands at byte offsets into the
 * heap; C = op(A)·op(B) + bias + beta·C, where bias (nn only) is n floats broadcast over rows or 0
 * for none, and beta = 0 overwrites C without reading it (old content may be NaN).
 *
 * Each row of C is accumulated in float64 (a scratch row kept by this closure and grown on demand;
 * JS numbers are doubles anyway, so this costs nothing and makes the reference tighter than any
 * f32 kernel), then rounded once: C[i,j] = f32(Σ_p a·b + bias[j] + beta·C[i,j]).
 * Loop order i-k-j for nn and tn (the inner loop streams a row of B and a row of C), i-j-k for nt
 * (dot products of two contiguous rows).
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

export function gemmKernels(
  heap: Heap,
): Pick<Kernels, 'gemm_nn_f32' | 'gemm_tn_f32' | 'gemm_tn_ld_f32' | 'gemm_nt_f32' | 'gemm_nn_cols_f32' | 'gemm_nt_cols_f32'> {
  let row = new Float64Array(0);
  const rowOf = (n: number): Float64Array => {
    if (row.length < n) row = new Float64Array(Math.max(n, 2 * row.length));
    return row;
  };

  /** Writes C[i,:] = acc + bias + beta·C[i,:] (bias: float index or −1). */
  const finishRow = (f: Float32Array, acc: Float64Array, ci: number, n: number, bi: number, beta: number): void => {
    if (beta === 0) {
      if (bi < 0) for (let j = 0; j < n; j++) f[ci + j] = acc[j]!;
      else for (let j = 0; j < n; j++) f[ci + j] = acc[j]! + f[bi + j]!;
    } else {
      if (bi < 0) for (let j = 0; j < n; j++) f[ci + j] = acc[j]! + beta * f[ci + j]!;
      else for (let j = 0; j < n; j++) f[ci + j] = acc[j]! + f[bi + j]! + beta * f[ci + j]!;
    }
  };

  /**
   * Shared i-k-j loop: A(i,p) = f[A0 + i·rsa + p·csa], B(p,j) = f[B0 + p·n + j] (float indices).
   */
  const ikj = (
    a: number,
    rsa: number,
    csa: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    bias: number,
    beta: number,
    ld = n,
  ): void => {
    const f = heap.f32;
    const acc = rowOf(n);
    const A0 = a >>> 2;
    const B0 = b >>> 2;
    const C0 = c >>> 2;
    const bi = bias ? bias >>> 2 : -1;
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      const ai = A0 + i * rsa;
      for (let p = 0; p < k; p++) {
        const aip = f[ai + p * csa]!;
        const bp = B0 + p * ld;
        for (let j = 0; j < n; j++) acc[j] += aip * f[bp + j]!;
      }
      finishRow(f, acc, C0 + i * ld, n, bi, beta);
    }
  };

  /** nt: C[i,j] = Σ_p A[i,p]·B[j,p] (dot products of two contiguous rows); C's rows ldc floats apart. */
  const ijk = (a: number, b: number, c: number, m: number, n: number, k: number, beta: number, ldc: number): void => {
    const f = heap.f32;
    const acc = rowOf(n);
    const A0 = a >>> 2;
    const B0 = b >>> 2;
    const C0 = c >>> 2;
    for (let i = 0; i < m; i++) {
      const ai = A0 + i * k;
      for (let j = 0; j < n; j++) {
        const bj = B0 + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += f[ai + p]! * f[bj + p]!;
        acc[j] = s;
      }
      finishRow(f, acc, C0 + i * ldc, n, -1, beta);
    }
  };

  return {
    gemm_nn_f32(a, b, c, m, n, k, bias, beta, _ws) {
      ikj(a, k, 1, b, c, m, n, k, bias, beta);
    },

    gemm_tn_f32(a, b, c, m, n, k, beta, _ws) {
      ikj(a, 1, m, b, c, m, n, k, 0, beta);
    },

    gemm_tn_ld_f32(a, b, c, m, n, k, lda, beta, _ws) {
      ikj(a, 1, lda, b, c, m, n, k, 0, beta);
    },

    // A column slice C[:, j0:j1]: B and C rows stay n floats apart (ld), bias starts at column j0.
    gemm_nn_cols_f32(a, b, c, m, n, k, bias, beta, _ws, j0, j1) {
      ikj(a, k, 1, b + 4 * j0, c + 4 * j0, m, j1 - j0, k, bias ? bias + 4 * j0 : 0, beta, n);
    },

    gemm_nt_f32(a, b, c, m, n, k, beta, _ws) {
      ijk(a, b, c, m, n, k, beta, n);
    },

    // A column slice C[:, j0:j1]: rows j0..j1 of the stored [n×k] B; C rows stay n floats apart.
    gemm_nt_cols_f32(a, b, c, m, n, k, beta, _ws, j0, j1) {
      ijk(a, b + 4 * j0 * k, c + 4 * j0, m, j1 - j0, k, beta, n);
    },
  };
}
