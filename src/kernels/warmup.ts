import type { Backend } from './types.js';
import { KERNEL_NAMES } from './kernels.js';

/**
 * Warms the kernels up so that the engine has optimised them before the first real call (a first
 * call runs in the baseline compiler, 4–8× slower for SIMD loops):
 * 1. every kernel on tiny inputs inside the reserved low memory — every argument is 8: pointers
 *    land in the reserved first 64 KiB, sizes are 8, scalars are 8 — zeroed again afterwards;
 * 2. each GEMM layout through each of its paths (single row, narrow output, packed) on real
 *    buffers with the real workspace, since those are the calls that matter most.
 */
export function warmUp(b: Backend): void {
  const table = b.k as unknown as Record<string, (...args: number[]) => unknown>;
  const args = new Array<number>(14).fill(8);
  for (let rep = 0; rep < 20; rep++) {
    for (const name of KERNEL_NAMES) {
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
      b.k.gemm_nn_f32(A, B, C, mm, nn, kk, 0, 0, b.ws);
      b.k.gemm_tn_f32(A, B, C, mm, nn, kk, 0, b.ws);
      b.k.gemm_nt_f32(A, B, C, mm, nn, kk, 0, b.ws);
    }
  }
  b.heap.free(C);
  b.heap.free(B);
  b.heap.free(A);
}
