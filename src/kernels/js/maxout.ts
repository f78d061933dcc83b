/**
 * Reference maxout (semantics for assembly/maxout.ts). Layout, unit-major: z is [rows × units·k]
 * with piece p of unit u at column u·k + p; a and idx (i32, winning piece) are [rows × units].
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

export function maxoutKernels(heap: Heap): Pick<Kernels, 'maxout_fwd_f32' | 'maxout_bwd_f32'> {
  return {
    /** a[r,u] = max_p z[r, u·k + p], idx[r,u] = first p attaining it */
    maxout_fwd_f32(z, a, idx, rows, units, k) {
      const f = heap.f32;
      const ix = heap.i32;
      const total = rows * units;
      for (let i = 0; i < total; i++) {
        const zi = (z >>> 2) + i * k;
        let best = f[zi]!;
        let bi = 0;
        for (let p = 1; p < k; p++) {
          if (f[zi + p]! > best) {
            best = f[zi + p]!;
            bi = p;
          }
        }
        f[(a >>> 2) + i] = best;
        ix[(idx >>> 2) + i] = bi;
      }
    },
    /** dz[r, u·k + p] = p == idx[r,u] ? da[r,u] : 0 */
    maxout_bwd_f32(da, idx, dz, rows, units, k) {
      const f = heap.f32;
      const ix = heap.i32;
      const total = rows * units;
      for (let i = 0; i < total; i++) {
        const d = f[(da >>> 2) + i]!;
        const w = ix[(idx >>> 2) + i]!;
        const oi = (dz >>> 2) + i * k;
        for (let p = 0; p < k; p++) f[oi + p] = p === w ? d : 0;
      }
    },
  };
}
