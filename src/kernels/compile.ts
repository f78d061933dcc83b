/**
 * Fetching or reading a WebAssembly module and compiling it: from a URL (a file read in Node, Deno
 * and Bun; a fetch elsewhere, streaming when the server says application/wasm) or a Response.
 *
 * Bytes that are not WebAssembly (a dev server's index.html fallback, a 404 page) are refused with
 * the URL, what came back and the fix, before the engine's "expected magic word" can reach users.
 */
import { fileBytes } from './file-bytes.js';

/** The four bytes every WebAssembly binary starts with: `\0asm`. */
export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** How many leading bytes of a non-wasm answer the error shows. */
const SHOWN_BYTES = 40;

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
export function checkMagic(bytes: Uint8Array, where: string, contentType?: string | null): Uint8Array {
  if (bytes.length >= 4 && WASM_MAGIC.every((b, i) => bytes[i] === b)) return bytes;
  const what = contentType === undefined ? '' : `${contentType || 'no content-type'}, `;
  throw new Error(`init: ${where} is not WebAssembly: got ${what}${bytes.length} bytes starting with "${shownText(bytes)}". Fix: ${FIX}`);
}

/** The MIME type without parameters, lower case. */
const mimeOf = (res: Response): string => (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** Compiles a fetched response: streaming when the server says application/wasm, else via bytes. */
export async function compileResponse(res: Response, where: string): Promise<WebAssembly.Module> {
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
export async function compileUrl(url: URL): Promise<WebAssembly.Module> {
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
