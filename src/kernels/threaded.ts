/**
 * The threaded kernel table: the same `Kernels` signature as the single-threaded exports (so
 * networks, layers and trainers do not change), with large calls split over the calling thread
 * and the pool's workers.
 *
 * Bit-identical for any thread count: every split is by rows or columns of the kernel's output,
 * and each output element is computed by the same code, in the same order, as in the whole call.
 * - Z = X·W of a dense layer wider than the batch (n > m) whose k spans at least two of the packed
 *   path's k-slices splits by slices of k, i.e. by rows of W (kSplit): the calling thread computes
 *   the first slices into C with gemm_nn_kslices_f32, each worker its slices' products apart (in
 *   its ws), and gemm_ksum_f32 adds them to C in the whole call's order — each slice's tile sum is
 *   added to C by one rounding either way, so C is the whole call's bit for bit
 *   (test/kernels/threads-kslices.test.ts). Each thread reads only the rows of W whose range its
 *   share of the update writes.
 * - Other nn and nt products with more columns than rows (n > m: Z = X·W with one k-slice, dX =
 *   dZ·Wᵀ) split C by columns (gemmCols): gemm_nn_cols_f32 / gemm_nt_cols_f32
 *   compute C[:, j0:j1] of the whole call on the whole call's path (chosen by its m and n), with
 *   slices starting at multiples of 16 (of the tile width 8: a tile is partial in a slice exactly
 *   when it is in the whole call); each thread then reads only its columns (nn) or rows (nt) of W.
 *   test/kernels/threads-cols.test.ts checks the slices bit for bit.
 * - Other GEMMs (nn, nt, tn) split C by rows. Row slices start at multiples of 4 (the register tile's
 *   height, so the tiles that are partial in a slice are the ones partial in the whole call) and
 *   every slice has more than 4 rows (the tiny-m path, which sums in another order, is chosen by
 *   m ≤ 4; the narrow-n path depends on n, which a row split keeps). tn reads a column slice of
 *   A: gemm_tn_ld_f32. Blocking over k depends on k only. test/kernels/threads-gemm.test.ts checks
 *   the slices bit for bit against the whole call on every path.
 * - Elementwise kernels (optimizer updates, activations) split by ranges of 16 floats (their
 *   vector loop handles 4 lanes at a time with the same code for every lane; only the last range
 *   holds the tail, as in the whole call). The batch gather (gather_rows_f32, a copy) splits by
 *   rows, at multiples of 4 like the GEMMs, so each thread gathers the rows it multiplies next.
 * - The Gauss–Newton rank-k update syrk_acc_f32 (H = β·H + JᵀJ, lower triangle) splits H by rows
 *   through syrk_acc_rows_f32, which computes every element of its row range by the whole call's
 *   code and order (ranges start at multiples of 4, the tile height). Row r of the triangle costs
 *   ∝ r + 1, so the bounds balance the triangle's area (triangleBounds), not the row count.
 * - The Cholesky factorization (Newton, Levenberg–Marquardt) is driven block by block and panel by
 *   panel: each 48-column panel's diagonal factor (cholesky_diag_f32, 48³/3 flop) on the calling
 *   thread; its solve L21 = A21·L11⁻ᵀ (cholesky_solve_rows_f32, rows split at multiples of 32 from
 *   the panel's end: the solve's column steps) and the update inside its 96-column block
 *   (cholesky_inner_rows_f32) split by rows; then the block's trailing update A22 ← A22 − L21·L21ᵀ
 *   (the bulk) split by rows like the rank-k update (cholesky_update_rows_f32). Each row is
 *   computed by the whole call's code in its order. The last block runs whole (cholesky_block_f32).
 * - The NaN/±∞ scan (find_nonfinite_f32: the first index) splits by ranges; the first range that
 *   found one answers, offset by its start: the whole scan's index.
 * - Everything else — reductions (loss sums, bias gradients, accuracy counts), row kernels, the
 *   triangular solves — runs on the calling thread, in its one-thread order.
 *
 * Splitting happens only above the work thresholds measured when the pool starts
 * (split-thresholds.ts: a call is split when its one-thread time is at least 16 dispatch round
 * trips), so small batches and one-sample predictions run exactly as with one thread; while the
 * pool sees the machine busy, only above the ceilings (the constants used before).
 */
import { GEMM_WS_SEP_OFFSET, gemmKSliceCount } from './gemm-slices.js';
import { CHOLESKY_BLOCK, CHOLESKY_PANEL, CHOLESKY_WS_PER_ROW, GEMM_WS_BYTES, SYRK_WS_PER_COL, type Kernels } from './kernels.js';
import { KERNEL_INDEX, type Pool } from './pool.js';
import { GEMM_SPLIT_CEILING_FLOP, HEAVY_SPLIT_CEILING, LIGHT_SPLIT_CEILING, type SplitThresholds } from './split-thresholds.js';

type ThresholdValues = Pick<SplitThresholds, 'gemmFlop' | 'heavyFloats' | 'lightFloats'>;
/** The thresholds used while the machine is busy: the ceilings (what always pays). */
const CEILINGS: ThresholdValues = { gemmFlop: GEMM_SPLIT_CEILING_FLOP, heavyFloats: HEAVY_SPLIT_CEILING, lightFloats: LIGHT_SPLIT_CEILING };

/** Row slices start at multiples of this (the micro-tile height MR). */
const ROW_ALIGN = 4;
/** Every slice has more rows than this (the tiny-m path's limit, TINY_M in assembly/gemm-blocking.ts). */
const TINY_M = 4;
/** Elementwise slices start at multiples of this many floats. */
const ELEMENT_ALIGN = 16;
/**
 * Column slices start at multiples of this: of the register tile's width, 8 (bit-identity), and of
 * a 64-byte cache line (no line of C is written by two threads).
 */
const COL_ALIGN = 16;
/**
 * A NaN/±∞ scan splits only from this many floats (4 MiB, past a core's L2: a training set fit
 * copies into the heap). Smaller ones mostly follow a copy by this thread (predict's chunks of 256
 * rows) and are in its cache; split, the other core reads its half from there: predict of 10,000
 * rows 2 threads ÷ 1 measured 1.63–1.72× with its chunks' scans split, 1.70–1.74× without.
 */
const SCAN_SPLIT_MIN = 1 << 20;
/** A Cholesky panel's solve splits rows at multiples of this from the panel's end (its 32-column steps: assembly/cholesky.ts panelSolve). */
const SOLVE_ALIGN = 32;
/**
 * A Cholesky panel's solve and inner update split only from this many rows below the panel (and
 * above the GEMM threshold): 2 threads ÷ 1 for the whole factorization, panels split from the
 * threshold alone against never: n = 500 1.11–1.12× against 1.20–1.21×, n = 650 equal, n = 800
 * 1.47–1.49× against 1.41–1.42×, n = 1106 1.65–1.66× against 1.52×, n = 2000 1.84–1.86× against
 * 1.71–1.72× (one process, settings alternated, 31 rounds; 2026-11-30).
 */
const PANEL_SPLIT_MIN_ROWS = 512;
/** n at or below which a GEMM takes the small-n path (SMALL_N in assembly/gemm-blocking.ts): never split by columns. */
const SMALL_N = 12;

type Fn = (...args: number[]) => number | undefined;

/** How a call is cut: `parts` slices of `step` units (the last one shorter). */
interface Cut {
  step: number;
  parts: number;
}

/**
 * The slicing of `total` units into at most `maxParts` parts of at least `minPart` units, starting
 * at multiples of `align`, written into `out` (each table has one Cut it reuses: no array per call,
 * so the threaded table allocates nothing per step). The last part is total − (parts − 1)·step ≥ 1;
 * when it would be at most `tooSmall`, it is merged into the one before.
 */
function slicing(out: Cut, total: number, maxParts: number, minPart: number, align: number, tooSmall: number): Cut {
  let parts = Math.min(maxParts, Math.floor(total / minPart));
  if (parts < 2) return whole(out, total);
  const step = Math.ceil(Math.ceil(total / parts) / align) * align;
  parts = Math.ceil(total / step);
  if (parts > 1 && total - (parts - 1) * step <= tooSmall) parts--;
  out.step = step;
  out.parts = parts;
  return out;
}

/** One part of `total` units: the call is not split. */
function whole(out: Cut, total: number): Cut {
  out.step = total;
  out.parts = 1;
  return out;
}

/**
 * The threaded table over `base` (the exports of an instance on the pool's shared memory). `ws[w]`
 * is worker w's GEMM workspace (GEMM_WS_BYTES each); the calling thread uses the ws it is passed.
 */
export function threadedKernels(base: Kernels, pool: Pool, ws: readonly number[], limits: SplitThresholds): Kernels {
  const threads = pool.count + 1;
  const k = { ...base } as Kernels;
  const nn = KERNEL_INDEX.gemm_nn_f32;
  const nt = KERNEL_INDEX.gemm_nt_f32;
  const tnLd = KERNEL_INDEX.gemm_tn_ld_f32;
  const gather = KERNEL_INDEX.gather_rows_f32;
  // While the pool sees the machine busy (pool.contended: its threads were descheduled), a split
  // costs a wake-up (15–100 µs) instead of a poll (~1 µs): only calls over the ceilings are split.
  const lim = (): ThresholdValues => (pool.contended ? CEILINGS : limits);
  // The one Cut every slicing of this table writes into; each caller copies it out at once.
  const cut: Cut = { step: 0, parts: 1 };

  /** Rows per slice and slice count of an m-row GEMM of 2·m·n·k flop (one part: do not split). */
  const gemmRows = (m: number, n: number, kk: number): Cut => {
    const flop = 2 * m * n * kk;
    const min = lim().gemmFlop;
    if (flop < min || m <= 2 * TINY_M) return whole(cut, m);
    // Each slice carries at least half a threshold's work.
    const byWork = Math.max(1, Math.floor(flop / (min / 2)));
    return slicing(cut, m, Math.min(threads, byWork), TINY_M + 1, ROW_ALIGN, TINY_M);
  };

  /**
   * Column slices of an m×n×k product whose B (k·n floats: W) is larger than its A (m·k: a batch
   * of activations), Z = X·W or dX = dZ·Wᵀ: step and parts (one part: split by rows, or not at all).
   * Split by rows, each thread packs and reads all of W; split by columns, only its own columns of
   * W (nn) or rows (nt), and all of the smaller A.
   * The update of W that follows in a training step pays for the row split: adam over W₁ of
   * 784-512-256-10 (401k floats, split by ranges) takes 450–500 µs after a forward and dW split
   * by rows, 300–370 µs after a forward split by columns, 610–650 µs on one thread after the same
   * GEMMs (bench/results/2026-11-30-cols.md). The weight gradient dW = Xᵀ·dZ stays split by rows
   * (the ranges the update is split by; by columns it measured the same).
   */
  const gemmCols = (m: number, n: number, kk: number): Cut => {
    const flop = 2 * m * n * kk;
    const min = lim().gemmFlop;
    if (flop < min || n <= m || m <= TINY_M || n <= SMALL_N || n < 2 * COL_ALIGN) return whole(cut, n);
    const byWork = Math.max(1, Math.floor(flop / (min / 2)));
    return slicing(cut, n, Math.min(threads, byWork), COL_ALIGN, COL_ALIGN, 0);
  };

  /** Waits for workers 0..parts−2, all of them even if one throws (then rethrows the first error). */
  const join = (parts: number): void => {
    let err: unknown;
    for (let w = 0; w < parts - 1; w++) {
      try {
        pool.wait(w);
      } catch (e) {
        err ??= e;
      }
    }
    if (err) throw err;
  };

  /**
   * Z = X·W split by slices of k — by rows of W — when gemmCols would split it and k has at least
   * two of the packed path's k-slices: the calling thread computes the first slices into C as the
   * whole call does, each worker its slices' products apart (in its ws past the packing area), and
   * gemm_ksum_f32 adds them to C in the whole call's order (bit for bit: each slice's tile sum is
   * added to C by one rounding either way). Each thread then reads only its rows of W — the rows
   * whose range its share of the optimizer update writes (and of dW = Xᵀ·dZ, split by rows of dW;
   * and of dX = dZ·Wᵀ, split by columns of dX): W never moves between cores. Split by columns of Z
   * instead, each core reads half of every row of W, which the other core's update then wrote:
   * adam over W₁ of 784-512-256-10 took 274–335 µs after a column-split forward against 142–192
   * µs alone (bench/results/2026-11-30-act.md). Returns the number of parts (< 2: not this way);
   * kBounds[0..parts] are the slice bounds.
   */
  const kBounds = new Int32Array(threads + 1);
  const kSplit = (m: number, n: number, kk: number, cparts: number): number => {
    if (cparts < 2) return 0;
    const count = gemmKSliceCount(kk);
    const parts = Math.min(cparts, count);
    if (parts < 2) return 0;
    for (let p = 0; p <= parts; p++) kBounds[p] = Math.floor((p * count) / parts);
    for (let p = 1; p < parts; p++) if ((kBounds[p + 1]! - kBounds[p]!) * m * n * 4 > GEMM_WS_BYTES - GEMM_WS_SEP_OFFSET) return 0;
    return parts;
  };
  const nnK = KERNEL_INDEX.gemm_nn_kslices_f32;
  const ksum = KERNEL_INDEX.gemm_ksum_f32;
  /** C += the products worker w put in its ws (`parts` of them), split by ranges like a light elementwise kernel. */
  const addSlices = (c: number, w: number, floats: number, parts: number): void => {
    const s = ws[w]! + GEMM_WS_SEP_OFFSET;
    const min = lim().lightFloats;
    const { step, parts: n } = floats < min ? whole(cut, floats) : slicing(cut, floats, threads, min / 2, ELEMENT_ALIGN, 0);
    for (let p = 1; p < n; p++)
      pool.post(p - 1, ksum, c + 4 * p * step, s + 4 * p * step, p === n - 1 ? floats - p * step : step, parts, floats);
    try {
      base.gemm_ksum_f32(c, s, step, parts, floats);
    } finally {
      join(n);
    }
  };

  const nnCols = KERNEL_INDEX.gemm_nn_cols_f32;
  k.gemm_nn_f32 = (a, b, c, m, n, kk, bias, beta, wsMain) => {
    const { step: cstep, parts: cparts } = gemmCols(m, n, kk);
    const kparts = kSplit(m, n, kk, cparts);
    if (kparts > 1) {
      for (let p = 1; p < kparts; p++) {
        pool.post(p - 1, nnK, a, b, c, m, n, kk, bias, beta, ws[p - 1]!, kBounds[p]!, kBounds[p + 1]!, ws[p - 1]! + GEMM_WS_SEP_OFFSET);
      }
      try {
        base.gemm_nn_kslices_f32(a, b, c, m, n, kk, bias, beta, wsMain, 0, kBounds[1]!, 0);
      } finally {
        join(kparts);
      }
      for (let p = 1; p < kparts; p++) addSlices(c, p - 1, m * n, kBounds[p + 1]! - kBounds[p]!);
      return;
    }
    if (cparts > 1) {
      for (let p = 1; p < cparts; p++) {
        pool.post(p - 1, nnCols, a, b, c, m, n, kk, bias, beta, ws[p - 1]!, p * cstep, Math.min(n, (p + 1) * cstep));
      }
      try {
        base.gemm_nn_cols_f32(a, b, c, m, n, kk, bias, beta, wsMain, 0, cstep);
      } finally {
        join(cparts);
      }
      return;
    }
    const { step, parts } = gemmRows(m, n, kk);
    if (parts < 2) {
      base.gemm_nn_f32(a, b, c, m, n, kk, bias, beta, wsMain);
      return;
    }
    for (let p = 1; p < parts; p++) {
      const i0 = p * step;
      const rows = p === parts - 1 ? m - i0 : step;
      pool.post(p - 1, nn, a + 4 * i0 * kk, b, c + 4 * i0 * n, rows, n, kk, bias, beta, ws[p - 1]!);
    }
    try {
      base.gemm_nn_f32(a, b, c, step, n, kk, bias, beta, wsMain);
    } finally {
      join(parts);
    }
  };

  // dX = dZ·Wᵀ (m = batch, n = in, k = out) wider than the batch: by columns of dX, i.e. by rows of
  // W, each thread reading the rows of W whose range its share of the optimizer update then writes.
  const ntCols = KERNEL_INDEX.gemm_nt_cols_f32;
  k.gemm_nt_f32 = (a, b, c, m, n, kk, beta, wsMain) => {
    const { step: cstep, parts: cparts } = gemmCols(m, n, kk);
    if (cparts > 1) {
      for (let p = 1; p < cparts; p++) {
        pool.post(p - 1, ntCols, a, b, c, m, n, kk, beta, ws[p - 1]!, p * cstep, Math.min(n, (p + 1) * cstep));
      }
      try {
        base.gemm_nt_cols_f32(a, b, c, m, n, kk, beta, wsMain, 0, cstep);
      } finally {
        join(cparts);
      }
      return;
    }
    const { step, parts } = gemmRows(m, n, kk);
    if (parts < 2) {
      base.gemm_nt_f32(a, b, c, m, n, kk, beta, wsMain);
      return;
    }
    for (let p = 1; p < parts; p++) {
      const i0 = p * step;
      const rows = p === parts - 1 ? m - i0 : step;
      pool.post(p - 1, nt, a + 4 * i0 * kk, b, c + 4 * i0 * n, rows, n, kk, beta, ws[p - 1]!);
    }
    try {
      base.gemm_nt_f32(a, b, c, step, n, kk, beta, wsMain);
    } finally {
      join(parts);
    }
  };

  const tnSplit = (a: number, b: number, c: number, m: number, n: number, kk: number, lda: number, beta: number, wsMain: number): void => {
    const { step, parts } = gemmRows(m, n, kk);
    if (parts < 2) {
      base.gemm_tn_ld_f32(a, b, c, m, n, kk, lda, beta, wsMain);
      return;
    }
    for (let p = 1; p < parts; p++) {
      const i0 = p * step;
      const rows = p === parts - 1 ? m - i0 : step;
      pool.post(p - 1, tnLd, a + 4 * i0, b, c + 4 * i0 * n, rows, n, kk, lda, beta, ws[p - 1]!);
    }
    try {
      base.gemm_tn_ld_f32(a, b, c, step, n, kk, lda, beta, wsMain);
    } finally {
      join(parts);
    }
  };
  k.gemm_tn_ld_f32 = tnSplit;
  k.gemm_tn_f32 = (a, b, c, m, n, kk, beta, wsMain) => tnSplit(a, b, c, m, n, kk, m, beta, wsMain);

  k.gather_rows_f32 = (src, idx, dst, count, cols) => {
    const floats = count * cols;
    // A gather of scattered rows costs ~0.5–0.8 ns a float (784-wide rows from a 6 MB set,
    // bench/step-profile.ts): it is split at the heavy kernels' threshold.
    const min = lim().heavyFloats;
    const { step, parts } =
      floats < min ? whole(cut, count) : slicing(cut, count, threads, Math.max(1, Math.ceil(min / 2 / Math.max(cols, 1))), ROW_ALIGN, 0);
    if (parts < 2) {
      base.gather_rows_f32(src, idx, dst, count, cols);
      return;
    }
    for (let p = 1; p < parts; p++) {
      const r0 = p * step;
      pool.post(p - 1, gather, src, idx + 4 * r0, dst + 4 * r0 * cols, p === parts - 1 ? count - r0 : step, cols);
    }
    try {
      base.gather_rows_f32(src, idx, dst, step, cols);
    } finally {
      join(parts);
    }
  };

  // The first NaN or ±∞ of x[0..n) (−1: none), split by ranges from SCAN_SPLIT_MIN floats: the
  // answer is the first range's own, else the first index another range found, offset by its
  // start — the whole scan's index.
  const scan = KERNEL_INDEX.find_nonfinite_f32;
  k.find_nonfinite_f32 = (x, n) => {
    const min = Math.max(SCAN_SPLIT_MIN, lim().lightFloats);
    const { step, parts } = n < min ? whole(cut, n) : slicing(cut, n, threads, min / 2, ELEMENT_ALIGN, 0);
    if (parts < 2) return base.find_nonfinite_f32(x, n);
    for (let p = 1; p < parts; p++) pool.post(p - 1, scan, x + 4 * p * step, p === parts - 1 ? n - p * step : step, 0, 0);
    let first: number;
    try {
      first = base.find_nonfinite_f32(x, step);
    } finally {
      join(parts);
    }
    for (let p = 1; p < parts && first < 0; p++) {
      const r = pool.result(p - 1);
      if (r >= 0) first = p * step + r;
    }
    return first;
  };

  // H = β·H + JᵀJ (2·p·(p+1)/2 flop per row of J) split by rows of H at the GEMM threshold, the
  // ranges balanced by the triangle's area; each worker packs J into its own ws when it fits.
  const syrkRows = KERNEL_INDEX.syrk_acc_rows_f32;
  const bounds = new Int32Array(threads + 1);
  k.syrk_acc_f32 = (j, h, rows, p, beta, wsMain = 0) => {
    const flop = rows * p * (p + 1);
    const min = lim().gemmFlop;
    const parts = flop < min ? 1 : triangleBounds(p, Math.min(threads, Math.floor(flop / (min / 2))), bounds);
    if (parts < 2) {
      base.syrk_acc_f32(j, h, rows, p, beta, wsMain);
      return;
    }
    const wsFits = SYRK_WS_PER_COL * p <= GEMM_WS_BYTES;
    for (let q = 1; q < parts; q++) pool.post(q - 1, syrkRows, j, h, rows, p, beta, wsFits ? ws[q - 1]! : 0, bounds[q]!, bounds[q + 1]!);
    try {
      base.syrk_acc_rows_f32(j, h, rows, p, beta, wsMain, 0, bounds[1]!);
    } finally {
      join(parts);
    }
  };

  // Cholesky: whole on this thread below the GEMM threshold (n³/3 flop); above it block by block and
  // panel by panel: each panel's diagonal factor on this thread, its solve and the update inside its
  // column block split by rows (panelRows), each block's trailing update (2·kb·m(m+1)/2 flop, m rows
  // left) split as the rank-k update. The last block (at most 96 rows) runs whole: it also zeroes
  // the upper triangle.
  const cholRows = KERNEL_INDEX.cholesky_update_rows_f32;
  const cholSolve = KERNEL_INDEX.cholesky_solve_rows_f32;
  const cholInner = KERNEL_INDEX.cholesky_inner_rows_f32;
  /** Rows [k1, n) of a panel step of `flop`, split when they pay at multiples of `align` from k1. */
  const panelRows = (
    id: number,
    one: Kernels['cholesky_solve_rows_f32'],
    a: number,
    n: number,
    k0: number,
    k1: number,
    flop: number,
    align: number,
  ): void => {
    const min = lim().gemmFlop;
    const rows = n - k1;
    const { step, parts } =
      flop < min || rows < PANEL_SPLIT_MIN_ROWS
        ? whole(cut, rows)
        : slicing(cut, rows, Math.min(threads, Math.floor(flop / (min / 2))), align, align, 0);
    if (parts < 2) {
      one(a, n, k0, k1, n);
      return;
    }
    for (let p = 1; p < parts; p++) pool.post(p - 1, id, a, n, k0, k1 + p * step, p === parts - 1 ? n : k1 + (p + 1) * step);
    try {
      one(a, n, k0, k1, k1 + step);
    } finally {
      join(parts);
    }
  };
  k.cholesky_f32 = (a, n, shift, wsMain = 0) => {
    if ((n * n * n) / 3 < lim().gemmFlop) return base.cholesky_f32(a, n, shift, wsMain);
    const wsFits = CHOLESKY_WS_PER_ROW * n <= GEMM_WS_BYTES;
    for (let K0 = 0; K0 < n; K0 += CHOLESKY_BLOCK) {
      const K1 = K0 + CHOLESKY_BLOCK;
      if (K1 >= n) return base.cholesky_block_f32(a, n, shift, K0);
      for (let k0 = K0; k0 < K1; k0 += CHOLESKY_PANEL) {
        const info = base.cholesky_diag_f32(a, n, shift, k0);
        if (info !== 0) return info;
        const k1 = k0 + CHOLESKY_PANEL;
        // Row r of the solve: (k1 − k0)² flop; of the update inside the block: 2·(K1 − k1)·(k1 − k0).
        panelRows(cholSolve, base.cholesky_solve_rows_f32, a, n, k0, k1, (n - k1) * CHOLESKY_PANEL ** 2, SOLVE_ALIGN);
        if (k1 < K1) panelRows(cholInner, base.cholesky_inner_rows_f32, a, n, k0, k1, 2 * (n - k1) * (K1 - k1) * CHOLESKY_PANEL, ROW_ALIGN);
      }
      const m = n - K1;
      const flop = CHOLESKY_BLOCK * m * (m + 1);
      const min = lim().gemmFlop;
      const parts = flop < min ? 1 : triangleBounds(m, Math.min(threads, Math.floor(flop / (min / 2))), bounds);
      if (parts < 2) {
        base.cholesky_update_rows_f32(a, n, K0, wsMain, K1, n);
        continue;
      }
      for (let q = 1; q < parts; q++) pool.post(q - 1, cholRows, a, n, K0, wsFits ? ws[q - 1]! : 0, K1 + bounds[q]!, K1 + bounds[q + 1]!);
      try {
        base.cholesky_update_rows_f32(a, n, K0, wsMain, K1, K1 + bounds[1]!);
      } finally {
        join(parts);
      }
    }
    return 0;
  };

  /**
   * Splits an elementwise kernel over n floats: its `ptrs` leading pointer arguments advance with
   * the range, argument `ptrs` is n, the scalars after it are passed on as they came — no array
   * and no new number per call (a float read back from a Float64Array would be boxed anew on its
   * way into the call: test/kernels/threads-alloc.test.ts). A wasm export ignores extra arguments.
   */
  const elementwise = (name: keyof Kernels, ptrs: PointerArgs, heavy: boolean): void => {
    const one = base[name] as unknown as Fn;
    const id = KERNEL_INDEX[name];
    /**
     * Argument i < 5 of the slice at byte offset `off` holding `len` floats, from the whole call's v
     * (ptrs ≤ 4: arguments 5 on are scalars, passed on as they are).
     */
    const at = (i: number, v: number, off: number, len: number): number => (i < ptrs ? v + off : i === ptrs ? len : v);
    const table = k as unknown as Record<string, Fn>;
    table[name] = (a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0, a12 = 0) => {
      const n = ptrs === 2 ? a2 : ptrs === 3 ? a3 : a4;
      const min = heavy ? lim().heavyFloats : lim().lightFloats;
      const { step, parts } = n < min ? whole(cut, n) : slicing(cut, n, threads, min / 2, ELEMENT_ALIGN, 0);
      if (parts < 2) return one(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
      for (let p = 1; p < parts; p++) {
        const off = 4 * p * step;
        const len = p === parts - 1 ? n - p * step : step;
        pool.post(
          p - 1,
          id,
          at(0, a0, off, len),
          at(1, a1, off, len),
          at(2, a2, off, len),
          at(3, a3, off, len),
          at(4, a4, off, len),
          a5,
          a6,
          a7,
          a8,
          a9,
          a10,
          a11,
          a12,
        );
      }
      try {
        one(
          at(0, a0, 0, step),
          at(1, a1, 0, step),
          at(2, a2, 0, step),
          at(3, a3, 0, step),
          at(4, a4, 0, step),
          a5,
          a6,
          a7,
          a8,
          a9,
          a10,
          a11,
          a12,
        );
      } finally {
        join(parts);
      }
      return undefined;
    };
  };
  for (const [name, ptrs] of HEAVY_SPLIT) elementwise(name, ptrs, true);
  for (const [name, ptrs] of LIGHT_SPLIT) elementwise(name, ptrs, false);
  return k;
}

/**
 * Bounds of at most `maxParts` row ranges of a p×p lower triangle with about equal area (rows
 * [0, b) hold b(b+1)/2 elements, so bound t is near √(p(p+1)·t/parts)), each starting at a multiple
 * of 4 (syrk_acc_rows_f32's rule) and non-empty: out[0] = 0 < out[1] < … < out[parts] = p. Returns
 * the number of ranges (1: do not split).
 */
export function triangleBounds(p: number, maxParts: number, out: Int32Array): number {
  const parts = Math.max(1, Math.min(maxParts, out.length - 1, Math.floor(p / ROW_ALIGN)));
  out[0] = 0;
  let n = 0;
  for (let t = 1; t < parts; t++) {
    const b = Math.round((Math.sqrt((p * (p + 1) * t) / parts + 0.25) - 0.5) / ROW_ALIGN) * ROW_ALIGN;
    if (b > out[n]! && b < p) out[++n] = b;
  }
  out[++n] = p;
  return n;
}

/** How many leading pointer arguments an elementwise kernel has (its length n follows them). */
type PointerArgs = 2 | 3 | 4;

/**
 * The elementwise kernels that are split, with how many leading pointer arguments each has:
 * heavy ones (~1 ns a float: optimizer updates, exp/log activations)…
 */
const HEAVY_SPLIT: readonly [keyof Kernels, PointerArgs][] = [
  ['sgd_f32', 3],
  ['sgd_l1l2_f32', 3],
  ['nesterov_f32', 3],
  ['adam_f32', 4],
  ['sigmoid_fwd_f32', 2],
  ['sigmoid_bwd_f32', 4],
  ['tanh_fwd_f32', 2],
  ['tanh_bwd_f32', 4],
  ['elu_fwd_f32', 2],
  ['elu_bwd_f32', 4],
  ['softplus_fwd_f32', 2],
  ['softplus_bwd_f32', 4],
];

/** …and light ones (a few vector instructions a float: a copy's cost). */
const LIGHT_SPLIT: readonly [keyof Kernels, PointerArgs][] = [
  ['linear_fwd_f32', 2],
  ['linear_bwd_f32', 4],
  ['relu_fwd_f32', 2],
  ['relu_bwd_f32', 4],
  ['leaky_relu_fwd_f32', 2],
  ['leaky_relu_bwd_f32', 4],
  ['hard_tanh_fwd_f32', 2],
  ['hard_tanh_bwd_f32', 4],
  ['abs_fwd_f32', 2],
  ['abs_bwd_f32', 4],
];
