// Why ~570 lines in one file: everything here serves one solve (the damped Gauss–Newton / Newton
// step): the blocked Cholesky needs its triangular solves and rank-k update, and CG its vector ops.
//
// Linear algebra for second-order training: Cholesky factorization, triangular solves, the symmetric
// rank-k update JᵀJ (Gauss–Newton / Levenberg–Marquardt) and the vector operations of conjugate
// gradient. f32, row-major, n×n matrices contiguous (leading dimension n). Pointers are byte offsets.
// No allocation, no globals, no data segment: the Cholesky uses the (free) strict upper triangle of
// its own matrix as workspace and zeroes it before returning; optional caller scratch (`ws`) is used
// to pack the operands of the big rank-k updates.
//
// Blocked right-looking Cholesky, column blocks of NB2 split into panels of NB:
//   for each panel of columns [k0, k1):
//     1. factor the diagonal block A11 = L11·L11ᵀ (row-oriented, SIMD dot products);
//     2. solve L21·L11ᵀ = A21 for the rows below on the transposed panel U = L21ᵀ, stored in the
//        upper triangle (U[k][i] at a[k·n + i], i > k; 4×4 register transposes in and out), so the
//        inner loops run along contiguous memory with 8 independent accumulators;
//     3. update the rest of the column block's columns with this panel (rank NB);
//   then the trailing update A22 ← A22 − L21·L21ᵀ for the whole column block (rank NB2, lower
//   triangle only) = −Uᵀ·U with a 4×8 register tile (vmath.ts tile4x8), in column chunks of NC. With
//   `ws`, U is first packed into 4-row and 8-column micro-panels so each tile streams two contiguous
//   operands (1.2–1.7× at n ≥ 1000, most at powers of two where strided rows alias in cache).
//   The same symmetric rank-k driver computes syrk_acc_f32 (H = β·H + JᵀJ).
//
// Precision: all O(n³) work accumulates in f32 (FMA in the relaxed build). The normwise backward
// error stays ~1e-8 and the solve's forward error grows like κ·u (u = 2⁻²⁴): measured ~3e-3 at
// κ = 1e6 (test/kernels/linalg.test.ts). dot_f32 accumulates in f64 (CG orthogonality is sensitive to it).

import { disjoint, f32Bytes, inMemory, matBytes } from './checks';
import { hsum, madd, nmadd, storeTransposed4, tile4x8, tileRow8 } from './vmath';

/** Panel width of the blocked Cholesky (diagonal factor + triangular solve). */
const NB: i32 = 48;
/** Column block of the Cholesky: its trailing update has depth NB2 (a multiple of NB). */
const NB2: i32 = 96;
/** Rows of J consumed per pass of syrk_acc_f32 (bounds the B-panel footprint). */
const KC: i32 = 256;
/** Column chunk of the symmetric rank-k update (B operand kb × NC floats stays in L2). */
const NC: i32 = 256;
/** Packing pays from this trailing size on (below it the operands sit in L1/L2 anyway). */
const PACK_MIN: i32 = 256;
/** Rows of the register tile of the symmetric rank-k update (vmath.ts tile4x8). */
const MR: i32 = 4;

// ---------------------------------------------------------------- helpers

/** Σ_{k<len} p[k]·q[k] over contiguous f32, accumulated in f32x4 partial sums. */
function dotSeg(p: usize, q: usize, len: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let k = 0;
  for (; k + 8 <= len; k += 8) {
    const o = <usize>k << 2;
    s0 = madd(v128.load(p + o), v128.load(q + o), s0);
    s1 = madd(v128.load(p + o, 16), v128.load(q + o, 16), s1);
  }
  if (k + 4 <= len) {
    const o = <usize>k << 2;
    s0 = madd(v128.load(p + o), v128.load(q + o), s0);
    k += 4;
  }
  let s = hsum(f32x4.add(s0, s1));
  for (; k < len; k++) {
    const o = <usize>k << 2;
    s += load<f32>(p + o) * load<f32>(q + o);
  }
  return s;
}

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
function syrkLower(cp: usize, ldc: usize, x: usize, ldx: usize, kb: i32, m: i32, mc: i32, alpha: f32, beta: f32, ws: usize, r0: i32, r1: i32): void {
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

// ---------------------------------------------------------------- Cholesky pieces

/**
 * Factors the diagonal block rows/columns [k0, k0+kb) in place (row-oriented), adding `shift` to each
 * pivot. Returns 0, or j+1 for the first pivot j that is not positive and finite.
 */
function factorDiag(a: usize, n: i32, k0: i32, kb: i32, shift: f32): i32 {
  const ld = <usize>n << 2;
  const off0 = <usize>k0 << 2;
  for (let j = k0; j < k0 + kb; j++) {
    const rj = a + <usize>j * ld;
    for (let m = k0; m < j; m++) {
      const rm = a + <usize>m * ld;
      const mo = <usize>m << 2;
      const s = load<f32>(rj + mo) - dotSeg(rj + off0, rm + off0, m - k0);
      store<f32>(rj + mo, s / load<f32>(rm + mo));
    }
    const jo = <usize>j << 2;
    const d = load<f32>(rj + jo) + shift - dotSeg(rj + off0, rj + off0, j - k0);
    if (!(d > 0) || !isFinite<f32>(d)) return j + 1;
    store<f32>(rj + jo, sqrt<f32>(d));
  }
  return 0;
}

/**
 * Solves U[m][i..i+32) for all m in the panel (U = L21ᵀ, stored transposed in the upper triangle):
 * U[m][i] = (U[m][i] − Σ_{k0≤j<m} L[m][j]·U[j][i]) / L[m][m]. Eight independent accumulators.
 */
function solveCols32(a: usize, ld: usize, k0: i32, k1: i32, col: usize): void {
  const u0 = a + <usize>k0 * ld + col;
  for (let m = k0; m < k1; m++) {
    const rm = a + <usize>m * ld;
    const um = rm + col;
    let c0 = v128.load(um), c1 = v128.load(um, 16), c2 = v128.load(um, 32), c3 = v128.load(um, 48);
    let c4 = v128.load(um, 64), c5 = v128.load(um, 80), c6 = v128.load(um, 96), c7 = v128.load(um, 112);
    let uj = u0;
    let lp = rm + (<usize>k0 << 2);
    for (let j = k0; j < m; j++) {
      const l = v128.load32_splat(lp);
      c0 = nmadd(l, v128.load(uj), c0);
      c1 = nmadd(l, v128.load(uj, 16), c1);
      c2 = nmadd(l, v128.load(uj, 32), c2);
      c3 = nmadd(l, v128.load(uj, 48), c3);
      c4 = nmadd(l, v128.load(uj, 64), c4);
      c5 = nmadd(l, v128.load(uj, 80), c5);
      c6 = nmadd(l, v128.load(uj, 96), c6);
      c7 = nmadd(l, v128.load(uj, 112), c7);
      uj += ld;
      lp += 4;
    }
    const d = f32x4.splat(load<f32>(rm + (<usize>m << 2)));
    v128.store(um, f32x4.div(c0, d));
    v128.store(um, f32x4.div(c1, d), 16);
    v128.store(um, f32x4.div(c2, d), 32);
    v128.store(um, f32x4.div(c3, d), 48);
    v128.store(um, f32x4.div(c4, d), 64);
    v128.store(um, f32x4.div(c5, d), 80);
    v128.store(um, f32x4.div(c6, d), 96);
    v128.store(um, f32x4.div(c7, d), 112);
  }
}

/** As solveCols32 for 4 columns. */
function solveCols4(a: usize, ld: usize, k0: i32, k1: i32, col: usize): void {
  const u0 = a + <usize>k0 * ld + col;
  for (let m = k0; m < k1; m++) {
    const rm = a + <usize>m * ld;
    const um = rm + col;
    let c0 = v128.load(um);
    let c1 = f32x4.splat(0);
    let uj = u0;
    let lp = rm + (<usize>k0 << 2);
    let j = k0;
    for (; j + 2 <= m; j += 2) {
      c0 = nmadd(v128.load32_splat(lp), v128.load(uj), c0);
      c1 = nmadd(v128.load32_splat(lp, 4), v128.load(uj + ld), c1);
      uj += 2 * ld;
      lp += 8;
    }
    if (j < m) c0 = nmadd(v128.load32_splat(lp), v128.load(uj), c0);
    v128.store(um, f32x4.div(f32x4.add(c0, c1), f32x4.splat(load<f32>(rm + (<usize>m << 2)))));
  }
}

/** As solveCols32 for one column. */
function solveCols1(a: usize, ld: usize, k0: i32, k1: i32, col: usize): void {
  for (let m = k0; m < k1; m++) {
    const rm = a + <usize>m * ld;
    let s = load<f32>(rm + col);
    let uj = a + <usize>k0 * ld + col;
    for (let j = k0; j < m; j++) {
      s -= load<f32>(rm + (<usize>j << 2)) * load<f32>(uj);
      uj += ld;
    }
    store<f32>(rm + col, s / load<f32>(rm + (<usize>m << 2)));
  }
}

/**
 * Copies the block rows [r0, r1) × columns [c0, c1) of the n×n matrix at a to its transposed position
 * (columns [r0, r1) of rows [c0, c1)): 4×4 register transposes, scalar edges.
 */
function transposeBlock(a: usize, ld: usize, r0: i32, r1: i32, c0: i32, c1: i32): void {
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const io = <usize>i << 2;
    let m = c0;
    for (; m + 4 <= c1; m += 4) {
      const src = a + <usize>i * ld + (<usize>m << 2);
      storeTransposed4(v128.load(src), v128.load(src + ld), v128.load(src + 2 * ld), v128.load(src + 3 * ld), a + <usize>m * ld + io, ld, 4);
    }
    for (; m < c1; m++) {
      for (let q = i; q < i + 4; q++) store<f32>(a + <usize>m * ld + (<usize>q << 2), load<f32>(a + <usize>q * ld + (<usize>m << 2)));
    }
  }
  for (; i < r1; i++) {
    const ri = a + <usize>i * ld;
    const io = <usize>i << 2;
    for (let m = c0; m < c1; m++) store<f32>(a + <usize>m * ld + io, load<f32>(ri + (<usize>m << 2)));
  }
}

/** Panel solve L21 = A21·L11⁻ᵀ for rows [k1, n), through the transposed copy U in the upper triangle. */
function panelSolve(a: usize, n: i32, k0: i32, k1: i32): void {
  const ld = <usize>n << 2;
  // U[m][i] = A[i][m]: rows [k1, n) × columns [k0, k1) → rows [k0, k1) × columns [k1, n).
  transposeBlock(a, ld, k1, n, k0, k1);
  let i = k1;
  for (; i + 32 <= n; i += 32) solveCols32(a, ld, k0, k1, <usize>i << 2);
  for (; i + 4 <= n; i += 4) solveCols4(a, ld, k0, k1, <usize>i << 2);
  for (; i < n; i++) solveCols1(a, ld, k0, k1, <usize>i << 2);
  // L[i][m] = U[m][i]
  transposeBlock(a, ld, k0, k1, k1, n);
}

/** Zeroes the strict upper triangle of an n×n matrix. */
function zeroUpper(a: usize, n: i32): void {
  const ld = <usize>n << 2;
  const z = f32x4.splat(0);
  for (let i = 0; i < n - 1; i++) {
    const row = a + <usize>i * ld;
    let j = i + 1;
    for (; j + 4 <= n; j += 4) v128.store(row + (<usize>j << 2), z);
    for (; j < n; j++) store<f32>(row + (<usize>j << 2), 0);
  }
}

// ---------------------------------------------------------------- exports

/** Bytes of `ws` syrk_acc_f32 touches when it packs J (p ≥ PACK_MIN): 8·p per row of a pass. */
// @ts-ignore: decorator
@inline function syrkWsBytes(rows: i32, p: i32): usize {
  return (<usize>p * <usize>min(KC, rows)) << 3;
}

/**
 * In-place lower Cholesky factorization of (A + shift·I) = L·Lᵀ, A [n×n] symmetric, row-major.
 * Only the lower triangle (incl. diagonal) of A is read; the strict upper triangle is scratch.
 * On success returns 0 and `a` holds L: the lower triangle with positive diagonal, the strict upper
 * triangle set to 0. Returns j+1 (1-based) for the first pivot j whose value
 * a_jj + shift − Σ_{k<j} L_jk² is ≤ 0, NaN or ±∞ (A + shift·I is not numerically positive definite,
 * or A holds a non-finite value in its lower triangle): the content of `a` is then unspecified
 * (partly factored), never to be used as a factor. Tiny positive pivots are accepted.
 * ws: 0, or scratch of at least CHOLESKY_WS_PER_ROW·n bytes (= 8·NB2·n = 768·n) to pack the trailing
 * updates; must not overlap `a`. Results are identical with or without it.
 * Preconditions (asserted in the debug build only): n ≥ 0; a `ws` in use (n ≥ 352) lies in memory with 768·n bytes and does not overlap `a`. No alignment is required.
 */
export function cholesky_f32(a: usize, n: i32, shift: f32, ws: usize): i32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) {
    if (ws != 0 && n - NB2 >= PACK_MIN) {
      const wsBytes = <usize>n * (8 * NB2);
      assert(inMemory(ws, wsBytes) && disjoint(ws, wsBytes, a, matBytes(n, n)));
    }
  }
  if (n <= 0) return 0;
  for (let K0 = 0; K0 < n; K0 += NB2) {
    const info = factorBlock(a, n, shift, K0);
    if (info != 0) return info;
    const K1 = min(K0 + NB2, n);
    if (K1 < n) trailingUpdate(a, n, K0, ws, K1, n);
  }
  return 0;
}

/**
 * Factors the column block [K0, K1 = min(K0 + NB2, n)) panel by panel (diagonal factor, panel solve,
 * the updates inside the block); U = L21ᵀ is left in rows [K0, K1) of the upper triangle for the
 * trailing update. After the last block, zeroes the strict upper triangle. Returns 0 or j+1 as
 * cholesky_f32.
 */
function factorBlock(a: usize, n: i32, shift: f32, K0: i32): i32 {
  const ld = <usize>n << 2;
  const K1 = min(K0 + NB2, n);
  for (let k0 = K0; k0 < K1; k0 += NB) {
    const k1 = min(k0 + NB, K1);
    const info = factorDiag(a, n, k0, k1 - k0, shift);
    if (info != 0) return info;
    if (k1 < n) panelSolve(a, n, k0, k1);
    // A[k1.., k1..K1) ← A − L21·L21ᵀ (columns of this block only: K1 − k1 is a multiple of NB).
    if (k1 < K1) {
      syrkLower(a + <usize>k1 * ld + (<usize>k1 << 2), ld, a + <usize>k0 * ld + (<usize>k1 << 2), ld, k1 - k0, n - k1, K1 - k1, -1, 1, 0, 0, n - k1);
    }
  }
  if (K1 == n) zeroUpper(a, n);
  return 0;
}

/**
 * Rows [r0, r1) (K1 ≤ r0 ≤ r1 ≤ n) of the trailing update after column block [K0, K1):
 * A22 ← A22 − L21·L21ᵀ (lower triangle, depth K1 − K0), with L21ᵀ = U rows [K0, K1).
 */
function trailingUpdate(a: usize, n: i32, K0: i32, ws: usize, r0: i32, r1: i32): void {
  const ld = <usize>n << 2;
  const K1 = min(K0 + NB2, n);
  syrkLower(a + <usize>K1 * ld + (<usize>K1 << 2), ld, a + <usize>K0 * ld + (<usize>K1 << 2), ld, K1 - K0, n - K1, n - K1, -1, 1, ws, r0 - K1, r1 - K1);
}

/**
 * One step of cholesky_f32 driven from outside (the threaded table splits the trailing updates):
 * factors the column block [K0, min(K0 + CHOLESKY_BLOCK, n)) of (A + shift·I) in place, by exactly
 * the code of the whole call; after the last block it also zeroes the strict upper triangle.
 * cholesky_f32(a, n, shift, ws) equals, bit for bit: for K0 = 0, 96, 192, … < n:
 * cholesky_block_f32(a, n, shift, K0) (return its nonzero result), then, when K0 + 96 < n,
 * cholesky_update_rows_f32(a, n, K0, ws, r0, r1) over row ranges covering [K0 + 96, n).
 * Returns 0, or j+1 for the first pivot j that is not positive and finite (as cholesky_f32).
 * Preconditions (asserted in the debug build only): 0 ≤ K0 < n; K0 a multiple of 96; blocks before
 * K0 factored and their trailing updates done.
 */
export function cholesky_block_f32(a: usize, n: i32, shift: f32, K0: i32): i32 {
  if (!ASC_NO_ASSERT) assert(0 <= K0 && K0 < n && K0 % NB2 == 0);
  return factorBlock(a, n, shift, K0);
}

/**
 * Rows [r0, r1) of the trailing update that follows cholesky_block_f32(a, n, shift, K0):
 * A[r][c] ← A[r][c] − Σ_{K0≤k<K1} L[r][k]·L[c][k] for K1 ≤ c ≤ r, r0 ≤ r < r1 (K1 = K0 + 96),
 * each element computed exactly as in cholesky_f32, and no other row written (ranges may run on
 * different threads at once, each with its own ws). r0 must be a multiple of 4 and r1 one or n.
 * ws: 0, or CHOLESKY_WS_PER_ROW·n bytes of scratch, as cholesky_f32 (same results without).
 * Preconditions (asserted in the debug build only): 0 ≤ K0, K0 a multiple of 96, K0 + 96 ≤ r0 ≤
 * r1 ≤ n, r0 % 4 = 0, r1 % 4 = 0 or r1 = n; a `ws` in use lies in memory and does not overlap `a`.
 */
export function cholesky_update_rows_f32(a: usize, n: i32, K0: i32, ws: usize, r0: i32, r1: i32): void {
  if (!ASC_NO_ASSERT) {
    assert(0 <= K0 && K0 % NB2 == 0 && K0 + NB2 <= r0 && r0 <= r1 && r1 <= n && r0 % MR == 0 && (r1 % MR == 0 || r1 == n));
    if (ws != 0 && n - K0 - NB2 >= PACK_MIN) {
      const wsBytes = <usize>n * (8 * NB2);
      assert(inMemory(ws, wsBytes) && disjoint(ws, wsBytes, a, matBytes(n, n)));
    }
  }
  if (r0 >= r1) return;
  trailingUpdate(a, n, K0, ws, r0, r1);
}

/**
 * Forward substitution in place: solves L·y = x, x ← y. L [n×n] lower triangular (only the lower
 * triangle incl. diagonal is read), diagonal non-zero. x: n floats.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function trsv_lower_f32(l: usize, x: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const ld = <usize>n << 2;
  for (let i = 0; i < n; i++) {
    const ri = l + <usize>i * ld;
    const io = <usize>i << 2;
    store<f32>(x + io, (load<f32>(x + io) - dotSeg(ri, x, i)) / load<f32>(ri + io));
  }
}

/**
 * Back substitution in place: solves Lᵀ·z = x, x ← z, with L [n×n] lower triangular (the same
 * factor as trsv_lower_f32; only the lower triangle is read). Column-oriented over rows of L.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function trsv_lower_t_f32(l: usize, x: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const ld = <usize>n << 2;
  for (let i = n - 1; i >= 0; i--) {
    const ri = l + <usize>i * ld;
    const io = <usize>i << 2;
    const zi = load<f32>(x + io) / load<f32>(ri + io);
    store<f32>(x + io, zi);
    // x[0..i) −= zi · L[i][0..i)
    const vz = f32x4.splat(zi);
    let k = 0;
    for (; k + 4 <= i; k += 4) {
      const o = <usize>k << 2;
      v128.store(x + o, nmadd(vz, v128.load(ri + o), v128.load(x + o)));
    }
    for (; k < i; k++) {
      const o = <usize>k << 2;
      store<f32>(x + o, load<f32>(x + o) - zi * load<f32>(ri + o));
    }
  }
}

/**
 * Solves (L·Lᵀ)·z = x in place with the factor from cholesky_f32: trsv_lower_f32 then
 * trsv_lower_t_f32.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function cholesky_solve_f32(l: usize, x: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  trsv_lower_f32(l, x, n);
  trsv_lower_t_f32(l, x, n);
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

/**
 * Σ_i x_i·y_i over n floats. Products and sums in f64 (f64x2 partial sums), rounded to f32 once:
 * the result is the correctly rounded dot product up to the f64 summation error.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function dot_f32(x: usize, y: usize, n: i32): f32 {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const xa = v128.load(x + o), ya = v128.load(y + o);
    const xb = v128.load(x + o, 16), yb = v128.load(y + o, 16);
    s0 = f64x2.add(s0, f64x2.mul(f64x2.promote_low_f32x4(xa), f64x2.promote_low_f32x4(ya)));
    s1 = f64x2.add(s1, f64x2.mul(
      f64x2.promote_low_f32x4(v128.shuffle<i64>(xa, xa, 1, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<i64>(ya, ya, 1, 1))));
    s2 = f64x2.add(s2, f64x2.mul(f64x2.promote_low_f32x4(xb), f64x2.promote_low_f32x4(yb)));
    s3 = f64x2.add(s3, f64x2.mul(
      f64x2.promote_low_f32x4(v128.shuffle<i64>(xb, xb, 1, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<i64>(yb, yb, 1, 1))));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += <f64>load<f32>(x + o) * <f64>load<f32>(y + o);
  }
  return <f32>s;
}

/**
 * y ← y + alpha·x over n floats (x and y may be the same buffer, otherwise must not overlap).
 * Preconditions (asserted in the debug build only): n ≥ 0; x and y are the same buffer or do not overlap. No alignment is required.
 */
export function axpy_f32(alpha: f32, x: usize, y: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (!ASC_NO_ASSERT) assert(x == y || disjoint(x, f32Bytes(n), y, f32Bytes(n)));
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, madd(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/**
 * x ← alpha·x over n floats.
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function scale_f32(x: usize, alpha: f32, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.mul(v128.load(x + o), va));
    v128.store(x + o, f32x4.mul(v128.load(x + o, 16), va), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, load<f32>(x + o) * alpha);
  }
}

/**
 * dst ← src, n floats (overlap allowed: memmove semantics).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function copy_f32(src: usize, dst: usize, n: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  if (n > 0) memory.copy(dst, src, <usize>n << 2);
}

/**
 * A ← A + mu·I for A [n×n] row-major (the Levenberg–Marquardt / Newton damping).
 * Preconditions (asserted in the debug build only): n ≥ 0. No alignment is required.
 */
export function add_diag_f32(a: usize, n: i32, mu: f32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0);
  const step = (<usize>n + 1) << 2;
  let p = a;
  for (let i = 0; i < n; i++) {
    store<f32>(p, load<f32>(p) + mu);
    p += step;
  }
}
