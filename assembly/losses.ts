// Losses: each returns the summed loss (f64 accumulation of f32 partial sums) and writes the
// gradient with respect to the network output, pre-multiplied by `scale` (e.g. 1/batch).
import { hsum64, loadPart, storePart, vexp, vlog, vlog1p01 } from './vmath';

/** Partial sums are kept in f32x4 over blocks of this many floats, then added in f64. */
// @ts-ignore: decorator
@inline const BLOCK = 1024;

/**
 * Squared error: returns Σ_i (a_i − y_i)², writes da_i = scale·(a_i − y_i).
 * (The ½ of the quadratic cost and the mean are the caller's: pass scale = 1/batch for
 * C = 1/(2n)·Σ‖a − y‖², whose gradient is (a − y)/n.) da may alias a.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sqerr_f32(a: usize, y: usize, da: usize, n: i32, scale: f32): f64 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const sv = f32x4.splat(scale);
  let total: f64 = 0;
  let i = 0;
  while (i + 4 <= n) {
    const end = min(n & ~3, i + BLOCK);
    let acc0 = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(a + o), v128.load(y + o));
      v128.store(da + o, f32x4.mul(sv, d));
      acc0 = f32x4.add(acc0, f32x4.mul(d, d));
    }
    total += hsum64(acc0);
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const d = f32x4.sub(loadPart(a + o, r, 0), loadPart(y + o, r, 0));
    storePart(da + o, f32x4.mul(sv, d), r);
    total += hsum64(f32x4.mul(d, d));
  }
  return total;
}

/**
 * Binary cross-entropy fused with the sigmoid, from logits (one pass, stable for any z):
 *   a = σ(z);  dz = scale·(a − y);
 *   returns Σ_i −[y·log a + (1 − y)·log(1 − a)] = Σ_i max(z, 0) − z·y + log1p(e^−|z|).
 * z, y, a, dz: n floats (y ∈ [0, 1], soft labels allowed). dz may alias z.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function bce_logits_f32(z: usize, y: usize, a: usize, dz: usize, n: i32, scale: f32): f64 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const sv = f32x4.splat(scale);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let total: f64 = 0;
  let i = 0;
  while (i + 4 <= n) {
    const end = min(n & ~3, i + BLOCK);
    let acc = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const zv = v128.load(z + o);
      const yv = v128.load(y + o);
      const e = vexp(f32x4.neg(f32x4.abs(zv)));
      const r = f32x4.div(one, f32x4.add(one, e));
      const av = v128.bitselect(f32x4.mul(e, r), r, f32x4.lt(zv, zero));
      v128.store(a + o, av);
      v128.store(dz + o, f32x4.mul(sv, f32x4.sub(av, yv)));
      acc = f32x4.add(acc, f32x4.add(f32x4.sub(f32x4.pmax(zv, zero), f32x4.mul(zv, yv)), vlog1p01(e)));
    }
    total += hsum64(acc);
  }
  const t = n - i;
  if (t > 0) {
    const o = <usize>i << 2;
    const zv = loadPart(z + o, t, 0);
    const yv = loadPart(y + o, t, 0);
    const e = vexp(f32x4.neg(f32x4.abs(zv)));
    const r = f32x4.div(one, f32x4.add(one, e));
    const av = v128.bitselect(f32x4.mul(e, r), r, f32x4.lt(zv, zero));
    storePart(a + o, av, t);
    storePart(dz + o, f32x4.mul(sv, f32x4.sub(av, yv)), t);
    // Filler lanes (z = y = 0) would add log 2: mask them out.
    const l = f32x4.add(f32x4.sub(f32x4.pmax(zv, zero), f32x4.mul(zv, yv)), vlog1p01(e));
    total += hsum64(v128.and(l, tailMask(t)));
  }
  return total;
}

/** Lanes 0..t−1 all ones, the rest zero (t ∈ {1,2,3}). */
// @ts-ignore: decorator
@inline function tailMask(t: i32): v128 {
  return i32x4.gt_s(i32x4.splat(t), i32x4(0, 1, 2, 3));
}

/**
 * Binary cross-entropy on probabilities (for outputs that are not a fused sigmoid), with clipping:
 *   ā = clamp(a, eps, 1 − eps);  returns Σ_i −[y·log ā + (1 − y)·log(1 − ā)];
 *   da = scale·(ā − y)/(ā·(1 − ā))   (the derivative at the clipped point, so a saturated output
 *   still gets a gradient pointing the right way; Keras clips the same way).
 * a, y, da: n floats; eps ∈ [1.2e−38, 0.5) (Keras uses 1e−7). da may alias a.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function bce_f32(a: usize, y: usize, da: usize, n: i32, scale: f32, eps: f32): f64 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const sv = f32x4.splat(scale);
  const one = f32x4.splat(1);
  const lo = f32x4.splat(eps);
  const hi = f32x4.splat(1 - eps);
  let total: f64 = 0;
  let i = 0;
  while (i + 4 <= n) {
    const end = min(n & ~3, i + BLOCK);
    let acc = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const av = f32x4.pmax(f32x4.pmin(v128.load(a + o), hi), lo);
      const yv = v128.load(y + o);
      const b = f32x4.sub(one, av);
      const l = f32x4.add(f32x4.mul(yv, vlog(av)), f32x4.mul(f32x4.sub(one, yv), vlog(b)));
      acc = f32x4.sub(acc, l);
      v128.store(da + o, f32x4.div(f32x4.mul(sv, f32x4.sub(av, yv)), f32x4.mul(av, b)));
    }
    total += hsum64(acc);
  }
  const t = n - i;
  if (t > 0) {
    const o = <usize>i << 2;
    const av = f32x4.pmax(f32x4.pmin(loadPart(a + o, t, 0.5), hi), lo);
    const yv = loadPart(y + o, t, 0);
    const b = f32x4.sub(one, av);
    const l = f32x4.add(f32x4.mul(yv, vlog(av)), f32x4.mul(f32x4.sub(one, yv), vlog(b)));
    total -= hsum64(v128.and(l, tailMask(t)));
    storePart(da + o, f32x4.div(f32x4.mul(sv, f32x4.sub(av, yv)), f32x4.mul(av, b)), t);
  }
  return total;
}

/**
 * Binary hinge loss, targets y ∈ {−1, +1} (a is the raw score, usually a linear output):
 *   returns Σ_i max(0, 1 − y·a);   da = −scale·y where y·a < 1, else 0 (subgradient 0 at the kink).
 * a, y, da: n floats. da may alias a.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function hinge_f32(a: usize, y: usize, da: usize, n: i32, scale: f32): f64 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const ns = f32x4.splat(-scale);
  let total: f64 = 0;
  let i = 0;
  while (i + 4 <= n) {
    const end = min(n & ~3, i + BLOCK);
    let acc = f32x4.splat(0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      const yv = v128.load(y + o);
      const m = f32x4.sub(one, f32x4.mul(yv, v128.load(a + o)));
      acc = f32x4.add(acc, f32x4.pmax(m, zero));
      v128.store(da + o, v128.and(f32x4.mul(ns, yv), f32x4.gt(m, zero)));
    }
    total += hsum64(acc);
  }
  const t = n - i;
  if (t > 0) {
    const o = <usize>i << 2;
    const yv = loadPart(y + o, t, 0); // filler y = 0: margin 1, but masked out of the sum
    const m = f32x4.sub(one, f32x4.mul(yv, loadPart(a + o, t, 0)));
    total += hsum64(v128.and(f32x4.pmax(m, zero), tailMask(t)));
    storePart(da + o, v128.and(f32x4.mul(ns, yv), f32x4.gt(m, zero)), t);
  }
  return total;
}

/**
 * Multi-class hinge loss, Crammer–Singer form, one-hot targets (the true class t is the first
 * argmax of y's row):
 *   loss_r = max(0, 1 + max_{j≠t} a_j − a_t);  returns Σ_r loss_r;
 *   where loss_r > 0: da_t = −scale, da_{j*} = +scale for the first j* ≠ t attaining the max;
 *   every other da is 0 (also the whole row when the margin is met).
 * (Weston–Watkins would sum the margins of every wrong class; Crammer–Singer penalises only the
 * strongest competitor, like Keras's categorical_hinge for non-negative scores.) With cols = 1 the
 * loss is 0. a, y, da: [rows × cols]; da may not alias a.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function hinge_multi_rows_f32(a: usize, y: usize, da: usize, rows: i32, cols: i32, scale: f32): f64 {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    // True class: first argmax of y.
    let t = 0;
    let yb = load<f32>(y);
    for (let j = 1; j < cols; j++) {
      const v = load<f32>(y + (<usize>j << 2));
      if (v > yb) {
        yb = v;
        t = j;
      }
    }
    // Strongest competitor.
    let js = -1;
    let best: f32 = -Infinity;
    for (let j = 0; j < cols; j++) {
      if (j == t) continue;
      const v = load<f32>(a + (<usize>j << 2));
      if (js < 0 || v > best) {
        best = v;
        js = j;
      }
    }
    memory.fill(da, 0, stride);
    if (js >= 0) {
      const l: f32 = <f32>1 + best - load<f32>(a + (<usize>t << 2));
      if (l > 0) {
        total += <f64>l;
        store<f32>(da + (<usize>t << 2), -scale);
        store<f32>(da + (<usize>js << 2), scale);
      }
    }
    a += stride;
    y += stride;
    da += stride;
  }
  return total;
}

/**
 * Weight-decay penalty of one tensor (the regularization term of the reported loss):
 *   returns l1·Σ_i |w_i| + (l2/2)·Σ_i w_i²
 * (pass l1 = λ₁/n, l2 = λ₂/n for the course's (λ₁/n)Σ|w| + (λ₂/2n)Σw²). w: n floats, read only.
 * Both sums are f32x4 partial sums over blocks of BLOCK floats, added in f64.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function l1l2_penalty_f32(w: usize, n: i32, l1: f32, l2: f32): f64 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  let sumAbs: f64 = 0;
  let sumSq: f64 = 0;
  let i = 0;
  // Two independent accumulator pairs per 8 floats hide the latency of the add chains.
  while (i + 8 <= n) {
    const end = min(n & ~7, i + BLOCK);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let q0 = f32x4.splat(0);
    let q1 = f32x4.splat(0);
    for (; i < end; i += 8) {
      const p = w + (<usize>i << 2);
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      a0 = f32x4.add(a0, f32x4.abs(v0));
      a1 = f32x4.add(a1, f32x4.abs(v1));
      q0 = f32x4.add(q0, f32x4.mul(v0, v0));
      q1 = f32x4.add(q1, f32x4.mul(v1, v1));
    }
    sumAbs += hsum64(f32x4.add(a0, a1));
    sumSq += hsum64(f32x4.add(q0, q1));
  }
  if (i + 4 <= n) {
    const v = v128.load(w + (<usize>i << 2));
    sumAbs += hsum64(f32x4.abs(v));
    sumSq += hsum64(f32x4.mul(v, v));
    i += 4;
  }
  const r = n - i;
  if (r > 0) {
    // Filler lanes are 0 and add nothing to either sum.
    const v = loadPart(w + (<usize>i << 2), r, 0);
    sumAbs += hsum64(f32x4.abs(v));
    sumSq += hsum64(f32x4.mul(v, v));
  }
  return <f64>l1 * sumAbs + 0.5 * <f64>l2 * sumSq;
}
