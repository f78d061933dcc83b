/**
 * Finding and instantiating the wasm kernels: the builds shipped next to this module (fetched and
 * compiled by compile.ts), or what `init({ wasm })` was given (wasm-source.ts, loaded only then).
 *
 * The shipped builds are named with `new URL('./simdnn.wasm', import.meta.url)` written literally
 * (below, in `shippedUrl`): Vite, webpack 5 and Rollup (with an import-meta-assets plugin) see that
 * pattern and emit the file as an asset next to the bundle, rewriting the URL. Only the build that
 * will run is fetched: a 64-byte probe module tells whether the engine has relaxed SIMD.
 */
import type { Backend, InitOptions, SimdLevel } from './types.js';
import { compileUrl, WASM_MAGIC } from './compile.js';
import { Heap } from './heap.js';
import { GEMM_WS_BYTES, INFERENCE_KERNEL_NAMES, KERNEL_NAMES, type Kernels } from './kernels.js';
import { noticeOnce, setThreadPool, startThreads } from './threads.js';
import { isNode } from './runtime.js';

/**
 * A module whose one function uses `i8x16.relaxed_swizzle`: it validates only where the engine has
 * relaxed SIMD (Chrome 114+, Node 22+, Node 20 with --experimental-wasm-relaxed-simd).
 */
const RELAXED_PROBE = (() => {
  const zeros = new Array<number>(16).fill(0);
  const body = [0, 0xfd, 0x0c, ...zeros, 0xfd, 0x0c, ...zeros, 0xfd, 0x80, 0x02, 0x0b];
  const types = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b];
  return new Uint8Array([...WASM_MAGIC, 1, 0, 0, 0, ...types, 0x03, 0x02, 0x01, 0x00, 0x0a, body.length + 2, 1, body.length, ...body]);
})();

/** Whether this engine compiles relaxed SIMD. */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

/**
 * The shipped build for `level`, next to this module (dist/, or wherever a bundler emitted it).
 * The `new URL` calls must stay literal: bundlers look for exactly this pattern.
 */
function shippedUrl(level: 'relaxed' | 'simd', shared: boolean, inference?: ShippedBuild): URL {
  // Running from the sources (src/kernels/load.ts under tsx or vitest): the builds are in build/.
  // The URL is made from a variable so that bundlers do not try to emit this path.
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return new URL(
      `../../build/simdnn${inference ? '-infer' : ''}${level === 'relaxed' ? '-relaxed' : ''}${shared ? '-threads' : ''}.wasm`,
      here,
    );
  }
  if (inference) return inference(level);
  if (shared) {
    // The shared-memory builds of init({ threads }).
    return level === 'relaxed'
      ? new URL('./simdnn-relaxed-threads.wasm', import.meta.url)
      : new URL('./simdnn-threads.wasm', import.meta.url);
  }
  return level === 'relaxed' ? new URL('./simdnn-relaxed.wasm', import.meta.url) : new URL('./simdnn.wasm', import.meta.url);
}

/**
 * Where a build of the kernels lives for a SIMD level, next to the module that says so: simdnn/infer
 * passes the URLs of its forward-only builds (inference-build.ts), written literally there so that
 * only that entry's bundles carry them.
 */
export type ShippedBuild = (level: 'relaxed' | 'simd') => URL;

/**
 * Which kernels a module exports: every kernel, or exactly the forward ones (an inference-only
 * build, simdnn-infer*.wasm); anything else is a module from another simdnn version.
 * `shippedInference`: the module is the inference build this package ships, so only its own
 * exports are looked at (each export looked up costs a wrapper at a cold start).
 */
function kernelSet(exp: Record<string, unknown>, shippedInference: boolean): 'all' | 'inference' {
  const lacks = (names: readonly string[]) => names.find((name) => typeof exp[name] !== 'function');
  const missing = lacks(INFERENCE_KERNEL_NAMES) ?? (shippedInference ? undefined : lacks(KERNEL_NAMES));
  if (missing === undefined) return shippedInference ? 'inference' : 'all';
  // Every forward kernel (what is missing is not one) and no other: an inference-only build. (Not
  // with threads: those builds do not import a shared memory, and linking refused them above.)
  const forward: readonly string[] = INFERENCE_KERNEL_NAMES;
  if (!forward.includes(missing) && KERNEL_NAMES.every((n) => forward.includes(n) || !exp[n])) return 'inference';
  throw new Error(`init: the wasm module does not export ${missing}; it is from another simdnn version. Rebuild it.`);
}

/**
 * Loads and instantiates the kernels. threads > 1 picks the shared-memory builds
 * (simdnn-threads.wasm, simdnn-relaxed-threads.wasm), puts the heap on a shared memory and starts
 * the pool (threads.ts); the caller has checked that this engine can run threads. `inference`:
 * the forward-only builds to load instead of the full ones when running on one thread.
 */
export async function loadWasm(
  options: InitOptions,
  simd: 'auto' | 'baseline' | 'relaxed',
  threads = 1,
  inference?: ShippedBuild,
): Promise<Backend> {
  let module: WebAssembly.Module;
  let level: SimdLevel = 'simd';
  let shippedInference = false;
  if (options.wasm !== undefined) {
    module = await (await import('./wasm-source.js')).compileSource(options.wasm);
  } else {
    if (simd !== 'baseline' && relaxedSimdSupported()) level = 'relaxed';
    else if (simd === 'relaxed') {
      throw new Error(
        "init: this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use simd: 'auto'.",
      );
    }
    const build = level === 'relaxed' ? 'relaxed' : 'simd';
    shippedInference = inference !== undefined && threads <= 1;
    module = await compileUrl(shippedUrl(build, threads > 1, shippedInference ? inference : undefined));
  }
  const heap = new Heap(undefined, options.initialHeapBytes, threads > 1);
  let instance: WebAssembly.Instance;
  try {
    // Node, Deno and Bun instantiate synchronously (saves a task hop at a cold start); browsers
    // may refuse that on the main thread for large modules.
    const imports = { env: { memory: heap.memory } };
    instance = isNode ? new WebAssembly.Instance(module, imports) : await WebAssembly.instantiate(module, imports);
  } catch (e) {
    if (threads > 1 && e instanceof WebAssembly.LinkError) {
      throw new Error(
        `init: threads need a build that imports a shared memory (simdnn-threads.wasm or simdnn-relaxed-threads.wasm); ` +
          `the module given could not link to one (${e.message}). Pass one of those, or use threads: 1.`,
      );
    }
    throw e;
  }
  const exp = instance.exports as Record<string, unknown>;
  // A module given to init({ wasm }) says which build it is; a shipped one is the level chosen above
  // (not asking saves the first call into the module, ≈ 0.2 ms at a cold start).
  if (options.wasm !== undefined && typeof exp.simd_level === 'function') {
    level = (exp.simd_level as () => number)() === 2 ? 'relaxed' : 'simd';
  }
  const kernels = kernelSet(exp, shippedInference);
  const ws = heap.alloc(GEMM_WS_BYTES);
  // An inference-only module's table lacks the training kernels; kernels: 'inference' makes
  // training refuse it (network/network.ts) before any of them is called.
  const base = exp as unknown as Kernels;
  const single: Backend = {
    name: 'wasm',
    simd: level,
    heap,
    k: base,
    ws,
    threads: 1,
    kernels,
    dispose: () => Promise.resolve(),
  };
  if (threads <= 1) return single;
  let started: Awaited<ReturnType<typeof startThreads>>;
  try {
    started = await startThreads(module, heap, base, threads, ws);
  } catch (e) {
    // E.g. a Content-Security-Policy that forbids blob: workers: the kernels run on this thread
    // (the threaded build works on one thread too).
    noticeOnce(options, `the thread pool could not start (${(e as Error).message})`);
    return single;
  }
  const { k, pool, thresholds } = started;
  const backend: Backend = { name: 'wasm', simd: level, heap, k, ws, threads, kernels, splits: thresholds, dispose: () => pool.dispose() };
  setThreadPool(backend, pool);
  return backend;
}
