// Reductions and row utilities: bias gradients, batch gathering, argmax / accuracy, NaN scans.
import { loadPart, storePart } from './vmath';

/**
 * Column sums: out[j] = Σ_r x[r,j] + beta·out[j], x [rows × cols], beta 0 (out's old content
 * ignored, even NaN) or 1 (accumulate). Dense bias gradient db = Σ_rows dZ.
 * Columns go 16 then 4 at a time (sums in registers, rows summed in order); a ragged right edge is
 * one overlapping 4-wide block at cols−4, computed first and stored last so beta reads old values.
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function colsum_f32(x: usize, out: usize, rows: i32, cols: i32, beta: f32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  if (cols <= 0) return;
  const stride = <usize>cols << 2;
  const acc = beta != 0;
  const bv = f32x4.splat(beta);
  if (cols < 4) {
    let s = f32x4.splat(0);
    let p = x;
    for (let r = 0; r < rows; r++) {
      s = f32x4.add(s, loadPart(p, cols, 0));
      p += stride;
    }
    if (acc) s = f32x4.add(s, f32x4.mul(bv, loadPart(out, cols, 0)));
    storePart(out, s, cols);
    return;
  }
  // Ragged edge first (reads old out before the main blocks overwrite anything).
  const ragged = (cols & 3) != 0;
  let edge = f32x4.splat(0);
  const eo = <usize>(cols - 4) << 2;
  if (ragged) {
    let p = x + eo;
    for (let r = 0; r < rows; r++) {
      edge = f32x4.add(edge, v128.load(p));
      p += stride;
    }
    if (acc) edge = f32x4.add(edge, f32x4.mul(bv, v128.load(out + eo)));
  }
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    const o = <usize>j << 2;
    let s0 = f32x4.splat(0);
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    let p = x + o;
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
      p += stride;
    }
    if (acc) {
      s0 = f32x4.add(s0, f32x4.mul(bv, v128.load(out + o)));
      s1 = f32x4.add(s1, f32x4.mul(bv, v128.load(out + o, 16)));
      s2 = f32x4.add(s2, f32x4.mul(bv, v128.load(out + o, 32)));
      s3 = f32x4.add(s3, f32x4.mul(bv, v128.load(out + o, 48)));
    }
    v128.store(out + o, s0);
    v128.store(out + o, s1, 16);
    v128.store(out + o, s2, 32);
    v128.store(out + o, s3, 48);
  }
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 2;
    let s0 = f32x4.splat(0);
    let p = x + o;
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      p += stride;
    }
    if (acc) s0 = f32x4.add(s0, f32x4.mul(bv, v128.load(out + o)));
    v128.store(out + o, s0);
  }
  if (ragged) v128.store(out + eo, edge);
}

/**
 * Row gather: dst[r,:] = src[idx[r],:] for r < count; idx is i32, src/dst rows of `cols` floats.
 * Batch assembly from shuffled sample indices. dst may not overlap src.
 * Preconditions (asserted in the debug build only): count, cols ≥ 0. No alignment is required.
 */
export function gather_rows_f32(src: usize, idx: usize, dst: usize, count: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(count >= 0 && cols >= 0);
  if (cols <= 0) return;
  const stride = <usize>cols << 2;
  for (let r = 0; r < count; r++) {
    const s = src + <usize>load<i32>(idx + (<usize>r << 2)) * stride;
    if (cols < 4) {
      storePart(dst, loadPart(s, cols, 0), cols);
    } else {
      let j = 0;
      for (; j + 16 <= cols; j += 16) {
        const o = <usize>j << 2;
        v128.store(dst + o, v128.load(s + o));
        v128.store(dst + o, v128.load(s + o, 16), 16);
        v128.store(dst + o, v128.load(s + o, 32), 32);
        v128.store(dst + o, v128.load(s + o, 48), 48);
      }
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        v128.store(dst + o, v128.load(s + o));
      }
      // Ragged edge: re-copy the last 4 floats (idempotent, dst and src do not overlap).
      if (j < cols) {
        const o = <usize>(cols - 4) << 2;
        v128.store(dst + o, v128.load(s + o));
      }
    }
    dst += stride;
  }
}

/** Index of the first maximum of one row (NaNs never win; an all-NaN row gives 0). */
// @ts-ignore: decorator
@inline function rowArgmax(x: usize, cols: i32): i32 {
  let best = load<f32>(x);
  let bi = 0;
  for (let j = 1; j < cols; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    if (v > best) {
      best = v;
      bi = j;
    }
  }
  return bi;
}

/**
 * out[r] = argmax_j x[r,j] (first maximum), out is i32[rows]. x is [rows × cols].
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function argmax_rows_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    store<i32>(out + (<usize>r << 2), cols > 0 ? rowArgmax(x, cols) : 0);
    x += stride;
  }
}

/**
 * Number of rows where argmax a[r,:] == argmax y[r,:] (first maximum on both sides): the correct
 * predictions of a classifier against one-hot labels. a, y are [rows × cols].
 * Preconditions (asserted in the debug build only): rows, cols ≥ 0. No alignment is required.
 */
export function count_correct_f32(a: usize, y: usize, rows: i32, cols: i32): i32 {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && cols >= 0);
  if (cols <= 0) return 0;
  const stride = <usize>cols << 2;
  let c = 0;
  for (let r = 0; r < rows; r++) {
    if (rowArgmax(a, cols) == rowArgmax(y, cols)) c++;
    a += stride;
    y += stride;
  }
  return c;
}

/**
 * Index of the first element of x[0..n) that is NaN or ±∞, or −1 if all are finite.
 * A float is non-finite exactly when its exponent bits are all ones; 16 floats are tested per step.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function find_nonfinite_f32(x: usize, n: i32): i32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const e = i32x4.splat(0x7f800000);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const m = v128.or(
      v128.or(i32x4.eq(v128.and(v128.load(p), e), e), i32x4.eq(v128.and(v128.load(p, 16), e), e)),
      v128.or(i32x4.eq(v128.and(v128.load(p, 32), e), e), i32x4.eq(v128.and(v128.load(p, 48), e), e)),
    );
    if (v128.any_true(m)) break;
  }
  for (; i < n; i++) {
    if ((load<i32>(x + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) return i;
  }
  return -1;
}

/**
 * FNV-1a (32-bit) of the bytes p[0..n), continued from h (start at the offset basis 0x811c9dc5):
 * h ← (h ⊕ byte)·16777619 mod 2³² for each byte in order. The checksum model files carry; run on
 * θ in place when a loader reads weights straight into the heap. Four bytes per step from one
 * little-endian load. Preconditions (asserted in the debug build only): n ≥ 0.
 */
export function fnv1a_u8(h: u32, p: usize, n: i32): u32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const prime: u32 = 16777619;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = load<u32>(p + <usize>i);
    h = (h ^ (w & 0xff)) * prime;
    h = (h ^ ((w >>> 8) & 0xff)) * prime;
    h = (h ^ ((w >>> 16) & 0xff)) * prime;
    h = (h ^ (w >>> 24)) * prime;
  }
  for (; i < n; i++) h = (h ^ <u32>load<u8>(p + <usize>i)) * prime;
  return h;
}

/**
 * Correct predictions of a single-output binary classifier: the number of i < n with
 * (a_i > 0.5) == (y_i > 0.5) (Keras binary_accuracy's threshold; labels 0/1 or soft labels).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function count_correct_binary_f32(a: usize, y: usize, n: i32): i32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const h = f32x4.splat(0.5);
  let c = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    // eq of the two masks is all ones (−1) where they agree.
    c = i32x4.sub(c, i32x4.eq(f32x4.gt(v128.load(a + o), h), f32x4.gt(v128.load(y + o), h)));
  }
  let s = i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1) + i32x4.extract_lane(c, 2) + i32x4.extract_lane(c, 3);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if ((load<f32>(a + o) > 0.5) == (load<f32>(y + o) > 0.5)) s++;
  }
  return s;
}
