// Gauss–Newton / Levenberg–Marquardt accumulation: H[p×p] = β·H + JᵀJ (lower triangle incl.
// diagonal) with J [rows × p], consumed KC rows at a time by the symmetric rank-k driver of
// syrk-lower.ts; syrk_acc_rows_f32 computes rows [r0, r1) of it, bit for bit as the whole call (the
// thread pool splits H this way).
//
// Used by the second-order trainers in src/ through the module's exports (index.ts re-exports this
// file; src/kernels/threaded.ts splits it by rows). Twin: src/kernels/js/linalg.ts.

import { disjoint, inMemory, matBytes } from './checks';
import { KC, MR, PACK_MIN } from './linalg-blocking';
import { syrkLower } from './syrk-lower';

/** Bytes of `ws` syrk_acc_f32 touches when it packs J (p ≥ PACK_MIN): 8·p per row of a pass. */
// @ts-ignore: decorator
@inline function syrkWsBytes(rows: i32, p: i32): usize {
  return (<usize>p * <usize>min(KC, rows)) << 3;
}

/**
 * Gauss–Newton accumulation: H[p×p] = beta·H + Jᵀ·J with J stored [rows×p] row-major.
 * Only the lower triangle of H (incl. diagonal) is computed and written; the strict upper triangle
 * is neither read nor written (cholesky_f32 reads only the lower triangle). beta = 0 overwrites
 * (H's old content ignored, even NaN); beta = 1 accumulates over sample blocks. rows = 0 gives
 * H = beta·H. J and H may not overlap. Rows of J are consumed KC = 256 at a time.
 * ws: 0, or scratch of at least SYRK_WS_PER_COL·p bytes (= 8·KC·p = 2048·p) to pack J (≈2× at
 * p ≥ 2048; unused for p < 256); must not overlap J or H.
 * Preconditions (asserted in the debug build only): rows, p ≥ 0; J and H do not overlap; a `ws` in use (p ≥ 256) lies in memory and overlaps neither (the 8·p·min(rows, 256) bytes it touches). No alignment is required.
 */
export function syrk_acc_f32(j: usize, h: usize, rows: i32, p: i32, beta: f32, ws: usize): void {
  syrk_acc_rows_f32(j, h, rows, p, beta, ws, 0, p);
}

/**
 * Rows [r0, r1) of syrk_acc_f32's result: H[r][c] for r0 ≤ r < r1, c ≤ r, each element computed by
 * exactly the code and summation order of the whole call (same passes over KC rows of J, same
 * tile), so calls on row ranges that cover [0, p) give the whole call's H bit for bit. Rows of H
 * outside [r0, r1) are neither read nor written (the threaded table computes ranges on different
 * threads at once, each with its own ws). The range must start at a multiple of 4 (the register
 * tile's height) and end at one or at p. Arguments and ws as syrk_acc_f32 (ws may differ per range:
 * packing does not change the result).
 * Preconditions (asserted in the debug build only): those of syrk_acc_f32; 0 ≤ r0 ≤ r1 ≤ p;
 * r0 % 4 = 0; r1 % 4 = 0 or r1 = p.
 */
export function syrk_acc_rows_f32(j: usize, h: usize, rows: i32, p: i32, beta: f32, ws: usize, r0: i32, r1: i32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && p >= 0);
  if (!ASC_NO_ASSERT) assert(0 <= r0 && r0 <= r1 && r1 <= p && r0 % MR == 0 && (r1 % MR == 0 || r1 == p));
  if (!ASC_NO_ASSERT) {
    const jBytes = matBytes(rows, p);
    const hBytes = matBytes(p, p);
    assert(disjoint(j, jBytes, h, hBytes));
    if (ws != 0 && p >= PACK_MIN) {
      const wsBytes = syrkWsBytes(rows, p);
      assert(inMemory(ws, wsBytes) && disjoint(ws, wsBytes, j, jBytes) && disjoint(ws, wsBytes, h, hBytes));
    }
  }
  if (p <= 0 || r0 >= r1) return;
  const ld = <usize>p << 2;
  let k0 = 0;
  let b = beta;
  do {
    const kc = max(0, min(KC, rows - k0));
    syrkLower(h, ld, j + <usize>k0 * ld, ld, kc, p, p, 1, b, ws, r0, r1);
    b = 1;
    k0 += KC;
  } while (k0 < rows);
}
