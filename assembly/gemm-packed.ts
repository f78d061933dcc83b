// GEMM's packed path (the general case, m > 4 and n > 12): C = op(A)·op(B) + bias + beta·C with
// Goto-style blocking. For each NC-wide column block of C and each KC-deep slice of k, B is packed
// into NR-wide micro-panels (k-major, 8 KiB each: stays in L1); for each MC-tall row block, A is
// packed into MR-tall micro-panels (120 KiB block: stays in L2); the micro-kernel keeps a 4×8 tile
// of C in registers (vmath.ts tile4x8). Packing pads partial panels with zeros, so edge tiles run
// the same micro-kernel into a scratch tile that is then merged into C. Transposes (Aᵀ for tn, Bᵀ
// for nt) are absorbed by the packing routines. Why 4×8 and these blocks: gemm.ts's header.
//
// Blocking and workspace layout: gemm-blocking.ts. Used by gemm.ts (gemm_nn_f32, gemm_tn_ld_f32,
// gemm_nt_f32) and gemm-slices.ts (the column and k-slices of the thread pool).

import { KC, MC, MR, NC, NR, WS_A, WS_B, WS_TILE } from './gemm-blocking';
import { loadPartial, storeTransposed4, tile4x8 } from './vmath';

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
export function gemmPacked(
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
