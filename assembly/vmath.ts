// Shared f32x4 helpers for the kernels, in one place: fused multiply-add, exp/log/sigmoid/tanh,
// partial loads and stores of a tail, horizontal sums, 4×4 transposes and the 4×8 register tile of
// GEMM and the symmetric rank-k update (syrk-lower.ts). Nothing here is exported from the module
// (index.ts does not re-export this file): every helper is @inline and compiled into its caller.
//
// No lookup tables (the module has no data segments and owns no memory): exp and log are written
// as range reduction + polynomial, with their constants as immediates.

/** a·b + c; fused (one rounding) in the relaxed-SIMD build, mul then add in the baseline build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** c − a·b; fused (one rounding) in the relaxed-SIMD build, mul then sub in the baseline build. */
// @ts-ignore: decorator
@inline export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_nmadd(a, b, c);
  } else {
    return f32x4.sub(c, f32x4.mul(a, b));
  }
}

/** Lanes of a vector with the sign bit set (for `and`/`or` sign tricks). */
// @ts-ignore: decorator
@inline export function signMask(): v128 {
  return i32x4.splat(0x80000000);
}

/**
 * exp(x) per lane, relative error ≈ 1.5e-7 (Cephes expf polynomial) over the whole f32 range.
 *
 * x = k·ln2 + r with k = round(x·log2 e) (by the 1.5·2^23 shifter: no float→int conversion),
 * |r| ≤ ln2/2 (ln2 split in a hi part with 9 significant bits, so k·hi is exact for |k| ≤ 2^15, and
 * a lo correction); exp(r) ≈ 1 + r + r²·P(r) with P of degree 5; 2^k is built in the exponent bits.
 * Saturation: x ≥ 88 gives exp(88) ≈ 1.65e38 (never ∞; every caller feeds x ≤ 0); x < −87.33
 * gives exactly 0 (true value below the smallest normal float). NaN propagates.
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(-87.33));
  // pmin/pmax keep a NaN first operand, so NaN flows through the clamps.
  let xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.33));
  // Round x·log2e to the nearest integer by adding 1.5·2^23: the sum's low mantissa bits hold k.
  const kb = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const k = f32x4.sub(kb, f32x4.splat(12582912.0));
  let r = f32x4.sub(xc, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1.0)));
  // 2^k: bits(kb) = 0x4B400000 + k, and the shift drops the 0x4B4 prefix.
  const scale = i32x4.shl(i32x4.add(kb, i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), under);
}

/**
 * exp(x) − 1 per lane for x ≤ 0 (the ELU branch), accurate relatively near 0 as well.
 * Same reduction as vexp: e^x = 2^k·(1 + q) with q = r + r²·P(r); then e^x − 1 = 2^k·q + (2^k − 1),
 * which is q itself (no cancellation) when k = 0, i.e. |x| < ln2/2. x < −87.33 gives −1.
 */
// @ts-ignore: decorator
@inline export function vexpm1(x: v128): v128 {
  let xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.33));
  // Round x·log2e to the nearest integer by adding 1.5·2^23: the sum's low mantissa bits hold k.
  const kb = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const k = f32x4.sub(kb, f32x4.splat(12582912.0));
  let r = f32x4.sub(xc, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const q = madd(p, f32x4.mul(r, r), r);
  // 2^k: bits(kb) = 0x4B400000 + k, and the shift drops the 0x4B4 prefix.
  const scale = i32x4.shl(i32x4.add(kb, i32x4.splat(127)), 23);
  return madd(scale, q, f32x4.sub(scale, f32x4.splat(1.0)));
}

/**
 * Natural log per lane of positive normal floats (≥ 1.18e−38), relative error ≈ 2e−7.
 * x = 2^k·m with m ∈ [√½, √2): log x = k·ln2 + 2·atanh(u), u = (m−1)/(m+1), |u| ≤ 0.1716,
 * atanh series to u⁹ (truncation < 3e−9). ln2 is split hi/lo so k·ln2 adds no rounding.
 * Zero, negatives, denormals and ∞ are not handled (callers clip first).
 */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  let k = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  k = i32x4.sub(k, big); // big lanes are −1: k + 1
  const kf = f32x4.convert_i32x4_s(k);
  const u = f32x4.div(f32x4.sub(m, f32x4.splat(1.0)), f32x4.add(m, f32x4.splat(1.0)));
  const u2 = f32x4.mul(u, u);
  let s = madd(f32x4.splat(1.0 / 9.0), u2, f32x4.splat(1.0 / 7.0));
  s = madd(s, u2, f32x4.splat(1.0 / 5.0));
  s = madd(s, u2, f32x4.splat(1.0 / 3.0));
  const lm = madd(f32x4.mul(f32x4.add(u, u), u2), s, f32x4.add(u, u));
  return madd(kf, f32x4.splat(0.693359375), madd(kf, f32x4.splat(-2.12194440e-4), lm));
}

/**
 * Counter-based 32-bit hash per lane (Wellons' lowbias32 on idx·φ + key): the random bits for
 * element idx under a key derived from the seed. Integer-only, so the js twin reproduces it exactly.
 */
// @ts-ignore: decorator
@inline export function vhash(idx: v128, key: v128): v128 {
  let x = i32x4.add(i32x4.mul(idx, i32x4.splat(0x9e3779b9)), key);
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

/** The key for vhash from a user seed (murmur3's fmix32 of the seed). */
// @ts-ignore: decorator
@inline export function seedKey(seed: i32): i32 {
  let h = <u32>seed;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return <i32>h;
}

/**
 * Logistic sigmoid σ(z) = 1/(1+e^−z), stably: with e = exp(−|z|), σ = 1/(1+e) for z ≥ 0 and
 * e/(1+e) for z < 0, so neither branch overflows and σ(±100) is exactly 1 / 0.
 */
// @ts-ignore: decorator
@inline export function vsigmoid(z: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(z)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(f32x4.mul(e, r), r, f32x4.lt(z, f32x4.splat(0)));
}

/**
 * tanh(z). |z| < 0.625: odd polynomial z + z³·Q(z²) (Cephes tanhf; no cancellation near 0).
 * Otherwise (1 − e)/(1 + e) with e = exp(−2|z|), sign copied from z; tanh(±50) = ±1 exactly.
 */
// @ts-ignore: decorator
@inline export function vtanh(z: v128): v128 {
  const az = f32x4.abs(z);
  const z2 = f32x4.mul(z, z);
  let q = madd(f32x4.splat(-5.70498872745e-3), z2, f32x4.splat(2.06390887954e-2));
  q = madd(q, z2, f32x4.splat(-5.37397155531e-2));
  q = madd(q, z2, f32x4.splat(1.33314422036e-1));
  q = madd(q, z2, f32x4.splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(q, z2), z, z);
  const e = vexp(f32x4.mul(az, f32x4.splat(-2.0)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const large = v128.or(t, v128.and(z, signMask()));
  return v128.bitselect(small, large, f32x4.lt(az, f32x4.splat(0.625)));
}

/**
 * log1p(e) for e ∈ [0, 1] (the softplus / logistic-loss correction term), relative error ≈ 2e-7.
 * u = e/(2+e) ∈ [0, 1/3]; log1p(e) = log((1+u)/(1−u)) = 2·atanh(u) = 2u·(1 + u²/3 + u⁴/5 + …).
 */
// @ts-ignore: decorator
@inline export function vlog1p01(e: v128): v128 {
  const u = f32x4.div(e, f32x4.add(f32x4.splat(2.0), e));
  const u2 = f32x4.mul(u, u);
  // Σ_{k≥0} u^{2k}/(2k+1) up to u^14 (u² ≤ 1/9: truncation error < (1/9)^8/17 ≈ 1.4e-9).
  let s = madd(f32x4.splat(1.0 / 15.0), u2, f32x4.splat(1.0 / 13.0));
  s = madd(s, u2, f32x4.splat(1.0 / 11.0));
  s = madd(s, u2, f32x4.splat(1.0 / 9.0));
  s = madd(s, u2, f32x4.splat(1.0 / 7.0));
  s = madd(s, u2, f32x4.splat(1.0 / 5.0));
  s = madd(s, u2, f32x4.splat(1.0 / 3.0));
  s = madd(s, u2, f32x4.splat(1.0));
  return f32x4.mul(f32x4.add(u, u), s);
}

/**
 * Natural log of a positive normal f32, relative error ≈ 2e-7 (scalar; one call per row).
 * x = 2^k·m with m ∈ [√½, √2): log x = k·ln2 + 2·atanh((m−1)/(m+1)).
 * Returns −∞ for 0, NaN for negatives and NaN, +∞ for +∞ (what callers need to see poison).
 */
// @ts-ignore: decorator
@inline export function logf(x: f32): f32 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x == Infinity) return x;
  let bits = reinterpret<i32>(x);
  let k = (bits >> 23) - 127;
  // Denormals: scale up first.
  if (k == -127) {
    bits = reinterpret<i32>(x * 8388608.0);
    k = (bits >> 23) - 127 - 23;
  }
  let m = reinterpret<f32>((bits & 0x007fffff) | 0x3f800000); // [1, 2)
  if (m > 1.41421356) {
    m *= 0.5;
    k += 1;
  }
  // Evaluate in f64: cheap for one value and keeps the result within an ulp.
  const u = (<f64>m - 1.0) / (<f64>m + 1.0);
  const u2 = u * u;
  let s = 1.0 / 13.0;
  s = s * u2 + 1.0 / 11.0;
  s = s * u2 + 1.0 / 9.0;
  s = s * u2 + 1.0 / 7.0;
  s = s * u2 + 1.0 / 5.0;
  s = s * u2 + 1.0 / 3.0;
  s = s * u2 + 1.0;
  return <f32>(<f64>k * 0.6931471805599453 + 2.0 * u * s);
}

// ------------------------------------------------------------------------------ tails
// Two kinds of partial access for the last < 4 floats of a row: loadPart/storePart go lane by lane
// (r ∈ {1,2,3}; the other lanes hold `fill`, e.g. −∞ for a max), loadPartial/storePartial take any
// count (≤ 0 nothing, ≥ 4 a whole vector) and zero-fill, using 64-bit lane accesses where they can.

/** Loads r ∈ {1,2,3} floats at p into the low lanes of a vector (the other lanes are `fill`). */
// @ts-ignore: decorator
@inline export function loadPart(p: usize, r: i32, fill: f32): v128 {
  let v = f32x4.splat(fill);
  v = v128.load32_lane(p, v, 0);
  if (r > 1) v = v128.load32_lane(p, v, 1, 4);
  if (r > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

/** Stores the low r ∈ {1,2,3} lanes of v at p. */
// @ts-ignore: decorator
@inline export function storePart(p: usize, v: v128, r: i32): void {
  v128.store32_lane(p, v, 0);
  if (r > 1) v128.store32_lane(p, v, 1, 4);
  if (r > 2) v128.store32_lane(p, v, 2, 8);
}

/** Loads the first `count` floats at p (count ≤ 0 gives zeros, ≥ 4 a full vector); other lanes 0. */
// @ts-ignore: decorator
@inline export function loadPartial(p: usize, count: i32): v128 {
  if (count >= 4) return v128.load(p);
  if (count == 3) return v128.load32_lane(p, v128.load64_zero(p), 2, 8);
  if (count == 2) return v128.load64_zero(p);
  if (count == 1) return v128.load32_zero(p);
  return f32x4.splat(0);
}

/** Stores the first `count` lanes of v at p (count ≤ 0 stores nothing, ≥ 4 the whole vector). */
// @ts-ignore: decorator
@inline export function storePartial(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
  } else if (count == 3) {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p, v, 2, 8);
  } else if (count == 2) {
    v128.store64_lane(p, v, 0);
  } else if (count == 1) {
    v128.store32_lane(p, v, 0);
  }
}

// ------------------------------------------------------------------------------ horizontal sums

/** Horizontal sum of the four lanes, in f64. */
// @ts-ignore: decorator
@inline export function hsum64(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3))
  );
}

/** Horizontal sum of the four lanes, in f32 (pairwise). */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Horizontal max of the four lanes (pmax semantics: a NaN in the first operand survives). */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  const m = f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  const a = f32x4.extract_lane(m, 0);
  const b = f32x4.extract_lane(m, 1);
  return a < b ? b : a;
}

/** Horizontal sums of four vectors: [Σs0, Σs1, Σs2, Σs3]. */
// @ts-ignore: decorator
@inline export function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u01 = f32x4.add(f32x4.shuffle(s0, s1, 0, 4, 1, 5), f32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const u23 = f32x4.add(f32x4.shuffle(s2, s3, 0, 4, 1, 5), f32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(u01, u23, 0, 1, 4, 5), f32x4.shuffle(u01, u23, 2, 3, 6, 7));
}

// ------------------------------------------------------------------------------ transposes and tiles

/**
 * Transposes the 4×4 block whose rows are r0..r3 and stores its first `count` columns, column q
 * (= [r0[q], r1[q], r2[q], r3[q]]) at dst + q·stride.
 */
// @ts-ignore: decorator
@inline export function storeTransposed4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize, count: i32): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7); // r0[2] r1[2] r0[3] r1[3]
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  if (count > 1) v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  if (count > 2) v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  if (count > 3) v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * One row of a 4×8 tile's epilogue: C[0:8] = alpha·x + bias + beta·C (x = [x0 x1]; alpha = 1 skips
 * the multiply, bias = 0 adds nothing, beta = 0 never reads C), storing only the first `valid`
 * columns (≤ 0: none, ≥ 8: all). bias points to 8 floats.
 */
// @ts-ignore: decorator
@inline export function tileRow8(c: usize, x0: v128, x1: v128, alpha: f32, beta: f32, bias: usize, valid: i32): void {
  if (valid <= 0) return;
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    x0 = f32x4.mul(x0, va);
    x1 = f32x4.mul(x1, va);
  }
  if (bias != 0) {
    x0 = f32x4.add(x0, v128.load(bias));
    x1 = f32x4.add(x1, v128.load(bias, 16));
  }
  if (beta != 0) {
    const bv = f32x4.splat(beta);
    x0 = madd(bv, v128.load(c), x0);
    x1 = madd(bv, v128.load(c, 16), x1);
  }
  if (valid >= 8) {
    v128.store(c, x0);
    v128.store(c, x1, 16);
  } else {
    storePartial(c, x0, valid);
    storePartial(c + 16, x1, valid - 4);
  }
}

/**
 * The 4×8 register tile shared by GEMM's micro-kernel (gemm-packed.ts) and the symmetric rank-k
 * update (syrk-lower.ts): C[r][0:8] = alpha·Σ_{p<kc} A_p[r]·B_p[0:8] + bias + beta·C[r][0:8]
 * for r < 4, where step p reads A_p (4 floats) at a + p·lda and B_p (8 floats) at b + p·ldb; C's
 * rows are ldc bytes apart. Row r stores its first diag + r + 1 columns (diag ≥ 7: all; the
 * rank-k update passes tile row − tile column to keep the lower triangle).
 *
 * 8 accumulators + 2 B vectors + 4 broadcasts = 14 live v128 (15 with the mul+add temporary): the
 * most that does not spill on x64 V8 (PERF-NOTES: 6×8 and 5×8 spill, ~20 GFLOP/s). Inline here, but
 * each caller wraps it in a function of its own (gemm-packed.ts microTile, syrk-lower.ts
 * syrkTile4x8): inlined into a driver loop, TurboFan hoists the loads and the accumulators spill.
 * Loops on the B pointer itself (one add fewer per step than a counter, measured +5 %); the k-loop
 * is not unrolled.
 */
// @ts-ignore: decorator
@inline export function tile4x8(kc: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, alpha: f32, beta: f32, bias: usize, diag: i32): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const bEnd = b + <usize>kc * ldb;
  while (b < bEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += lda;
    b += ldb;
  }
  tileRow8(c, c00, c01, alpha, beta, bias, diag + 1);
  tileRow8(c + ldc, c10, c11, alpha, beta, bias, diag + 2);
  tileRow8(c + 2 * ldc, c20, c21, alpha, beta, bias, diag + 3);
  tileRow8(c + 3 * ldc, c30, c31, alpha, beta, bias, diag + 4);
}
