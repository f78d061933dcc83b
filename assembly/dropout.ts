// Inverted dropout (Srivastava et al. 2014): at training time each element is kept with
// probability 1 − rate and scaled by 1/(1 − rate), so inference needs no rescaling (the layer is
// simply the identity there).
//
// Randomness is counter-based: element i of a call with seed s is dropped iff
//   (hash(i, s) >>> 8) < T,  T = trunc(rate·2^24)   (24-bit uniform; keep probability 1 − T/2^24)
// where hash is lowbias32(i·0x9E3779B9 + fmix32(s)) (see vmath.ts). Only 32-bit integer ops are
// involved, so the js twin produces the identical mask; no state is kept between calls (the caller
// derives a fresh seed per step, e.g. from its seeded Rng). The mask is stored as f32 multipliers
// (0 or 1/(1 − rate)) so forward and backward are one multiply each.
import { loadPart, seedKey, storePart, vhash } from './vmath';

/**
 * Forward with a generated mask: mask_i = keep_i ? 1/(1 − rate) : 0;  y_i = x_i·mask_i.
 * x, mask, y: n floats (y may alias x). rate ∈ [0, 1); seed: any 32-bit integer.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function dropout_fwd_f32(x: usize, mask: usize, y: usize, n: i32, rate: f32, seed: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const key = i32x4.splat(seedKey(seed));
  const thr = i32x4.splat(<i32>(rate * 16777216.0));
  const keepScale = f32x4.splat(1.0 / (1.0 - rate));
  let idx = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const u = i32x4.shr_u(vhash(idx, key), 8);
    const mv = v128.and(keepScale, i32x4.ge_s(u, thr));
    v128.store(mask + o, mv);
    v128.store(y + o, f32x4.mul(v128.load(x + o), mv));
    idx = i32x4.add(idx, four);
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    const u = i32x4.shr_u(vhash(idx, key), 8);
    const mv = v128.and(keepScale, i32x4.ge_s(u, thr));
    storePart(mask + o, mv, r);
    storePart(y + o, f32x4.mul(loadPart(x + o, r, 0), mv), r);
  }
}

/**
 * Forward with a given mask (tests, replays): y_i = x_i·mask_i. y may alias x.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function dropout_mask_fwd_f32(x: usize, mask: usize, y: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  mulInto(x, mask, y, n);
}

/**
 * Backward: dx_i = dy_i·mask_i (the mask of the forward). dx may alias dy.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function dropout_bwd_f32(dy: usize, mask: usize, dx: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  mulInto(dy, mask, dx, n);
}

// @ts-ignore: decorator
@inline function mulInto(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  const r = n - i;
  if (r > 0) {
    const o = <usize>i << 2;
    storePart(out + o, f32x4.mul(loadPart(a + o, r, 0), loadPart(b + o, r, 0)), r);
  }
}
