// Level-1 routines over n contiguous floats, for conjugate gradient and the damped steps:
// dot_f32 (Σ x_i·y_i, accumulated in f64: CG orthogonality is sensitive to it), axpy_f32
// (y ← y + α·x), scale_f32 (x ← α·x), copy_f32 (dst ← src) and add_diag_f32 (A ← A + μ·I).
//
// Used by src/ through the module's exports (index.ts re-exports this file; infer.ts re-exports
// copy_f32). Twin: src/kernels/js/linalg.ts.

import { disjoint, f32Bytes } from './checks';
import { madd } from './vmath';

/**
 * Σ_i x_i·y_i over n floats. Products and sums in f64 (f64x2 partial sums), rounded to f32 once:
 * the result is the correctly rounded dot product up to the f64 summation error.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function dot_f32(x: usize, y: usize, n: i32): f32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const xa = v128.load(x + o), ya = v128.load(y + o);
    const xb = v128.load(x + o, 16), yb = v128.load(y + o, 16);
    s0 = f64x2.add(s0, f64x2.mul(f64x2.promote_low_f32x4(xa), f64x2.promote_low_f32x4(ya)));
    s1 = f64x2.add(s1, f64x2.mul(
      f64x2.promote_low_f32x4(v128.shuffle<i64>(xa, xa, 1, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<i64>(ya, ya, 1, 1))));
    s2 = f64x2.add(s2, f64x2.mul(f64x2.promote_low_f32x4(xb), f64x2.promote_low_f32x4(yb)));
    s3 = f64x2.add(s3, f64x2.mul(
      f64x2.promote_low_f32x4(v128.shuffle<i64>(xb, xb, 1, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<i64>(yb, yb, 1, 1))));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += <f64>load<f32>(x + o) * <f64>load<f32>(y + o);
  }
  return <f32>s;
}

/**
 * y ← y + alpha·x over n floats (x and y may be the same buffer, otherwise must not overlap).
 * Preconditions (asserted in the debug build only): n ≥ 0; x and y are the same buffer or do not overlap. No alignment is required.
 */
export function axpy_f32(alpha: f32, x: usize, y: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(x == y || disjoint(x, f32Bytes(n), y, f32Bytes(n)));
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, madd(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/**
 * x ← alpha·x over n floats.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function scale_f32(x: usize, alpha: f32, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.mul(v128.load(x + o), va));
    v128.store(x + o, f32x4.mul(v128.load(x + o, 16), va), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, load<f32>(x + o) * alpha);
  }
}

/**
 * dst ← src, n floats (overlap allowed: memmove semantics).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function copy_f32(src: usize, dst: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (n > 0) memory.copy(dst, src, <usize>n << 2);
}

/**
 * A ← A + mu·I for A [n×n] row-major (the Levenberg–Marquardt / Newton damping).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function add_diag_f32(a: usize, n: i32, mu: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const step = (<usize>n + 1) << 2;
  let p = a;
  for (let i = 0; i < n; i++) {
    store<f32>(p, load<f32>(p) + mu);
    p += step;
  }
}
