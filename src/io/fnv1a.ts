/**
 * 32-bit FNV-1a over bytes (Fowler–Noll–Vo): h₀ = 0x811c9dc5, hᵢ₊₁ = (hᵢ ⊕ byteᵢ)·0x01000193 mod 2³²,
 * as 8 hex digits — the checksum that ties model.json to its weights (io/serialize.ts,
 * io/files.ts).
 *
 * A loaded model's weights are hashed once, at a cold start, where a JS loop over 400 kB (a
 * 784-128-10 model) still runs in the interpreter (≈ 3–6 ms). Large inputs therefore go through a
 * 154-byte WebAssembly function written here byte by byte (FNV_WASM: the same recurrence, four
 * bytes per iteration from one little-endian load), in 64 KiB chunks copied into its own one-page
 * memory: about half the time, cold. Where WebAssembly cannot be compiled, the JS loop gives the
 * same digits. Node builds only: the browser builds take fnv1a.browser.ts (the loop alone).
 */

/** FNV-1a offset basis and prime. */
export const FNV_OFFSET: number = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Inputs from this many bytes on are hashed in WebAssembly. */
const WASM_MIN_BYTES = 1 << 16;
/** The WebAssembly memory: one 64 KiB page, the chunk size. */
const CHUNK = 1 << 16;

/**
 * (module (memory (export "m") 1)
 *   (func (export "h") (param $h i32) (param $n i32) (result i32) (local $i i32) (local $v i32)
 *     (block (loop
 *       (br_if 1 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
 *       (local.set $v (i32.load (local.get $i)))
 *       ;; four bytes of v, low to high: h = (h ^ byte) * 0x01000193
 *       (local.set $h (i32.mul (i32.xor (local.get $h) (i32.and (local.get $v) (i32.const 255))) (i32.const 0x01000193)))
 *       (local.set $h (i32.mul (i32.xor (local.get $h) (i32.and (i32.shr_u (local.get $v) (i32.const 8)) (i32.const 255))) …))
 *       (local.set $h (i32.mul (i32.xor (local.get $h) (i32.and (i32.shr_u (local.get $v) (i32.const 16)) (i32.const 255))) …))
 *       (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $v) (i32.const 24))) …))
 *       (local.set $i (i32.add (local.get $i) (i32.const 4)))
 *       (br 0)))
 *     (local.get $h)))
 * `h(h, n)` hashes the first n bytes of the memory (n a multiple of 4) on from h.
 */
// biome-ignore format: the module's bytes, by section
const FNV_WASM = [
  0, 97, 115, 109, 1, 0, 0, 0,
  1, 7, 1, 96, 2, 127, 127, 1, 127,
  3, 2, 1, 0,
  5, 3, 1, 0, 1,
  7, 9, 2, 1, 109, 2, 0, 1, 104, 0, 0,
  10, 242, 0, 1, 239, 0, 1, 2, 127, 2, 64, 3, 64, 32, 2, 65, 4, 106, 32, 1, 75, 13, 1, 32, 2, 40, 2, 0, 33, 3,
  32, 0, 32, 3, 65, 255, 1, 113, 115, 65, 147, 131, 128, 8, 108, 33, 0,
  32, 0, 32, 3, 65, 8, 118, 65, 255, 1, 113, 115, 65, 147, 131, 128, 8, 108, 33, 0,
  32, 0, 32, 3, 65, 16, 118, 65, 255, 1, 113, 115, 65, 147, 131, 128, 8, 108, 33, 0,
  32, 0, 32, 3, 65, 24, 118, 115, 65, 147, 131, 128, 8, 108, 33, 0,
  32, 2, 65, 4, 106, 33, 2, 12, 0, 11, 11, 32, 0, 11,
];

interface Hasher {
  memory: Uint8Array;
  h: (h: number, n: number) => number;
}
/** The instantiated module; null where WebAssembly is unavailable or refused. */
let hasher: Hasher | null | undefined;

function wasmHasher(): Hasher | null {
  if (hasher !== undefined) return hasher;
  try {
    const e = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(FNV_WASM))).exports as {
      m: WebAssembly.Memory;
      h: (h: number, n: number) => number;
    };
    hasher = { memory: new Uint8Array(e.m.buffer), h: e.h };
  } catch {
    hasher = null;
  }
  return hasher;
}

/** FNV-1a of bytes[from, to) on from h, in JS. */
function fnvBytes(h: number, bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h;
}

/** 32-bit FNV-1a over bytes, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array): string {
  let h = FNV_OFFSET | 0;
  const w = bytes.length >= WASM_MIN_BYTES ? wasmHasher() : null;
  if (!w) h = fnvBytes(h, bytes, 0, bytes.length);
  else {
    const whole = bytes.length & ~3;
    for (let o = 0; o < whole; o += CHUNK) {
      const n = Math.min(CHUNK, whole - o);
      w.memory.set(bytes.subarray(o, o + n));
      h = w.h(h, n);
    }
    h = fnvBytes(h, bytes, whole, bytes.length);
  }
  return fnvDigits(h);
}

/** A 32-bit FNV-1a state as the checksum's 8 hex digits. */
export const fnvDigits = (h: number): string => (h >>> 0).toString(16).padStart(8, '0');
