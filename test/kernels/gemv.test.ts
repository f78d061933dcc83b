/**
 * gemv_row_f32 conformance: y = x·W + b on every backend (js reference, wasm baseline, relaxed,
 * debug build with its precondition asserts), and the js reference itself against an independent
 * float64 loop.
 *
 * Tolerance, as for GEMM (test/kernels/gemm.test.ts): any f32 summation order, with or without
 * FMA, of a length-k dot product plus the bias is within γ_{k+1}·S of the exact value, with
 * S = Σ_p |x_p·W_pj| + |b_j| and γ_n ≈ n·2⁻²⁴; the js reference rounds once. We allow twice the
 * bound: abs = (k + 3)·2⁻²³·S with S the maximum over j. A missing, doubled or misplaced product
 * is off by about |x·w| ≈ 0.25, far above this.
 *
 * y is pre-filled with NaN (it must be overwritten, never read) and has PAD sentinel floats after
 * it that must come back untouched (stores past the end of a partial strip).
 */
import { describe, expect, it } from 'vitest';
import { EDGE_SIZES, backends, conform, expectClose, rand, runKernel, type KernelCall } from '../helpers/conformance.js';

const PAD = 5;
const SENTINEL = 12345.5;
const U = 2 ** -24;

interface Case {
  k: number;
  n: number;
  bias: boolean;
}

interface Inputs {
  x: Float32Array;
  W: Float32Array;
  b: Float32Array;
  y0: Float32Array;
}

function inputsFor(c: Case, seed: number): Inputs {
  const y0 = new Float32Array(c.n + PAD).fill(SENTINEL);
  y0.fill(Number.NaN, 0, c.n);
  return { x: rand(c.k, seed), W: rand(c.k * c.n, seed + 1), b: rand(c.n, seed + 2), y0 };
}

/** Float64 loop, independent of the js kernels; S = the largest error-bound sum over j. */
function reference64(c: Case, inp: Inputs): { out: Float64Array; S: number } {
  const out = new Float64Array(c.n);
  let S = 0;
  for (let j = 0; j < c.n; j++) {
    let s = c.bias ? inp.b[j]! : 0;
    let abs = Math.abs(s);
    for (let p = 0; p < c.k; p++) {
      const t = inp.x[p]! * inp.W[p * c.n + j]!;
      s += t;
      abs += Math.abs(t);
    }
    out[j] = s;
    S = Math.max(S, abs);
  }
  return { out, S };
}

function kernelCall(c: Case, inp: Inputs): KernelCall {
  const inputs: Record<string, Float32Array> = { x: inp.x, w: inp.W };
  if (c.bias) inputs.b = inp.b;
  return {
    inputs,
    outputs: { y: c.n + PAD },
    init: { y: inp.y0 },
    args: (p) => [p.x!, p.w!, c.bias ? p.b! : 0, p.y!, c.k, c.n],
  };
}

const label = (c: Case) => `k=${c.k} n=${c.n}${c.bias ? ' bias' : ''}`;

/** Shapes: EDGE_SIZES squared, the strip and block boundaries, and the layers of 784-128-10. */
function shapes(): [number, number][] {
  const out: [number, number][] = [];
  for (const k of EDGE_SIZES) for (const n of EDGE_SIZES) out.push([k, n]);
  // Strip widths 24 / 8 / 4 and their tails; k around the 32-row block and odd k (even/odd split).
  for (const n of [2, 4, 7, 8, 9, 10, 23, 24, 25, 31, 32, 33, 47, 48, 49, 120]) out.push([33, n], [64, n]);
  for (const k of [0, 2, 31, 32, 63, 64, 65, 96]) out.push([k, 10], [k, 24], [k, 35]);
  out.push([784, 128], [128, 10], [784, 512], [512, 256], [256, 10]);
  return out;
}

describe('gemv js reference', () => {
  it('matches a float64 loop (with and without bias, k = 0, NaN y)', async () => {
    const { js } = await backends();
    for (const [k, n] of [
      [1, 1],
      [0, 5],
      [3, 17],
      [17, 3],
      [129, 127],
      [784, 10],
    ] as const) {
      for (const bias of [true, false]) {
        const c = { k, n, bias };
        const inp = inputsFor(c, 7 + k + n);
        const { out, S } = reference64(c, inp);
        const got = runKernel(js, 'gemv_row_f32', kernelCall(c, inp)).out.y!;
        expectClose(got.subarray(0, n), out, { abs: 2 ** -40 * S, rel: 2 ** -23 }, `js ${label(c)}`);
        expectClose(got.subarray(n), inp.y0.subarray(n), { abs: 0, rel: 0 }, `js ${label(c)} pad`);
      }
    }
  });
});

describe('gemv conformance (wasm builds vs js)', () => {
  it('every shape, with and without bias: within the summation bound, pad untouched', async () => {
    for (const [k, n] of shapes()) {
      for (const bias of [true, false]) {
        const c = { k, n, bias };
        const inp = inputsFor(c, 1 + k * 17 + n * 13);
        const { S } = reference64(c, inp);
        const ref = await conform('gemv_row_f32', kernelCall(c, inp), { abs: (k + 3) * 2 * U * S, rel: 0 }, label(c));
        // The pad is compared by conform against js (exact sentinels there); check js once here.
        expect(Array.from(ref.out.y!.subarray(n))).toEqual(Array.from(inp.y0.subarray(n)));
      }
    }
  });

  it('k = 0 gives y = b exactly, and zeros without bias', async () => {
    const { wasm, relaxed } = await backends();
    for (const b of [wasm, relaxed]) {
      if (!b) continue;
      for (const bias of [true, false]) {
        const c = { k: 0, n: 13, bias };
        const inp = inputsFor(c, 5);
        const got = runKernel(b, 'gemv_row_f32', kernelCall(c, inp)).out.y!;
        expect(Array.from(got.subarray(0, 13))).toEqual(bias ? Array.from(inp.b) : new Array(13).fill(0));
      }
    }
  });

  it('agrees with gemm_nn_f32 at m = 1 (the path it replaces) within the same bound', async () => {
    const { wasm, relaxed } = await backends();
    for (const b of [wasm, relaxed]) {
      if (!b) continue;
      for (const [k, n] of [
        [784, 128],
        [128, 10],
        [129, 127],
      ] as const) {
        const c = { k, n, bias: true };
        const inp = inputsFor(c, 3);
        const { S } = reference64(c, inp);
        const y = runKernel(b, 'gemv_row_f32', kernelCall(c, inp)).out.y!.subarray(0, n);
        const g = runKernel(b, 'gemm_nn_f32', {
          inputs: { a: inp.x, b: inp.W, bias: inp.b },
          outputs: { c: n },
          args: (p, be) => [p.a!, p.b!, p.c!, 1, n, k, p.bias!, 0, be.ws],
        }).out.c!;
        expectClose(y, g, { abs: (k + 3) * 4 * U * S, rel: 0 }, `${b.simd} gemv vs gemm ${label(c)}`);
      }
    }
  });
});
