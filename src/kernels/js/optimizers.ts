/** Reference optimizer steps (semantics for assembly/optimizers.ts). */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type OptimizerNames = 'sgd_f32' | 'sgd_l1l2_f32' | 'nesterov_f32' | 'adam_f32';

const sgn = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

export function optimizerKernels(heap: Heap): Pick<Kernels, OptimizerNames> {
  return {
    /** v ← momentum·v − lr·(g + l2·w); w ← w + v */
    sgd_f32(w, g, v, n, lr, momentum, l2) {
      const f = heap.f32;
      const wi = w >>> 2,
        gi = g >>> 2,
        vi = v >>> 2;
      for (let i = 0; i < n; i++) {
        const wv = f[wi + i]!;
        const step = momentum * f[vi + i]! - lr * (f[gi + i]! + l2 * wv);
        f[vi + i] = step;
        f[wi + i] = wv + Math.fround(step);
      }
    },
    /** v ← momentum·v − lr·(g + l2·w + l1·sgn w); w ← w + v */
    sgd_l1l2_f32(w, g, v, n, lr, momentum, l1, l2) {
      const f = heap.f32;
      const wi = w >>> 2,
        gi = g >>> 2,
        vi = v >>> 2;
      for (let i = 0; i < n; i++) {
        const wv = f[wi + i]!;
        const step = Math.fround(momentum * f[vi + i]! - lr * (f[gi + i]! + l2 * wv + l1 * sgn(wv)));
        f[vi + i] = step;
        f[wi + i] = wv + step;
      }
    },
    /** ĝ = g + l2·w + l1·sgn w; v ← momentum·v − lr·ĝ; w ← w + momentum·v − lr·ĝ */
    nesterov_f32(w, g, v, n, lr, momentum, l1, l2) {
      const f = heap.f32;
      const wi = w >>> 2,
        gi = g >>> 2,
        vi = v >>> 2;
      for (let i = 0; i < n; i++) {
        const wv = f[wi + i]!;
        const step = lr * (f[gi + i]! + l2 * wv + l1 * sgn(wv));
        const vv = Math.fround(momentum * f[vi + i]! - step);
        f[vi + i] = vv;
        f[wi + i] = wv + momentum * vv - step;
      }
    },
    /** m ← β₁m + (1−β₁)ĝ; v ← β₂v + (1−β₂)ĝ²; w ← w − lr·c1·m/(√(c2·v) + eps) */
    adam_f32(w, g, m, v, n, lr, beta1, beta2, eps, c1, c2, l1, l2) {
      const f = heap.f32;
      const wi = w >>> 2,
        gi = g >>> 2,
        mi = m >>> 2,
        vi = v >>> 2;
      for (let i = 0; i < n; i++) {
        const wv = f[wi + i]!;
        const gv = f[gi + i]! + l2 * wv + l1 * sgn(wv);
        const mv = Math.fround(beta1 * f[mi + i]! + (1 - beta1) * gv);
        const vv = Math.fround(beta2 * f[vi + i]! + (1 - beta2) * gv * gv);
        f[mi + i] = mv;
        f[vi + i] = vv;
        f[wi + i] = wv - (lr * c1 * mv) / (Math.sqrt(c2 * vv) + eps);
      }
    },
  };
}
