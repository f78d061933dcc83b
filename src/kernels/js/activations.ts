/**
 * Reference activations (semantics for assembly/activations.ts). Computed in float64 and rounded
 * once on store, so they are the accurate side of every conformance comparison.
 * fwd: a = f(z). bwd: dz = da ⊙ f'(z) (dz may alias da: each element is read before it is written).
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type ActivationNames =
  | 'linear_fwd_f32'
  | 'linear_bwd_f32'
  | 'relu_fwd_f32'
  | 'relu_bwd_f32'
  | 'sigmoid_fwd_f32'
  | 'sigmoid_bwd_f32'
  | 'tanh_fwd_f32'
  | 'tanh_bwd_f32'
  | 'leaky_relu_fwd_f32'
  | 'leaky_relu_bwd_f32'
  | 'elu_fwd_f32'
  | 'elu_bwd_f32'
  | 'softplus_fwd_f32'
  | 'softplus_bwd_f32'
  | 'hard_tanh_fwd_f32'
  | 'hard_tanh_bwd_f32'
  | 'abs_fwd_f32'
  | 'abs_bwd_f32'
  | 'prelu_fwd_f32'
  | 'prelu_bwd_f32';

/** σ(z) = 1/(1+e^−z) without overflow: e = exp(−|z|), σ = 1/(1+e) (z ≥ 0) or e/(1+e) (z < 0). */
export function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z < 0 ? e / (1 + e) : 1 / (1 + e);
}

/** softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^−|z|), stable for any z. */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Applies a = f(z) over n floats. */
function mapFwd(heap: Heap, z: number, a: number, n: number, f: (z: number) => number): void {
  const h = heap.f32;
  const zi = z >>> 2,
    ai = a >>> 2;
  for (let i = 0; i < n; i++) h[ai + i] = f(h[zi + i]!);
}

/** Applies dz = da·f'(z, a) over n floats (each element read before it is written). */
function mapBwd(heap: Heap, z: number, a: number, da: number, dz: number, n: number, df: (z: number, a: number) => number): void {
  const h = heap.f32;
  const zi = z >>> 2,
    ai = a >>> 2,
    di = da >>> 2,
    oi = dz >>> 2;
  for (let i = 0; i < n; i++) h[oi + i] = h[di + i]! * df(h[zi + i]!, h[ai + i]!);
}

export function activationKernels(heap: Heap): Pick<Kernels, ActivationNames> {
  let scratch = new Float64Array(64);
  return {
    /** a = z > 0 ? z : alpha·z */
    leaky_relu_fwd_f32(z, a, n, alpha) {
      const al = Math.fround(alpha);
      mapFwd(heap, z, a, n, (v) => (v > 0 ? v : al * v));
    },
    /** dz = da·(z > 0 ? 1 : alpha) */
    leaky_relu_bwd_f32(z, a, da, dz, n, alpha) {
      const al = Math.fround(alpha);
      mapBwd(heap, z, a, da, dz, n, (v) => (v > 0 ? 1 : al));
    },
    /** a = z > 0 ? z : alpha·(e^z − 1) */
    elu_fwd_f32(z, a, n, alpha) {
      const al = Math.fround(alpha);
      mapFwd(heap, z, a, n, (v) => (v > 0 ? v : al * Math.expm1(v)));
    },
    /** dz = da·(z > 0 ? 1 : a + alpha)  (alpha·e^z = a + alpha) */
    elu_bwd_f32(z, a, da, dz, n, alpha) {
      const al = Math.fround(alpha);
      mapBwd(heap, z, a, da, dz, n, (v, av) => (v > 0 ? 1 : av + al));
    },
    /** a = max(z, 0) + log1p(e^−|z|) */
    softplus_fwd_f32(z, a, n) {
      mapFwd(heap, z, a, n, softplus);
    },
    /** dz = da·σ(z) */
    softplus_bwd_f32(z, a, da, dz, n) {
      mapBwd(heap, z, a, da, dz, n, sigmoid);
    },
    /** a = clamp(z, −1, 1) */
    hard_tanh_fwd_f32(z, a, n) {
      mapFwd(heap, z, a, n, (v) => (v < -1 ? -1 : Math.min(v, 1)));
    },
    /** dz = da·[−1 < z < 1] */
    hard_tanh_bwd_f32(z, _a, da, dz, n) {
      const h = heap.f32;
      const zi = z >>> 2,
        di = da >>> 2,
        oi = dz >>> 2;
      for (let i = 0; i < n; i++) {
        const v = h[zi + i]!;
        h[oi + i] = v > -1 && v < 1 ? h[di + i]! : 0;
      }
    },
    /** a = |z| */
    abs_fwd_f32(z, a, n) {
      mapFwd(heap, z, a, n, Math.abs);
    },
    /** dz = da·sgn(z), 0 at z = 0 */
    abs_bwd_f32(z, _a, da, dz, n) {
      const h = heap.f32;
      const zi = z >>> 2,
        di = da >>> 2,
        oi = dz >>> 2;
      for (let i = 0; i < n; i++) {
        const v = h[zi + i]!;
        h[oi + i] = v > 0 ? h[di + i]! : v < 0 ? -h[di + i]! : 0;
      }
    },
    /** a[r,j] = z > 0 ? z : slope[j]·z */
    prelu_fwd_f32(z, slope, a, rows, cols) {
      const h = heap.f32;
      const si = slope >>> 2;
      for (let r = 0; r < rows; r++) {
        const zi = (z >>> 2) + r * cols,
          ai = (a >>> 2) + r * cols;
        for (let j = 0; j < cols; j++) {
          const v = h[zi + j]!;
          h[ai + j] = v > 0 ? v : h[si + j]! * v;
        }
      }
    },
    /** dz = da·(z > 0 ? 1 : slope[j]);  dslope[j] = Σ_r da·min(z, 0) + beta·dslope[j] */
    prelu_bwd_f32(z, slope, da, dz, dslope, rows, cols, beta) {
      const h = heap.f32;
      const si = slope >>> 2,
        gi = dslope >>> 2;
      if (scratch.length < cols) scratch = new Float64Array(cols);
      const acc = scratch.fill(0, 0, cols);
      for (let r = 0; r < rows; r++) {
        const zi = (z >>> 2) + r * cols,
          di = (da >>> 2) + r * cols,
          oi = (dz >>> 2) + r * cols;
        for (let j = 0; j < cols; j++) {
          const v = h[zi + j]!;
          const d = h[di + j]!;
          acc[j]! += d * Math.min(v, 0);
          h[oi + j] = v > 0 ? d : h[si + j]! * d;
        }
      }
      for (let j = 0; j < cols; j++) h[gi + j] = beta === 0 ? acc[j]! : acc[j]! + beta * h[gi + j]!;
    },
    /** a = z */
    linear_fwd_f32(z, a, n) {
      const f = heap.f32;
      f.copyWithin(a >>> 2, z >>> 2, (z >>> 2) + n);
    },
    /** dz = da */
    linear_bwd_f32(_z, _a, da, dz, n) {
      const f = heap.f32;
      if (dz !== da) f.copyWithin(dz >>> 2, da >>> 2, (da >>> 2) + n);
    },
    /** a = max(z, 0) */
    relu_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >>> 2,
        ai = a >>> 2;
      for (let i = 0; i < n; i++) {
        const v = f[zi + i]!;
        f[ai + i] = Math.max(v, 0);
      }
    },
    /** dz = da · [z > 0] */
    relu_bwd_f32(z, _a, da, dz, n) {
      const f = heap.f32;
      const zi = z >>> 2,
        di = da >>> 2,
        oi = dz >>> 2;
      for (let i = 0; i < n; i++) f[oi + i] = f[zi + i]! > 0 ? f[di + i]! : 0;
    },
    /** a = 1/(1 + e^−z) */
    sigmoid_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >>> 2,
        ai = a >>> 2;
      for (let i = 0; i < n; i++) f[ai + i] = sigmoid(f[zi + i]!);
    },
    /** dz = da · a(1 − a) */
    sigmoid_bwd_f32(_z, a, da, dz, n) {
      const f = heap.f32;
      const ai = a >>> 2,
        di = da >>> 2,
        oi = dz >>> 2;
      for (let i = 0; i < n; i++) {
        const s = f[ai + i]!;
        f[oi + i] = f[di + i]! * s * (1 - s);
      }
    },
    /** a = tanh z */
    tanh_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >>> 2,
        ai = a >>> 2;
      for (let i = 0; i < n; i++) f[ai + i] = Math.tanh(f[zi + i]!);
    },
    /** dz = da · (1 − a²) */
    tanh_bwd_f32(_z, a, da, dz, n) {
      const f = heap.f32;
      const ai = a >>> 2,
        di = da >>> 2,
        oi = dz >>> 2;
      for (let i = 0; i < n; i++) {
        const t = f[ai + i]!;
        f[oi + i] = f[di + i]! * (1 - t * t);
      }
    },
  };
}
