// Elementwise activations, forward and backward side by side.
//
// Uniform signatures (src/kernels/kernels.ts):
//   <name>_fwd_f32(z, a, n, alpha):          a_i = f(z_i)
//   <name>_bwd_f32(z, a, da, dz, n, alpha):  dz_i = da_i · f'(z_i)   (dz may alias da)
// n floats each, pointers need no alignment (unaligned v128 loads). The main loop takes 4 lanes at a
// time; the 1–3 leftover elements go through the same vector code with partial loads/stores, so
// a tail computes exactly what the body would.
import { loadPart, storePart, vsigmoid, vtanh } from './vmath';

// ---------------------------------------------------------------- linear

/** Identity: a = z. */
export function linear_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (n > 0 && a != z) memory.copy(a, z, <usize>n << 2);
}

/** f'(z) = 1: dz = da (a no-op when dz aliases da). */
export function linear_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (n > 0 && dz != da) memory.copy(dz, da, <usize>n << 2);
}

// ---------------------------------------------------------------- relu

/** ReLU: a = max(z, 0) (pmax: NaN stays NaN, −0 stays −0). */
export function relu_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.pmax(v128.load(z + o), zero));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(a + o, f32x4.pmax(loadPart(z + o, r, 0), zero), r);
  }
}

/** f'(z) = 1 for z > 0, else 0 (0 at z = 0): dz = z > 0 ? da : 0. */
export function relu_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dz + o, v128.and(v128.load(da + o), f32x4.gt(v128.load(z + o), zero)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(dz + o, v128.and(loadPart(da + o, r, 0), f32x4.gt(loadPart(z + o, r, 0), zero)), r);
  }
}

// ---------------------------------------------------------------- sigmoid

/** Logistic: a = σ(z) = 1/(1 + e^−z), computed without overflow for any z (σ(±100) = 1 / 0). */
export function sigmoid_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, vsigmoid(v128.load(z + o)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(a + o, vsigmoid(loadPart(z + o, r, 0)), r);
  }
}

/** σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): dz = da · a · (1 − a). Reads a, not z. */
export function sigmoid_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    v128.store(dz + o, f32x4.mul(v128.load(da + o), f32x4.mul(av, f32x4.sub(one, av))));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const av = loadPart(a + o, r, 0);
    storePart(dz + o, f32x4.mul(loadPart(da + o, r, 0), f32x4.mul(av, f32x4.sub(one, av))), r);
  }
}

// ---------------------------------------------------------------- tanh

/** a = tanh(z) = (e^z − e^−z)/(e^z + e^−z); tanh(±50) = ±1, accurate near 0. */
export function tanh_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, vtanh(v128.load(z + o)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(a + o, vtanh(loadPart(z + o, r, 0)), r);
  }
}

/**
 * tanh'(z) = 1 − tanh²(z) = 1 − a²: dz = da · (1 − a)(1 + a). Reads a, not z. The factored form
 * keeps full relative accuracy when |a| → 1 (1 − a is exact there; 1 − a·a would cancel).
 */
export function tanh_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    v128.store(dz + o, f32x4.mul(v128.load(da + o), f32x4.mul(f32x4.sub(one, av), f32x4.add(one, av))));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const av = loadPart(a + o, r, 0);
    storePart(dz + o, f32x4.mul(loadPart(da + o, r, 0), f32x4.mul(f32x4.sub(one, av), f32x4.add(one, av))), r);
  }
}
