// The slices of a GEMM the thread pool runs on different threads, each element computed exactly
// as by the whole call: column slices C[:, j0:j1] of gemm_nn_f32 / gemm_nt_f32 (each thread reads
// only its own columns of B), and k-slices of gemm_nn_f32 (slice q's product A[:, slice]·B[slice, :]
// into C or into a buffer of its own) with the ordered sum of those buffers into C (gemm_ksum_f32).
//
// Used by src/kernels/threaded.ts (through the module's exports; the js twins are
// src/kernels/js/gemm.ts and src/kernels/js/gemm-kslices.ts). Whole calls: gemm.ts.

import { biasBetaRows } from './gemm-bias-beta';
import { SMALL_N, TINY_M, checkGemm } from './gemm-blocking';
import { gemmPacked } from './gemm-packed';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm';

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
