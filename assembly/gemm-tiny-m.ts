// GEMM's tiny-m path (m ≤ 4: single-sample predict), where packing would cost as much as the
// product, so A and B are read in place. nn, tn (gemmTinyM): C[i,:] = bias + beta·C[i,:] +
// Σ_p A(i,p)·B[p,:], pairs of rows of C taking four rows of B at a time (each load of B used
// twice), a single row accumulating 24-column register strips over 32-row blocks of B
// (L1-resident). nt (gemmTinyMNt): C[i,j] = beta·C[i,j] + A[i,:]·B[j,:], dot products of rows
// (both operands contiguous in k).
//
// Used by gemm.ts (gemm_nn_f32, gemm_tn_ld_f32, gemm_nt_f32 when m ≤ TINY_M, in
// gemm-blocking.ts).

import { hsum4, loadPartial, madd, storePartial } from './vmath';

/**
 * y[0:n] = bias + beta·y: the epilogue of a tiny-m row applied up front, so that the products can
 * then be accumulated in place (beta = 0 never reads y; bias 0 means none).
 */
function initRow(y: usize, n: i32, bias: usize, beta: f32): void {
  const bv = f32x4.splat(beta);
  for (let j = 0; j < n; j += 4) {
    const cnt = n - j;
    const o = <usize>j << 2;
    let v = bias != 0 ? loadPartial(bias + o, cnt) : f32x4.splat(0);
    if (beta != 0) v = madd(bv, loadPartial(y + o, cnt), v);
    storePartial(y + o, v, cnt);
  }
}

/**
 * y0[0:n] += Σ_{q<4} x0q·B[q,:] and y1[0:n] += Σ_{q<4} x1q·B[q,:] (x are broadcasts, B row q at
 * b + q·ldb): four rows of B streamed in order into two rows of C kept in L1, each load of B used
 * twice (8 broadcasts + 4 B + 2 accumulators live).
 */
function axpy4Rows2(y0: usize, y1: usize, n: i32, x00: v128, x01: v128, x02: v128, x03: v128, x10: v128, x11: v128, x12: v128, x13: v128, b: usize, ldb: usize): void {
  const b1 = b + ldb;
  const b2 = b1 + ldb;
  const b3 = b2 + ldb;
  const end = <usize>(n & ~3) << 2;
  let o: usize = 0;
  for (; o < end; o += 16) {
    const v0 = v128.load(b + o);
    const v1 = v128.load(b1 + o);
    const v2 = v128.load(b2 + o);
    const v3 = v128.load(b3 + o);
    let acc = v128.load(y0 + o);
    acc = madd(x00, v0, acc);
    acc = madd(x01, v1, acc);
    acc = madd(x02, v2, acc);
    acc = madd(x03, v3, acc);
    v128.store(y0 + o, acc);
    acc = v128.load(y1 + o);
    acc = madd(x10, v0, acc);
    acc = madd(x11, v1, acc);
    acc = madd(x12, v2, acc);
    acc = madd(x13, v3, acc);
    v128.store(y1 + o, acc);
  }
  const cnt = n & 3;
  if (cnt != 0) {
    const v0 = loadPartial(b + o, cnt);
    const v1 = loadPartial(b1 + o, cnt);
    const v2 = loadPartial(b2 + o, cnt);
    const v3 = loadPartial(b3 + o, cnt);
    let acc = loadPartial(y0 + o, cnt);
    acc = madd(x00, v0, acc);
    acc = madd(x01, v1, acc);
    acc = madd(x02, v2, acc);
    acc = madd(x03, v3, acc);
    storePartial(y0 + o, acc, cnt);
    acc = loadPartial(y1 + o, cnt);
    acc = madd(x10, v0, acc);
    acc = madd(x11, v1, acc);
    acc = madd(x12, v2, acc);
    acc = madd(x13, v3, acc);
    storePartial(y1 + o, acc, cnt);
  }
}

/** Rows of B per block of the single-row path: 32 rows of a 128-wide B = 16 KiB, stays in L1. */
const TINY_KB: i32 = 32;

/**
 * y[0:24] += Σ_{p<kb} x(p)·B[p, 0:24] (x(p) at x + p·csx, B row p at b + p·ldb): a 24-column strip
 * accumulated in registers — 6 accumulators + 6 B + 1 broadcast, about 3 µops per multiply-add
 * where the axpy form needs 4–5 (V8 spends a lea on every pointer + offset).
 */
function strip24Row(x: usize, csx: usize, b: usize, ldb: usize, kb: i32, y: usize): void {
  let s0 = v128.load(y), s1 = v128.load(y, 16), s2 = v128.load(y, 32);
  let s3 = v128.load(y, 48), s4 = v128.load(y, 64), s5 = v128.load(y, 80);
  const xEnd = x + <usize>kb * csx;
  while (x < xEnd) {
    const xp = v128.load32_splat(x);
    s0 = madd(xp, v128.load(b), s0);
    s1 = madd(xp, v128.load(b, 16), s1);
    s2 = madd(xp, v128.load(b, 32), s2);
    s3 = madd(xp, v128.load(b, 48), s3);
    s4 = madd(xp, v128.load(b, 64), s4);
    s5 = madd(xp, v128.load(b, 80), s5);
    x += csx;
    b += ldb;
  }
  v128.store(y, s0);
  v128.store(y, s1, 16);
  v128.store(y, s2, 32);
  v128.store(y, s3, 48);
  v128.store(y, s4, 64);
  v128.store(y, s5, 80);
}

/**
 * As strip24Row for 8 columns, with even and odd rows of B in separate accumulators (two
 * accumulators alone would be add-latency bound: 3 cycles per row of B with mul+add).
 */
function strip8Row(x: usize, csx: usize, b: usize, ldb: usize, kb: i32, y: usize): void {
  let s0 = v128.load(y), s1 = v128.load(y, 16);
  let t0 = f32x4.splat(0), t1 = f32x4.splat(0);
  const xEnd = x + <usize>kb * csx;
  const x2End = x + <usize>(kb & ~1) * csx;
  const csx2 = csx << 1;
  const ldb2 = ldb << 1;
  while (x < x2End) {
    const xp = v128.load32_splat(x);
    const xq = v128.load32_splat(x + csx);
    s0 = madd(xp, v128.load(b), s0);
    s1 = madd(xp, v128.load(b, 16), s1);
    t0 = madd(xq, v128.load(b + ldb), t0);
    t1 = madd(xq, v128.load(b + ldb, 16), t1);
    x += csx2;
    b += ldb2;
  }
  if (x < xEnd) {
    const xp = v128.load32_splat(x);
    s0 = madd(xp, v128.load(b), s0);
    s1 = madd(xp, v128.load(b, 16), s1);
  }
  v128.store(y, f32x4.add(s0, t0));
  v128.store(y, f32x4.add(s1, t1), 16);
}

/** As strip24Row for `cols` ≤ 4 columns (partial loads and stores: never touches past the row). */
function strip4Row(x: usize, csx: usize, b: usize, ldb: usize, kb: i32, y: usize, cols: i32): void {
  let s0 = loadPartial(y, cols);
  const xEnd = x + <usize>kb * csx;
  while (x < xEnd) {
    s0 = madd(v128.load32_splat(x), loadPartial(b, cols), s0);
    x += csx;
    b += ldb;
  }
  storePartial(y, s0, cols);
}

/**
 * One row of C (already initialised) += x·B, in blocks of TINY_KB rows of B: every strip of a
 * block reads the same 16 KiB of B, so B comes from L2 once and from L1 for the other strips.
 */
function rowTimesMatrix(x: usize, csx: usize, b: usize, ldb: usize, k: i32, y: usize, n: i32): void {
  for (let p0 = 0; p0 < k; p0 += TINY_KB) {
    const kb = min<i32>(TINY_KB, k - p0);
    const xb = x + <usize>p0 * csx;
    const bb = b + <usize>p0 * ldb;
    let j = 0;
    for (; j + 24 <= n; j += 24) strip24Row(xb, csx, bb + (<usize>j << 2), ldb, kb, y + (<usize>j << 2));
    for (; j + 8 <= n; j += 8) strip8Row(xb, csx, bb + (<usize>j << 2), ldb, kb, y + (<usize>j << 2));
    for (; j < n; j += 4) strip4Row(xb, csx, bb + (<usize>j << 2), ldb, kb, y + (<usize>j << 2), min<i32>(4, n - j));
  }
}

/** y[0:n] += x·B[0,:] (one row of B: the k % 4 tail). */
function axpy1Row(y: usize, n: i32, x: v128, b: usize): void {
  for (let j = 0; j < n; j += 4) {
    const cnt = n - j;
    const o = <usize>j << 2;
    storePartial(y + o, madd(x, loadPartial(b + o, cnt), loadPartial(y + o, cnt)), cnt);
  }
}

/**
 * Tiny m, nn/tn: C's rows are initialised to bias + beta·C, then B is streamed four rows at a time
 * and accumulated into two rows of C per pass (a last odd row alone). A(i,p) at a + i·rsa + p·csa.
 */
export function gemmTinyM(a: usize, rsa: usize, csa: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32): void {
  const ldb = <usize>n << 2;
  for (let i = 0; i < m; i++) initRow(c + <usize>i * ldb, n, bias, beta);
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const x0 = a + <usize>i * rsa;
    const x1 = x0 + rsa;
    const y0 = c + <usize>i * ldb;
    const y1 = y0 + ldb;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const xa = x0 + <usize>p * csa;
      const xb = x1 + <usize>p * csa;
      axpy4Rows2(
        y0, y1, n,
        v128.load32_splat(xa), v128.load32_splat(xa + csa), v128.load32_splat(xa + 2 * csa), v128.load32_splat(xa + 3 * csa),
        v128.load32_splat(xb), v128.load32_splat(xb + csa), v128.load32_splat(xb + 2 * csa), v128.load32_splat(xb + 3 * csa),
        b + <usize>p * ldb, ldb,
      );
    }
    for (; p < k; p++) {
      const bp = b + <usize>p * ldb;
      axpy1Row(y0, n, v128.load32_splat(x0 + <usize>p * csa), bp);
      axpy1Row(y1, n, v128.load32_splat(x1 + <usize>p * csa), bp);
    }
  }
  // A last odd row (m = 1: single-sample predict): register strips over L1-sized blocks of B.
  if (i < m) rowTimesMatrix(a + <usize>i * rsa, csa, b, ldb, k, c + <usize>i * ldb, n);
}

/** [x·r0, x·r1, x·r2, x·r3]: four dot products of length k (contiguous rows). */
function dot4(x: usize, r0: usize, r1: usize, r2: usize, r3: usize, k: i32): v128 {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p << 2;
    const xv = v128.load(x + o);
    s0 = madd(xv, v128.load(r0 + o), s0);
    s1 = madd(xv, v128.load(r1 + o), s1);
    s2 = madd(xv, v128.load(r2 + o), s2);
    s3 = madd(xv, v128.load(r3 + o), s3);
  }
  if (p < k) {
    const o = <usize>p << 2;
    const cnt = k - p;
    const xv = loadPartial(x + o, cnt);
    s0 = madd(xv, loadPartial(r0 + o, cnt), s0);
    s1 = madd(xv, loadPartial(r1 + o, cnt), s1);
    s2 = madd(xv, loadPartial(r2 + o, cnt), s2);
    s3 = madd(xv, loadPartial(r3 + o, cnt), s3);
  }
  return hsum4(s0, s1, s2, s3);
}

/** Tiny m, nt: C[i,j] = A[i,:]·B[j,:] (both rows contiguous), four columns at a time. */
export function gemmTinyMNt(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, beta: f32): void {
  const lda = <usize>k << 2;
  const ldc = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const x = a + <usize>i * lda;
    const y = c + <usize>i * ldc;
    for (let j = 0; j < n; j += 4) {
      const cols = min<i32>(4, n - j);
      // Missing rows of a partial group repeat the last valid row; their lanes are not stored.
      const r0 = b + <usize>j * lda;
      const r1 = cols > 1 ? r0 + lda : r0;
      const r2 = cols > 2 ? r1 + lda : r1;
      const r3 = cols > 3 ? r2 + lda : r2;
      let s = dot4(x, r0, r1, r2, r3, k);
      const o = <usize>j << 2;
      if (beta != 0) s = madd(f32x4.splat(beta), loadPartial(y + o, cols), s);
      storePartial(y + o, s, cols);
    }
  }
}
