// Why ~700 lines in one file: the packing routines, the register-tiled micro-kernel, the small-m and
// narrow-n paths and the three layouts' drivers share the blocking constants (KC, MC, NC) and one
// family of preconditions; splitting them would scatter one algorithm over several files.
//
// General matrix multiply, f32, row-major, WebAssembly SIMD (f32x4).
//
//   gemm_nn_f32:  C = A·B   + bias + beta·C      A [m×k], B [k×n]
//   gemm_tn_f32:  C = Aᵀ·B  + beta·C             A [k×m], B [k×n]
//   gemm_nt_f32:  C = A·Bᵀ  + beta·C             A [m×k], B [n×k]
//
// Three paths, chosen by shape (all three layouts share them; a transpose only changes how the
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

import { disjoint, inMemory, matBytes } from './checks';
import { hsum4, loadPartial, madd, storePartial, storeTransposed4, tile4x8 } from './vmath';

// ------------------------------------------------------------------------------ blocking

/** Rows of the register tile (see the header: 4 is the most that does not spill, with or without FMA). */
const MR: i32 = 4;
/** Columns of the register tile: two f32x4. */
const NR: i32 = 8;
/** Depth of one packed slice of k (one B micro-panel = KC·NR·4 = 8 KiB, L1). */
const KC: i32 = 256;
/** Rows of one packed A block (MC·KC·4 = 120 KiB, L2); a multiple of MR. */
const MC: i32 = 120;
/** Columns of one packed B block (KC·NC·4 = 1 MiB). */
const NC: i32 = 1024;
/** m at or below which the unpacked row-streaming path is used. */
const TINY_M: i32 = 4;
/** n at or below which the small-n path (B padded to 12 columns) is used. */
const SMALL_N: i32 = 12;
/**
 * Rows of C per small-n step: 3 with FMA (9 accumulators + 3 B + 3 broadcasts = 15 live v128),
 * 2 with mul+add (6 + 3 + 2 + 1 temporary = 12; 3 rows would spill).
 */
const SN_ROWS: i32 = ASC_FEATURE_RELAXED_SIMD ? 3 : 2;
/** Padded row width of the small-n packed B (three f32x4). */
const SMALL_N_W: i32 = 12;
/** Depth of one small-n packed B slice (SMALL_N_KC·12·4 = 192 KiB). */
const SMALL_N_KC: i32 = 4096;

// Workspace layout (byte offsets from ws). The small-n path packs its B at offset 0 (it uses no
// packed A), so small calls touch only the first few KiB of ws.
const WS_SMALL_N_B: usize = 0;
const WS_A: usize = 0;
const WS_B: usize = WS_A + <usize>MC * <usize>KC * 4;
const WS_TILE: usize = WS_B + <usize>KC * <usize>NC * 4;
/** Bytes of `ws` the kernels touch: 1,179,776 (< GEMM_WS_BYTES = 4 MiB). */
const WS_BYTES_NEEDED: usize = WS_TILE + <usize>MR * <usize>NR * 4;

// ------------------------------------------------------------------------------ 1. packed path

/**
 * The micro-kernel: C[MR×8] tile at c (row stride ldc bytes) = Ap·Bp + bias + beta·C, where Ap is
 * an MR-row micro-panel (kc steps of MR floats) and Bp an 8-column micro-panel (kc steps of 8
 * floats). bias (8 floats) may be 0; beta = 0 never reads C. Deliberately not inlined: inside the
 * driver TurboFan hoists loads and spills the accumulators.
 */
function microTile(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: f32, bias: usize): void {
  // Packed panels: A advances MR floats and B NR floats per step of k; every column is stored.
  tile4x8(kc, ap, <usize>MR * 4, bp, <usize>NR * 4, c, ldc, 1, beta, bias, NR);
}

/** Edge tile: C[i,j] = tile[i,j] + bias[j] + beta·C[i,j] for i < mr, j < nr (tile rows are NR floats). */
function mergeTile(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32, beta: f32, bias: usize): void {
  for (let i = 0; i < mr; i++) {
    const t = tile + <usize>(i * NR) * 4;
    const row = c + <usize>i * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(t + o);
      if (bias != 0) v += load<f32>(bias + o);
      if (beta != 0) v += beta * load<f32>(row + o);
      store<f32>(row + o, v);
    }
  }
}

/**
 * Packs an MR-row micro-panel of a row-major A (A(i,p) at src + i·lda + 4p, lda in bytes):
 * dst[p·MR + i] = A(i,p) for p < kc, rows i ≥ mr zero. Full panels transpose 4×4 in registers.
 */
function packARows(src: usize, lda: usize, kc: i32, mr: i32, dst: usize): void {
  const step = <usize>MR * 4;
  if (mr == MR) {
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const s = src + (<usize>p << 2);
      const d = dst + <usize>p * step;
      storeTransposed4(v128.load(s), v128.load(s + lda), v128.load(s + 2 * lda), v128.load(s + 3 * lda), d, step, 4);
    }
    for (; p < kc; p++) {
      const s = src + (<usize>p << 2);
      const d = dst + <usize>p * step;
      for (let i = 0; i < MR; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + <usize>i * lda));
    }
  } else {
    for (let p = 0; p < kc; p++) {
      const s = src + (<usize>p << 2);
      const d = dst + <usize>p * step;
      for (let i = 0; i < MR; i++) store<f32>(d + (<usize>i << 2), i < mr ? load<f32>(s + <usize>i * lda) : 0);
    }
  }
}

/**
 * Packs an MR-row micro-panel of a transposed A (tn: A(i,p) at src + p·lda + 4i): for each p the
 * mr values are contiguous, so this is a strided copy. Rows i ≥ mr are zero.
 */
function packACols(src: usize, lda: usize, kc: i32, mr: i32, dst: usize): void {
  const step = <usize>MR * 4;
  if (mr == MR) {
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      src += lda;
      dst += step;
    }
  } else {
    for (let p = 0; p < kc; p++) {
      for (let i = 0; i < MR; i++) store<f32>(dst + (<usize>i << 2), i < mr ? load<f32>(src + (<usize>i << 2)) : 0);
      src += lda;
      dst += step;
    }
  }
}

/**
 * Packs an 8-column micro-panel of a row-major B (B(p,j) at src + p·ldb + 4j): dst[8p + j],
 * columns j ≥ nr zero.
 */
function packBRows(src: usize, ldb: usize, kc: i32, nr: i32, dst: usize): void {
  if (nr == NR) {
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += ldb;
      dst += <usize>NR * 4;
    }
  } else {
    const n0 = min<i32>(nr, 4);
    const n1 = nr - 4;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, loadPartial(src, n0));
      v128.store(dst, loadPartial(src + 16, n1), 16);
      src += ldb;
      dst += <usize>NR * 4;
    }
  }
}

/**
 * Packs an 8-column micro-panel of a transposed B (nt: B(p,j) at src + j·ldb + 4p, i.e. row j of
 * the stored [n×k] matrix): 4×4 register transposes, dst[8p + j], columns j ≥ nr zero.
 */
function packBCols(src: usize, ldb: usize, kc: i32, nr: i32, dst: usize): void {
  const step = <usize>NR * 4;
  let p = 0;
  if (nr == NR) {
    for (; p + 4 <= kc; p += 4) {
      const s = src + (<usize>p << 2);
      const d = dst + <usize>p * step;
      storeTransposed4(v128.load(s), v128.load(s + ldb), v128.load(s + 2 * ldb), v128.load(s + 3 * ldb), d, step, 4);
      storeTransposed4(
        v128.load(s + 4 * ldb), v128.load(s + 5 * ldb), v128.load(s + 6 * ldb), v128.load(s + 7 * ldb),
        d + 16, step, 4,
      );
    }
  }
  // Remainder of k (fewer than 4 steps) and partial panels: rows j ≥ nr read as zero.
  for (; p < kc; p += 4) {
    const cnt = min<i32>(4, kc - p);
    const s = src + (<usize>p << 2);
    const d = dst + <usize>p * step;
    const z = f32x4.splat(0);
    const r0 = loadPartial(s, cnt);
    const r1 = nr > 1 ? loadPartial(s + ldb, cnt) : z;
    const r2 = nr > 2 ? loadPartial(s + 2 * ldb, cnt) : z;
    const r3 = nr > 3 ? loadPartial(s + 3 * ldb, cnt) : z;
    const r4 = nr > 4 ? loadPartial(s + 4 * ldb, cnt) : z;
    const r5 = nr > 5 ? loadPartial(s + 5 * ldb, cnt) : z;
    const r6 = nr > 6 ? loadPartial(s + 6 * ldb, cnt) : z;
    const r7 = nr > 7 ? loadPartial(s + 7 * ldb, cnt) : z;
    storeTransposed4(r0, r1, r2, r3, d, step, cnt);
    storeTransposed4(r4, r5, r6, r7, d + 16, step, cnt);
  }
}

/**
 * The blocked driver shared by all layouts. aTrans: A stored [k×m] (tn); bTrans: B stored [n×k]
 * (nt). lda, ldb, ldc: floats between consecutive rows of A, B and C as stored (lda = k for nn/nt,
 * ≥ m for tn, where a row slice of C reads a column slice of A; ldb = n for nn/tn, k for nt; ldc =
 * n, or the whole call's n when C is a column slice C[:, j0:j1] of it). bias (n floats or 0) and
 * beta apply to the first k-slice only; later slices accumulate. Only the k-slices q0 ≤ q < q1 are
 * computed (default: all); with sep ≠ 0, slice q's product alone goes to the [m × ldc] buffer at
 * sep + 4·(q − q0)·m·ldc instead of C (no bias, beta 0: gemm_nn_kslices_f32).
 */
function gemmPacked(
  a: usize, lda: usize, aTrans: bool, b: usize, ldb: usize, bTrans: bool, c: usize, ldc: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize,
  q0: i32 = 0, q1: i32 = i32.MAX_VALUE, sep: usize = 0,
): void {
  const ap = ws + WS_A;
  const bp = ws + WS_B;
  const tile = ws + WS_TILE;
  ldc <<= 2;
  // Equal row blocks (a multiple of MR, ≤ MC): 128 = 2 × 64 rather than 120 + 8, whose short block
  // would stream every B micro-panel from L2 again for a single row of tiles.
  const mSlices = (m + MC - 1) / MC;
  const mcStep = min<i32>(MC, ((m + mSlices - 1) / mSlices + MR - 1) / MR * MR);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    // Equal k-slices (a multiple of 4, ≤ KC): 784 = 4 × 196 rather than 3 × 256 + 16, whose short
    // last slice would pay a full round of packing and tile epilogues for little work.
    const slices = (k + KC - 1) / KC;
    const kcStep = min<i32>(KC, ((k + slices - 1) / slices + 3) & ~3);
    for (let pc = 0; pc < k; pc += kcStep) {
      // Only the k-slices q0 ≤ q < q1; with `sep`, slice q's raw product goes to its own buffer.
      const q = pc / kcStep;
      if (q < q0 || q >= q1) continue;
      const kc = min<i32>(kcStep, k - pc);
      const cq: usize = sep != 0 ? sep + <usize>(q - q0) * <usize>m * ldc : c;
      const betaK: f32 = sep != 0 ? 0 : pc == 0 ? beta : 1;
      const biasK: usize = sep == 0 && pc == 0 && bias != 0 ? bias + (<usize>jc << 2) : 0;
      const panelBytes = <usize>kc * 4;
      // Pack B[pc:pc+kc, jc:jc+nc] into nc/NR micro-panels.
      for (let jr = 0; jr < nc; jr += NR) {
        const nr = min<i32>(NR, nc - jr);
        const dst = bp + <usize>jr * panelBytes;
        const j = <usize>(jc + jr);
        if (bTrans) packBCols(b + (j * ldb + <usize>pc) * 4, ldb << 2, kc, nr, dst);
        else packBRows(b + (<usize>pc * ldb + j) * 4, ldb << 2, kc, nr, dst);
      }
      for (let ic = 0; ic < m; ic += mcStep) {
        const mc = min<i32>(mcStep, m - ic);
        // Pack A[ic:ic+mc, pc:pc+kc] into mc/MR micro-panels.
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min<i32>(MR, mc - ir);
          const dst = ap + <usize>ir * panelBytes;
          const i = <usize>(ic + ir);
          if (aTrans) packACols(a + (<usize>pc * lda + i) * 4, lda << 2, kc, mr, dst);
          else packARows(a + (i * lda + <usize>pc) * 4, lda << 2, kc, mr, dst);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min<i32>(NR, nc - jr);
          const bpanel = bp + <usize>jr * panelBytes;
          const biasJ: usize = biasK != 0 ? biasK + (<usize>jr << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min<i32>(MR, mc - ir);
            const apanel = ap + <usize>ir * panelBytes;
            const cij = cq + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            if (mr == MR && nr == NR) {
              microTile(kc, apanel, bpanel, cij, ldc, betaK, biasJ);
            } else {
              microTile(kc, apanel, bpanel, tile, <usize>NR * 4, 0, 0);
              mergeTile(tile, cij, ldc, mr, nr, betaK, biasJ);
            }
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------ 2. tiny m

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
function gemmTinyM(a: usize, rsa: usize, csa: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32): void {
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
function gemmTinyMNt(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, beta: f32): void {
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

// ------------------------------------------------------------------------------ 3. small n

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
function gemmSmallN(a: usize, rsa: usize, csa: usize, b: usize, bTrans: bool, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize): void {
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

/** k = 0: C = bias + beta·C. */
function biasBetaOnly(c: usize, m: i32, n: i32, bias: usize, beta: f32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const o = (<usize>(i * n + j)) << 2;
      let v: f32 = bias != 0 ? load<f32>(bias + (<usize>j << 2)) : 0;
      if (beta != 0) v += beta * load<f32>(c + o);
      store<f32>(c + o, v);
    }
  }
}

// ------------------------------------------------------------------------------ exports

/**
 * Debug-build preconditions shared by the three layouts (checks.ts): sizes ≥ 0; C overlaps neither
 * A, B nor bias; on the paths that use it (m > TINY_M, k > 0) `ws` lies in memory with
 * WS_BYTES_NEEDED bytes and overlaps no operand. aBytes/bBytes are the operand sizes, whatever the layout.
 */
// @ts-ignore: decorator
@inline function checkGemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, ws: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(m >= 0 && n >= 0 && k >= 0);
    const aBytes = matBytes(m, k);
    const bBytes = matBytes(k, n);
    const cBytes = matBytes(m, n);
    const biasBytes: u64 = bias != 0 ? <u64>n << 2 : 0;
    assert(disjoint(c, cBytes, a, aBytes) && disjoint(c, cBytes, b, bBytes) && disjoint(c, cBytes, bias, biasBytes));
    if (m > TINY_M && n > 0 && k > 0) {
      assert(inMemory(ws, WS_BYTES_NEEDED));
      assert(disjoint(ws, WS_BYTES_NEEDED, a, aBytes) && disjoint(ws, WS_BYTES_NEEDED, b, bBytes));
      assert(disjoint(ws, WS_BYTES_NEEDED, c, cBytes) && disjoint(ws, WS_BYTES_NEEDED, bias, biasBytes));
    }
  }
}

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

// ------------------------------------------------------------------------------ column slices

/** k = 0 on a column slice: C[i, 0:cols] = bias + beta·C for rows i < m, ldc floats apart. */
function biasBetaRows(c: usize, m: i32, cols: i32, ldc: i32, bias: usize, beta: f32): void {
  for (let i = 0; i < m; i++) biasBetaOnly(c + <usize>i * (<usize>ldc << 2), 1, cols, bias, beta);
}

// A column slice [j0, j1) of an m×n×k product is computed element for element as the whole call
// computes it when the whole call takes the packed path (m > 4, n > 12, k > 0: the tiny-m and
// small-n paths are chosen by the WHOLE call's m and n) and the slice's tiles are the whole call's
// (j0 a multiple of the tile width NR = 8, j1 one too or n): blocking over k depends on k only, over
// m on m only, and a tile is partial in the slice exactly when it is in the whole call.

/**
 * Columns j0 ≤ j < j1 of gemm_nn_f32(a, b, c, m, n, k, bias, beta, ws): C[:, j0:j1] = A·B[:, j0:j1]
 * + bias[j0:j1] + beta·C[:, j0:j1]; no other column of C is read or written. Each element is
 * computed exactly as by the whole call (same path, tiles and summation order) when m > 4, n > 12,
 * j0 is a multiple of 8 and j1 one too or n (the thread pool splits Z = X·W this way, so that each
 * thread reads only its own columns of W); any other slice is computed by the packed path (the same
 * product, rounded in another order). [0, n) is the whole call.
 * Preconditions as gemm_nn_f32, and 0 ≤ j0 ≤ j1 ≤ n (asserted in the debug build).
 */
export function gemm_nn_cols_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize, j0: i32, j1: i32): void {
  if (!ASC_NO_ASSERT) assert(0 <= j0 && j0 <= j1 && j1 <= n);
  if (j0 == 0 && j1 == n) {
    gemm_nn_f32(a, b, c, m, n, k, bias, beta, ws);
    return;
  }
  checkGemm(a, b, c, m, n, k, bias, ws);
  if (m <= 0 || j1 <= j0) return;
  const o = <usize>j0 << 2;
  const biasJ: usize = bias != 0 ? bias + o : 0;
  if (k <= 0) biasBetaRows(c + o, m, j1 - j0, n, biasJ, beta);
  else gemmPacked(a, <usize>k, false, b + o, <usize>n, false, c + o, <usize>n, m, j1 - j0, k, biasJ, beta, ws);
}

/**
 * Columns j0 ≤ j < j1 of gemm_nt_f32(a, b, c, m, n, k, beta, ws): C[:, j0:j1] = A·B[j0:j1, :]ᵀ +
 * beta·C[:, j0:j1] (B stored [n×k]: the slice reads rows j0..j1 of B, contiguous); no other column
 * of C is read or written. Exact as gemm_nn_cols_f32 (m > 4, n > 12, j0 a multiple of 8, j1 one
 * too or n). The thread pool splits the input delta dX = dZ·Wᵀ this way: each thread reads the
 * rows of W whose range it also updates in the optimizer step.
 * Preconditions as gemm_nt_f32, and 0 ≤ j0 ≤ j1 ≤ n (asserted in the debug build).
 */
export function gemm_nt_cols_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, beta: f32, ws: usize, j0: i32, j1: i32): void {
  if (!ASC_NO_ASSERT) assert(0 <= j0 && j0 <= j1 && j1 <= n);
  if (j0 == 0 && j1 == n) {
    gemm_nt_f32(a, b, c, m, n, k, beta, ws);
    return;
  }
  checkGemm(a, b, c, m, n, k, 0, ws);
  if (m <= 0 || j1 <= j0) return;
  const o = <usize>j0 << 2;
  if (k <= 0) biasBetaRows(c + o, m, j1 - j0, n, 0, beta);
  else gemmPacked(a, <usize>k, false, b + <usize>j0 * (<usize>k << 2), <usize>k, true, c + o, <usize>n, m, j1 - j0, k, 0, beta, ws);
}

// A product split by slices of k (rows of B): the packed path sums k in slices of kcStep (equal
// slices ≤ KC, a multiple of 4), each slice's product of a tile accumulated in registers and then
// added to C (C = acc + bias + beta·C for the first slice, C = C + acc after it: madd(1, C, acc)
// rounds once, as an add does). The slices [0, q) into C and each later slice's raw product into
// its own buffer (S_q = acc, stored unrounded-twice), then C = (…((C + S_q) + S_q+1)…) elementwise,
// give every element of C exactly as the whole call does.

/**
 * The k-slices q0 ≤ q < q1 of gemm_nn_f32(a, b, c, m, n, k, bias, beta, ws) on its packed path
 * (m > 4, n > 12, k > 0). sep = 0: into C as the whole call does (q0 = 0: C = A·B[slices] + bias +
 * beta·C; q0 > 0: C += …). sep ≠ 0 (then q0 ≥ 1): slice q's product A[:, slice]·B[slice, :] alone
 * into the [m×n] buffer at sep + 4·(q − q0)·m·n, C untouched; gemm_ksum_f32 then adds them to C in
 * order. The sep buffers may lie in `ws` past the packing area (GEMM_WS_SEP_OFFSET bytes in).
 * Preconditions as gemm_nn_f32 (asserted in the debug build, with the packed path and 0 ≤ q0 ≤ q1).
 */
export function gemm_nn_kslices_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, beta: f32, ws: usize, q0: i32, q1: i32, sep: usize): void {
  checkGemm(a, b, c, m, n, k, bias, ws);
  if (!ASC_NO_ASSERT) assert(m > TINY_M && n > SMALL_N && k > 0 && 0 <= q0 && q0 <= q1 && (sep == 0 || q0 >= 1));
  if (m <= TINY_M || n <= SMALL_N || k <= 0) return;
  gemmPacked(a, <usize>k, false, b, <usize>n, false, c, <usize>n, m, n, k, bias, beta, ws, q0, q1, sep);
}

/**
 * c[i] = (…((c[i] + s[i]) + s[stride + i]) + …) + s[(parts − 1)·stride + i] for i < n: the later
 * k-slices' products (gemm_nn_kslices_f32 with sep) added to C in the whole call's order.
 * Preconditions (asserted in the debug build only): n ≥ 0, parts ≥ 0.
 */
export function gemm_ksum_f32(c: usize, s: usize, n: i32, parts: i32, stride: i32): void {
  if (!ASC_NO_ASSERT) assert(n >= 0 && parts >= 0);
  const st = <usize>stride << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let v = v128.load(c + o);
    for (let p = 0; p < parts; p++) v = f32x4.add(v, v128.load(s + <usize>p * st + o));
    v128.store(c + o, v);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(c + o);
    for (let p = 0; p < parts; p++) v += load<f32>(s + <usize>p * st + o);
    store<f32>(c + o, v);
  }
}
