// Optimizer steps: elementwise over n parameters, in place on w (and the optimizer state).
import { loadPart, signMask, storePart } from './vmath';

/**
 * SGD with momentum and L2 weight decay, fused:
 *   v ← momentum·v − lr·(g + l2·w);   w ← w + v.
 * With momentum = 0 this is plain SGD (v holds the last step). w, g, v: n floats each.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sgd_f32(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, l2: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const lrv = f32x4.splat(lr);
  const mv = f32x4.splat(momentum);
  const l2v = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gv = f32x4.add(v128.load(g + o), f32x4.mul(l2v, wv));
    const vv = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), f32x4.mul(lrv, gv));
    v128.store(v + o, vv);
    v128.store(w + o, f32x4.add(wv, vv));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const wv = loadPart(w + o, r, 0);
    const gv = f32x4.add(loadPart(g + o, r, 0), f32x4.mul(l2v, wv));
    const vv = f32x4.sub(f32x4.mul(mv, loadPart(v + o, r, 0)), f32x4.mul(lrv, gv));
    storePart(v + o, vv, r);
    storePart(w + o, f32x4.add(wv, vv), r);
  }
}

/** sgn(w) per lane: +1, −1, or 0 at ±0. */
// @ts-ignore: decorator
@inline function vsgn(w: v128): v128 {
  const nz = v128.or(f32x4.gt(w, f32x4.splat(0)), f32x4.lt(w, f32x4.splat(0)));
  return v128.and(v128.or(v128.and(w, signMask()), f32x4.splat(1)), nz);
}

/** The regularised gradient g + l2·w + l1·sgn(w). */
// @ts-ignore: decorator
@inline function regGrad(g: v128, w: v128, l1: v128, l2: v128): v128 {
  return f32x4.add(f32x4.add(g, f32x4.mul(l2, w)), f32x4.mul(l1, vsgn(w)));
}

/**
 * SGD with momentum and L1 + L2 weight decay, fused (the course's L1 step
 * w ← w − η·λ₁·sgn(w) − η·∂C₀/∂w when momentum = 0; pass l1 = λ/n, l2 = λ/n):
 *   v ← momentum·v − lr·(g + l2·w + l1·sgn(w));   w ← w + v.   (sgn 0 = 0)
 * w, g, v: n floats each.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sgd_l1l2_f32(
  w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, l1: f32, l2: f32,
): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const lrv = f32x4.splat(lr);
  const mv = f32x4.splat(momentum);
  const l1v = f32x4.splat(l1);
  const l2v = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gv = regGrad(v128.load(g + o), wv, l1v, l2v);
    const vv = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), f32x4.mul(lrv, gv));
    v128.store(v + o, vv);
    v128.store(w + o, f32x4.add(wv, vv));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const wv = loadPart(w + o, r, 0);
    const gv = regGrad(loadPart(g + o, r, 0), wv, l1v, l2v);
    const vv = f32x4.sub(f32x4.mul(mv, loadPart(v + o, r, 0)), f32x4.mul(lrv, gv));
    storePart(v + o, vv, r);
    storePart(w + o, f32x4.add(wv, vv), r);
  }
}

/**
 * Nesterov momentum in the Sutskever et al. (2013) / Keras form, which needs only the gradient at
 * the current weights:
 *   ĝ = g + l2·w + l1·sgn(w);   v ← momentum·v − lr·ĝ;   w ← w + momentum·v − lr·ĝ
 * (the look-ahead step applied to the already-updated velocity). w, g, v: n floats each.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function nesterov_f32(
  w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, l1: f32, l2: f32,
): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const lrv = f32x4.splat(lr);
  const mv = f32x4.splat(momentum);
  const l1v = f32x4.splat(l1);
  const l2v = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const step = f32x4.mul(lrv, regGrad(v128.load(g + o), wv, l1v, l2v));
    const vv = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), step);
    v128.store(v + o, vv);
    v128.store(w + o, f32x4.add(wv, f32x4.sub(f32x4.mul(mv, vv), step)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const wv = loadPart(w + o, r, 0);
    const step = f32x4.mul(lrv, regGrad(loadPart(g + o, r, 0), wv, l1v, l2v));
    const vv = f32x4.sub(f32x4.mul(mv, loadPart(v + o, r, 0)), step);
    storePart(v + o, vv, r);
    storePart(w + o, f32x4.add(wv, f32x4.sub(f32x4.mul(mv, vv), step)), r);
  }
}

/**
 * Adam (Kingma & Ba 2015), bias-corrected, with optional L1/L2 added to the gradient:
 *   ĝ = g + l2·w + l1·sgn(w)
 *   m ← β₁·m + (1 − β₁)·ĝ;   v ← β₂·v + (1 − β₂)·ĝ²
 *   w ← w − lr·(c1·m) / (√(c2·v) + eps)
 * with the bias corrections passed in by the caller for step t ≥ 1: c1 = 1/(1 − β₁ᵗ),
 * c2 = 1/(1 − β₂ᵗ) (computed once per step in float64). w, g, m, v: n floats each.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function adam_f32(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32, l1: f32, l2: f32,
): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(1 - beta1);
  const ob2 = f32x4.splat(1 - beta2);
  const lrc = f32x4.splat(lr * c1);
  const c2v = f32x4.splat(c2);
  const ev = f32x4.splat(eps);
  const l1v = f32x4.splat(l1);
  const l2v = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gv = regGrad(v128.load(g + o), wv, l1v, l2v);
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(ob1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(ob2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(c2v, vv)), ev);
    v128.store(w + o, f32x4.sub(wv, f32x4.div(f32x4.mul(lrc, mv), den)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const wv = loadPart(w + o, r, 0);
    const gv = regGrad(loadPart(g + o, r, 0), wv, l1v, l2v);
    const mv = f32x4.add(f32x4.mul(b1, loadPart(m + o, r, 0)), f32x4.mul(ob1, gv));
    const vv = f32x4.add(f32x4.mul(b2, loadPart(v + o, r, 0)), f32x4.mul(ob2, f32x4.mul(gv, gv)));
    storePart(m + o, mv, r);
    storePart(v + o, vv, r);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(c2v, vv)), ev);
    storePart(w + o, f32x4.sub(wv, f32x4.div(f32x4.mul(lrc, mv), den)), r);
  }
}
