/**
 * The types every backend shares: what a backend is, what `init` accepts. Kept apart from
 * backend.ts so that the loader and the warm-up can name them without importing `init`.
 */
import type { Heap } from './heap.js';
import type { Kernels } from './kernels.js';

/** Which instruction set the kernels run on: relaxed SIMD (FMA), baseline SIMD, or plain JS. */
export type SimdLevel = 'relaxed' | 'simd' | 'none';

/** What `init` warms up: nothing, the forward kernels, or every kernel (see kernels/warmup.ts). */
export type WarmUp = 'none' | 'inference' | 'all';

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
  /**
   * Which kernels to call a few times at init, so that the engine has optimised them before real
   * calls (first calls run in the baseline compiler, 4–8× slower): 'inference' the kernels of a
   * forward pass (predict, predictOne), 'all' every kernel, 'none' nothing. Whatever the choice,
   * the training kernels are warmed when a model plans its first training batch (unless 'none').
   * Default: 'inference' (a fast cold start for serving; training stays fast).
   */
  warmUp?: WarmUp;
}
