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
  // ---------------------------------------------------------------- gemm.ts
  /**
   * C[m×n] = A[m×k] · B[k×n] + bias + beta·C.  `bias` is a pointer to n floats broadcast over rows,
   * or 0 for none; `beta` is 0 (overwrite, C's old content ignored, even NaN) or 1 (accumulate).
   * Dense forward: Z = X·W + b.
   */
  gemm_nn_f32(a: number, b: number, c: number, m: number, n: number, k: number, bias: number, beta: number, ws: number): void;
  /**
   * C[m×n] = Aᵀ · B + beta·C with A stored [k×m] and B stored [k×n].
   * Dense weight gradient: dW[in×out] = Xᵀ[in×batch] · dZ[batch×out].
   */
  gemm_tn_f32(a: number, b: number, c: number, m: number, n: number, k: number, beta: number, ws: number): void;
  /**
   * C[m×n] = A · Bᵀ + beta·C with A stored [m×k] and B stored [n×k].
   * Dense input delta: dX[batch×in] = dZ[batch×out] · Wᵀ (W stored [in×out]).
   */
  gemm_nt_f32(a: number, b: number, c: number, m: number, n: number, k: number, beta: number, ws: number): void;

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

  // ---------------------------------------------------------------- optimizers.ts
  /**
   * SGD with momentum and L2 weight decay, fused:
   *   v ← momentum·v − lr·(g + l2·w);   w ← w + v.
   * With momentum = 0 this is plain SGD (v holds the last step).
   */
  sgd_f32(w: number, g: number, v: number, n: number, lr: number, momentum: number, l2: number): void;
}

/** Names of every kernel, checked against the wasm exports at load time. */
export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  'gemm_nn_f32', 'gemm_tn_f32', 'gemm_nt_f32',
  'linear_fwd_f32', 'linear_bwd_f32', 'relu_fwd_f32', 'relu_bwd_f32',
  'sigmoid_fwd_f32', 'sigmoid_bwd_f32', 'tanh_fwd_f32', 'tanh_bwd_f32',
  'softmax_rows_f32', 'softmax_bwd_rows_f32', 'softmax_xent_rows_f32',
  'sqerr_f32',
  'colsum_f32', 'gather_rows_f32', 'argmax_rows_f32', 'count_correct_f32', 'find_nonfinite_f32',
  'sgd_f32',
];

/** Bytes of scratch the GEMM kernels may use at `ws` (packed A and B panels). */
export const GEMM_WS_BYTES = 4 << 20;
