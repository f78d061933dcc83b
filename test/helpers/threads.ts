/**
 * Shared by the thread-split tests (test/kernels/threads-*.test.ts): bit-for-bit comparison and
 * GEMM operands on a backend's heap.
 */
import { expect } from 'vitest';
import type { Backend } from '../../src/index.js';
import { rand } from './conformance.js';

/** Fails at the first element whose float32 bits differ (so -0, NaN payloads and the last ulp count). */
export function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) expect.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
}

/** Pointers of a GEMM's operands: A [m×k], B [k×n], C [m×n] and a bias of n. */
export interface Bufs {
  A: number;
  B: number;
  C: number;
  bias: number;
}

/** Allocates and fills (from `seed`) the operands of an m×n×k GEMM on b's heap. */
export function setup(b: Backend, m: number, n: number, k: number, seed: number): Bufs {
  const h = b.heap;
  const bufs = { A: h.allocF32(m * k), B: h.allocF32(k * n), C: h.allocF32(m * n), bias: h.allocF32(n) };
  h.writeF32(bufs.A, rand(m * k, seed));
  h.writeF32(bufs.B, rand(k * n, seed + 1));
  h.writeF32(bufs.bias, rand(n, seed + 2));
  return bufs;
}
