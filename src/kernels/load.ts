/**
 * Finding, fetching and instantiating the wasm kernels: the two builds next to this module (or
 * build/ when running from the sources), or what `init({ wasm })` was given.
 */
import type { Backend, InitOptions, SimdLevel, WasmSource } from './types.js';
import { Heap } from './heap.js';
import { GEMM_WS_BYTES, KERNEL_NAMES, type Kernels } from './kernels.js';
import { noticeOnce, setThreadPool, startThreads } from './threads.js';

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

/**
 * Loads and instantiates the kernels. threads > 1 picks the shared-memory builds
 * (simdnn-threads.wasm, simdnn-relaxed-threads.wasm), puts the heap on a shared memory and starts
 * the pool (threads.ts); the caller has checked that this engine can run threads.
 */
export async function loadWasm(options: InitOptions, simd: 'auto' | 'baseline' | 'relaxed', threads = 1): Promise<Backend> {
  let module: WebAssembly.Module;
  let level: SimdLevel = 'simd';
  const suffix = threads > 1 ? '-threads' : '';
  if (options.wasm !== undefined) {
    if (options.wasm instanceof WebAssembly.Module) module = options.wasm;
    else module = await WebAssembly.compile((await bytesOf(options.wasm)) as BufferSource);
  } else {
    let bytes: Uint8Array | undefined;
    if (simd !== 'baseline') {
      const relaxed = await firstReadable(`simdnn-relaxed${suffix}.wasm`);
      if (WebAssembly.validate(relaxed as BufferSource)) {
        bytes = relaxed;
        level = 'relaxed';
      } else if (simd === 'relaxed') {
        throw new Error(
          "init: this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use simd: 'auto'.",
        );
      }
    }
    bytes ??= await firstReadable(`simdnn${suffix}.wasm`);
    module = await WebAssembly.compile(bytes as BufferSource);
  }
  const heap = new Heap(undefined, options.initialHeapBytes, threads > 1);
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
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
  if (typeof exp.simd_level === 'function') level = (exp.simd_level as () => number)() === 2 ? 'relaxed' : 'simd';
  for (const name of KERNEL_NAMES) {
    if (typeof exp[name] !== 'function') {
      throw new Error(`init: the wasm module does not export ${name}; it is from another simdnn version. Rebuild it.`);
    }
  }
  const ws = heap.alloc(GEMM_WS_BYTES);
  const base = exp as unknown as Kernels;
  const single: Backend = { name: 'wasm', simd: level, heap, k: base, ws, threads: 1, dispose: () => Promise.resolve() };
  if (threads <= 1) return single;
  let started: Awaited<ReturnType<typeof startThreads>>;
  try {
    started = await startThreads(module, heap, base, threads);
  } catch (e) {
    // E.g. a Content-Security-Policy that forbids blob: workers: the kernels run on this thread
    // (the threaded build works on one thread too).
    noticeOnce(options, `the thread pool could not start (${(e as Error).message})`);
    return single;
  }
  const { k, pool } = started;
  const backend: Backend = { name: 'wasm', simd: level, heap, k, ws, threads, dispose: () => pool.dispose() };
  setThreadPool(backend, pool);
  return backend;
}
