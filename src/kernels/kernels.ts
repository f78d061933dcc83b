/**
 * The kernel contract: every export of `assembly/index.ts` and every function of the pure-TypeScript
 * backend (`src/kernels/js/`) has exactly this signature, so the wasm backend *is* the typed exports
 * object and the js backend is its reference twin.
 *
 * Conventions (see DESIGN.md):
 * - Pointers are byte offsets into the backend's heap (`Heap.memory`); f32 and i32 arrays only.
 *   Buffers handed out by `Heap.alloc` start 64-byte aligned; kernels must not assume anything about
 *   the alignment of rows inside a buffer (row widths are arbitrary), so vector loads are unaligned.
 * - Row-major everywhere. Sizes are i32 element counts, scalars are f32.
 * - Kernels never allocate and own no memory: scratch space (GEMM packing) is passed in as `ws`,
 *   at least `GEMM_WS_BYTES` bytes.
 * - Outputs are written to an explicit pointer; unless stated, the output may not alias an input.
 */
export interface Kernels {
  // ---------------------------------------------------------------- gemm.ts, gemm-slices.ts
  /**
   * C[m×n] = A[m×k] · B[k×n] + bias + beta·C.  `bias` is a pointer to n floats broadcast over rows,
   * or 0 for none; `beta` is 0 (overwrite, C's old content ignored, even NaN) or 1 (accumulate);
   * any other beta scales C. k = 0 gives bias + beta·C. C must not overlap A, B, bias or ws.
   * Dense forward: Z = X·W + b.
   */
  gemm_nn_f32(a: number, b: number, c: number, m: number, n: number, k: number, bias: number, beta: number, ws: number): void;
  /**
   * C[m×n] = Aᵀ · B + beta·C with A stored [k×m] and B stored [k×n]; beta and aliasing as in
   * gemm_nn_f32. The transpose costs nothing extra (absorbed in packing).
   * Dense weight gradient: dW[in×out] = Xᵀ[in×batch] · dZ[batch×out].
   */
  gemm_tn_f32(a: number, b: number, c: number, m: number, n: number, k: number, beta: number, ws: number): void;
  /**
   * gemm_tn_f32 with A's row length given: A(p,i) at a + 4·(p·lda + i), lda ≥ m. A row slice
   * C[i0:i1,:] is gemm_tn_ld_f32(a + 4·i0, b, c + 4·i0·n, i1 − i0, n, k, m, beta, ws), computed
   * element for element exactly as the whole call when both have more than 4 rows (the thread pool
   * splits dW this way).
   */
  gemm_tn_ld_f32(a: number, b: number, c: number, m: number, n: number, k: number, lda: number, beta: number, ws: number): void;
  /**
   * Columns j0 ≤ j < j1 of gemm_nn_f32(a, b, c, m, n, k, bias, beta, ws): C[:, j0:j1] = A·B[:, j0:j1]
   * + bias[j0:j1] + beta·C[:, j0:j1], no other column of C touched. Computed element for element
   * exactly as the whole call when m > 4, n > 12, j0 is a multiple of 8 and j1 one too or n (the
   * thread pool splits Z = X·W by columns this way, so each thread reads only its columns of W).
   */
  gemm_nn_cols_f32(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    bias: number,
    beta: number,
    ws: number,
    j0: number,
    j1: number,
  ): void;
  /**
   * Columns j0 ≤ j < j1 of gemm_nt_f32: C[:, j0:j1] = A·B[j0:j1, :]ᵀ + beta·C[:, j0:j1] (rows j0..j1
   * of the stored [n×k] B); exact as gemm_nn_cols_f32 (the pool splits dX = dZ·Wᵀ this way).
   */
  gemm_nt_cols_f32(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    beta: number,
    ws: number,
    j0: number,
    j1: number,
  ): void;
  /**
   * C[m×n] = A · Bᵀ + beta·C with A stored [m×k] and B stored [n×k]; beta and aliasing as in
   * gemm_nn_f32. The transpose costs nothing extra (absorbed in packing).
   * Dense input delta: dX[batch×in] = dZ[batch×out] · Wᵀ (W stored [in×out]).
   */
  gemm_nt_f32(a: number, b: number, c: number, m: number, n: number, k: number, beta: number, ws: number): void;

  /**
   * The k-slices q0 ≤ q < q1 of gemm_nn_f32(a, b, c, m, n, k, bias, beta, ws) on its packed path
   * (m > 4, n > 12, k > 0; slices as gemmKSlices(k)). sep = 0: into C as the whole call does (q0 = 0
   * with bias and beta, later slices accumulate). sep ≠ 0 (q0 ≥ 1): slice q's product alone into the
   * [m×n] buffer at sep + 4·(q − q0)·m·n, C untouched; gemm_ksum_f32 adds them to C in order. Then
   * every element of C is the whole call's, bit for bit (the thread pool splits Z = X·W by slices
   * of k, i.e. by rows of W: the rows whose range the same thread's share of the update writes).
   */
  gemm_nn_kslices_f32(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    bias: number,
    beta: number,
    ws: number,
    q0: number,
    q1: number,
    sep: number,
  ): void;
  /** c[i] = (…((c[i] + s[i]) + s[stride + i]) + …) + s[(parts − 1)·stride + i] for i < n (f32 adds, in order). */
  gemm_ksum_f32(c: number, s: number, n: number, parts: number, stride: number): void;
  // ---------------------------------------------------------------- gemv.ts
  /**
   * One row times a matrix: y[n] = x[k] · W[k×n] + b, W row-major, `b` a pointer to n floats or 0
   * for none. y is fully overwritten (never read); k = 0 gives y = b. y must not overlap x, W or b.
   * Needs no `ws`. Dense forward of a single row (predictOne): z = x·W + b.
   */
  gemv_row_f32(x: number, w: number, b: number, y: number, k: number, n: number): void;

  // ---------------------------------------------------------------- activations.ts
  // Elementwise over n floats. fwd: a = f(z). bwd: dz = da ⊙ f'(z) (may use z or a, whichever is
  // cheaper and exact). `alpha` is the activation's parameter where it has one, ignored otherwise.
  // dz may alias da.
  linear_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  linear_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  relu_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  relu_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  sigmoid_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  sigmoid_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  tanh_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  tanh_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /** Leaky ReLU: a = z > 0 ? z : alpha·z.  f'(z) = z > 0 ? 1 : alpha. */
  leaky_relu_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  leaky_relu_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /** ELU: a = z > 0 ? z : alpha·(e^z − 1).  f'(z) = z > 0 ? 1 : alpha·e^z = a + alpha (reads z and a). */
  elu_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  elu_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /** Softplus: a = log(1 + e^z) = max(z, 0) + log1p(e^−|z|) (stable).  f'(z) = σ(z) (reads z). */
  softplus_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  softplus_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /** Hard tanh: a = clamp(z, −1, 1).  f'(z) = [−1 < z < 1] (0 at ±1). */
  hard_tanh_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  hard_tanh_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /** Absolute value: a = |z|.  f'(z) = sgn z (0 at 0). */
  abs_fwd_f32(z: number, a: number, n: number, alpha: number): void;
  abs_bwd_f32(z: number, a: number, da: number, dz: number, n: number, alpha: number): void;
  /**
   * Parametric ReLU, one learned slope per unit: a[r,j] = z[r,j] > 0 ? z[r,j] : slope[j]·z[r,j].
   * z, a [rows × cols]; slope [cols].
   */
  prelu_fwd_f32(z: number, slope: number, a: number, rows: number, cols: number): void;
  /**
   * PReLU backward: dz[r,j] = da[r,j]·(z > 0 ? 1 : slope[j]) (dz may alias da) and the slope
   * gradient dslope[j] = Σ_r da[r,j]·min(z[r,j], 0) + beta·dslope[j] (beta 0 ignores old content, or 1).
   */
  prelu_bwd_f32(z: number, slope: number, da: number, dz: number, dslope: number, rows: number, cols: number, beta: number): void;

  // ---------------------------------------------------------------- maxout.ts
  /**
   * Maxout, k pieces per unit, unit-major layout: z [rows × units·k] with piece p of unit u at
   * column u·k + p. a[r,u] = max_p z[r, u·k + p]; idx (i32 [rows × units]) = the first winning p.
   */
  maxout_fwd_f32(z: number, a: number, idx: number, rows: number, units: number, k: number): void;
  /** Maxout backward: dz[r, u·k + p] = p == idx[r,u] ? da[r,u] : 0 (dz [rows × units·k] fully written). */
  maxout_bwd_f32(da: number, idx: number, dz: number, rows: number, units: number, k: number): void;

  // ---------------------------------------------------------------- softmax.ts
  /** a[r,:] = exp(z[r,:] − max_j z[r,j]) / Σ_j exp(z[r,j] − max). Rows of `cols` floats. */
  softmax_rows_f32(z: number, a: number, rows: number, cols: number): void;
  /** Softmax Jacobian-vector product per row: dz_i = a_i·(da_i − Σ_j da_j·a_j). */
  softmax_bwd_rows_f32(a: number, da: number, dz: number, rows: number, cols: number): void;
  /**
   * Softmax fused with categorical cross-entropy. Writes a = softmax(z) and dz = scale·(a − y);
   * returns Σ_rows −Σ_j y_j·log a_j computed stably as Σ_j y_j·(logΣexp(z) − z_j).
   */
  softmax_xent_rows_f32(z: number, y: number, a: number, dz: number, rows: number, cols: number, scale: number): number;

  // ---------------------------------------------------------------- losses.ts
  /** Squared error: returns Σ_i (a_i − y_i)², writes da_i = scale·(a_i − y_i). */
  sqerr_f32(a: number, y: number, da: number, n: number, scale: number): number;
  /**
   * Binary cross-entropy fused with the sigmoid, from logits: writes a = σ(z), dz = scale·(a − y);
   * returns Σ_i max(z, 0) − z·y + log1p(e^−|z|) (= −Σ y·log a + (1 − y)·log(1 − a), stable).
   */
  bce_logits_f32(z: number, y: number, a: number, dz: number, n: number, scale: number): number;
  /**
   * Binary cross-entropy on probabilities: ā = clamp(a, eps, 1 − eps); returns
   * −Σ y·log ā + (1 − y)·log(1 − ā); writes da = scale·(ā − y)/(ā·(1 − ā)). eps ≥ 1.2e−38 (use 1e−7).
   */
  bce_f32(a: number, y: number, da: number, n: number, scale: number, eps: number): number;
  /** Binary hinge, y ∈ {−1, +1}: returns Σ max(0, 1 − y·a); writes da = y·a < 1 ? −scale·y : 0. */
  hinge_f32(a: number, y: number, da: number, n: number, scale: number): number;
  /**
   * Multi-class hinge (Crammer–Singer), one-hot y, t = argmax y per row: returns
   * Σ_rows max(0, 1 + max_{j≠t} a_j − a_t); where positive, da_t = −scale and da_{j*} = +scale for the
   * first strongest wrong class j*, all other da 0.
   */
  hinge_multi_rows_f32(a: number, y: number, da: number, rows: number, cols: number, scale: number): number;
  /**
   * Weight-decay penalty of one tensor: returns l1·Σ|w_i| + (l2/2)·Σw_i² over n floats (pass
   * l1 = λ₁/n, l2 = λ₂/n for the course's (λ₁/n)Σ|w| + (λ₂/2n)Σw²). Reads w only.
   */
  l1l2_penalty_f32(w: number, n: number, l1: number, l2: number): number;

  // ---------------------------------------------------------------- reduce.ts
  /** Column sums: out[j] = Σ_r x[r,j] + beta·out[j] (beta 0 or 1). Dense bias gradient db = Σ_rows dZ. */
  colsum_f32(x: number, out: number, rows: number, cols: number, beta: number): void;
  /** dst[r,:] = src[idx[r],:] for r < count; idx is an i32 array. Batch assembly from shuffled rows. */
  gather_rows_f32(src: number, idx: number, dst: number, count: number, cols: number): void;
  /** out[r] = argmax_j x[r,j] (first maximum), out is i32. */
  argmax_rows_f32(x: number, out: number, rows: number, cols: number): void;
  /** Number of rows where argmax a[r,:] == argmax y[r,:] (first maximum on both sides). */
  count_correct_f32(a: number, y: number, rows: number, cols: number): number;
  /** Returns the index of the first element that is NaN or ±Infinity, or −1 if all are finite. */
  find_nonfinite_f32(x: number, n: number): number;
  /** Single-output binary accuracy: the number of i < n with (a_i > 0.5) == (y_i > 0.5). */
  count_correct_binary_f32(a: number, y: number, n: number): number;
  /** FNV-1a (32-bit, unsigned result) of the n bytes at p, continued from h (offset basis 0x811c9dc5). */
  fnv1a_u8(h: number, p: number, n: number): number;

  // ---------------------------------------------------------------- optimizers.ts
  /**
   * SGD with momentum and L2 weight decay, fused:
   *   v ← momentum·v − lr·(g + l2·w);   w ← w + v.
   * With momentum = 0 this is plain SGD (v holds the last step).
   */
  sgd_f32(w: number, g: number, v: number, n: number, lr: number, momentum: number, l2: number): void;
  /**
   * SGD with momentum and L1 + L2 weight decay (sgn 0 = 0):
   *   v ← momentum·v − lr·(g + l2·w + l1·sgn w);   w ← w + v.
   */
  sgd_l1l2_f32(w: number, g: number, v: number, n: number, lr: number, momentum: number, l1: number, l2: number): void;
  /**
   * Nesterov momentum (Sutskever 2013 / Keras form), ĝ = g + l2·w + l1·sgn w:
   *   v ← momentum·v − lr·ĝ;   w ← w + momentum·v − lr·ĝ.
   */
  nesterov_f32(w: number, g: number, v: number, n: number, lr: number, momentum: number, l1: number, l2: number): void;
  /**
   * Adam, bias-corrected, ĝ = g + l2·w + l1·sgn w:  m ← β₁m + (1 − β₁)ĝ;  v ← β₂v + (1 − β₂)ĝ²;
   * w ← w − lr·(c1·m)/(√(c2·v) + eps), with c1 = 1/(1 − β₁ᵗ), c2 = 1/(1 − β₂ᵗ) for step t ≥ 1.
   */
  adam_f32(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
    l1: number,
    l2: number,
  ): void;

  // ---------------------------------------------------------------- dropout.ts
  /**
   * Inverted dropout with a counter-based mask: element i is dropped iff
   * (lowbias32(i·0x9E3779B9 + fmix32(seed)) >>> 8) < trunc(rate·2²⁴); mask_i = kept ? 1/(1 − rate) : 0
   * (f32), y = x·mask. Identical masks in wasm and js for the same seed. rate ∈ [0, 1); seed any
   * 32-bit integer (derive a fresh one per step). y may alias x.
   */
  dropout_fwd_f32(x: number, mask: number, y: number, n: number, rate: number, seed: number): void;
  /** Dropout forward with a given f32 mask: y = x·mask (y may alias x). */
  dropout_mask_fwd_f32(x: number, mask: number, y: number, n: number): void;
  /** Dropout backward: dx = dy·mask (dx may alias dy). */
  dropout_bwd_f32(dy: number, mask: number, dx: number, n: number): void;

  // ---------------------------------------------------------------- cholesky.ts, syrk.ts, vector.ts
  // Second-order training (Newton / Levenberg–Marquardt / Hessian-free). Matrices are n×n f32,
  // row-major, contiguous (leading dimension n); vectors are n f32.
  /**
   * In-place lower Cholesky factorization (A + shift·I) = L·Lᵀ. A is symmetric; only its lower
   * triangle (incl. diagonal) is read, the strict upper triangle is used as scratch.
   * Returns 0 on success: `a` then holds L (lower triangle, positive diagonal) with the strict upper
   * triangle zeroed. Returns j+1 for the first pivot j where a_jj + shift − Σ_{k<j} L_jk² is ≤ 0,
   * NaN or ±∞ (not numerically positive definite, or a non-finite entry): the content of `a` is then
   * unspecified (partly factored) and must be restored before a retry with a larger shift.
   * `ws`: 0 / omitted, or scratch of ≥ CHOLESKY_WS_PER_ROW·n bytes (not overlapping `a`; the backend's
   * GEMM `ws` covers n ≤ 5461) used to pack the trailing updates — same result, 1.2–1.7× faster
   * at n ≥ 1000. wasm: blocked right-looking, f32 accumulation; js: unblocked, f64 accumulation.
   */
  cholesky_f32(a: number, n: number, shift: number, ws?: number): number;
  /**
   * One step of cholesky_f32 driven from outside (the threaded table splits the trailing updates):
   * factors the column block [K0, min(K0 + CHOLESKY_BLOCK, n)) in place (its diagonal block and the
   * panel below it), assuming the blocks before were factored and their trailing updates done; after
   * the last block it zeroes the strict upper triangle. Returns 0 or j+1 as cholesky_f32. wasm:
   * for K0 = 0, CHOLESKY_BLOCK, … < n, cholesky_block_f32 then cholesky_update_rows_f32 over row
   * ranges covering [K0 + CHOLESKY_BLOCK, n) equals cholesky_f32 bit for bit. K0 must be a
   * multiple of CHOLESKY_BLOCK below n.
   */
  cholesky_block_f32(a: number, n: number, shift: number, k0: number): number;
  /**
   * Rows [r0, r1) of the trailing update after cholesky_block_f32(a, n, shift, k0), with
   * k1 = k0 + CHOLESKY_BLOCK: A[r][c] −= Σ_{k0≤k<k1} L[r][k]·L[c][k] for k1 ≤ c ≤ r, r0 ≤ r < r1; no
   * other row is written. r0 a multiple of 4 (≥ k1), r1 a multiple of 4 or n. wasm: each element
   * exactly as in cholesky_f32. `ws` as cholesky_f32's (0, or CHOLESKY_WS_PER_ROW·n bytes).
   */
  cholesky_update_rows_f32(a: number, n: number, k0: number, ws: number, r0: number, r1: number): void;
  /**
   * The column block driven panel by panel (the threaded table splits each panel's solve and update
   * by rows): factors the diagonal block of the panel [k0, k1), k1 = min(k0 + CHOLESKY_PANEL, the
   * block's end), k0 a multiple of CHOLESKY_PANEL, the panels before done. Returns 0 or j+1 as
   * cholesky_f32. wasm: for a block [K0, K1) with K1 < n, cholesky_block_f32 equals, bit for bit,
   * for each of its panels: cholesky_diag_f32, cholesky_solve_rows_f32 over row ranges covering
   * [k1, n), then (k1 < K1) cholesky_inner_rows_f32 over row ranges covering [k1, n).
   */
  cholesky_diag_f32(a: number, n: number, shift: number, k0: number): number;
  /**
   * Rows [r0, r1) of [k1, n) of the panel solve after cholesky_diag_f32 (k0): L[r][m] for k0 ≤ m < k1,
   * no other row of L written. r0 − k1 a multiple of 32, r1 − k1 one or r1 = n. wasm: each row as in
   * cholesky_f32 (ranges may run at once).
   */
  cholesky_solve_rows_f32(a: number, n: number, k0: number, r0: number, r1: number): void;
  /**
   * Rows [r0, r1) of [k1, n) of the update inside the column block after the panel [k0, k1) (all its
   * rows solved): A[r][c] −= Σ_{k0≤k<k1} L[r][k]·L[c][k] for k1 ≤ c < the block's end, c ≤ r. r0 − k1
   * a multiple of 4, r1 − k1 one or r1 = n; the panel is not the block's last.
   */
  cholesky_inner_rows_f32(a: number, n: number, k0: number, r0: number, r1: number): void;
  /** Forward substitution in place: L·y = x, x ← y. Reads only the lower triangle of L [n×n]. */
  trsv_lower_f32(l: number, x: number, n: number): void;
  /** Back substitution in place: Lᵀ·z = x, x ← z. Reads only the lower triangle of L [n×n]. */
  trsv_lower_t_f32(l: number, x: number, n: number): void;
  /** Solves L·Lᵀ·z = x in place (trsv_lower_f32 then trsv_lower_t_f32) with L from cholesky_f32. */
  cholesky_solve_f32(l: number, x: number, n: number): void;
  /**
   * Gauss–Newton accumulation H[p×p] = beta·H + Jᵀ·J with J stored [rows×p] row-major. Computes
   * and writes the lower triangle of H (incl. diagonal) only; the strict upper triangle is neither
   * read nor written. beta = 0 overwrites (old H ignored, even NaN), beta = 1 accumulates sample
   * block by sample block. J and H must not overlap. `ws`: 0 / omitted, or scratch of
   * ≥ SYRK_WS_PER_COL·p bytes (not overlapping J or H; the GEMM `ws` covers p ≤ 2048) to pack J —
   * about 2× faster at p ≥ 2048.
   */
  syrk_acc_f32(j: number, h: number, rows: number, p: number, beta: number, ws?: number): void;
  /**
   * Rows [r0, r1) of syrk_acc_f32's H (the lower triangle's H[r][c], r0 ≤ r < r1, c ≤ r), each
   * element computed exactly as by the whole call: calls on ranges covering [0, p) give the whole
   * call's H bit for bit, and rows outside the range are neither read nor written (the threaded
   * table computes ranges on different threads, each with its own `ws`). r0 must be a multiple of
   * 4 and r1 a multiple of 4 or p (0 ≤ r0 ≤ r1 ≤ p). Other arguments as syrk_acc_f32.
   */
  syrk_acc_rows_f32(j: number, h: number, rows: number, p: number, beta: number, ws: number, r0: number, r1: number): void;
  /** Returns Σ_i x_i·y_i, products and sum in f64, rounded to f32 once. */
  dot_f32(x: number, y: number, n: number): number;
  /** y ← y + alpha·x over n floats. */
  axpy_f32(alpha: number, x: number, y: number, n: number): void;
  /** x ← alpha·x over n floats. */
  scale_f32(x: number, alpha: number, n: number): void;
  /** dst ← src, n floats (overlap allowed, memmove semantics). */
  copy_f32(src: number, dst: number, n: number): void;
  /** A ← A + mu·I for A [n×n] (damping). */
  add_diag_f32(a: number, n: number, mu: number): void;

  // ---------------------------------------------------------------- curvature.ts
  // Hessian- and Gauss–Newton-vector products (Pearlmutter's R-operator). R{·} is the directional
  // derivative along a parameter direction; elementwise kernels take n floats, row kernels
  // [rows × cols]. Outputs may not alias inputs unless stated.
  /** Sigmoid f'' term of the backward R-pass: rdz += f''(z)⊙rz⊙da, f'' = a(1 − a)(1 − 2a). */
  sigmoid_d2_f32(z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number): void;
  /** Tanh f'' term: rdz += f''(z)⊙rz⊙da, f'' = −2a(1 − a)(1 + a). */
  tanh_d2_f32(z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number): void;
  /** Softplus f'' term: rdz += f''(z)⊙rz⊙da, f'' = σ(z)(1 − σ(z)). */
  softplus_d2_f32(z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number): void;
  /** ELU f'' term: rdz += f''(z)⊙rz⊙da, f'' = z > 0 ? 0 : a + alpha. */
  elu_d2_f32(z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number): void;
  /**
   * Softmax backward R-pass per row: R{dz}_j = R{a}_j·(da_j − s) + a_j·(R{da}_j − R{s}) with
   * s = aᵀda, R{s} = R{a}ᵀda + aᵀR{da}.
   */
  softmax_rbwd_rows_f32(a: number, ra: number, da: number, rda: number, rdz: number, rows: number, cols: number): void;
  /** Softmax + cross-entropy loss Hessian (logits) times u, per row: out = scale·(a⊙u − a·(aᵀu)). out may alias u. */
  softmax_xent_hvp_rows_f32(a: number, u: number, out: number, rows: number, cols: number, scale: number): void;
  /** Sigmoid + binary cross-entropy loss Hessian (logits) times u: out = scale·a(1 − a)⊙u. out may alias u. */
  sigmoid_bce_hvp_f32(a: number, u: number, out: number, n: number, scale: number): void;
  /** Squared-error loss Hessian (outputs) times u: out = scale·u. out may alias u. */
  mse_hvp_f32(u: number, out: number, n: number, scale: number): void;
  /**
   * Per-sample Jacobian rows of a dense layer: J[r, i·nout + o] = x[r,i]·d[r,o] and, when bias ≠ 0,
   * J[r, nin·nout + o] = d[r,o]; x [rows × nin], d [rows × nout], rows of J `ldj` floats apart.
   */
  jacobian_dense_rows_f32(x: number, d: number, j: number, rows: number, nin: number, nout: number, ldj: number, bias: number): void;
}

/**
 * Every kernel name, listed once: the wasm exports are checked against it at load time (and exactly,
 * no missing and no extra, by test/kernels/loader.test.ts on every build), the js twin at compile
 * time (js/index.ts), and the `Kernels` interface below at compile time (KernelNamesMatchContract).
 */
export const KERNEL_NAMES = [
  'gemm_nn_f32',
  'gemm_tn_f32',
  'gemm_tn_ld_f32',
  'gemm_nt_f32',
  'gemv_row_f32',
  'linear_fwd_f32',
  'linear_bwd_f32',
  'relu_fwd_f32',
  'relu_bwd_f32',
  'sigmoid_fwd_f32',
  'sigmoid_bwd_f32',
  'tanh_fwd_f32',
  'tanh_bwd_f32',
  'softmax_rows_f32',
  'softmax_bwd_rows_f32',
  'softmax_xent_rows_f32',
  'sqerr_f32',
  'colsum_f32',
  'gather_rows_f32',
  'argmax_rows_f32',
  'count_correct_f32',
  'find_nonfinite_f32',
  'sgd_f32',
  'leaky_relu_fwd_f32',
  'leaky_relu_bwd_f32',
  'elu_fwd_f32',
  'elu_bwd_f32',
  'softplus_fwd_f32',
  'softplus_bwd_f32',
  'hard_tanh_fwd_f32',
  'hard_tanh_bwd_f32',
  'abs_fwd_f32',
  'abs_bwd_f32',
  'prelu_fwd_f32',
  'prelu_bwd_f32',
  'maxout_fwd_f32',
  'maxout_bwd_f32',
  'bce_logits_f32',
  'bce_f32',
  'hinge_f32',
  'hinge_multi_rows_f32',
  'l1l2_penalty_f32',
  'count_correct_binary_f32',
  'fnv1a_u8',
  'sgd_l1l2_f32',
  'nesterov_f32',
  'adam_f32',
  'dropout_fwd_f32',
  'dropout_mask_fwd_f32',
  'dropout_bwd_f32',
  'cholesky_f32',
  'cholesky_block_f32',
  'cholesky_update_rows_f32',
  'cholesky_diag_f32',
  'cholesky_solve_rows_f32',
  'cholesky_inner_rows_f32',
  'trsv_lower_f32',
  'trsv_lower_t_f32',
  'cholesky_solve_f32',
  'syrk_acc_f32',
  'syrk_acc_rows_f32',
  'dot_f32',
  'axpy_f32',
  'scale_f32',
  'copy_f32',
  'add_diag_f32',
  'sigmoid_d2_f32',
  'tanh_d2_f32',
  'softplus_d2_f32',
  'elu_d2_f32',
  'softmax_rbwd_rows_f32',
  'softmax_xent_hvp_rows_f32',
  'sigmoid_bce_hvp_f32',
  'mse_hvp_f32',
  'jacobian_dense_rows_f32',
  'gemm_nn_cols_f32',
  'gemm_nt_cols_f32',
  'gemm_nn_kslices_f32',
  'gemm_ksum_f32',
] as const satisfies readonly (keyof Kernels)[];

/** One kernel's name. */
export type KernelName = (typeof KERNEL_NAMES)[number];

/**
 * The kernels a forward pass runs (predict, predictOne, evaluate's forward) and a direct model
 * load hashes with: the dense products through each of their paths, the activations' forward
 * kernels, softmax, maxout, argmax, the NaN scan, copy and FNV-1a. Exactly the exports of the
 * inference-only builds (assembly/infer.ts → simdnn-infer.wasm, simdnn-infer-relaxed.wasm).
 */
export const INFERENCE_KERNEL_NAMES = [
  'gemm_nn_f32',
  'gemv_row_f32',
  'linear_fwd_f32',
  'relu_fwd_f32',
  'sigmoid_fwd_f32',
  'tanh_fwd_f32',
  'leaky_relu_fwd_f32',
  'elu_fwd_f32',
  'softplus_fwd_f32',
  'hard_tanh_fwd_f32',
  'abs_fwd_f32',
  'prelu_fwd_f32',
  'maxout_fwd_f32',
  'softmax_rows_f32',
  'argmax_rows_f32',
  'find_nonfinite_f32',
  'copy_f32',
  'fnv1a_u8',
] as const satisfies readonly KernelName[];

/** `true` when A and B are the same union (used for compile-time checks). */
export type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time check: KERNEL_NAMES and the `Kernels` interface name exactly the same kernels. */
export type KernelNamesMatchContract = AssertTrue<SameKeys<KernelName, keyof Kernels>>;
/** Fails to compile unless T is `true`. */
export type AssertTrue<T extends true> = T;
/** `true` when no member of the tuple T occurs twice. */
export type NoDuplicates<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? [H] extends [R[number]]
    ? false
    : NoDuplicates<R>
  : true;
/** Compile-time check: each kernel is listed once in KERNEL_NAMES. */
export type KernelNamesListedOnce = AssertTrue<NoDuplicates<typeof KERNEL_NAMES>>;

/** Bytes of scratch the GEMM kernels may use at `ws` (packed A and B panels). */
export const GEMM_WS_BYTES = 4 << 20;
/** The column block of cholesky_f32 (NB2 in assembly/linalg-blocking.ts): the step of cholesky_block_f32. */
export const CHOLESKY_BLOCK = 96;
/** The panel of cholesky_f32 inside a column block (NB in assembly/linalg-blocking.ts): the step of cholesky_diag_f32. */
export const CHOLESKY_PANEL = 48;
/** Bytes of `ws` cholesky_f32 may use per matrix row (8·NB2 with column block NB2 = 96). */
export const CHOLESKY_WS_PER_ROW = 768;
/** Bytes of `ws` syrk_acc_f32 may use per column of J (8·KC with KC = 256 rows per pass). */
export const SYRK_WS_PER_COL = 2048;
