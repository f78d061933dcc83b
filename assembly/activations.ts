// Why ~450 lines in one file: ten activations, each a short forward/backward pair of SIMD loops
// side by side (the house style: forward and backward of one function next to each other).
//
// Elementwise activations, forward and backward side by side.
//
// Uniform signatures (src/kernels/kernels.ts):
//   <name>_fwd_f32(z, a, n, alpha):          a_i = f(z_i)
//   <name>_bwd_f32(z, a, da, dz, n, alpha):  dz_i = da_i · f'(z_i)   (dz may alias da)
// n floats each, pointers need no alignment (unaligned v128 loads). The main loop takes 4 lanes at a
// time; the 1–3 leftover elements go through the same vector code with partial loads/stores, so
// a tail computes exactly what the body would.
import { loadPart, signMask, storePart, vexp, vexpm1, vlog1p01, vsigmoid, vtanh } from './vmath';

// ---------------------------------------------------------------- linear

/**
 * Identity: a = z.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function linear_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (n > 0 && a != z) memory.copy(a, z, <usize>n << 2);
}

/**
 * f'(z) = 1: dz = da (a no-op when dz aliases da).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function linear_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (n > 0 && dz != da) memory.copy(dz, da, <usize>n << 2);
}

// ---------------------------------------------------------------- relu

/**
 * ReLU: a = max(z, 0) (pmax: NaN stays NaN, −0 stays −0).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function relu_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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

/**
 * f'(z) = 1 for z > 0, else 0 (0 at z = 0): dz = z > 0 ? da : 0.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function relu_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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

/**
 * Logistic: a = σ(z) = 1/(1 + e^−z), computed without overflow for any z (σ(±100) = 1 / 0).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sigmoid_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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

/**
 * σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): dz = da · a · (1 − a). Reads a, not z.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sigmoid_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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

/**
 * a = tanh(z) = (e^z − e^−z)/(e^z + e^−z); tanh(±50) = ±1, accurate near 0.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function tanh_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function tanh_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
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

// ---------------------------------------------------------------- leaky relu

/**
 * Leaky ReLU: a = z for z > 0, alpha·z otherwise.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function leaky_relu_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  const al = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    v128.store(a + o, v128.bitselect(zv, f32x4.mul(al, zv), f32x4.gt(zv, zero)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, r, 0);
    storePart(a + o, v128.bitselect(zv, f32x4.mul(al, zv), f32x4.gt(zv, zero)), r);
  }
}

/**
 * f'(z) = 1 for z > 0, alpha otherwise (alpha at 0): dz = z > 0 ? da : alpha·da.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function leaky_relu_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  const al = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(da + o);
    v128.store(dz + o, v128.bitselect(d, f32x4.mul(al, d), f32x4.gt(v128.load(z + o), zero)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const d = loadPart(da + o, r, 0);
    storePart(dz + o, v128.bitselect(d, f32x4.mul(al, d), f32x4.gt(loadPart(z + o, r, 0), zero)), r);
  }
}

// ---------------------------------------------------------------- elu

/**
 * ELU (Clevert et al. 2015): a = z for z > 0, alpha·(e^z − 1) otherwise (expm1: exact near 0).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function elu_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  const al = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    const neg = f32x4.mul(al, vexpm1(f32x4.pmin(zv, zero)));
    v128.store(a + o, v128.bitselect(zv, neg, f32x4.gt(zv, zero)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, r, 0);
    const neg = f32x4.mul(al, vexpm1(f32x4.pmin(zv, zero)));
    storePart(a + o, v128.bitselect(zv, neg, f32x4.gt(zv, zero)), r);
  }
}

/**
 * f'(z) = 1 for z > 0, alpha·e^z = a + alpha otherwise: dz = z > 0 ? da : da·(a + alpha).
 * Reads z (for the branch) and a (for the derivative).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function elu_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  const al = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(da + o);
    const neg = f32x4.mul(d, f32x4.add(v128.load(a + o), al));
    v128.store(dz + o, v128.bitselect(d, neg, f32x4.gt(v128.load(z + o), zero)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const d = loadPart(da + o, r, 0);
    const neg = f32x4.mul(d, f32x4.add(loadPart(a + o, r, 0), al));
    storePart(dz + o, v128.bitselect(d, neg, f32x4.gt(loadPart(z + o, r, 0), zero)), r);
  }
}

// ---------------------------------------------------------------- softplus

/**
 * Softplus: a = log(1 + e^z), computed stably as max(z, 0) + log1p(e^−|z|): no overflow for large
 * z (a = z), no loss of the tiny value for very negative z (a ≈ e^z).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function softplus_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    const e = vexp(f32x4.neg(f32x4.abs(zv)));
    v128.store(a + o, f32x4.add(f32x4.pmax(zv, zero), vlog1p01(e)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, r, 0);
    const e = vexp(f32x4.neg(f32x4.abs(zv)));
    storePart(a + o, f32x4.add(f32x4.pmax(zv, zero), vlog1p01(e)), r);
  }
}

/**
 * f'(z) = σ(z) = 1/(1 + e^−z): dz = da·σ(z). Reads z.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function softplus_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dz + o, f32x4.mul(v128.load(da + o), vsigmoid(v128.load(z + o))));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(dz + o, f32x4.mul(loadPart(da + o, r, 0), vsigmoid(loadPart(z + o, r, 0))), r);
  }
}

// ---------------------------------------------------------------- hard tanh

/**
 * Hard tanh: a = clamp(z, −1, 1) = max(−1, min(1, z)).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function hard_tanh_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const lo = f32x4.splat(-1);
  const hi = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.pmax(f32x4.pmin(v128.load(z + o), hi), lo));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(a + o, f32x4.pmax(f32x4.pmin(loadPart(z + o, r, 0), hi), lo), r);
  }
}

/**
 * f'(z) = 1 for −1 < z < 1, else 0 (0 at ±1): dz = da·[−1 < z < 1].
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function hard_tanh_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const lo = f32x4.splat(-1);
  const hi = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    v128.store(dz + o, v128.and(v128.load(da + o), v128.and(f32x4.gt(zv, lo), f32x4.lt(zv, hi))));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, r, 0);
    storePart(dz + o, v128.and(loadPart(da + o, r, 0), v128.and(f32x4.gt(zv, lo), f32x4.lt(zv, hi))), r);
  }
}

// ---------------------------------------------------------------- abs

/**
 * Absolute value: a = |z|.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function abs_fwd_f32(z: usize, a: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, f32x4.abs(v128.load(z + o)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(a + o, f32x4.abs(loadPart(z + o, r, 0)), r);
  }
}

/**
 * f'(z) = sgn z (0 at 0, and for NaN): dz = da·sgn(z).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function abs_bwd_f32(z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const zv = v128.load(z + o);
    const nz = v128.or(f32x4.gt(zv, zero), f32x4.lt(zv, zero));
    v128.store(dz + o, v128.and(v128.xor(v128.load(da + o), v128.and(zv, signMask())), nz));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, r, 0);
    const nz = v128.or(f32x4.gt(zv, zero), f32x4.lt(zv, zero));
    storePart(dz + o, v128.and(v128.xor(loadPart(da + o, r, 0), v128.and(zv, signMask())), nz), r);
  }
}

// ---------------------------------------------------------------- parametric relu

/**
 * Parametric ReLU (He et al. 2015), one learned slope per unit (column):
 *   a[r,j] = z[r,j] for z > 0, slope[j]·z[r,j] otherwise.
 * z, a: [rows × cols]; slope: [cols].
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function prelu_fwd_f32(z: usize, slope: usize, a: usize, rows: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const zero = f32x4.splat(0);
  const stride = <usize>cols << 2;
  for (let rr = 0; rr < rows; rr++) {
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const zv = v128.load(z + o);
      v128.store(a + o, v128.bitselect(zv, f32x4.mul(v128.load(slope + o), zv), f32x4.gt(zv, zero)));
    }
    const t = cols - j;
    if (t > 0) {
      const o = <usize>j << 2;
      const zv = loadPart(z + o, t, 0);
      storePart(a + o, v128.bitselect(zv, f32x4.mul(loadPart(slope + o, t, 0), zv), f32x4.gt(zv, zero)), t);
    }
    z += stride;
    a += stride;
  }
}

/**
 * Parametric ReLU backward, input delta and slope gradient together:
 *   dz[r,j] = da[r,j] for z > 0, slope[j]·da[r,j] otherwise;
 *   dslope[j] = Σ_r da[r,j]·min(z[r,j], 0) + beta·dslope[j]   (beta 0: old content ignored, or 1).
 * z, da, dz: [rows × cols] (dz may alias da); slope, dslope: [cols]. Rows are summed in order.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function prelu_bwd_f32(
  z: usize, slope: usize, da: usize, dz: usize, dslope: usize, rows: i32, cols: i32, beta: f32,
): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const zero = f32x4.splat(0);
  const stride = <usize>cols << 2;
  if (beta == 0) memory.fill(dslope, 0, <usize>cols << 2);
  else if (beta != 1) {
    // General beta: scale first (kept for completeness; callers pass 0 or 1).
    const bv = f32x4.splat(beta);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(dslope + (<usize>j << 2), f32x4.mul(bv, v128.load(dslope + (<usize>j << 2))));
    for (; j < cols; j++) store<f32>(dslope + (<usize>j << 2), beta * load<f32>(dslope + (<usize>j << 2)));
  }
  for (let rr = 0; rr < rows; rr++) {
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const zv = v128.load(z + o);
      const d = v128.load(da + o);
      v128.store(dslope + o, f32x4.add(v128.load(dslope + o), f32x4.mul(d, f32x4.pmin(zv, zero))));
      v128.store(dz + o, v128.bitselect(d, f32x4.mul(v128.load(slope + o), d), f32x4.gt(zv, zero)));
    }
    const t = cols - j;
    if (t > 0) {
      const o = <usize>j << 2;
      const zv = loadPart(z + o, t, 0);
      const d = loadPart(da + o, t, 0);
      storePart(dslope + o, f32x4.add(loadPart(dslope + o, t, 0), f32x4.mul(d, f32x4.pmin(zv, zero))), t);
      storePart(dz + o, v128.bitselect(d, f32x4.mul(loadPart(slope + o, t, 0), d), f32x4.gt(zv, zero)), t);
    }
    z += stride;
    da += stride;
    dz += stride;
  }
}
