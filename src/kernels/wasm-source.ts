/**
 * What `init({ wasm })` may be given — a WebAssembly.Module, bytes, a Response, a URL or a path —
 * compiled. Loaded only when that option is given (load.ts imports it lazily): a page that uses
 * the shipped builds does not download it.
 */
import { checkMagic, compileResponse, compileUrl } from './compile.js';
import type { WasmSource } from './types.js';
import { isNode } from './runtime.js';

/** What `init({ wasm })` was given, compiled. */
export async function compileSource(src: WasmSource): Promise<WebAssembly.Module> {
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
