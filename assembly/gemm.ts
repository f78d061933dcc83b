// General matrix multiply, f32, row-major, WebAssembly SIMD (f32x4).
//
//   gemm_nn_f32:  C = A·B   + bias + beta·C      A [m×k], B [k×n]
//   gemm_tn_f32:  C = Aᵀ·B  + beta·C             A [k×m], B [k×n]
//   gemm_nt_f32:  C = A·Bᵀ  + beta·C             A [m×k], B [n×k]
//
// The exported entry points: each checks its preconditions (checkGemm, debug build only) and picks
// one of three paths by shape (all three layouts share them; a transpose only changes how the
// operands are read or packed, never the inner loop):
//
// 1. Packed (the general case). Goto-style blocking: for each NC-wide column block of C and each
//    KC-deep slice of k, B is packed into NR-wide micro-panels (k-major, 8 KiB each: stays in L1);
//    for each MC-tall row block A is packed into MR-tall micro-panels (120 KiB block: stays in L2).
//    The micro-kernel keeps a 4×8 tile of C in registers (8 accumulators + 2 B vectors + 4
//    broadcasts = 14 live v128, 15 with the mul+add temporary: within x64 V8's budget). Larger tiles
//    (6×8, 5×8) spill: TurboFan schedules every load of the loop body first (loads sit on the effect
//    chain, the pure multiply-adds are placed late), so all broadcasts are live at once — measured
//    4×8: ~32 GFLOP/s mul+add, ~45 FMA; 6×8: ~20. Packing pads partial panels with zeros, so edge
//    tiles run the same micro-kernel into a scratch tile that is then merged into C: no scalar
//    cliff at the edges.
//    Transposes are absorbed by the packing routines (4×4 register transposes for Aᵀ… and …Bᵀ).
// 2. Tiny m (m ≤ 4: single-sample predict). Packing would cost as much as the product, so A and
//    B are read in place (nn, tn): pairs of rows of C take four rows of B at a time (each load of
//    B used twice), a single row accumulates 24-column register strips over 32-row blocks of B
//    (L1-resident). For nt, C is dot products of rows (both operands contiguous in k).
// 3. Small n (n ≤ 12: an output layer of 10 classes). B is packed once into a [k × 12]
//    zero-padded panel that stays in L1; A is read in place, three rows at a time with FMA
//    (9 accumulators), two with mul+add.
//
// The module owns no memory: `ws` is caller-provided scratch (GEMM_WS_BYTES ≥ WS_BYTES_NEEDED).
// Kernels hold no static mutable data and never allocate.
//
// Files of the family (one each): gemm-blocking.ts (blocking constants, workspace layout,
// checkGemm), gemm-packed.ts, gemm-tiny-m.ts, gemm-small-n.ts (the three paths), gemm-bias-beta.ts
// (k = 0), this file (gemm_nn_f32, gemm_tn_f32, gemm_tn_ld_f32, gemm_nt_f32) and gemm-slices.ts
// (the column and k-slices the thread pool runs: gemm_nn_cols_f32, gemm_nt_cols_f32,
// gemm_nn_kslices_f32, gemm_ksum_f32). index.ts re-exports this file and gemm-slices.ts; infer.ts
// re-exports gemm_nn_f32.

import { biasBetaOnly } from './gemm-bias-beta';
import { SMALL_N, TINY_M, checkGemm } from './gemm-blocking';
import { gemmPacked } from './gemm-packed';
import { gemmSmallN } from './gemm-small-n';
import { gemmTinyM, gemmTinyMNt } from './gemm-tiny-m';

/**
 * C[m×n] = A[m×k] · B[k×n] + bias + beta·C.
 *
 * Layout: row-major and contiguous; a, b, c, bias are byte offsets into the imported memory. `bias`
 * points to n floats broadcast over the rows of C, or is 0 for none. `beta` = 0 overwrites C
 * without reading it (old content may be NaN); any other value scales C (1 accumulates).
 * Preconditions: C does not alias A, B or bias; `ws` points to GEMM_WS_BYTES (≥ 1,179,840) bytes of
 * scratch that no operand overlaps. No alignment is required (rows may start anywhere).
 * Asserted in the debug build only (checkGemm): m, n, k ≥ 0; C overlaps neither A, B nor bias; when
 * the small-n or packed path runs (m > 4, k > 0), ws lies in memory and overlaps no operand.
 * Dense forward: Z[batch×out] = X[batch×in] · W[in×out] + b.
 */
export function gemm_nn_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize): void {
  checkGemm(a, b, c, m, n, k, bias, ws);
  if (m <= 0 || n <= 0) return;
  if (k <= 0) biasBetaOnly(c, m, n, bias, beta);
  else if (m <= TINY_M) gemmTinyM(a, <usize>k << 2, 4, b, c, m, n, k, bias, beta);
  else if (n <= SMALL_N) gemmSmallN(a, <usize>k << 2, 4, b, false, c, m, n, k, bias, beta, ws);
  else gemmPacked(a, <usize>k, false, b, <usize>n, false, c, <usize>n, m, n, k, bias, beta, ws);
}

/**
 * C[m×n] = Aᵀ · B + beta·C with A stored [k×m] (row-major) and B stored [k×n].
 *
 * Same pointer, beta, aliasing and `ws` rules as gemm_nn_f32 (and the same debug-build asserts); the
 * transpose is absorbed in packing (no extra pass over A).
 * Dense weight gradient: dW[in×out] = Xᵀ · dZ with X [batch×in], dZ [batch×out] (k = batch).
 */
export function gemm_tn_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, beta: f32, ws: usize): void {
  gemm_tn_ld_f32(a, b, c, m, n, k, m, beta, ws);
}

/**
 * gemm_tn_f32 with A's row length given: C[m×n] = Aᵀ·B + beta·C where A(p,i) (p < k, i < m) is at
 * a + 4·(p·lda + i), lda ≥ m. A row slice C[i0:i1,:] of a tn product is then
 * gemm_tn_ld_f32(a + 4·i0, b, c + 4·i0·n, i1 − i0, n, k, m, beta, ws): the thread pool splits dW
 * this way. Each element of C is computed exactly as by gemm_tn_f32 (same path and summation order)
 * when the slice takes the same path: m > 4 in both (the path depends on m only through m ≤ 4).
 */
export function gemm_tn_ld_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: i32, beta: f32, ws: usize): void {
  checkGemm(a, b, c, m, n, k, 0, ws);
  if (!ASC_NO_ASSERT) assert(lda >= m);
  if (m <= 0 || n <= 0) return;
  const ldaBytes = <usize>lda << 2;
  if (k <= 0) biasBetaOnly(c, m, n, 0, beta);
  else if (m <= TINY_M) gemmTinyM(a, 4, ldaBytes, b, c, m, n, k, 0, beta);
  else if (n <= SMALL_N) gemmSmallN(a, 4, ldaBytes, b, false, c, m, n, k, 0, beta, ws);
  else gemmPacked(a, <usize>lda, true, b, <usize>n, false, c, <usize>n, m, n, k, 0, beta, ws);
}

/**
 * C[m×n] = A · Bᵀ + beta·C with A stored [m×k] and B stored [n×k] (row-major).
 *
 * Same pointer, beta, aliasing and `ws` rules as gemm_nn_f32 (and the same debug-build asserts); the
 * transpose is absorbed in packing (4×4 register transposes of B).
 * Dense input delta: dX[batch×in] = dZ[batch×out] · Wᵀ with W stored [in×out] (n = in, k = out).
 */
export function gemm_nt_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, beta: f32, ws: usize): void {
  checkGemm(a, b, c, m, n, k, 0, ws);
  if (m <= 0 || n <= 0) return;
  if (k <= 0) biasBetaOnly(c, m, n, 0, beta);
  else if (m <= TINY_M) gemmTinyMNt(a, b, c, m, n, k, beta);
  else if (n <= SMALL_N) gemmSmallN(a, <usize>k << 2, 4, b, true, c, m, n, k, 0, beta, ws);
  else gemmPacked(a, <usize>k, false, b, <usize>k, true, c, <usize>n, m, n, k, 0, beta, ws);
}
