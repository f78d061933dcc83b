/**
 * Starting the thread pool: loaded with `await import()` by threads.ts only when init asks for
 * threads > 1, so that the pool, its worker source and the threaded kernels stay out of a
 * single-threaded page's first download.
 */
import type { Heap } from './heap.js';
import { GEMM_WS_BYTES, type KernelName, type Kernels } from './kernels.js';
import { KERNEL_INDEX, Pool } from './pool.js';
import {
  deriveThresholds,
  measureRoundTrip,
  measureThresholds,
  RECHECK_ABOVE_US,
  RECHECK_MS,
  SCRATCH_BYTES,
  type SplitThresholds,
} from './split-thresholds.js';
import { threadedKernels } from './threaded.js';

/** The threaded part of a backend: the kernel table, the pool to dispose and the measured thresholds. */
export interface Threading {
  k: Kernels;
  pool: Pool;
  thresholds: SplitThresholds;
}

/** Calls of each split kernel every worker makes at start (V8 tiers a function up after a few calls). */
const WARM_REPS = 4;

/**
 * The kernels a training step most often posts to workers (GEMMs, the gather, the optimizer updates,
 * the common activations), warmed on every worker at start; the others compile on first use.
 */
const WORKER_KERNELS: readonly KernelName[] = [
  'gemm_nn_f32',
  'gemm_nt_f32',
  'gemm_tn_ld_f32',
  'gemm_nn_cols_f32',
  'gemm_nt_cols_f32',
  'gemm_nn_kslices_f32',
  'gemm_ksum_f32',
  'gather_rows_f32',
  'sgd_f32',
  'sgd_l1l2_f32',
  'nesterov_f32',
  'adam_f32',
  'relu_fwd_f32',
  'relu_bwd_f32',
  'sigmoid_fwd_f32',
  'sigmoid_bwd_f32',
  'tanh_fwd_f32',
  'tanh_bwd_f32',
];

/**
 * Runs the kernels workers are sent on tiny inputs on every worker (each with its own buffers in
 * `scratch`), so that the first training steps do not run them in the baseline compiler, and the
 * workers' dispatch loop is compiled too.
 */
function warmWorkers(pool: Pool, ws: readonly number[], scratch: number, bytesEach: number): void {
  const n = 16;
  for (let rep = 0; rep < WARM_REPS; rep++) {
    for (const name of WORKER_KERNELS) {
      const id = KERNEL_INDEX[name];
      for (let w = 0; w < pool.count; w++) {
        // Four buffers of 16×16 floats, all zero: a, b, c, d.
        const s = scratch + w * bytesEach;
        const [a, b, c, d] = [0, 1, 2, 3].map((i) => s + i * 4 * n * n) as [number, number, number, number];
        if (name === 'gemm_nn_f32') pool.post(w, id, a, b, c, n, n, n, 0, 0, ws[w]!);
        else if (name === 'gemm_nt_f32') pool.post(w, id, a, b, c, n, n, n, 0, ws[w]!);
        else if (name === 'gemm_tn_ld_f32') pool.post(w, id, a, b, c, n, n, n, n, 0, ws[w]!);
        // Column slices [8, 16) of the 16×16×16 products (the packed path, as in training).
        else if (name === 'gemm_nn_cols_f32') pool.post(w, id, a, b, c, n, n, n, 0, 0, ws[w]!, 8, n);
        else if (name === 'gemm_nt_cols_f32') pool.post(w, id, a, b, c, n, n, n, 0, ws[w]!, 8, n);
        // The one k-slice of the 16×16×16 product; C += D (one part).
        else if (name === 'gemm_nn_kslices_f32') pool.post(w, id, a, b, c, n, n, n, 0, 0, ws[w]!, 0, 1, 0);
        else if (name === 'gemm_ksum_f32') pool.post(w, id, c, d, n * n, 1, n * n);
        // gather: the index vector (a) is zeros, so every row copies row 0 of b.
        else if (name === 'gather_rows_f32') pool.post(w, id, b, a, c, n, n);
        else if (name === 'adam_f32') pool.post(w, id, a, b, c, d, n * n, 0, 0.9, 0.999, 1e-7, 1, 1, 0, 0);
        else if (name.endsWith('_bwd_f32')) pool.post(w, id, a, b, c, d, n * n, 0);
        else if (name.endsWith('_fwd_f32')) pool.post(w, id, a, b, n * n, 0);
        else pool.post(w, id, a, b, c, n * n, 0, 0, 0, 0);
      }
      for (let w = 0; w < pool.count; w++) pool.wait(w);
    }
  }
}

/**
 * Measures the round trip again RECHECK_MS[i] after pool start while it was above RECHECK_ABOVE_US,
 * and lowers the thresholds (in place: the threaded table reads them at each call) if it is now
 * faster. The timer never keeps a Node process alive; a disposed pool is left alone.
 */
function recheck(pool: Pool, t: SplitThresholds, i: number): void {
  if (t.roundTripUs <= RECHECK_ABOVE_US || i >= RECHECK_MS.length) return;
  const timer = setTimeout(
    () => {
      if (pool.disposed) return;
      void measureRoundTrip(pool).then(
        (us) => {
          if (us < t.roundTripUs) deriveThresholds(t, us);
          recheck(pool, t, i + 1);
        },
        () => {},
      );
    },
    RECHECK_MS[i]! - (i > 0 ? RECHECK_MS[i - 1]! : 0),
  );
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Starts threads − 1 workers on `module` over the heap's shared memory, each with its own GEMM
 * workspace in the heap, warms them up, measures the split thresholds, and returns the threaded
 * kernel table over `base`. `ws` is the calling thread's GEMM workspace.
 */
export async function startPool(module: WebAssembly.Module, heap: Heap, base: Kernels, threads: number, ws: number): Promise<Threading> {
  const pool = await Pool.start(module, heap.memory, threads - 1);
  const wsOf: number[] = [];
  for (let w = 0; w < pool.count; w++) wsOf.push(heap.alloc(GEMM_WS_BYTES));
  const bytesEach = 4 * 4 * 16 * 16;
  const scratch = heap.alloc(Math.max(SCRATCH_BYTES, pool.count * bytesEach));
  try {
    warmWorkers(pool, wsOf, scratch, bytesEach);
    const thresholds = await measureThresholds(base, pool, ws, scratch);
    recheck(pool, thresholds, 0);
    return { k: threadedKernels(base, pool, wsOf, thresholds), pool, thresholds };
  } catch (e) {
    void pool.dispose();
    throw e;
  } finally {
    heap.free(scratch);
  }
}
