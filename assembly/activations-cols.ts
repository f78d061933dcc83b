// Column blocks of the elementwise activations: rows × [j0, j1) of a [rows × cols] row-major matrix.
//
// The thread pool splits Z = X·W (and dX = dZ·Wᵀ) by columns when the layer is wider than the batch;
// running the activation that follows on the same column blocks keeps each core on the cache lines
// it has just written (split by ranges of the flat buffer, half of each core's input would come from
// the other core's cache). Each row segment goes through the whole-buffer kernel of
// assembly/activations.ts, whose vector code computes every lane alike (a tail through partial
// loads computes what the body would), so every element is bit for bit the whole call's.
//
//   act_cols_fwd_f32(kind, z, a, rows, cols, j0, j1, alpha):          a[r, j] = f(z[r, j])
//   act_cols_bwd_f32(kind, z, a, da, dz, rows, cols, j0, j1, alpha):  dz[r, j] = da[r, j] · f'(z[r, j])
// for 0 ≤ r < rows, j0 ≤ j < j1. `kind` numbers the activation as ACTIVATION_KINDS in
// src/kernels/kernels.ts does (0 linear … 8 abs); any other kind does nothing.
import {
  abs_bwd_f32,
  abs_fwd_f32,
  elu_bwd_f32,
  elu_fwd_f32,
  hard_tanh_bwd_f32,
  hard_tanh_fwd_f32,
  leaky_relu_bwd_f32,
  leaky_relu_fwd_f32,
  linear_bwd_f32,
  linear_fwd_f32,
  relu_bwd_f32,
  relu_fwd_f32,
  sigmoid_bwd_f32,
  sigmoid_fwd_f32,
  softplus_bwd_f32,
  softplus_fwd_f32,
  tanh_bwd_f32,
  tanh_fwd_f32,
} from './activations';

/** a = f(z) over n floats for activation `kind`. */
function fwdRange(kind: i32, z: usize, a: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case 0:
      linear_fwd_f32(z, a, n, alpha);
      break;
    case 1:
      relu_fwd_f32(z, a, n, alpha);
      break;
    case 2:
      sigmoid_fwd_f32(z, a, n, alpha);
      break;
    case 3:
      tanh_fwd_f32(z, a, n, alpha);
      break;
    case 4:
      leaky_relu_fwd_f32(z, a, n, alpha);
      break;
    case 5:
      elu_fwd_f32(z, a, n, alpha);
      break;
    case 6:
      softplus_fwd_f32(z, a, n, alpha);
      break;
    case 7:
      hard_tanh_fwd_f32(z, a, n, alpha);
      break;
    case 8:
      abs_fwd_f32(z, a, n, alpha);
      break;
    default:
      break;
  }
}

/** dz = da · f'(z) over n floats for activation `kind`. */
function bwdRange(kind: i32, z: usize, a: usize, da: usize, dz: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case 0:
      linear_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 1:
      relu_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 2:
      sigmoid_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 3:
      tanh_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 4:
      leaky_relu_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 5:
      elu_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 6:
      softplus_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 7:
      hard_tanh_bwd_f32(z, a, da, dz, n, alpha);
      break;
    case 8:
      abs_bwd_f32(z, a, da, dz, n, alpha);
      break;
    default:
      break;
  }
}

/**
 * a[r, j] = f(z[r, j]) for every row r < rows and column j0 ≤ j < j1 of [rows × cols] buffers; the
 * other columns are not touched. a may not alias z unless f is the identity.
 * Preconditions (asserted in the debug build only): rows ≥ 0, 0 ≤ j0 ≤ j1 ≤ cols.
 */
export function act_cols_fwd_f32(kind: i32, z: usize, a: usize, rows: i32, cols: i32, j0: i32, j1: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && j0 >= 0 && j0 <= j1 && j1 <= cols);
  const len = j1 - j0;
  if (len <= 0) return;
  const stride = <usize>cols << 2;
  let o = <usize>j0 << 2;
  for (let r = 0; r < rows; r++) {
    fwdRange(kind, z + o, a + o, len, alpha);
    o += stride;
  }
}

/**
 * dz[r, j] = da[r, j] · f'(z[r, j]) for every row r < rows and column j0 ≤ j < j1 of [rows × cols]
 * buffers (reading z and/or a as the activation's backward kernel does); dz may alias da.
 * Preconditions (asserted in the debug build only): rows ≥ 0, 0 ≤ j0 ≤ j1 ≤ cols.
 */
export function act_cols_bwd_f32(kind: i32, z: usize, a: usize, da: usize, dz: usize, rows: i32, cols: i32, j0: i32, j1: i32, alpha: f32): void {
  if (!ASC_NO_ASSERT) assert(rows >= 0 && j0 >= 0 && j0 <= j1 && j1 <= cols);
  const len = j1 - j0;
  if (len <= 0) return;
  const stride = <usize>cols << 2;
  let o = <usize>j0 << 2;
  for (let r = 0; r < rows; r++) {
    bwdRange(kind, z + o, a + o, da + o, dz + o, len, alpha);
    o += stride;
  }
}
