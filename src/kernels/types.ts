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

/**
 * The work thresholds a threaded backend splits kernel calls at (measured when its pool starts, see
 * kernels/split-thresholds.ts), and the measurements they were derived from.
 */
export interface SplitThresholds {
  /** GEMMs of at least this many flop (2·m·n·k) are split. */
  gemmFlop: number;
  /** Heavy elementwise kernels (and batch gathers) over at least this many floats are split. */
  heavyFloats: number;
  /** Light elementwise kernels over at least this many floats are split. */
  lightFloats: number;
  /** Measured: dispatch to every worker and wait for all of them (empty jobs, workers polling; first quartile), µs. */
  roundTripUs: number;
  /** Measured on the calling thread: GEMM rate in GFLOP/s (32×128×128 nn). */
  gemmGflops: number;
  /** Measured: ns per float of a heavy kernel (adam_f32) and of a light one (relu_fwd_f32). */
  heavyNsPerFloat: number;
  lightNsPerFloat: number;
}

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
  /** Threads the kernels run on: 1, or the calling thread plus the pool's workers. */
  readonly threads: number;
  /**
   * Which kernels the table holds: 'all', or 'inference' when the module has the forward kernels
   * only (INFERENCE_KERNEL_NAMES: the simdnn-infer*.wasm builds that simdnn/infer's `init()` loads
   * on one thread) — such a backend loads models and predicts, and building a model for training
   * on it throws. Undefined for the js backend (every kernel).
   */
  readonly kernels?: 'all' | 'inference';
  /**
   * With threads > 1: the work thresholds above which a kernel call is split over the threads,
   * measured when the pool started (the dispatch round trip and this thread's kernel rates; see
   * kernels/split-thresholds.ts), and the measurements. A round trip that was slow at start is
   * measured again within 2 s and the object updated in place. Read-only for users. Undefined with
   * one thread.
   */
  readonly splits?: SplitThresholds;
  /**
   * Ends the backend's worker threads (a no-op with one thread); resolves when they have ended.
   * A disposed threaded backend is not to be used again: calls it would split over the workers
   * throw (small ones still run on the calling thread). Workers never keep a Node process alive, but
   * call this when done with a threaded backend to free them (and their memory) at once.
   */
  dispose(): Promise<void>;
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
   * Threads to run the wasm kernels on, the calling thread included: a whole number from 1 to
   * MAX_THREADS (64), or 'auto' = the available cores (`os.availableParallelism()` in Node,
   * `navigator.hardwareConcurrency` in browsers), at most AUTO_MAX_THREADS (8): one worker per
   * other core, the calling thread computing a share too. Results are bit-identical for any count.
   * Threads need shared memory: in browsers a cross-origin-isolated page (COOP: same-origin,
   * COEP: require-corp) or a worker started from one; where it is missing (or with the js backend)
   * the kernels run on one thread and `onNotice` is told once. Default: 1 (threads are opt-in).
   */
  threads?: 'auto' | number;
  /**
   * Receives the one-time notice when threads were asked for but are unavailable (why, and that
   * one thread is used). Default: `console.warn`.
   */
  onNotice?: (message: string) => void;
  /**
   * Which kernels to call a few times at init, so that the engine has optimised them before real
   * calls (first calls run in the baseline compiler, 4–8× slower): 'inference' the kernels of a
   * forward pass (predict, predictOne), 'all' every kernel, 'none' nothing. Whatever the choice,
   * the training kernels are warmed when a model plans its first training batch (unless 'none').
   * Default: 'inference' (a fast cold start for serving; training stays fast).
   */
  warmUp?: WarmUp;
}
