/**
 * Backends and loading. A backend is a heap plus a kernel table with the `Kernels` signature:
 * for wasm the table is the instance's exports object itself (no wrapper in the hot path), for js
 * it is the reference implementation in `./js/`.
 *
 * Loading is always async and never happens at import time (no top-level await):
 * `await init()` finds `simdnn.wasm` next to this module (Node reads the file, browsers fetch it);
 * `init({ wasm })` also takes a `WebAssembly.Module`, bytes, a `Response` or a URL.
 * `init({ threads })` runs the kernels on a pool of workers over a shared memory (threads.ts).
 */
import { Heap } from './heap.js';
import { GEMM_WS_BYTES } from './kernels.js';
import { loadWasm, type ShippedBuild } from './load.js';
import { noticeOnce, requestedThreads, threadsUnavailable } from './threads.js';
import { DEFAULT_WARM_UP, WARM_UP_LEVELS, warmUp } from './warmup.js';

export type { Backend, InitOptions, SimdLevel, WarmUp, WasmSource } from './types.js';
import type { Backend, InitOptions } from './types.js';

/**
 * The default backend lives in one slot per realm, shared by every copy of this module: the CJS
 * builds of `simdnn` and `simdnn/infer` are separate bundles, and `init()` from one must serve
 * `loadModel` from the other.
 */
const SLOT = Symbol.for('simdnn.backend');
const shared = globalThis as { [SLOT]?: Backend };

/** The backend chosen by the last `init()`. Throws if `init()` has not finished yet. */
export function getBackend(): Backend {
  const current = shared[SLOT];
  if (!current) throw new Error('simdnn is not initialised: call `await init()` once before building models.');
  return current;
}

/** Makes `b` the default backend for models compiled afterwards. */
export function setBackend(b: Backend): void {
  shared[SLOT] = b;
}

/**
 * Loads the kernels, warms them up (`warmUp`, default 'inference') and makes the result the default backend. Safe to call again
 * (e.g. to switch backends); each call returns a new backend with its own heap.
 */
export function init(options: InitOptions = {}): Promise<Backend> {
  return initWith(options);
}

/**
 * `init`, for an entry that ships builds of its own: `inference` names the forward-only builds
 * that simdnn/infer loads when it runs the wasm kernels on one thread (see load.ts).
 */
export async function initWith(options: InitOptions = {}, inference?: ShippedBuild): Promise<Backend> {
  const which = options.backend ?? 'auto';
  if (!['auto', 'wasm', 'js'].includes(which)) {
    throw new Error(`init: unknown backend '${String(which)}'; use 'wasm', 'js' or 'auto'.`);
  }
  const simd = options.simd ?? 'auto';
  if (!['auto', 'baseline', 'relaxed'].includes(simd)) {
    throw new Error(`init: unknown simd option '${String(simd)}'; use 'auto', 'baseline' or 'relaxed'.`);
  }
  const level = options.warmUp ?? DEFAULT_WARM_UP;
  if (!WARM_UP_LEVELS.includes(level)) {
    throw new Error(`init: unknown warmUp option '${String(level)}'; use 'inference' (the default), 'all' or 'none'.`);
  }
  let threads = await requestedThreads(options.threads);
  if (options.onNotice !== undefined && typeof options.onNotice !== 'function') {
    throw new Error('init: onNotice must be a function (message: string) => void.');
  }
  let b: Backend;
  if (which === 'js' || (which === 'auto' && !simdSupported())) {
    if (threads > 1) noticeOnce(options, 'the js backend runs on one thread');
    const heap = new Heap(undefined, options.initialHeapBytes);
    // The pure-TypeScript kernels load only when chosen, so wasm bundles do not carry them.
    const { jsKernels } = await import('./js/index.js');
    const ws = heap.alloc(GEMM_WS_BYTES);
    b = { name: 'js', simd: 'none', heap, k: jsKernels(heap), ws, threads: 1, dispose: () => Promise.resolve() };
  } else {
    if (!simdSupported()) {
      throw new Error("init: this engine does not support WebAssembly SIMD; use init({ backend: 'js' }).");
    }
    const why = threads > 1 ? threadsUnavailable() : undefined;
    if (why) {
      noticeOnce(options, why);
      threads = 1;
    }
    b = await loadWasm(options, simd, threads, inference);
  }
  warmUp(b, level);
  setBackend(b);
  return b;
}

/** A module that uses one v128 instruction: validates only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}
