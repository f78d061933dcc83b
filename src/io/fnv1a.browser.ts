/**
 * Browser build of fnv1a.ts (swapped in by tsup.config.ts): the plain loop, without the
 * WebAssembly path — a page's first download stays small (issue 8's inference budget), and a
 * browser's load time is the network's. The same recurrence and digits:
 * h₀ = 0x811c9dc5, hᵢ₊₁ = (hᵢ ⊕ byteᵢ)·0x01000193 mod 2³².
 */
import type * as node from './fnv1a.js';

export const FNV_OFFSET: typeof node.FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a over bytes, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array): string {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return fnvDigits(h);
}

export const fnvDigits: typeof node.fnvDigits = (h) => (h >>> 0).toString(16).padStart(8, '0');
