/** Reference optimizer steps (semantics for assembly/optimizers.ts). */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type OptimizerNames = 'sgd_f32';

export function optimizerKernels(heap: Heap): Pick<Kernels, OptimizerNames> {
  return {
    /** v ← momentum·v − lr·(g + l2·w); w ← w + v */
    sgd_f32(w, g, v, n, lr, momentum, l2) {
      const f = heap.f32;
      const wi = w >> 2, gi = g >> 2, vi = v >> 2;
      for (let i = 0; i < n; i++) {
        const wv = f[wi + i]!;
        const step = momentum * f[vi + i]! - lr * (f[gi + i]! + l2 * wv);
        f[vi + i] = step;
        f[wi + i] = wv + Math.fround(step);
      }
    },
  };
}
