// Row-wise softmax, its backward, and softmax fused with categorical cross-entropy.
// Rows of `cols` floats, row-major, rows start at arbitrary offsets (unaligned loads).
// Every row is stabilised by its maximum, so any finite input (even ±1e4) is safe; a row holding
// NaN or ±∞ comes out as NaN (poison is visible, never silently dropped).
import { hmax, hsum, hsum64, loadPart, logf, storePart, vexp } from './vmath';

/** max_j z[j] over one row (NaNs skipped, as `if (z > m) m = z` from −∞ would). */
// @ts-ignore: decorator
@inline function rowMax(z: usize, cols: i32): f32 {
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const o = <usize>j << 2;
    m0 = f32x4.pmax(m0, v128.load(z + o));
    m1 = f32x4.pmax(m1, v128.load(z + o, 16));
  }
  if (j + 4 <= cols) {
    m0 = f32x4.pmax(m0, v128.load(z + (<usize>j << 2)));
    j += 4;
  }
  const r = cols - j;
  if (r > 0) m1 = f32x4.pmax(m1, loadPart(z + (<usize>j << 2), r, -Infinity));
  return hmax(f32x4.pmax(m0, m1));
}

/** a[j] = exp(z[j] − m) for one row; returns Σ_j a[j]. */
// @ts-ignore: decorator
@inline function rowExp(z: usize, a: usize, cols: i32, m: f32): f32 {
  const mv = f32x4.splat(m);
  let s = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 2;
    const e = vexp(f32x4.sub(v128.load(z + o), mv));
    v128.store(a + o, e);
    s = f32x4.add(s, e);
  }
  const r = cols - j;
  if (r > 0) {
    const o = <usize>j << 2;
    // Filler lanes are −∞: exp(−∞ − m) = 0 adds nothing to the sum.
    const e = vexp(f32x4.sub(loadPart(z + o, r, -Infinity), mv));
    storePart(a + o, e, r);
    s = f32x4.add(s, e);
  }
  return hsum(s);
}

/** a[j] *= c for one row. */
// @ts-ignore: decorator
@inline function rowScale(a: usize, cols: i32, c: f32): void {
  const cv = f32x4.splat(c);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 2;
    v128.store(a + o, f32x4.mul(v128.load(a + o), cv));
  }
  const r = cols - j;
  if (r > 0) {
    const o = <usize>j << 2;
    storePart(a + o, f32x4.mul(loadPart(a + o, r, 0), cv), r);
  }
}

/**
 * Softmax of each row: a[r,j] = exp(z[r,j] − m_r) / Σ_k exp(z[r,k] − m_r), m_r = max_k z[r,k].
 * z and a are [rows × cols]; a may alias z.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function softmax_rows_f32(z: usize, a: usize, rows: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const m = rowMax(z, cols);
    const s = rowExp(z, a, cols, m);
    rowScale(a, cols, 1.0 / s);
    z += stride;
    a += stride;
  }
}

/**
 * Softmax backward (Jacobian-vector product), per row: dz_j = a_j·(da_j − Σ_k da_k·a_k).
 * a, da, dz are [rows × cols]; dz may alias da.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function softmax_bwd_rows_f32(a: usize, da: usize, dz: usize, rows: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let d = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      d = f32x4.add(d, f32x4.mul(v128.load(da + o), v128.load(a + o)));
    }
    const t = cols - j;
    if (t > 0) {
      const o = <usize>j << 2;
      d = f32x4.add(d, f32x4.mul(loadPart(da + o, t, 0), loadPart(a + o, t, 0)));
    }
    const dot = f32x4.splat(hsum(d));
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(dz + o, f32x4.mul(v128.load(a + o), f32x4.sub(v128.load(da + o), dot)));
    }
    if (t > 0) {
      const o = <usize>j << 2;
      storePart(dz + o, f32x4.mul(loadPart(a + o, t, 0), f32x4.sub(loadPart(da + o, t, 0), dot)), t);
    }
    a += stride;
    da += stride;
    dz += stride;
  }
}

/**
 * Softmax fused with categorical cross-entropy (one pass over the logits for the loss and delta):
 *   a = softmax(z) per row;  dz = scale·(a − y);
 *   returns Σ_rows −Σ_j y_j·log a_j = Σ_rows Σ_j y_j·(m + log Σ_k exp(z_k − m) − z_j)
 * which never takes the log of a tiny a_j (stable for any finite z). z, y, a, dz are [rows × cols];
 * y is usually one-hot but any weights work. dz may alias z; a may not alias y.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function softmax_xent_rows_f32(
  z: usize, y: usize, a: usize, dz: usize, rows: i32, cols: i32, scale: f32,
): f64 {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  const sv = f32x4.splat(scale);
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const m = rowMax(z, cols);
    const s = rowExp(z, a, cols, m);
    const inv = f32x4.splat(1.0 / s);
    const mv = f32x4.splat(m);
    let ysum = f32x4.splat(0);
    let lsum = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const yv = v128.load(y + o);
      const zv = v128.load(z + o);
      const av = f32x4.mul(v128.load(a + o), inv);
      v128.store(a + o, av);
      v128.store(dz + o, f32x4.mul(sv, f32x4.sub(av, yv)));
      ysum = f32x4.add(ysum, yv);
      lsum = f32x4.add(lsum, f32x4.mul(yv, f32x4.sub(mv, zv)));
    }
    const t = cols - j;
    if (t > 0) {
      const o = <usize>j << 2;
      const yv = loadPart(y + o, t, 0);
      const zv = loadPart(z + o, t, 0);
      const av = f32x4.mul(loadPart(a + o, t, 0), inv);
      storePart(a + o, av, t);
      storePart(dz + o, f32x4.mul(sv, f32x4.sub(av, yv)), t);
      ysum = f32x4.add(ysum, yv);
      lsum = f32x4.add(lsum, f32x4.mul(yv, f32x4.sub(mv, zv)));
    }
    total += hsum64(lsum) + <f64>logf(s) * hsum64(ysum);
    z += stride;
    y += stride;
    a += stride;
    dz += stride;
  }
  return total;
}
