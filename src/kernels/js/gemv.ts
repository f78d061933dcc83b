/**
 * One row times a matrix in plain TypeScript: the reference twin of assembly/gemv.ts.
 *
 *   y[j] = f32(Σ_p x[p]·W[p,j] + b[j])
 *
 * accumulated in float64 over p in order (JS numbers are doubles, so this costs nothing and makes
 * the reference tighter than any f32 kernel) and rounded once. W is streamed row by row (the inner
 * loop walks a row of W and the accumulator row), so it reads memory in order.
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

export function gemvKernels(heap: Heap): Pick<Kernels, 'gemv_row_f32'> {
  let acc = new Float64Array(0);
  return {
    gemv_row_f32(x, w, b, y, k, n) {
      const f = heap.f32;
      if (acc.length < n) acc = new Float64Array(Math.max(n, 2 * acc.length));
      const X0 = x >>> 2;
      const W0 = w >>> 2;
      const Y0 = y >>> 2;
      if (b) {
        const B0 = b >>> 2;
        for (let j = 0; j < n; j++) acc[j] = f[B0 + j]!;
      } else {
        acc.fill(0, 0, n);
      }
      for (let p = 0; p < k; p++) {
        const xp = f[X0 + p]!;
        const row = W0 + p * n;
        for (let j = 0; j < n; j++) acc[j] += xp * f[row + j]!;
      }
      for (let j = 0; j < n; j++) f[Y0 + j] = acc[j]!;
    },
  };
}
