/**
 * Finding, fetching and instantiating the wasm kernels: the two builds shipped next to this module,
 * or what `init({ wasm })` was given.
 *
 * The shipped builds are named with `new URL('./simdnn.wasm', import.meta.url)` written literally
 * (below, in `shippedUrl`): Vite, webpack 5 and Rollup (with an import-meta-assets plugin) see that
 * pattern and emit the file as an asset next to the bundle, rewriting the URL. Only the build that
 * will run is fetched: a 64-byte probe module tells whether the engine has relaxed SIMD.
 *
 * Bytes that are not WebAssembly (a dev server's index.html fallback, a 404 page) are refused with
 * the URL, what came back and the fix, before the engine's "expected magic word" can reach users.
 */
import type { Backend, InitOptions, SimdLevel, WasmSource } from './types.js';
import { fileBytes } from './file-bytes.js';
import { Heap } from './heap.js';
import { GEMM_WS_BYTES, KERNEL_NAMES, type Kernels } from './kernels.js';
import { noticeOnce, setThreadPool, startThreads } from './threads.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** The four bytes every WebAssembly binary starts with: `\0asm`. */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** How many leading bytes of a non-wasm answer the error shows. */
const SHOWN_BYTES = 40;

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
function shippedUrl(level: 'relaxed' | 'simd', shared: boolean): URL {
  const file = `simdnn${level === 'relaxed' ? '-relaxed' : ''}${shared ? '-threads' : ''}.wasm`;
  // Running from the sources (src/kernels/load.ts under tsx or vitest): the builds are in build/.
  // The URL is made from a variable so that bundlers do not try to emit this path.
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(`../../build/${file}`, here);
  if (shared) {
    // The shared-memory builds of init({ threads }).
    return level === 'relaxed'
      ? new URL('./simdnn-relaxed-threads.wasm', import.meta.url)
      : new URL('./simdnn-threads.wasm', import.meta.url);
  }
  return level === 'relaxed' ? new URL('./simdnn-relaxed.wasm', import.meta.url) : new URL('./simdnn.wasm', import.meta.url);
}

const FIX =
  "configure your bundler to emit simdnn's .wasm files as assets next to the script (see simdnn's README, " +
  '"Bundlers"), or pass init({ wasm }) with a WebAssembly.Module, bytes, a Response or the URL where you serve the file.';

/** Printable text of the first bytes (other bytes as `\xNN`). */
function shownText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes.subarray(0, SHOWN_BYTES))
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s + (bytes.length > SHOWN_BYTES ? '…' : '');
}

/** Throws unless `bytes` start with the wasm magic number. */
function checkMagic(bytes: Uint8Array, where: string, contentType?: string | null): Uint8Array {
  if (bytes.length >= 4 && WASM_MAGIC.every((b, i) => bytes[i] === b)) return bytes;
  const what = contentType === undefined ? '' : `${contentType || 'no content-type'}, `;
  throw new Error(`init: ${where} is not WebAssembly: got ${what}${bytes.length} bytes starting with "${shownText(bytes)}". Fix: ${FIX}`);
}

/** The MIME type without parameters, lower case. */
const mimeOf = (res: Response): string => (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** Compiles a fetched response: streaming when the server says application/wasm, else via bytes. */
async function compileResponse(res: Response, where: string): Promise<WebAssembly.Module> {
  if (!res.ok) throw new Error(`init: fetching ${where} failed with HTTP ${res.status}. Fix: ${FIX}`);
  if (mimeOf(res) === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(res);
    } catch (e) {
      throw new Error(`init: ${where} is not a valid simdnn WebAssembly module (${(e as Error).message}). Fix: ${FIX}`);
    }
  }
  // A wrong MIME type (compileStreaming would refuse it) or no streaming: read the bytes.
  const bytes = new Uint8Array(await res.arrayBuffer());
  return WebAssembly.compile(checkMagic(bytes, where, res.headers.get('content-type')) as BufferSource);
}

/** Compiles the module at `url`: a file read (Node) or a fetch. */
async function compileUrl(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:') {
    let bytes: Uint8Array;
    try {
      bytes = await fileBytes(url);
    } catch (e) {
      throw new Error(
        `init: could not read ${url.href} (${(e as Error).message}). Fix: reinstall simdnn, or ${FIX.slice(FIX.indexOf('pass'))}`,
      );
    }
    // Files are read where compiling synchronously is allowed (Node, Deno, Bun): it saves the
    // task hop of WebAssembly.compile, ≈ 1 ms at a cold start. Browsers fetch and compile async.
    return new WebAssembly.Module(checkMagic(bytes, url.href) as BufferSource);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`init: fetching ${url.href} failed (${(e as Error).message}). Fix: ${FIX}`);
  }
  return compileResponse(res, url.href);
}

/** What `init({ wasm })` was given, compiled. */
async function compileSource(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer) return WebAssembly.compile(checkMagic(new Uint8Array(src), 'init({ wasm })') as BufferSource);
  if (ArrayBuffer.isView(src)) {
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    return WebAssembly.compile(checkMagic(bytes, 'init({ wasm })') as BufferSource);
  }
  if (typeof Response !== 'undefined' && src instanceof Response)
    return compileResponse(src, src.url || 'the Response given to init({ wasm })');
  if (!(src instanceof URL) && typeof src !== 'string') {
    throw new Error(`init: wasm must be a WebAssembly.Module, bytes, a Response, a URL or a path, got ${typeof src}.`);
  }
  const base = isNode ? `file://${process.cwd()}/` : globalThis.location?.href;
  return compileUrl(src instanceof URL ? src : new URL(src, base));
}

/**
 * Loads and instantiates the kernels. threads > 1 picks the shared-memory builds
 * (simdnn-threads.wasm, simdnn-relaxed-threads.wasm), puts the heap on a shared memory and starts
 * the pool (threads.ts); the caller has checked that this engine can run threads.
 */
export async function loadWasm(options: InitOptions, simd: 'auto' | 'baseline' | 'relaxed', threads = 1): Promise<Backend> {
  let module: WebAssembly.Module;
  let level: SimdLevel = 'simd';
  if (options.wasm !== undefined) {
    module = await compileSource(options.wasm);
  } else {
    if (simd !== 'baseline' && relaxedSimdSupported()) level = 'relaxed';
    else if (simd === 'relaxed') {
      throw new Error(
        "init: this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use simd: 'auto'.",
      );
    }
    module = await compileUrl(shippedUrl(level === 'relaxed' ? 'relaxed' : 'simd', threads > 1));
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
    started = await startThreads(module, heap, base, threads, ws);
  } catch (e) {
    // E.g. a Content-Security-Policy that forbids blob: workers: the kernels run on this thread
    // (the threaded build works on one thread too).
    noticeOnce(options, `the thread pool could not start (${(e as Error).message})`);
    return single;
  }
  const { k, pool, thresholds } = started;
  const backend: Backend = { name: 'wasm', simd: level, heap, k, ws, threads, splits: thresholds, dispose: () => pool.dispose() };
  setThreadPool(backend, pool);
  return backend;
}
