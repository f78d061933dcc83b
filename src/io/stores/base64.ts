/** Bytes ⇄ base64 text without Node's Buffer (browsers, workers, edge runtimes). */

/** Bytes per String.fromCharCode call (stays far below engines' argument limits). */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** Throws `where: … not valid base64` on anything atob refuses. */
export function base64ToBytes(text: string, where: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw new Error(`${where}: the weights are not valid base64.`);
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
