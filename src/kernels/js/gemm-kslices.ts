/**
 * Reference k-slices of C = A·B + bias + beta·C (semantics for gemm_nn_kslices_f32 and
 * gemm_ksum_f32 in assembly/gemm-slices.ts): the slices of k as gemmKSlices(k) cuts them, each element
 * summed in float64 and rounded once, like the reference GEMM (js/gemm.ts).
 */
import type { Heap } from '../heap.js';
import { gemmKSlices } from '../gemm-slices.js';
import type { Kernels } from '../kernels.js';

export function gemmKSliceKernels(heap: Heap): Pick<Kernels, 'gemm_nn_kslices_f32' | 'gemm_ksum_f32'> {
  return {
    gemm_nn_kslices_f32(a, b, c, m, n, k, bias, beta, _ws, q0, q1, sep) {
      if (m <= 4 || n <= 12 || k <= 0) return;
      const f = heap.f32;
      const [step, count] = gemmKSlices(k);
      const [ai, bi, ci, biasI] = [a >>> 2, b >>> 2, c >>> 2, bias >>> 2];
      // One block of slices: C += Σ over p in [p0, p1) of A[:, p]·B[p, :] into `out` (first: + bias + beta·C).
      const block = (p0: number, p1: number, out: number, first: boolean, accumulate: boolean): void => {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = p0; p < p1; p++) s += f[ai + i * k + p]! * f[bi + p * n + j]!;
            if (first && bias !== 0) s += f[biasI + j]!;
            if (first ? beta !== 0 : accumulate) s += (first ? beta : 1) * f[out + i * n + j]!;
            f[out + i * n + j] = s;
          }
        }
      };
      const hi = Math.min(q1, count);
      if (sep === 0) {
        if (q0 < hi) block(q0 * step, Math.min(k, hi * step), ci, q0 === 0, true);
        return;
      }
      for (let q = q0; q < hi; q++) block(q * step, Math.min(k, (q + 1) * step), (sep >>> 2) + (q - q0) * m * n, false, false);
    },
    gemm_ksum_f32(c, s, n, parts, stride) {
      const f = heap.f32;
      const [ci, si] = [c >>> 2, s >>> 2];
      for (let i = 0; i < n; i++) {
        let v = f[ci + i]!;
        for (let p = 0; p < parts; p++) v = Math.fround(v + f[si + p * stride + i]!);
        f[ci + i] = v;
      }
    },
  };
}
