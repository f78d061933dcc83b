// Cholesky factorization (A + shift·I) = L·Lᵀ for the damped Gauss–Newton / Newton step, and the
// triangular solves that use the factor: (L·Lᵀ)·z = x. f32, row-major, n×n matrices contiguous
// (leading dimension n); pointers are byte offsets. No allocation, no globals, no data segment: the
// factorization uses the (free) strict upper triangle of its own matrix as workspace and zeroes it
// before returning; optional caller scratch (`ws`) is used to pack the operands of the big
// trailing updates.
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
//
// Precision: all O(n³) work accumulates in f32 (FMA in the relaxed build). The normwise backward
// error stays ~1e-8 and the solve's forward error grows like κ·u (u = 2⁻²⁴): measured ~3e-3 at
// κ = 1e6 (test/kernels/linalg.test.ts).
//
// The rank-k updates (tile, column chunks of NC, packing) are syrk-lower.ts's. Used by the
// second-order trainers in src/ through the module's exports (index.ts re-exports this file;
// src/kernels/threaded.ts drives cholesky_block_f32 and cholesky_update_rows_f32 on several
// threads). Twin: src/kernels/js/linalg.ts.

import { disjoint, inMemory, matBytes } from './checks';
import { MR, NB, NB2, PACK_MIN } from './linalg-blocking';
import { syrkLower } from './syrk-lower';
import { hsum, madd, nmadd, storeTransposed4 } from './vmath';

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

/**
 * Panel solve L21 = A21·L11⁻ᵀ for rows [r0, r1) of [k1, n), through the transposed copy U in the
 * upper triangle (its columns [r0, r1)). Columns of U are solved 32 at a time from r0, then 4, then
 * one: a range that starts at k1 + 32·q and ends at k1 + 32·q' or n solves each of its rows by the
 * code, in the order, of the whole range [k1, n) — ranges may run on different threads at once.
 */
function panelSolve(a: usize, n: i32, k0: i32, k1: i32, r0: i32, r1: i32): void {
  const ld = <usize>n << 2;
  // U[m][i] = A[i][m]: rows [r0, r1) × columns [k0, k1) → rows [k0, k1) × columns [r0, r1).
  transposeBlock(a, ld, r0, r1, k0, k1);
  let i = r0;
  for (; i + 32 <= r1; i += 32) solveCols32(a, ld, k0, k1, <usize>i << 2);
  for (; i + 4 <= r1; i += 4) solveCols4(a, ld, k0, k1, <usize>i << 2);
  for (; i < r1; i++) solveCols1(a, ld, k0, k1, <usize>i << 2);
  // L[i][m] = U[m][i]
  transposeBlock(a, ld, k0, k1, r0, r1);
}

/**
 * Rows [r0, r1) of [k1, n) of the update inside the column block [K0, K1) after its panel [k0, k1):
 * A[r][c] ← A[r][c] − Σ_{k0≤k<k1} L[r][k]·L[c][k] for k1 ≤ c < K1, c ≤ r (from U in the upper
 * triangle: every column of U in [k1, K1) must be solved). K1 − k1 is a multiple of NB; rows as
 * syrkLower's ranges (r0 − k1 a multiple of MR, r1 − k1 one or r1 = n).
 */
function panelUpdate(a: usize, n: i32, k0: i32, k1: i32, K1: i32, r0: i32, r1: i32): void {
  const ld = <usize>n << 2;
  syrkLower(a + <usize>k1 * ld + (<usize>k1 << 2), ld, a + <usize>k0 * ld + (<usize>k1 << 2), ld, k1 - k0, n - k1, K1 - k1, -1, 1, 0, r0 - k1, r1 - k1);
}

/** The end K1 = min(K0 + NB2, n) of the column block that holds column k0. */
function blockEnd(n: i32, k0: i32): i32 {
  return min(k0 - (k0 % NB2) + NB2, n);
}

/** The end k1 = min(k0 + NB, K1) of the panel that starts at k0. */
function panelEnd(n: i32, k0: i32): i32 {
  return min(k0 + NB, blockEnd(n, k0));
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
  const K1 = min(K0 + NB2, n);
  for (let k0 = K0; k0 < K1; k0 += NB) {
    const k1 = min(k0 + NB, K1);
    const info = factorDiag(a, n, k0, k1 - k0, shift);
    if (info != 0) return info;
    if (k1 < n) panelSolve(a, n, k0, k1, k1, n);
    // A[k1.., k1..K1) ← A − L21·L21ᵀ (columns of this block only: K1 − k1 is a multiple of NB).
    if (k1 < K1) panelUpdate(a, n, k0, k1, K1, k1, n);
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
 * The column block driven panel by panel from outside (the threaded table splits each panel's
 * solve and update by rows): for a column block [K0, K1 = min(K0 + 96, n)) with K1 < n,
 * cholesky_block_f32(a, n, shift, K0) equals, bit for bit: for each panel k0 = K0, K0 + 48 (k1 =
 * k0 + 48): cholesky_diag_f32(a, n, shift, k0) (return its nonzero result), then
 * cholesky_solve_rows_f32(a, n, k0, r0, r1) over row ranges covering [k1, n), then, when k1 < K1,
 * cholesky_inner_rows_f32(a, n, k0, r0, r1) over row ranges covering [k1, n).
 * This one factors the diagonal block of the panel [k0, k1) (k0 a multiple of 48, its blocks and
 * panels before done), adding `shift` to each pivot. Returns 0, or j+1 for the first pivot j that is
 * not positive and finite (as cholesky_f32).
 * Preconditions (asserted in the debug build only): 0 ≤ k0 < n, k0 a multiple of 48.
 */
export function cholesky_diag_f32(a: usize, n: i32, shift: f32, k0: i32): i32 {
  if (!ASC_NO_ASSERT) assert(0 <= k0 && k0 < n && k0 % NB == 0);
  return factorDiag(a, n, k0, panelEnd(n, k0) - k0, shift);
}

/**
 * Rows [r0, r1) of the panel solve after cholesky_diag_f32(a, n, shift, k0): L[r][m] for
 * k0 ≤ m < k1 (k1 = the panel's end), each row by the code of the whole call, no other row of L
 * written (ranges may run on different threads at once). r0 − k1 must be a multiple of 32, r1 − k1
 * one or r1 = n. Preconditions (asserted in the debug build only): k0 a multiple of 48,
 * k1 ≤ r0 ≤ r1 ≤ n and the alignment.
 */
export function cholesky_solve_rows_f32(a: usize, n: i32, k0: i32, r0: i32, r1: i32): void {
  const k1 = panelEnd(n, k0);
  if (!ASC_NO_ASSERT) assert(0 <= k0 && k0 % NB == 0 && k1 <= r0 && r0 <= r1 && r1 <= n && (r0 - k1) % 32 == 0 && ((r1 - k1) % 32 == 0 || r1 == n));
  if (r0 < r1) panelSolve(a, n, k0, k1, r0, r1);
}

/**
 * Rows [r0, r1) of the update inside the column block after the panel solve of [k0, k1) (all its
 * rows solved): A[r][c] −= Σ_{k0≤k<k1} L[r][k]·L[c][k] for k1 ≤ c < K1 (the block's end), c ≤ r; no
 * other row written. r0 − k1 must be a multiple of 4, r1 − k1 one or r1 = n; k1 < K1.
 * Preconditions (asserted in the debug build only): as stated.
 */
export function cholesky_inner_rows_f32(a: usize, n: i32, k0: i32, r0: i32, r1: i32): void {
  const k1 = panelEnd(n, k0);
  const K1 = blockEnd(n, k0);
  if (!ASC_NO_ASSERT) assert(0 <= k0 && k0 % NB == 0 && k1 < K1 && k1 <= r0 && r0 <= r1 && r1 <= n && (r0 - k1) % MR == 0 && ((r1 - k1) % MR == 0 || r1 == n));
  if (r0 < r1) panelUpdate(a, n, k0, k1, K1, r0, r1);
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
