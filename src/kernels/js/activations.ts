/**
 * Reference activations (semantics for assembly/activations.ts). Computed in float64 and rounded
 * once on store, so they are the accurate side of every conformance comparison.
 * fwd: a = f(z). bwd: dz = da ⊙ f'(z) (dz may alias da: each element is read before it is written).
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

type ActivationNames =
  | 'linear_fwd_f32' | 'linear_bwd_f32'
  | 'relu_fwd_f32' | 'relu_bwd_f32'
  | 'sigmoid_fwd_f32' | 'sigmoid_bwd_f32'
  | 'tanh_fwd_f32' | 'tanh_bwd_f32';

/** σ(z) = 1/(1+e^−z) without overflow: e = exp(−|z|), σ = 1/(1+e) (z ≥ 0) or e/(1+e) (z < 0). */
export function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z < 0 ? e / (1 + e) : 1 / (1 + e);
}

export function activationKernels(heap: Heap): Pick<Kernels, ActivationNames> {
  return {
    /** a = z */
    linear_fwd_f32(z, a, n) {
      const f = heap.f32;
      f.copyWithin(a >> 2, z >> 2, (z >> 2) + n);
    },
    /** dz = da */
    linear_bwd_f32(_z, _a, da, dz, n) {
      const f = heap.f32;
      if (dz !== da) f.copyWithin(dz >> 2, da >> 2, (da >> 2) + n);
    },
    /** a = max(z, 0) */
    relu_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >> 2, ai = a >> 2;
      for (let i = 0; i < n; i++) {
        const v = f[zi + i]!;
        f[ai + i] = v < 0 ? 0 : v;
      }
    },
    /** dz = da · [z > 0] */
    relu_bwd_f32(z, _a, da, dz, n) {
      const f = heap.f32;
      const zi = z >> 2, di = da >> 2, oi = dz >> 2;
      for (let i = 0; i < n; i++) f[oi + i] = f[zi + i]! > 0 ? f[di + i]! : 0;
    },
    /** a = 1/(1 + e^−z) */
    sigmoid_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >> 2, ai = a >> 2;
      for (let i = 0; i < n; i++) f[ai + i] = sigmoid(f[zi + i]!);
    },
    /** dz = da · a(1 − a) */
    sigmoid_bwd_f32(_z, a, da, dz, n) {
      const f = heap.f32;
      const ai = a >> 2, di = da >> 2, oi = dz >> 2;
      for (let i = 0; i < n; i++) {
        const s = f[ai + i]!;
        f[oi + i] = f[di + i]! * s * (1 - s);
      }
    },
    /** a = tanh z */
    tanh_fwd_f32(z, a, n) {
      const f = heap.f32;
      const zi = z >> 2, ai = a >> 2;
      for (let i = 0; i < n; i++) f[ai + i] = Math.tanh(f[zi + i]!);
    },
    /** dz = da · (1 − a²) */
    tanh_bwd_f32(_z, a, da, dz, n) {
      const f = heap.f32;
      const ai = a >> 2, di = da >> 2, oi = dz >> 2;
      for (let i = 0; i < n; i++) {
        const t = f[ai + i]!;
        f[oi + i] = f[di + i]! * (1 - t * t);
      }
    },
  };
}
