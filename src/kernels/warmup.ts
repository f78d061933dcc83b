import type { Backend, WarmUp } from './types.js';
import { INFERENCE_KERNEL_NAMES, KERNEL_NAMES, type KernelName } from './kernels.js';

/**
 * Warms the kernels up so that the engine has optimised them before the calls that matter (a wasm
 * function's first calls run in the baseline compiler, 4–8× slower for SIMD loops; PERF-NOTES).
 *
 * Levels (`init({ warmUp })`, default DEFAULT_WARM_UP):
 * - 'none': nothing; every kernel tiers up on its own after its first real calls.
 * - 'inference': the kernels a forward pass runs (INFERENCE_KERNEL_NAMES: the dense products through
 *   each of their paths, the activations' forward kernels, softmax, argmax, the NaN scan) — what
 *   predictOne / predict need, for a fast cold start (a few hundred µs, not the few ms of 'all').
 * - 'all': every kernel, as well as the GEMM layouts of the backward pass.
 * Training warms the rest lazily: the network calls `warmForTraining(b)` when it plans its first
 * training batch (a no-op once done), so the default keeps fit's first steps fast without making
 * every process that only predicts pay for it.
 *
 * How: each kernel REPS times on tiny inputs inside the reserved low memory — every argument is
 * 8: pointers land in the reserved first 64 KiB, sizes are 8, scalars are 8 — zeroed again
 * afterwards; then the products through their shape paths on real buffers with the real workspace.
 */
export function warmUp(b: Backend, asked: WarmUp): void {
  // A module with the forward kernels only (simdnn-infer.wasm) has nothing more to warm.
  const level: WarmUp = asked === 'all' && b.kernels === 'inference' ? 'inference' : asked;
  if (!chosen.has(b)) chosen.set(b, level);
  const done = warmed.get(b) ?? 'none';
  if (rank(level) <= rank(done)) return;
  warmed.set(b, level);
  const names: readonly KernelName[] =
    level === 'all' ? KERNEL_NAMES.filter((n) => done !== 'inference' || !INFERENCE_SET.has(n)) : INFERENCE_KERNEL_NAMES;
  const table = b.k as unknown as Record<string, (...args: number[]) => unknown>;
  const args = new Array<number>(14).fill(8);
  for (let rep = 0; rep < REPS; rep++) {
    for (const name of names) {
      b.heap.u8.fill(0, 0, 8192);
      try {
        table[name]!(...args);
      } catch {
        // A kernel that rejects these arguments is simply not warmed.
      }
    }
  }
  b.heap.u8.fill(0, 0, 8192);
  if (b.name !== 'wasm') return;
  warmProducts(b, level === 'all' && done !== 'inference' ? 'all' : level === 'all' ? 'backward' : 'forward');
}

/**
 * Warms every kernel of `b` for training, once: called when a model plans its first training
 * batch. Nothing when `b` was initialised with warmUp: 'none'.
 */
export function warmForTraining(b: Backend): void {
  if (chosen.get(b) !== 'none') warmUp(b, 'all');
}

/** Default of `init({ warmUp })`: the forward kernels at init, the training kernels at the first fit. */
export const DEFAULT_WARM_UP: WarmUp = 'inference';

/** The values `init({ warmUp })` accepts. */
export const WARM_UP_LEVELS: readonly WarmUp[] = ['none', 'inference', 'all'];

/** Calls of each kernel on tiny inputs (V8 tiers a function up after a handful of calls with loops). */
const REPS = 20;

const INFERENCE_SET = new Set<KernelName>(INFERENCE_KERNEL_NAMES);

/** What each backend has been warmed for (a backend is never un-warmed). */
const warmed = new WeakMap<Backend, WarmUp>();
/** The level each backend was first warmed with (init's choice). */
const chosen = new WeakMap<Backend, WarmUp>();

function rank(level: WarmUp): number {
  return level === 'all' ? 2 : level === 'inference' ? 1 : 0;
}

/**
 * The products through each of their paths on real buffers: 'forward' the one-row kernel and
 * gemm_nn (single row, narrow output, packed); 'backward' gemm_tn and gemm_nt (same shapes);
 * 'all' both.
 */
function warmProducts(b: Backend, which: 'forward' | 'backward' | 'all'): void {
  const m = 16;
  const n = 64;
  const k = 64;
  const A = b.heap.allocF32(m * k);
  const B = b.heap.allocF32(k * n);
  const C = b.heap.allocF32(m * n);
  const shapes: [number, number, number][] = [
    [1, n, k],
    [m, 10, k],
    [m, n, k],
  ];
  for (let rep = 0; rep < 3; rep++) {
    for (const [mm, nn, kk] of shapes) {
      if (which !== 'backward') {
        b.k.gemm_nn_f32(A, B, C, mm, nn, kk, 0, 0, b.ws);
        b.k.gemv_row_f32(A, B, 0, C, kk, nn);
      }
      if (which !== 'forward') {
        b.k.gemm_tn_f32(A, B, C, mm, nn, kk, 0, b.ws);
        b.k.gemm_nt_f32(A, B, C, mm, nn, kk, 0, b.ws);
      }
    }
  }
  b.heap.free(C);
  b.heap.free(B);
  b.heap.free(A);
}
