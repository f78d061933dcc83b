// GEMM's blocking, shared by its paths: the register tile MR × NR, the packed path's cache blocks
// (KC deep, MC tall, NC wide), the shapes that choose a path (m ≤ TINY_M: tiny m; otherwise
// n ≤ SMALL_N: small n; otherwise packed), the small-n path's rows per step and packed-B slice,
// the byte layout of the caller's scratch `ws`, and the debug-build preconditions every entry
// point checks against that layout (checkGemm: C overlaps no operand; ws lies in memory with
// WS_BYTES_NEEDED = (MC·KC + KC·NC + MR·NR)·4 bytes and overlaps no operand). Nothing here is
// exported from the module (index.ts does not re-export this file).
//
// Used by gemm-packed.ts (tile, blocks, workspace offsets), gemm-small-n.ts (its rows, slice and
// workspace offset), gemm.ts and gemm-slices.ts (path thresholds, checkGemm).

import { disjoint, inMemory, matBytes } from './checks';

/** Rows of the register tile (see gemm.ts's header: 4 is the most that does not spill, with or without FMA). */
export const MR: i32 = 4;
/** Columns of the register tile: two f32x4. */
export const NR: i32 = 8;
/** Depth of one packed slice of k (one B micro-panel = KC·NR·4 = 8 KiB, L1). */
export const KC: i32 = 256;
/** Rows of one packed A block (MC·KC·4 = 120 KiB, L2); a multiple of MR. */
export const MC: i32 = 120;
/** Columns of one packed B block (KC·NC·4 = 1 MiB). */
export const NC: i32 = 1024;
/** m at or below which the unpacked row-streaming path is used. */
export const TINY_M: i32 = 4;
/** n at or below which the small-n path (B padded to 12 columns) is used. */
export const SMALL_N: i32 = 12;
/**
 * Rows of C per small-n step: 3 with FMA (9 accumulators + 3 B + 3 broadcasts = 15 live v128),
 * 2 with mul+add (6 + 3 + 2 + 1 temporary = 12; 3 rows would spill).
 */
export const SN_ROWS: i32 = ASC_FEATURE_RELAXED_SIMD ? 3 : 2;
/** Padded row width of the small-n packed B (three f32x4). */
export const SMALL_N_W: i32 = 12;
/** Depth of one small-n packed B slice (SMALL_N_KC·12·4 = 192 KiB). */
export const SMALL_N_KC: i32 = 4096;

// Workspace layout (byte offsets from ws). The small-n path packs its B at offset 0 (it uses no
// packed A), so small calls touch only the first few KiB of ws.
export const WS_SMALL_N_B: usize = 0;
export const WS_A: usize = 0;
export const WS_B: usize = WS_A + <usize>MC * <usize>KC * 4;
export const WS_TILE: usize = WS_B + <usize>KC * <usize>NC * 4;
/** Bytes of `ws` the kernels touch: 1,179,776 (< GEMM_WS_BYTES = 4 MiB). */
const WS_BYTES_NEEDED: usize = WS_TILE + <usize>MR * <usize>NR * 4;

/**
 * Debug-build preconditions shared by the three layouts (checks.ts): sizes ≥ 0; C overlaps neither
 * A, B nor bias; on the paths that use it (m > TINY_M, k > 0) `ws` lies in memory with
 * WS_BYTES_NEEDED bytes and overlaps no operand. aBytes/bBytes are the operand sizes, whatever the layout.
 */
// @ts-ignore: decorator
@inline export function checkGemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, bias: usize, ws: usize): void {
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
