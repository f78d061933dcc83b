/** Reference losses (semantics for assembly/losses.ts): float64 sums, gradients scaled by `scale`. */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type LossNames = 'sqerr_f32' | 'bce_logits_f32' | 'bce_f32' | 'hinge_f32' | 'hinge_multi_rows_f32' | 'l1l2_penalty_f32';

export function lossKernels(heap: Heap): Pick<Kernels, LossNames> {
  return {
    /** l1·Σ|w| + (l2/2)·Σw², sums in float64 */
    l1l2_penalty_f32(w, n, l1, l2) {
      const f = heap.f32;
      const wi = w >>> 2;
      let sa = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const v = f[wi + i]!;
        sa += Math.abs(v);
        sq += v * v;
      }
      return Math.fround(l1) * sa + 0.5 * Math.fround(l2) * sq;
    },
    /** Σ (a − y)², da = scale·(a − y) */
    sqerr_f32(a, y, da, n, scale) {
      const f = heap.f32;
      const ai = a >>> 2,
        yi = y >>> 2,
        di = da >>> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = f[ai + i]! - f[yi + i]!;
        s += d * d;
        f[di + i] = scale * d;
      }
      return s;
    },
    /** a = σ(z), dz = scale·(a − y), returns Σ max(z, 0) − z·y + log1p(e^−|z|) */
    bce_logits_f32(z, y, a, dz, n, scale) {
      const f = heap.f32;
      const zi = z >>> 2,
        yi = y >>> 2,
        ai = a >>> 2,
        di = dz >>> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const zv = f[zi + i]!,
          yv = f[yi + i]!;
        const e = Math.exp(-Math.abs(zv));
        const av = zv < 0 ? e / (1 + e) : 1 / (1 + e);
        s += Math.max(zv, 0) - zv * yv + Math.log1p(e);
        f[ai + i] = av;
        f[di + i] = scale * (Math.fround(av) - yv);
      }
      return s;
    },
    /** ā = clamp(a, eps, 1 − eps): returns −Σ y·log ā + (1 − y)·log(1 − ā), da = scale·(ā − y)/(ā(1 − ā)) */
    bce_f32(a, y, da, n, scale, eps) {
      const f = heap.f32;
      const lo = Math.fround(eps),
        hi = Math.fround(1 - lo);
      const ai = a >>> 2,
        yi = y >>> 2,
        di = da >>> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const raw = f[ai + i]!;
        const av = raw < lo ? lo : Math.min(raw, hi);
        const yv = f[yi + i]!;
        const b = Math.fround(1 - av);
        s -= yv * Math.log(av) + (1 - yv) * Math.log(b);
        f[di + i] = (scale * (av - yv)) / (av * b);
      }
      return s;
    },
    /** returns Σ max(0, 1 − y·a), da = y·a < 1 ? −scale·y : 0 */
    hinge_f32(a, y, da, n, scale) {
      const f = heap.f32;
      const ai = a >>> 2,
        yi = y >>> 2,
        di = da >>> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const yv = f[yi + i]!;
        const m = 1 - yv * f[ai + i]!;
        if (m > 0) s += m;
        f[di + i] = m > 0 ? -scale * yv : 0;
      }
      return s;
    },
    /** Crammer–Singer: loss_r = max(0, 1 + max_{j≠t} a_j − a_t), t = argmax y */
    hinge_multi_rows_f32(a, y, da, rows, cols, scale) {
      const f = heap.f32;
      let s = 0;
      for (let r = 0; r < rows; r++) {
        const ai = (a >>> 2) + r * cols,
          yi = (y >>> 2) + r * cols,
          di = (da >>> 2) + r * cols;
        let t = 0;
        for (let j = 1; j < cols; j++) if (f[yi + j]! > f[yi + t]!) t = j;
        let js = -1;
        for (let j = 0; j < cols; j++) {
          if (j === t) continue;
          if (js < 0 || f[ai + j]! > f[ai + js]!) js = j;
        }
        f.fill(0, di, di + cols);
        if (js >= 0) {
          const l = 1 + f[ai + js]! - f[ai + t]!;
          if (l > 0) {
            s += l;
            f[di + t] = -scale;
            f[di + js] = scale;
          }
        }
      }
      return s;
    },
  };
}
