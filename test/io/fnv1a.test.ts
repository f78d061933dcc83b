/**
 * The weights checksum (src/io/fnv1a.ts): the published FNV-1a test vectors, and the WebAssembly
 * path for large inputs (64 KiB chunks, a tail of 1–3 bytes) against a plain loop of the
 * recurrence h = (h ⊕ byte)·0x01000193, on random bytes of sizes around the chunk edges.
 */
import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../src/io/fnv1a.js';
import { mulberry32 } from '../helpers/random.js';

function reference(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

describe('fnv1a', () => {
  it('gives the published 32-bit FNV-1a values', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a(text(''))).toBe('811c9dc5');
    expect(fnv1a(text('a'))).toBe('e40c292c');
    expect(fnv1a(text('foobar'))).toBe('bf9cf968');
  });

  it('hashes large inputs (the WebAssembly path) as the plain loop does, at every chunk edge and tail', () => {
    const rand = mulberry32(5);
    for (const n of [65535, 65536, 65537, 65538, 65539, 65540, 131072, 131075, 407080, 1 << 20]) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = Math.floor(rand() * 256);
      expect(fnv1a(bytes), `${n} bytes`).toBe(reference(bytes));
      // A view at an odd offset of a larger buffer.
      const inner = bytes.subarray(3, n - 1);
      expect(fnv1a(inner), `${n - 4} bytes at offset 3`).toBe(reference(inner));
    }
  });
});
