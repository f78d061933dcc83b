// Curvature kernels: what Pearlmutter's R-operator and the Gauss–Newton product need beyond the
// first-order kernels (src/train/second-order/curvature.ts drives them).
//
// Notation for one layer: z pre-activation, a = f(z), da = ∂C/∂a, and R{·} the directional
// derivative along a parameter direction v. The backward R-pass of an elementwise activation is
//   R{dz} = f'(z)⊙R{da} + f''(z)⊙R{z}⊙da,
// whose first term is the activation's own backward kernel; the `<act>_d2_f32` kernels add the
// second. Activations with f'' = 0 almost everywhere (linear, relu, leaky relu, hard tanh, abs)
// need none.
//
// Elementwise kernels take n floats; row kernels take [rows × cols] row-major. No alignment is
// assumed (unaligned v128 loads); 1–3 leftover lanes go through the same vector code with partial
// loads and stores.
import { disjoint, f32Bytes, matBytes } from './checks';
import { loadPart, madd, storePart, hsum, vsigmoid } from './vmath';

/** rdz += d2 ⊙ rz ⊙ da for one vector of lanes at byte offset o (r < 4: partial). */
// @ts-ignore: decorator
@inline function accD2(d2: v128, rz: usize, da: usize, rdz: usize, o: usize, r: i32): void {
  if (r == 4) {
    v128.store(rdz + o, madd(f32x4.mul(d2, v128.load(rz + o)), v128.load(da + o), v128.load(rdz + o)));
  } else {
    const p = f32x4.mul(d2, loadPart(rz + o, r, 0));
    storePart(rdz + o, madd(p, loadPart(da + o, r, 0), loadPart(rdz + o, r, 0)), r);
  }
}

/** Lanes of a at o, all four or the first r. */
// @ts-ignore: decorator
@inline function lanes(p: usize, o: usize, r: i32): v128 {
  return r == 4 ? v128.load(p + o) : loadPart(p + o, r, 0);
}

// ---------------------------------------------------------------- f''(z) terms

/**
 * Sigmoid: f'' = σ'(z)·(1 − 2σ) = a(1 − a)(1 − 2a).  rdz += f''(z)⊙rz⊙da. Reads a, not z.
 * z, a, rz, da, rdz: n floats; rdz may not alias the others.
 * Preconditions (asserted in the debug build only): n ≥ 0; rdz overlaps neither rz nor da. No alignment is required.
 */
export function sigmoid_d2_f32(z: usize, a: usize, rz: usize, da: usize, rdz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(disjoint(rdz, f32Bytes(n), rz, f32Bytes(n)) && disjoint(rdz, f32Bytes(n), da, f32Bytes(n)));
  const one = f32x4.splat(1);
  const two = f32x4.splat(2);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const av = lanes(a, o, r);
    const d2 = f32x4.mul(f32x4.mul(av, f32x4.sub(one, av)), f32x4.sub(one, f32x4.mul(two, av)));
    accD2(d2, rz, da, rdz, o, r);
  }
}

/**
 * Tanh: f'' = −2·tanh(z)·(1 − tanh²z) = −2a(1 − a)(1 + a).  rdz += f''(z)⊙rz⊙da. Reads a.
 * Preconditions (asserted in the debug build only): n ≥ 0; rdz overlaps neither rz nor da. No alignment is required.
 */
export function tanh_d2_f32(z: usize, a: usize, rz: usize, da: usize, rdz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(disjoint(rdz, f32Bytes(n), rz, f32Bytes(n)) && disjoint(rdz, f32Bytes(n), da, f32Bytes(n)));
  const one = f32x4.splat(1);
  const m2 = f32x4.splat(-2);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const av = lanes(a, o, r);
    const d2 = f32x4.mul(f32x4.mul(m2, av), f32x4.mul(f32x4.sub(one, av), f32x4.add(one, av)));
    accD2(d2, rz, da, rdz, o, r);
  }
}

/**
 * Softplus: f' = σ(z), f'' = σ(z)(1 − σ(z)).  rdz += f''(z)⊙rz⊙da. Reads z.
 * Preconditions (asserted in the debug build only): n ≥ 0; rdz overlaps neither rz nor da. No alignment is required.
 */
export function softplus_d2_f32(z: usize, a: usize, rz: usize, da: usize, rdz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(disjoint(rdz, f32Bytes(n), rz, f32Bytes(n)) && disjoint(rdz, f32Bytes(n), da, f32Bytes(n)));
  const one = f32x4.splat(1);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const s = vsigmoid(lanes(z, o, r));
    accD2(f32x4.mul(s, f32x4.sub(one, s)), rz, da, rdz, o, r);
  }
}

/**
 * ELU: f'' = alpha·e^z = a + alpha for z ≤ 0, 0 for z > 0 (the branch elu_bwd_f32 takes).
 * rdz += f''(z)⊙rz⊙da. Reads z (branch) and a.
 * Preconditions (asserted in the debug build only): n ≥ 0; rdz overlaps neither rz nor da. No alignment is required.
 */
export function elu_d2_f32(z: usize, a: usize, rz: usize, da: usize, rdz: usize, n: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(disjoint(rdz, f32Bytes(n), rz, f32Bytes(n)) && disjoint(rdz, f32Bytes(n), da, f32Bytes(n)));
  const zero = f32x4.splat(0);
  const al = f32x4.splat(alpha);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const d2 = v128.andnot(f32x4.add(lanes(a, o, r), al), f32x4.gt(lanes(z, o, r), zero));
    accD2(d2, rz, da, rdz, o, r);
  }
}

// ---------------------------------------------------------------- softmax

/** Σ_j x_j·y_j over one row of cols floats. */
// @ts-ignore: decorator
@inline function rowDot(x: usize, y: usize, cols: i32): f32 {
  let s = f32x4.splat(0);
  for (let j = 0; j < cols; j += 4) {
    const r = min(4, cols - j);
    const o = <usize>j << 2;
    s = madd(lanes(x, o, r), lanes(y, o, r), s);
  }
  return hsum(s);
}

/**
 * Backward R-pass of a softmax row (the R-operator applied to softmax_bwd_rows_f32's
 * dz = a⊙(da − s), s = aᵀda):
 *   R{dz}_j = R{a}_j·(da_j − s) + a_j·(R{da}_j − R{s}),   R{s} = R{a}ᵀda + aᵀR{da}.
 * a, ra = R{a}, da, rda = R{da}, rdz: [rows × cols]; rdz may not alias the others.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0; rdz overlaps none of a, ra, da,
 * rda. No alignment is required.
 */
export function softmax_rbwd_rows_f32(a: usize, ra: usize, da: usize, rda: usize, rdz: usize, rows: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  if (!ASC_NO_ASSERT) {
    const nb = matBytes(rows, cols);
    assert(disjoint(rdz, nb, a, nb) && disjoint(rdz, nb, ra, nb) && disjoint(rdz, nb, da, nb) && disjoint(rdz, nb, rda, nb));
  }
  const stride = <usize>cols << 2;
  for (let q = 0; q < rows; q++) {
    const sv = f32x4.splat(rowDot(a, da, cols));
    const rsv = f32x4.splat(rowDot(ra, da, cols) + rowDot(a, rda, cols));
    for (let j = 0; j < cols; j += 4) {
      const r = min(4, cols - j);
      const o = <usize>j << 2;
      const t = f32x4.mul(lanes(ra, o, r), f32x4.sub(lanes(da, o, r), sv));
      const v = madd(lanes(a, o, r), f32x4.sub(lanes(rda, o, r), rsv), t);
      if (r == 4) v128.store(rdz + o, v);
      else storePart(rdz + o, v, r);
    }
    a += stride;
    ra += stride;
    da += stride;
    rda += stride;
    rdz += stride;
  }
}

// ---------------------------------------------------------------- output-loss Hessian products

/**
 * Softmax + categorical cross-entropy, Hessian of the loss w.r.t. the logits times u, per row:
 *   out = scale·(a⊙u − a·(aᵀu))   (= scale·(diag(a) − a·aᵀ)·u, positive semi-definite).
 * a, u, out: [rows × cols]; out may alias u.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function softmax_xent_hvp_rows_f32(a: usize, u: usize, out: usize, rows: i32, cols: i32, scale: f32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  const sc = f32x4.splat(scale);
  for (let q = 0; q < rows; q++) {
    const dv = f32x4.splat(rowDot(a, u, cols));
    for (let j = 0; j < cols; j += 4) {
      const r = min(4, cols - j);
      const o = <usize>j << 2;
      const v = f32x4.mul(sc, f32x4.mul(lanes(a, o, r), f32x4.sub(lanes(u, o, r), dv)));
      if (r == 4) v128.store(out + o, v);
      else storePart(out + o, v, r);
    }
    a += stride;
    u += stride;
    out += stride;
  }
}

/**
 * Sigmoid + binary cross-entropy, Hessian w.r.t. the logits (diagonal) times u:
 *   out = scale·a(1 − a)⊙u.   a, u, out: n floats; out may alias u.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function sigmoid_bce_hvp_f32(a: usize, u: usize, out: usize, n: i32, scale: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const one = f32x4.splat(1);
  const sc = f32x4.splat(scale);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const av = lanes(a, o, r);
    const v = f32x4.mul(f32x4.mul(sc, f32x4.mul(av, f32x4.sub(one, av))), lanes(u, o, r));
    if (r == 4) v128.store(out + o, v);
    else storePart(out + o, v, r);
  }
}

/**
 * Squared error, Hessian w.r.t. the outputs (a multiple of the identity) times u:
 *   out = scale·u   (scale = 2/(rows·cols) for the batch-mean MSE).  out may alias u.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function mse_hvp_f32(u: usize, out: usize, n: i32, scale: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const sc = f32x4.splat(scale);
  for (let i = 0; i < n; i += 4) {
    const r = min(4, n - i);
    const o = <usize>i << 2;
    const v = f32x4.mul(sc, lanes(u, o, r));
    if (r == 4) v128.store(out + o, v);
    else storePart(out + o, v, r);
  }
}

// ---------------------------------------------------------------- per-sample Jacobian rows

/**
 * Per-sample parameter Jacobian rows of a dense layer (Levenberg–Marquardt): for each row r,
 *   J[r, i·nout + o] = x[r,i]·d[r,o]        (∂/∂W = x ⊗ δ, W [nin × nout] row-major)
 *   J[r, nin·nout + o] = d[r,o]             (∂/∂b = δ, when bias ≠ 0)
 * x [rows × nin], d [rows × nout] (δ = ∂output/∂z per sample), J rows `ldj` floats apart.
 * Preconditions (asserted in the debug build only): rows, nin, nout, ldj ≥ 0; ldj ≥ nin·nout (+ nout
 * with bias): rows of J do not overlap. No alignment is required.
 */
export function jacobian_dense_rows_f32(
  x: usize, d: usize, j: usize, rows: i32, nin: i32, nout: i32, ldj: i32, bias: i32,
): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && nin >= 0 && nout >= 0 && ldj >= 0);
  if (!ASC_NO_ASSERT) assert(<i64>ldj >= <i64>nin * <i64>nout + (bias != 0 ? <i64>nout : 0));
  const dstride = <usize>nout << 2;
  for (let q = 0; q < rows; q++) {
    let dst = j + ((<usize>q * <usize>ldj) << 2);
    const xr = x + ((<usize>q * <usize>nin) << 2);
    for (let i = 0; i < nin; i++) {
      const c = f32x4.splat(load<f32>(xr + (<usize>i << 2)));
      for (let o = 0; o < nout; o += 4) {
        const r = min(4, nout - o);
        const off = <usize>o << 2;
        const v = f32x4.mul(c, lanes(d, off, r));
        if (r == 4) v128.store(dst + off, v);
        else storePart(dst + off, v, r);
      }
      dst += dstride;
    }
    if (bias != 0) memory.copy(dst, d, dstride);
    d += dstride;
  }
}
