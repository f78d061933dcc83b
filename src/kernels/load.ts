/**
 * Finding, fetching and instantiating the wasm kernels: the two builds next to this module (or
 * build/ when running from the sources), or what `init({ wasm })` was given.
 */
import type { Backend, InitOptions, SimdLevel, WasmSource } from './types.js';
import { Heap } from './heap.js';
import { GEMM_WS_BYTES, KERNEL_NAMES, type Kernels } from './kernels.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function bytesOf(src: WasmSource): Promise<Uint8Array> {
  if (src instanceof WebAssembly.Module) throw new Error('init: expected bytes, a Response or a URL, got a WebAssembly.Module');
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  // URLs and strings first: in Node the first touch of the global `Response` loads undici (≈ 10 ms
  // of a cold start), which reading the bundled .wasm from a file never needs.
  if (!(src instanceof URL) && typeof src !== 'string' && typeof Response !== 'undefined' && src instanceof Response) {
    return new Uint8Array(await src.arrayBuffer());
  }
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

export async function loadWasm(options: InitOptions, simd: 'auto' | 'baseline' | 'relaxed'): Promise<Backend> {
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
