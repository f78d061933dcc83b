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
import { GEMM_WS_BYTES, KERNEL_NAMES, type Kernels } from './kernels.js';

/** Which instruction set the kernels run on: relaxed SIMD (FMA), baseline SIMD, or plain JS. */
export type SimdLevel = 'relaxed' | 'simd' | 'none';

/** Where the wasm comes from: a compiled module, raw bytes, a fetch Response, or a URL / path. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | URL | string;

export interface Backend {
  /** 'wasm' (AssemblyScript SIMD kernels) or 'js' (the pure-TypeScript reference). */
  readonly name: 'wasm' | 'js';
  /** The instruction set in use. */
  readonly simd: SimdLevel;
  /** The arena every buffer of this backend lives in. */
  readonly heap: Heap;
  /** The kernel table. */
  readonly k: Kernels;
  /** Pointer to GEMM_WS_BYTES of scratch for the GEMM kernels. */
  readonly ws: number;
}

export interface InitOptions {
  /**
   * 'wasm' requires WebAssembly SIMD; 'js' uses the pure-TypeScript kernels; 'auto' picks wasm when
   * the engine validates SIMD and falls back to js otherwise. Default: 'auto'.
   */
  backend?: 'auto' | 'wasm' | 'js';
  /**
   * 'auto' uses the relaxed-SIMD (FMA) build when `WebAssembly.validate` accepts it (browsers,
   * Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd) and the baseline SIMD build
   * otherwise; 'baseline' forces the baseline build; 'relaxed' requires the relaxed build.
   * Default: 'auto'. Ignored when `wasm` is given.
   */
  simd?: 'auto' | 'baseline' | 'relaxed';
  /** Where to load the kernels from. Default: `simdnn.wasm` / `simdnn-relaxed.wasm` next to this module. */
  wasm?: WasmSource;
  /** Initial heap size in bytes (it grows on demand). Default: 16 MiB. */
  initialHeapBytes?: number;
}

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
 * Loads the kernels, warms them up and makes the result the default backend. Safe to call again
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
  warmUp(b);
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

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function bytesOf(src: WasmSource): Promise<Uint8Array> {
  if (src instanceof WebAssembly.Module) throw new Error('init: expected bytes, a Response or a URL, got a WebAssembly.Module');
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (typeof Response !== 'undefined' && src instanceof Response) return new Uint8Array(await src.arrayBuffer());
  const url = src instanceof URL ? src : new URL(String(src), isNode ? `file://${process.cwd()}/` : globalThis.location?.href);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    return new Uint8Array(await readFile(fileURLToPath(url)));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`init: fetching ${url.href} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Default locations of the two builds: next to the bundled module (dist/), or build/ when running
 * from the sources (tests, benchmarks).
 */
function defaultUrls(file: string): URL[] {
  const here = import.meta.url;
  return [new URL(`./${file}`, here), new URL(`../../build/${file}`, here)];
}

async function firstReadable(file: string): Promise<Uint8Array> {
  const errors: string[] = [];
  for (const url of defaultUrls(file)) {
    try {
      return await bytesOf(url);
    } catch (e) {
      errors.push(`${url.href}: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `init: could not load ${file} (${errors.join('; ')}). Run \`npm run build\`, or pass init({ wasm }) ` +
      'with a WebAssembly.Module, bytes, a Response or a URL.',
  );
}

async function loadWasm(options: InitOptions, simd: 'auto' | 'baseline' | 'relaxed'): Promise<Backend> {
  let module: WebAssembly.Module;
  let level: SimdLevel = 'simd';
  if (options.wasm !== undefined) {
    if (options.wasm instanceof WebAssembly.Module) module = options.wasm;
    else module = await WebAssembly.compile((await bytesOf(options.wasm)) as BufferSource);
  } else {
    let bytes: Uint8Array | undefined;
    if (simd !== 'baseline') {
      const relaxed = await firstReadable('simdnn-relaxed.wasm');
      if (WebAssembly.validate(relaxed as BufferSource)) {
        bytes = relaxed;
        level = 'relaxed';
      } else if (simd === 'relaxed') {
        throw new Error(
          "init: this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use simd: 'auto'.",
        );
      }
    }
    bytes ??= await firstReadable('simdnn.wasm');
    module = await WebAssembly.compile(bytes as BufferSource);
  }
  const heap = new Heap(undefined, options.initialHeapBytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
  const exp = instance.exports as Record<string, unknown>;
  if (typeof exp.simd_level === 'function') level = (exp.simd_level as () => number)() === 2 ? 'relaxed' : 'simd';
  for (const name of KERNEL_NAMES) {
    if (typeof exp[name] !== 'function') {
      throw new Error(`init: the wasm module does not export ${name}; it is from another simdnn version. Rebuild it.`);
    }
  }
  return { name: 'wasm', simd: level, heap, k: exp as unknown as Kernels, ws: heap.alloc(GEMM_WS_BYTES) };
}

/**
 * Warms the kernels up so that the engine has optimised them before the first real call (a first
 * call runs in the baseline compiler, 4–8× slower for SIMD loops):
 * 1. every kernel on tiny inputs inside the reserved low memory — every argument is 8: pointers
 *    land in the reserved first 64 KiB, sizes are 8, scalars are 8 — zeroed again afterwards;
 * 2. each GEMM layout through each of its paths (single row, narrow output, packed) on real
 *    buffers with the real workspace, since those are the calls that matter most.
 */
function warmUp(b: Backend): void {
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
