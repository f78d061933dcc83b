/**
 * Reference softmax kernels (semantics for assembly/softmax.ts), float64 inside each row.
 * Rows are stabilised by their maximum; a row with NaN or ±∞ comes out NaN.
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type SoftmaxNames = 'softmax_rows_f32' | 'softmax_bwd_rows_f32' | 'softmax_xent_rows_f32';

/** Writes exp(z_j − m) into `e` (float64 scratch) and returns [m, Σ e]. */
function rowExp(f: Float32Array, zi: number, cols: number, e: Float64Array): [number, number] {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) if (f[zi + j]! > m) m = f[zi + j]!;
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const v = Math.exp(f[zi + j]! - m);
    e[j] = v;
    s += v;
  }
  return [m, s];
}

export function softmaxKernels(heap: Heap): Pick<Kernels, SoftmaxNames> {
  let scratch = new Float64Array(16);
  const rowBuf = (cols: number): Float64Array => {
    if (scratch.length < cols) scratch = new Float64Array(cols);
    return scratch;
  };
  return {
    /** a[r,j] = exp(z[r,j] − max_k z[r,k]) / Σ_k exp(z[r,k] − max) */
    softmax_rows_f32(z, a, rows, cols) {
      const f = heap.f32;
      const e = rowBuf(cols);
      for (let r = 0; r < rows; r++) {
        const zi = (z >>> 2) + r * cols,
          ai = (a >>> 2) + r * cols;
        const [, s] = rowExp(f, zi, cols, e);
        for (let j = 0; j < cols; j++) f[ai + j] = e[j]! / s;
      }
    },
    /** dz_j = a_j·(da_j − Σ_k da_k·a_k) per row */
    softmax_bwd_rows_f32(a, da, dz, rows, cols) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) {
        const ai = (a >>> 2) + r * cols,
          di = (da >>> 2) + r * cols,
          oi = (dz >>> 2) + r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += f[di + j]! * f[ai + j]!;
        for (let j = 0; j < cols; j++) f[oi + j] = f[ai + j]! * (f[di + j]! - dot);
      }
    },
    /** a = softmax(z), dz = scale·(a − y), returns Σ_rows Σ_j y_j·(logΣexp(z) − z_j) */
    softmax_xent_rows_f32(z, y, a, dz, rows, cols, scale) {
      const f = heap.f32;
      const e = rowBuf(cols);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const zi = (z >>> 2) + r * cols,
          yi = (y >>> 2) + r * cols;
        const ai = (a >>> 2) + r * cols,
          oi = (dz >>> 2) + r * cols;
        const [m, s] = rowExp(f, zi, cols, e);
        const lse = m + Math.log(s);
        for (let j = 0; j < cols; j++) {
          const yj = f[yi + j]!;
          total += yj * (lse - f[zi + j]!);
          const aj = e[j]! / s;
          f[ai + j] = aj;
          f[oi + j] = scale * (aj - yj);
        }
      }
      return total;
    },
  };
}
