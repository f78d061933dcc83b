// The symmetric rank-k update on the lower triangle, shared by the Gauss–Newton accumulation and
// the blocked Cholesky: rows [r0, r1) of C[m×m] ← β·C + α·XᵀX (lower triangle incl. diagonal,
// first mc columns) with X [kb × m]. A 4×8 register tile (vmath.ts tile4x8), 1×8 tiles for the
// leftover rows and a scalar edge, in column chunks of NC. With `ws` (m ≥ PACK_MIN), X is first
// packed into 4-row and 8-column micro-panels so each tile streams two contiguous operands
// (1.2–1.7× at n ≥ 1000, most at powers of two where strided rows alias in cache). Nothing here is
// exported from the module (index.ts does not re-export this file).
//
// Used by syrk.ts (syrk_acc_f32: H = β·H + JᵀJ) and cholesky.ts (the updates inside a column block
// and the trailing update A22 ← A22 − L21·L21ᵀ = −Uᵀ·U).

import { MR, NC, PACK_MIN } from './linalg-blocking';
import { madd, tile4x8, tileRow8 } from './vmath';

// ---------------------------------------------------------------- symmetric rank-k tiles
// Shared shape: C[r][c] = β·C[r][c] + α·Σ_{k<kb} X[k][r]·X[k][c]. xa points at X[0][first row of the
// tile], xb at X[0][first column], ldx is X's row stride in bytes. `diag` = (tile row) − (tile column):
// lane c of tile row r is stored only when c ≤ r + diag (lower triangle incl. diagonal).

/**
 * 4×8 tile of the rank-k update: the register tile shared with GEMM (vmath.ts tile4x8, no bias).
 * Its own function on purpose: inlined into the driver, the loads get hoisted and the accumulators
 * spill.
 */
function syrkTile4x8(cp: usize, ldc: usize, xa: usize, lda: usize, xb: usize, ldb: usize, kb: i32, alpha: f32, beta: f32, diag: i32): void {
  tile4x8(kb, xa, lda, xb, ldb, cp, ldc, alpha, beta, 0, diag);
}

/** 1×8 tile for leftover rows; k split over two accumulator pairs to halve the dependency chains. */
function tile1x8(cp: usize, xa: usize, xb: usize, ldx: usize, kb: i32, alpha: f32, beta: f32, diag: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  let k = 0;
  for (; k + 2 <= kb; k += 2) {
    let a = v128.load32_splat(xa);
    c0 = madd(a, v128.load(xb), c0);
    c1 = madd(a, v128.load(xb, 16), c1);
    a = v128.load32_splat(xa + ldx);
    d0 = madd(a, v128.load(xb + ldx), d0);
    d1 = madd(a, v128.load(xb + ldx, 16), d1);
    xa += 2 * ldx;
    xb += 2 * ldx;
  }
  if (k < kb) {
    const a = v128.load32_splat(xa);
    c0 = madd(a, v128.load(xb), c0);
    c1 = madd(a, v128.load(xb, 16), c1);
  }
  tileRow8(cp, f32x4.add(c0, d0), f32x4.add(c1, d1), alpha, beta, 0, diag + 1);
}

/** Scalar edge: rows [i, i+rows) × columns [j, min(r+1, mc)) (fewer than 8 columns left). */
function syrkEdge(cp: usize, ldc: usize, x: usize, ldx: usize, kb: i32, mc: i32, i: i32, rows: i32, j: i32, alpha: f32, beta: f32): void {
  for (let r = i; r < i + rows; r++) {
    const cend = min(r + 1, mc);
    for (let c = j; c < cend; c++) {
      let s: f32 = 0;
      let p = x;
      for (let k = 0; k < kb; k++) {
        s += load<f32>(p + (<usize>r << 2)) * load<f32>(p + (<usize>c << 2));
        p += ldx;
      }
      const q = cp + <usize>r * ldc + (<usize>c << 2);
      store<f32>(q, beta != 0 ? beta * load<f32>(q) + alpha * s : alpha * s);
    }
  }
}

/**
 * Packs the operands of syrkLower so the tile kernels walk contiguous memory (one stream each) instead
 * of kb rows at stride ldx (kb different pages per tile at large n: TLB and prefetcher misses).
 * A tiles: [tiles][kb][MR] (rows r0 + t·MR … r0 + t·MR+MR−1 of the result, read at xa = X[0][r0]);
 * B blocks: [blocks][kb][8] (columns 0 … 8·blocks−1, read at x).
 */
function packOperands(pa: usize, pb: usize, x: usize, xa: usize, ldx: usize, kb: i32, tiles: i32, blocks: i32): void {
  const tileBytes = (<usize>kb * <usize>MR) << 2;
  const blockBytes = <usize>kb << 5;
  let row = x;
  let rowA = xa;
  for (let k = 0; k < kb; k++) {
    let dst = pa + (<usize>(k * MR) << 2);
    let src = rowA;
    for (let t = 0; t < tiles; t++) {
      v128.store(dst, v128.load(src)); // one k-step of an A tile: MR = 4 floats
      dst += tileBytes;
      src += <usize>MR << 2;
    }
    dst = pb + (<usize>k << 5);
    src = row;
    for (let q = 0; q < blocks; q++) {
      v128.store(dst, v128.load(src)); // one k-step of a B block: 8 floats
      v128.store(dst, v128.load(src, 16), 16);
      dst += blockBytes;
      src += 32;
    }
    row += ldx;
    rowA += ldx;
  }
}

/**
 * Rows [r0, r1) of the lower triangle (incl. diagonal) of C[m×m] = β·C + α·XᵀX with X [kb × m] (row
 * stride ldx bytes) and C's row stride ldc bytes, restricted to the first mc columns (mc = m: the
 * whole lower triangle; otherwise mc must be a multiple of 8). The strict upper triangle of C is
 * neither read for the result nor written, nor are rows outside [r0, r1).
 * Every element is computed by the same tile, in the same order, whatever the row range: row tiles
 * start at multiples of MR and rows from ⌊m/MR⌋·MR on are the 1×8 leftovers, so a range must start
 * at a multiple of MR and end at one or at m (the threaded table splits H this way). Whole: [0, m).
 * ws: 0, or ≥ 8·m·kb bytes of scratch to pack X (used when m ≥ PACK_MIN; same results without).
 */
export function syrkLower(cp: usize, ldc: usize, x: usize, ldx: usize, kb: i32, m: i32, mc: i32, alpha: f32, beta: f32, ws: usize, r0: i32, r1: i32): void {
  const full = (m / MR) * MR;
  // Row tiles [r0, tEnd) of this range; B blocks up to the last tile's diagonal.
  const tEnd = min(r1, full);
  const tiles = max(0, tEnd - r0) / MR;
  const blocks = min(mc >> 3, (tEnd + 7) >> 3);
  const kb4 = <usize>kb << 2;
  const packed = ws != 0 && kb > 0 && m >= PACK_MIN && tiles > 0;
  const pa = ws;
  const pb = ws + <usize>tiles * <usize>MR * kb4;
  if (packed) packOperands(pa, pb, x, x + (<usize>r0 << 2), ldx, kb, tiles, blocks);
  // Column chunks of NC keep the B operand of a chunk (kb × NC floats) in L2 across all row tiles.
  for (let jc = 0; jc < mc && jc < tEnd; jc += NC) {
    const jcEnd = min(jc + NC, mc);
    for (let i = max((jc / MR) * MR, r0); i < tEnd; i += MR) {
      const crow = cp + <usize>i * ldc;
      const xa = packed ? pa + <usize>((i - r0) / MR) * <usize>MR * kb4 : x + (<usize>i << 2);
      const lda: usize = packed ? <usize>MR << 2 : ldx;
      const jend = min(i + MR, jcEnd);
      let j = jc;
      for (; j < jend && j + 8 <= mc; j += 8) {
        const xb = packed ? pb + (<usize>(j >> 3) << 3) * kb4 : x + (<usize>j << 2);
        const ldb: usize = packed ? 32 : ldx;
        syrkTile4x8(crow + (<usize>j << 2), ldc, xa, lda, xb, ldb, kb, alpha, beta, i - j);
      }
      if (j < jend) syrkEdge(cp, ldc, x, ldx, kb, mc, i, MR, j, alpha, beta);
    }
  }
  let i = max(full, r0);
  for (; i < r1; i++) {
    const crow = cp + <usize>i * ldc;
    const xa = x + (<usize>i << 2);
    let j = 0;
    for (; j <= i && j + 8 <= mc; j += 8) {
      tile1x8(crow + (<usize>j << 2), xa, x + (<usize>j << 2), ldx, kb, alpha, beta, i - j);
    }
    if (j <= i && j < mc) syrkEdge(cp, ldc, x, ldx, kb, mc, i, 1, j, alpha, beta);
  }
}
