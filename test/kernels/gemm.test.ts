/**
 * GEMM conformance: gemm_nn_f32, gemm_tn_f32, gemm_nt_f32 on every backend (js reference, wasm
 * baseline SIMD, wasm relaxed SIMD where the engine runs it), and the js reference itself against
 * an independent float64 triple loop.
 *
 * Tolerance. For any summation order, with or without FMA, a float32 dot product of length k plus
 * the bias and beta·C terms (k + 2 additions) satisfies
 *     |computed − exact| ≤ γ_{k+2} · S,   S = Σ_p |A(i,p)|·|B(p,j)| + |bias_j| + |beta·C_ij|,
 * with γ_n = n·u/(1 − n·u), u = 2⁻²⁴ (Higham, Accuracy and Stability, §3.1). The js reference
 * accumulates in float64 and rounds once (error ≤ u·S). So |wasm − js| ≤ (k + 3)·u·S·(1 + tiny);
 * we allow twice that, per case, with S the maximum over the elements of C: abs = (k + 3)·2⁻²³·S.
 * A wrong element (a missing or doubled product, a wrong bias or beta) is off by about one term
 * |a·b| ≈ 0.25 on average, far above this bound for the sizes here.
 *
 * Every output buffer has PAD extra floats after C, pre-filled (sentinel or NaN): they must come
 * back untouched, which catches stores past the end of C (partial tiles, partial vectors).
 */
import { describe, expect, it } from 'vitest';
import { EDGE_SIZES, backends, conform, expectClose, rand, runKernel, type KernelCall } from '../helpers/conformance.js';

type Layout = 'nn' | 'tn' | 'nt';

interface Case {
  layout: Layout;
  m: number;
  n: number;
  k: number;
  /** nn only: add a bias row. */
  bias: boolean;
  beta: 0 | 1;
  /** Pre-fill C with NaN (only meaningful with beta = 0: C must not be read). */
  nanC: boolean;
}

/** Floats after C that must stay untouched. */
const PAD = 5;
const SENTINEL = 12345.5;
const U = 2 ** -24;

interface Inputs {
  A: Float32Array;
  B: Float32Array;
  bias: Float32Array;
  /** Initial C, including the PAD tail. */
  C0: Float32Array;
}

function inputsFor(c: Case, seed: number): Inputs {
  const { m, n, k } = c;
  const C0 = c.nanC ? new Float32Array(m * n + PAD).fill(NaN) : new Float32Array(m * n + PAD).fill(SENTINEL);
  if (!c.nanC) C0.set(rand(m * n, seed + 3));
  return { A: rand(m * k, seed), B: rand(k * n, seed + 1), bias: rand(n, seed + 2), C0 };
}

/** A(i,p) and B(p,j) of the product, whatever the storage layout. */
function accessors(c: Case, inp: Inputs): [(i: number, p: number) => number, (p: number, j: number) => number] {
  const { m, n, k } = c;
  const a = c.layout === 'tn' ? (i: number, p: number) => inp.A[p * m + i]! : (i: number, p: number) => inp.A[i * k + p]!;
  const b = c.layout === 'nt' ? (p: number, j: number) => inp.B[j * k + p]! : (p: number, j: number) => inp.B[p * n + j]!;
  return [a, b];
}

/**
 * Naive float64 triple loop, independent of the js kernels: the exact-ish result (products of
 * floats are exact in float64; k float64 additions) and S = max over C of the error-bound sum.
 */
function reference64(c: Case, inp: Inputs): { out: Float64Array; S: number } {
  const { m, n, k } = c;
  const [a, b] = accessors(c, inp);
  const out = new Float64Array(m * n);
  let S = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = a(i, p) * b(p, j);
        s += t;
        abs += Math.abs(t);
      }
      if (c.bias) {
        s += inp.bias[j]!;
        abs += Math.abs(inp.bias[j]!);
      }
      if (c.beta !== 0) {
        const old = inp.C0[i * n + j]!;
        s += c.beta * old;
        abs += Math.abs(c.beta * old);
      }
      out[i * n + j] = s;
      S = Math.max(S, abs);
    }
  }
  return { out, S };
}

function kernelCall(c: Case, inp: Inputs, offset = 0): KernelCall {
  const { m, n, k } = c;
  const inputs: Record<string, Float32Array> = { a: inp.A, b: inp.B };
  if (c.bias) inputs.bias = inp.bias;
  return {
    inputs,
    outputs: { c: m * n + PAD },
    init: { c: inp.C0 },
    args: (p, be) =>
      c.layout === 'nn'
        ? [p.a! + offset, p.b! + offset, p.c!, m, n, k, c.bias ? p.bias! + offset : 0, c.beta, be.ws]
        : [p.a! + offset, p.b! + offset, p.c!, m, n, k, c.beta, be.ws],
  };
}

const kernelName = (l: Layout) => `gemm_${l}_f32` as const;
const label = (c: Case) => `${c.layout} m=${c.m} n=${c.n} k=${c.k}${c.bias ? ' bias' : ''} beta=${c.beta}${c.nanC ? ' C=NaN' : ''}`;

/** Runs one case on every backend and compares them against the js reference. */
async function check(c: Case, seed = 1): Promise<void> {
  const inp = inputsFor(c, seed + c.m * 7 + c.n * 13 + c.k * 17);
  const { S } = reference64(c, inp);
  const abs = (c.k + 3) * 2 * U * S;
  await conform(kernelName(c.layout), kernelCall(c, inp), { abs, rel: 0 }, label(c));
}

/** The two variants every shape gets: overwrite a NaN-filled C (with bias for nn), and accumulate. */
function variants(layout: Layout, m: number, n: number, k: number): Case[] {
  return [
    { layout, m, n, k, bias: layout === 'nn', beta: 0, nanC: true },
    { layout, m, n, k, bias: false, beta: 1, nanC: false },
  ];
}

const LAYOUTS: Layout[] = ['nn', 'tn', 'nt'];
const SMALL = EDGE_SIZES.filter((s) => s < 127);
const BIG = EDGE_SIZES.filter((s) => s >= 127);

/** All (m, n, k) over EDGE_SIZES with at most one dimension ≥ 127. */
function edgeTriples(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const m of EDGE_SIZES) {
    for (const n of EDGE_SIZES) {
      for (const k of EDGE_SIZES) {
        if ([m, n, k].filter((s) => s >= 127).length <= 1) out.push([m, n, k]);
      }
    }
  }
  return out;
}

describe('gemm js reference', () => {
  it('matches a float64 triple loop (every layout, bias, beta, NaN C)', async () => {
    const { js } = await backends();
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 17],
      [17, 3, 5],
      [5, 17, 3],
      [1, 129, 127],
      [129, 1, 5],
      [33, 10, 128],
      [20, 128, 64],
    ];
    for (const layout of LAYOUTS) {
      for (const [m, n, k] of shapes) {
        const cases: Case[] = [
          ...variants(layout, m, n, k),
          { layout, m, n, k, bias: layout === 'nn', beta: 1, nanC: false },
          { layout, m, n, k, bias: false, beta: 0, nanC: false },
        ];
        for (const c of cases) {
          const inp = inputsFor(c, 11);
          const { out, S } = reference64(c, inp);
          const got = runKernel(js, kernelName(layout), kernelCall(c, inp)).out.c!;
          // One rounding to float32 (≤ half an ulp: rel 2⁻²³ is safe) plus float64 summation error.
          expectClose(got.subarray(0, m * n), out, { abs: 2 ** -40 * S, rel: 2 ** -23 }, `js ${label(c)}`);
          expectClose(got.subarray(m * n), inp.C0.subarray(m * n), { abs: 0, rel: 0 }, `js ${label(c)} pad`);
        }
      }
    }
  });
});

describe('gemm conformance (wasm builds vs js)', () => {
  for (const layout of LAYOUTS) {
    it(`${layout}: EDGE_SIZES triples with at most one dimension ≥ 127`, async () => {
      for (const [m, n, k] of edgeTriples()) {
        for (const c of variants(layout, m, n, k)) await check(c);
      }
    });

    it(`${layout}: full-size edge triples`, async () => {
      const triples: [number, number, number][] = [
        [BIG[0]!, BIG[1]!, BIG[2]!],
        [BIG[2]!, BIG[0]!, BIG[1]!],
        [BIG[1]!, BIG[2]!, BIG[0]!],
        [BIG[2]!, BIG[2]!, BIG[2]!],
      ];
      for (const [m, n, k] of triples) for (const c of variants(layout, m, n, k)) await check(c);
    });

    it(`${layout}: path and blocking boundaries`, async () => {
      // Tiny m (≤ 4: streaming path, pairs of rows, k % 4 tails), small n (≤ 12 and its k slices
      // of 4096), register-tile edges (4×8), KC = 256 / MC = 120 / NC = 1024 crossings.
      const triples: [number, number, number][] = [
        [2, 33, 9],
        [4, 25, 7],
        [3, 16, 1],
        [4, 12, 5],
        [2, 129, 4],
        [4, 8, 130],
        [5, 12, 6],
        [6, 9, 11],
        [7, 10, 4100],
        [9, 4, 4097],
        [4, 8, 4],
        [8, 16, 8],
        [12, 24, 3],
        [13, 13, 13],
        [121, 20, 257],
        [241, 33, 300],
        [5, 1030, 3],
        [8, 1025, 2],
      ];
      for (const [m, n, k] of triples) for (const c of variants(layout, m, n, k)) await check(c);
    });
  }

  it('nn: every bias × beta × NaN combination on small shapes', async () => {
    for (const m of SMALL) {
      for (const n of [...SMALL, 128]) {
        for (const k of SMALL) {
          for (const bias of [false, true]) {
            await check({ layout: 'nn', m, n, k, bias, beta: 0, nanC: true });
            await check({ layout: 'nn', m, n, k, bias, beta: 1, nanC: false });
          }
        }
      }
    }
  });

  it('MNIST 784-128-10 shapes (batch 1, 32, 128)', async () => {
    const shapes: [Layout, number, number, number, boolean][] = [];
    for (const batch of [1, 32, 128]) {
      shapes.push(['nn', batch, 128, 784, true]); // Z1 = X·W1 + b1
      shapes.push(['nn', batch, 10, 128, true]); // Z2 = H·W2 + b2
      shapes.push(['tn', 784, 128, batch, false]); // dW1 = Xᵀ·dZ1
      shapes.push(['tn', 128, 10, batch, false]); // dW2 = Hᵀ·dZ2
      shapes.push(['nt', batch, 128, 10, false]); // dH = dZ2·W2ᵀ
      shapes.push(['nt', batch, 784, 128, false]); // dX = dZ1·W1ᵀ
    }
    for (const [layout, m, n, k, bias] of shapes) {
      await check({ layout, m, n, k, bias, beta: 0, nanC: true });
      await check({ layout, m, n, k, bias: false, beta: 1, nanC: false });
    }
  });

  it('k = 0 gives bias + beta·C', async () => {
    for (const layout of LAYOUTS) {
      await check({ layout, m: 3, n: 5, k: 0, bias: layout === 'nn', beta: 0, nanC: true });
      await check({ layout, m: 6, n: 13, k: 0, bias: layout === 'nn', beta: 1, nanC: false });
    }
  });

  it('operands at unaligned addresses (4 bytes past a 64-byte boundary)', async () => {
    for (const layout of LAYOUTS) {
      for (const [m, n, k] of [
        [1, 10, 7],
        [3, 17, 5],
        [17, 5, 129],
        [37, 129, 33],
      ] as const) {
        for (const c of variants(layout, m, n, k)) {
          const inp = inputsFor(c, 5);
          // The kernels read A, B, bias one float later than they were written: the same memory on
          // every backend, so the comparison stands; |values| ≤ 1 bounds S by k + 2.
          await conform(kernelName(layout), kernelCall(c, inp, 4), { abs: (k + 3) * 2 * U * (k + 2), rel: 0 }, `${label(c)} +4B`);
        }
      }
    }
  });

  it('leaves memory outside C untouched and ignores NaN in C when beta = 0', async () => {
    // Covered per case by the PAD tail and the NaN-filled C above; here one direct look at the wasm
    // build's output so that a NaN leaking from C cannot hide behind NaN == NaN in the comparison.
    const { wasm } = await backends();
    for (const layout of LAYOUTS) {
      for (const [m, n, k] of [
        [2, 10, 9],
        [5, 10, 9],
        [33, 17, 9],
      ] as const) {
        const c: Case = { layout, m, n, k, bias: layout === 'nn', beta: 0, nanC: true };
        const out = runKernel(wasm, kernelName(layout), kernelCall(c, inputsFor(c, 3))).out.c!;
        for (let i = 0; i < m * n; i++) expect(Number.isFinite(out[i]!), `${label(c)} element ${i}`).toBe(true);
        for (let i = m * n; i < out.length; i++) expect(Number.isNaN(out[i]!), `${label(c)} pad ${i}`).toBe(true);
      }
    }
  });
});
