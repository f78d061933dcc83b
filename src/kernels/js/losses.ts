/** Reference losses (semantics for assembly/losses.ts): float64 sums, gradients scaled by `scale`. */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type LossNames = 'sqerr_f32';

export function lossKernels(heap: Heap): Pick<Kernels, LossNames> {
  return {
    /** Σ (a − y)², da = scale·(a − y) */
    sqerr_f32(a, y, da, n, scale) {
      const f = heap.f32;
      const ai = a >> 2, yi = y >> 2, di = da >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = f[ai + i]! - f[yi + i]!;
        s += d * d;
        f[di + i] = scale * d;
      }
      return s;
    },
  };
}
