/**
 * Reference twin of assembly/curvature.ts: the f''(z) terms of the backward R-pass, the softmax
 * R-backward, the output-loss Hessian products and the per-sample Jacobian rows of a dense layer.
 * Float64 inside, rounded once on store.
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';
import { sigmoid } from './activations.js';

export type CurvatureKernelName =
  | 'sigmoid_d2_f32'
  | 'tanh_d2_f32'
  | 'softplus_d2_f32'
  | 'elu_d2_f32'
  | 'softmax_rbwd_rows_f32'
  | 'softmax_xent_hvp_rows_f32'
  | 'sigmoid_bce_hvp_f32'
  | 'mse_hvp_f32'
  | 'jacobian_dense_rows_f32';

export function curvatureKernels(heap: Heap): Pick<Kernels, CurvatureKernelName> {
  /** rdz_i += f''(z_i, a_i)·rz_i·da_i over n floats. */
  function accD2(z: number, a: number, rz: number, da: number, rdz: number, n: number, d2: (z: number, a: number) => number): void {
    const f = heap.f32;
    const zi = z >>> 2,
      ai = a >>> 2,
      ri = rz >>> 2,
      di = da >>> 2,
      oi = rdz >>> 2;
    for (let i = 0; i < n; i++) f[oi + i] = f[oi + i]! + d2(f[zi + i]!, f[ai + i]!) * f[ri + i]! * f[di + i]!;
  }
  function rowDot(f: Float32Array, x: number, y: number, cols: number): number {
    let s = 0;
    for (let j = 0; j < cols; j++) s += f[x + j]! * f[y + j]!;
    return s;
  }
  return {
    /** f'' = a(1 − a)(1 − 2a) */
    sigmoid_d2_f32(z, a, rz, da, rdz, n) {
      accD2(z, a, rz, da, rdz, n, (_z, s) => s * (1 - s) * (1 - 2 * s));
    },
    /** f'' = −2a(1 − a)(1 + a) */
    tanh_d2_f32(z, a, rz, da, rdz, n) {
      accD2(z, a, rz, da, rdz, n, (_z, t) => -2 * t * (1 - t) * (1 + t));
    },
    /** f'' = σ(z)(1 − σ(z)) */
    softplus_d2_f32(z, a, rz, da, rdz, n) {
      accD2(z, a, rz, da, rdz, n, (v) => {
        const s = sigmoid(v);
        return s * (1 - s);
      });
    },
    /** f'' = z > 0 ? 0 : a + alpha */
    elu_d2_f32(z, a, rz, da, rdz, n, alpha) {
      const al = Math.fround(alpha);
      accD2(z, a, rz, da, rdz, n, (v, av) => (v > 0 ? 0 : av + al));
    },
    /** R{dz}_j = R{a}_j(da_j − aᵀda) + a_j(R{da}_j − R{a}ᵀda − aᵀR{da}) per row */
    softmax_rbwd_rows_f32(a, ra, da, rda, rdz, rows, cols) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const ai = (a >>> 2) + o,
          rai = (ra >>> 2) + o,
          di = (da >>> 2) + o,
          rdi = (rda >>> 2) + o,
          oi = (rdz >>> 2) + o;
        const s = rowDot(f, ai, di, cols);
        const rs = rowDot(f, rai, di, cols) + rowDot(f, ai, rdi, cols);
        for (let j = 0; j < cols; j++) f[oi + j] = f[rai + j]! * (f[di + j]! - s) + f[ai + j]! * (f[rdi + j]! - rs);
      }
    },
    /** out = scale·(a⊙u − a·(aᵀu)) per row */
    softmax_xent_hvp_rows_f32(a, u, out, rows, cols, scale) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const ai = (a >>> 2) + o,
          ui = (u >>> 2) + o,
          oi = (out >>> 2) + o;
        const d = rowDot(f, ai, ui, cols);
        for (let j = 0; j < cols; j++) f[oi + j] = scale * f[ai + j]! * (f[ui + j]! - d);
      }
    },
    /** out = scale·a(1 − a)·u */
    sigmoid_bce_hvp_f32(a, u, out, n, scale) {
      const f = heap.f32;
      const ai = a >>> 2,
        ui = u >>> 2,
        oi = out >>> 2;
      for (let i = 0; i < n; i++) {
        const s = f[ai + i]!;
        f[oi + i] = scale * s * (1 - s) * f[ui + i]!;
      }
    },
    /** out = scale·u */
    mse_hvp_f32(u, out, n, scale) {
      const f = heap.f32;
      const ui = u >>> 2,
        oi = out >>> 2;
      for (let i = 0; i < n; i++) f[oi + i] = scale * f[ui + i]!;
    },
    /** J[r, i·nout + o] = x[r,i]·d[r,o];  J[r, nin·nout + o] = d[r,o] (bias ≠ 0) */
    jacobian_dense_rows_f32(x, d, j, rows, nin, nout, ldj, bias) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) {
        const xi = (x >>> 2) + r * nin,
          di = (d >>> 2) + r * nout,
          ji = (j >>> 2) + r * ldj;
        for (let i = 0; i < nin; i++) {
          const c = f[xi + i]!;
          for (let o = 0; o < nout; o++) f[ji + i * nout + o] = c * f[di + o]!;
        }
        if (bias !== 0) for (let o = 0; o < nout; o++) f[ji + nin * nout + o] = f[di + o]!;
      }
    },
  };
}
