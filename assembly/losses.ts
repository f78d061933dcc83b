// Losses: each returns the summed loss (f64 accumulation of f32 partial sums) and writes the
// gradient with respect to the network output, pre-multiplied by `scale` (e.g. 1/batch).
import { hsum64, loadPart, storePart } from './vmath';

/** Partial sums are kept in f32x4 over blocks of this many floats, then added in f64. */
// @ts-ignore: decorator
@inline const BLOCK = 1024;

/**
 * Squared error: returns Σ_i (a_i − y_i)², writes da_i = scale·(a_i − y_i).
 * (The ½ of the quadratic cost and the mean are the caller's: pass scale = 1/batch for
 * C = 1/(2n)·Σ‖a − y‖², whose gradient is (a − y)/n.) da may alias a.
 */
export function sqerr_f32(a: usize, y: usize, da: usize, n: i32, scale: f32): f64 {
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
