/**
 * Starting the thread pool: loaded with `await import()` by threads.ts only when init asks for
 * threads > 1, so that the pool, its worker source and the threaded kernels stay out of a
 * single-threaded page's first download.
 */
import type { Heap } from './heap.js';
import { GEMM_WS_BYTES, type Kernels } from './kernels.js';
import { Pool } from './pool.js';
import { threadedKernels } from './threaded.js';

/** The threaded part of a backend: the kernel table and the pool to dispose. */
export interface Threading {
  k: Kernels;
  pool: Pool;
}

/**
 * Starts threads − 1 workers on `module` over the heap's shared memory, each with its own GEMM
 * workspace in the heap, and returns the threaded kernel table over `base`.
 */
export async function startPool(module: WebAssembly.Module, heap: Heap, base: Kernels, threads: number): Promise<Threading> {
  const pool = await Pool.start(module, heap.memory, threads - 1);
  const ws: number[] = [];
  for (let w = 0; w < pool.count; w++) ws.push(heap.alloc(GEMM_WS_BYTES));
  return { k: threadedKernels(base, pool, ws), pool };
}
