/** 2 when this build uses relaxed SIMD (FMA), 1 for the baseline SIMD build. */
export function simd_level(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 2 : 1;
}
