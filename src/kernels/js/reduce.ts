/** Reference reductions and row utilities (semantics for assembly/reduce.ts). */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type ReduceNames =
  | 'colsum_f32'
  | 'gather_rows_f32'
  | 'argmax_rows_f32'
  | 'count_correct_f32'
  | 'find_nonfinite_f32'
  | 'count_correct_binary_f32'
  | 'fnv1a_u8';

/** First index of the maximum of f[i .. i+cols) (NaNs never win). */
function rowArgmax(f: Float32Array, i: number, cols: number): number {
  let best = f[i]!;
  let bi = 0;
  for (let j = 1; j < cols; j++) {
    if (f[i + j]! > best) {
      best = f[i + j]!;
      bi = j;
    }
  }
  return bi;
}

export function reduceKernels(heap: Heap): Pick<Kernels, ReduceNames> {
  return {
    /** out[j] = Σ_r x[r,j] + beta·out[j] (beta = 0 ignores out's old content) */
    colsum_f32(x, out, rows, cols, beta) {
      const f = heap.f32;
      const xi = x >>> 2,
        oi = out >>> 2;
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += f[xi + r * cols + j]!;
        f[oi + j] = beta === 0 ? s : s + beta * f[oi + j]!;
      }
    },
    /** dst[r,:] = src[idx[r],:] */
    gather_rows_f32(src, idx, dst, count, cols) {
      const f = heap.f32;
      const ix = heap.i32;
      for (let r = 0; r < count; r++) {
        const s = (src >>> 2) + ix[(idx >>> 2) + r]! * cols;
        f.copyWithin((dst >>> 2) + r * cols, s, s + cols);
      }
    },
    /** out[r] = first argmax of row r (i32) */
    argmax_rows_f32(x, out, rows, cols) {
      const f = heap.f32;
      const ix = heap.i32;
      for (let r = 0; r < rows; r++) ix[(out >>> 2) + r] = cols > 0 ? rowArgmax(f, (x >>> 2) + r * cols, cols) : 0;
    },
    /** #rows with argmax a[r,:] == argmax y[r,:] */
    count_correct_f32(a, y, rows, cols) {
      if (cols <= 0) return 0;
      const f = heap.f32;
      let c = 0;
      for (let r = 0; r < rows; r++) {
        if (rowArgmax(f, (a >>> 2) + r * cols, cols) === rowArgmax(f, (y >>> 2) + r * cols, cols)) c++;
      }
      return c;
    },
    /** first i with x[i] NaN or ±∞, else −1 */
    find_nonfinite_f32(x, n) {
      const f = heap.f32;
      const xi = x >>> 2;
      for (let i = 0; i < n; i++) if (!Number.isFinite(f[xi + i]!)) return i;
      return -1;
    },
    /** h ← (h ⊕ byte)·16777619 mod 2³² over the n bytes at p */
    fnv1a_u8(h, p, n) {
      const u8 = heap.u8;
      for (let i = 0; i < n; i++) h = Math.imul(h ^ u8[p + i]!, 16777619);
      return h >>> 0;
    },
    /** #i with (a_i > 0.5) == (y_i > 0.5) */
    count_correct_binary_f32(a, y, n) {
      const f = heap.f32;
      const ai = a >>> 2,
        yi = y >>> 2;
      let c = 0;
      for (let i = 0; i < n; i++) if (f[ai + i]! > 0.5 === f[yi + i]! > 0.5) c++;
      return c;
    },
  };
}
