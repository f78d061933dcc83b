// GEMM's small-n path (n ≤ 12: an output layer of 10 classes): C[m×n] = op(A)·op(B) + bias +
// beta·C with B packed once per SMALL_N_KC-deep slice of k into a [kc × 12] zero-padded panel
// that stays in L1 (at ws offset WS_SMALL_N_B), and A read in place, three rows at a time with FMA
// (9 accumulators), two with mul+add.
//
// Used by gemm.ts (gemm_nn_f32, gemm_tn_ld_f32, gemm_nt_f32 when m > TINY_M and n ≤ SMALL_N,
// in gemm-blocking.ts).

import { SMALL_N_KC, SMALL_N_W, SN_ROWS, WS_SMALL_N_B } from './gemm-blocking';
import { loadPartial, madd, storePartial } from './vmath';

/** Finishes one row of the small-n tile: n ≤ 12 columns held in x0..x2. */
// @ts-ignore: decorator
@inline function finishRow12(c: usize, x0: v128, x1: v128, x2: v128, n: i32, bias: usize, beta: f32): void {
  const n1 = n - 4;
  const n2 = n - 8;
  if (bias != 0) {
    x0 = f32x4.add(x0, loadPartial(bias, n));
    x1 = f32x4.add(x1, loadPartial(bias + 16, n1));
    x2 = f32x4.add(x2, loadPartial(bias + 32, n2));
  }
  if (beta != 0) {
    const bv = f32x4.splat(beta);
    x0 = madd(bv, loadPartial(c, n), x0);
    x1 = madd(bv, loadPartial(c + 16, n1), x1);
    x2 = madd(bv, loadPartial(c + 32, n2), x2);
  }
  storePartial(c, x0, n);
  storePartial(c + 16, x1, n1);
  storePartial(c + 32, x2, n2);
}

/**
 * SN_ROWS (3 or 2) rows of C (n ≤ 12 columns) from as many rows of A read in place (A(r,p) at
 * a_r + p·csa) and the [kc × 12] packed B at bp. Rows ≥ `rows` alias the last valid row and are not
 * stored; a2 is unused when SN_ROWS = 2.
 */
function smallNRows(kc: i32, a0: usize, a1: usize, a2: usize, csa: usize, bp: usize, c: usize, ldc: usize, rows: i32, n: i32, bias: usize, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
  const bEnd = bp + <usize>kc * (<usize>SMALL_N_W * 4);
  while (bp < bEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    let x = v128.load32_splat(a0);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    c02 = madd(x, b2, c02);
    x = v128.load32_splat(a1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    c12 = madd(x, b2, c12);
    if (SN_ROWS > 2) {
      x = v128.load32_splat(a2);
      c20 = madd(x, b0, c20);
      c21 = madd(x, b1, c21);
      c22 = madd(x, b2, c22);
      a2 += csa;
    }
    a0 += csa;
    a1 += csa;
    bp += <usize>SMALL_N_W * 4;
  }
  finishRow12(c, c00, c01, c02, n, bias, beta);
  if (rows > 1) finishRow12(c + ldc, c10, c11, c12, n, bias, beta);
  if (SN_ROWS > 2 && rows > 2) finishRow12(c + 2 * ldc, c20, c21, c22, n, bias, beta);
}

/** Small n (≤ 12): B slices packed to [kc × 12], A read in place (A(i,p) at a + i·rsa + p·csa). */
export function gemmSmallN(a: usize, rsa: usize, csa: usize, b: usize, bTrans: bool, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize): void {
  const bp = ws + WS_SMALL_N_B;
  const ldc = <usize>n << 2;
  for (let pc = 0; pc < k; pc += SMALL_N_KC) {
    const kc = min<i32>(SMALL_N_KC, k - pc);
    // Pack B[pc:pc+kc, 0:n] into rows of 12 floats, zero padded.
    let dst = bp;
    if (bTrans) {
      const ldb = <usize>k << 2;
      for (let p = 0; p < kc; p++) {
        const s = b + (<usize>(pc + p) << 2);
        for (let j = 0; j < SMALL_N_W; j++) store<f32>(dst + (<usize>j << 2), j < n ? load<f32>(s + <usize>j * ldb) : 0);
        dst += <usize>SMALL_N_W * 4;
      }
    } else {
      let s = b + <usize>pc * ldc;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, loadPartial(s, n));
        v128.store(dst, loadPartial(s + 16, n - 4), 16);
        v128.store(dst, loadPartial(s + 32, n - 8), 32);
        s += ldc;
        dst += <usize>SMALL_N_W * 4;
      }
    }
    const betaK: f32 = pc == 0 ? beta : 1;
    const biasK: usize = pc == 0 ? bias : 0;
    const aK = a + <usize>pc * csa;
    for (let i = 0; i < m; i += SN_ROWS) {
      const rows = min<i32>(SN_ROWS, m - i);
      const a0 = aK + <usize>i * rsa;
      const a1 = rows > 1 ? a0 + rsa : a0;
      const a2 = rows > 2 ? a1 + rsa : a1;
      smallNRows(kc, a0, a1, a2, csa, bp, c + <usize>i * ldc, ldc, rows, n, biasK, betaK);
    }
  }
}
