/**
 * Backends and loading. A backend is a heap plus a kernel table with the `Kernels` signature:
 * for wasm the table is the instance's exports object itself (no wrapper in the hot path), for js
 * it is the reference implementation in `./js/`.
 *
 * Loading is always async and never happens at import time (no top-level await):
 * `await init()` finds `simdnn.wasm` next to this module (Node reads the file, browsers fetch it);
 * `init({ wasm })` also takes a `WebAssembly.Module`, bytes, a `Response` or a URL.
 */
import { Heap } from './heap.js';
import { jsKernels } from './js/index.js';
import { GEMM_WS_BYTES } from './kernels.js';
import { loadWasm } from './load.js';
import { DEFAULT_WARM_UP, WARM_UP_LEVELS, warmUp } from './warmup.js';

export type { Backend, InitOptions, SimdLevel, WarmUp, WasmSource } from './types.js';
import type { Backend, InitOptions } from './types.js';

let current: Backend | undefined;

/** The backend chosen by the last `init()`. Throws if `init()` has not finished yet. */
export function getBackend(): Backend {
  if (!current) throw new Error('simdnn is not initialised: call `await init()` once before building models.');
  return current;
}

/** Makes `b` the default backend for models compiled afterwards. */
export function setBackend(b: Backend): void {
  current = b;
}

/**
 * Loads the kernels, warms them up (`warmUp`, default 'inference') and makes the result the default backend. Safe to call again
 * (e.g. to switch backends); each call returns a new backend with its own heap.
 */
export async function init(options: InitOptions = {}): Promise<Backend> {
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
  let b: Backend;
  if (which === 'js' || (which === 'auto' && !simdSupported())) {
    const heap = new Heap(undefined, options.initialHeapBytes);
    b = { name: 'js', simd: 'none', heap, k: jsKernels(heap), ws: heap.alloc(GEMM_WS_BYTES) };
  } else {
    if (!simdSupported()) {
      throw new Error("init: this engine does not support WebAssembly SIMD; use init({ backend: 'js' }).");
    }
    b = await loadWasm(options, simd);
  }
  warmUp(b, level);
  current = b;
  return b;
}

/** A module that uses one v128 instruction: validates only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}
