/**
 * `init({ threads })`: how many threads to use, whether this engine can run them (shared memory,
 * workers), and starting the pool for a backend whose heap is a shared memory.
 */
import type { Heap } from './heap.js';
import type { Kernels } from './kernels.js';
import { nodeCores } from './node-host.js';
import type { Pool } from './pool.js';
import type { Threading } from './threads-start.js';
import type { InitOptions } from './types.js';
import { isNode } from './runtime.js';

/** The most threads `init({ threads: n })` accepts. */
export const MAX_THREADS = 64;
/** The most threads 'auto' picks (GEMM splits gain little past this on the shapes simdnn trains). */
export const AUTO_MAX_THREADS = 8;

/** Validates the `threads` option (before anything is allocated); returns the count asked for. */
export async function requestedThreads(option: InitOptions['threads']): Promise<number> {
  if (option === undefined) return 1;
  if (option === 'auto') return Math.max(1, Math.min(AUTO_MAX_THREADS, await availableCores()));
  if (typeof option !== 'number' || !Number.isInteger(option) || option < 1 || option > MAX_THREADS) {
    throw new Error(`init: threads must be 'auto' or a whole number from 1 to ${MAX_THREADS}, got ${String(option)}.`);
  }
  return option;
}

async function availableCores(): Promise<number> {
  if (isNode) {
    return nodeCores();
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/** Why threads cannot run here, or undefined when they can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is not available (in browsers it needs a cross-origin-isolated page: COOP: same-origin and COEP: require-corp)';
  }
  if (!isNode) {
    const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
    if (g.crossOriginIsolated === false) {
      return 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)';
    }
    if (typeof g.Worker !== 'function') return 'this runtime has no Worker';
  }
  // The threaded builds declare a maximum of 65,536 pages, which a shared memory reserves up front
  // (address space, not physical memory): a 32-bit or tightly limited process may refuse it.
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  } catch (e) {
    return `a shared WebAssembly memory of up to 4 GiB cannot be reserved here (${(e as Error).message})`;
  }
  return undefined;
}

let noticed = false;

/** Tells `onNotice` (default console.warn) once per process that threads are unavailable. */
export function noticeOnce(options: InitOptions, why: string): void {
  if (noticed) return;
  noticed = true;
  const message = `simdnn: threads were requested but ${why}; running on one thread.`;
  if (options.onNotice) options.onNotice(message);
  else console.warn(message);
}

export type { Threading } from './threads-start.js';

/**
 * Starts the pool of `threads - 1` workers on the shared memory, measures the split thresholds and
 * wraps `base` with the threaded kernels (`ws`: the calling thread's GEMM workspace). The pool and the threaded kernels load here, on first use (init({ threads > 1 })): a
 * single-threaded page does not download them.
 */
export async function startThreads(module: WebAssembly.Module, heap: Heap, base: Kernels, threads: number, ws: number): Promise<Threading> {
  return (await import('./threads-start.js')).startPool(module, heap, base, threads, ws);
}

const pools = new WeakMap<object, Pool>();

/** Records the pool of a threaded backend (load.ts). */
export function setThreadPool(backend: object, pool: Pool): void {
  pools.set(backend, pool);
}

/** The pool of a threaded backend, or undefined for one thread (tests, diagnostics). */
export function threadPoolOf(backend: object): Pool | undefined {
  return pools.get(backend);
}
