// Maxout (Goodfellow et al. 2013): each unit outputs the maximum of k linear pieces.
//
// Layout, unit-major: the pre-activation z is [rows × units·k] and the k pieces of unit u are
// adjacent, z[r, u·k + p] for p = 0..k−1 (so the dense layer before it has units·k outputs, piece
// p of unit u being output column u·k + p). a is [rows × units]; idx is i32 [rows × units] holding
// the winning piece p ∈ [0, k) of each unit.
//
// The pieces of one unit are contiguous but units are k floats apart, so there is no lane-parallel
// max across units without a gather; k = 2 and k = 4 (the usual choices) get f32x4 paths that
// reduce 2 units resp. 1 unit per vector, other k a scalar loop. On NaN-free input every path picks
// the first maximum, so wasm and the js twin agree exactly (values and indices). With NaN pieces the
// result is a non-NaN piece or NaN depending on the path (the k = 4 tournament compares pairs, the
// scalar loop runs left to right): unspecified, so a NaN piece may be hidden by maxout. Callers that
// must see poison should check z (find_nonfinite_f32) or the weights.

/** Scalar: max and first argmax of k floats at p. */
// @ts-ignore: decorator
@inline function unitMax(p: usize, k: i32, a: usize, idx: usize): void {
  let best = load<f32>(p);
  let bi = 0;
  for (let q = 1; q < k; q++) {
    const v = load<f32>(p + (<usize>q << 2));
    if (v > best) {
      best = v;
      bi = q;
    }
  }
  store<f32>(a, best);
  store<i32>(idx, bi);
}

/**
 * Maxout forward: a[r,u] = max_p z[r, u·k + p]; idx[r,u] = the first p attaining it.
 * z: [rows × units·k] f32, a: [rows × units] f32, idx: [rows × units] i32. k ≥ 1.
 * Preconditions (asserted in the debug build only): rows, units, k ≥ 0. No alignment is required.
 */
export function maxout_fwd_f32(z: usize, a: usize, idx: usize, rows: i32, units: i32, k: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && units >= 0 && k >= 0);
  const total = rows * units; // rows are contiguous in z, a and idx alike: one flat loop
  let i = 0;
  if (k == 2) {
    // Two units per vector: lanes (0,1) are unit i, lanes (2,3) unit i+1.
    for (; i + 2 <= total; i += 2) {
      const v = v128.load(z + (<usize>i << 3));
      const p0 = i32x4.shuffle(v, v, 0, 2, 0, 2);
      const p1 = i32x4.shuffle(v, v, 1, 3, 1, 3);
      const take1 = f32x4.gt(p1, p0);
      const m = v128.bitselect(p1, p0, take1);
      v128.store64_lane(a + (<usize>i << 2), m, 0);
      v128.store64_lane(idx + (<usize>i << 2), i32x4.neg(take1), 0);
    }
  } else if (k == 4) {
    // One unit per vector: first max in lanes 0..3 by a tournament that prefers the lower lane.
    for (; i < total; i++) {
      const v = v128.load(z + (<usize>i << 4));
      const hi = i32x4.shuffle(v, v, 2, 3, 2, 3);
      const t1 = f32x4.gt(hi, v); // lane 0: piece 2 beats 0; lane 1: piece 3 beats 1
      const m1 = v128.bitselect(hi, v, t1);
      const j1 = v128.bitselect(i32x4(2, 3, 2, 3), i32x4(0, 1, 0, 1), t1);
      const m1b = i32x4.shuffle(m1, m1, 1, 1, 1, 1);
      const j1b = i32x4.shuffle(j1, j1, 1, 1, 1, 1);
      // Winner of (0 vs 2) against winner of (1 vs 3): the second wins only if strictly greater, or
      // equal with a lower piece index (piece 1 ties with piece 2).
      const gt = f32x4.gt(m1b, m1);
      const eqLower = v128.and(f32x4.eq(m1b, m1), i32x4.lt_s(j1b, j1));
      const t2 = v128.or(gt, eqLower);
      store<f32>(a + (<usize>i << 2), f32x4.extract_lane(v128.bitselect(m1b, m1, t2), 0));
      store<i32>(idx + (<usize>i << 2), i32x4.extract_lane(v128.bitselect(j1b, j1, t2), 0));
    }
  }
  for (; i < total; i++) {
    unitMax(z + (<usize>i * <usize>k << 2), k, a + (<usize>i << 2), idx + (<usize>i << 2));
  }
}

/**
 * Maxout backward: the gradient flows to the winning piece only,
 *   dz[r, u·k + p] = da[r,u] if p == idx[r,u] else 0.
 * da: [rows × units], idx: [rows × units] i32 (from the forward), dz: [rows × units·k] (fully written).
 * Preconditions (asserted in the debug build only): rows, units, k ≥ 0. No alignment is required.
 */
export function maxout_bwd_f32(da: usize, idx: usize, dz: usize, rows: i32, units: i32, k: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && units >= 0 && k >= 0);
  const total = rows * units;
  let i = 0;
  if (k == 4) {
    const lanes = i32x4(0, 1, 2, 3);
    for (; i < total; i++) {
      const d = v128.load32_splat(da + (<usize>i << 2));
      const w = v128.load32_splat(idx + (<usize>i << 2));
      v128.store(dz + (<usize>i << 4), v128.and(d, i32x4.eq(lanes, w)));
    }
  } else if (k == 2) {
    const lanes = i32x4(0, 1, 0, 1);
    for (; i + 2 <= total; i += 2) {
      const d = v128.load64_zero(da + (<usize>i << 2));
      const w = v128.load64_zero(idx + (<usize>i << 2));
      const dd = i32x4.shuffle(d, d, 0, 0, 1, 1);
      const ww = i32x4.shuffle(w, w, 0, 0, 1, 1);
      v128.store(dz + (<usize>i << 3), v128.and(dd, i32x4.eq(lanes, ww)));
    }
  }
  for (; i < total; i++) {
    const d = load<f32>(da + (<usize>i << 2));
    const w = load<i32>(idx + (<usize>i << 2));
    const p = dz + (<usize>i * <usize>k << 2);
    for (let q = 0; q < k; q++) store<f32>(p + (<usize>q << 2), q == w ? d : 0);
  }
}
