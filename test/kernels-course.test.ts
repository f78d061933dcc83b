/**
 * Conformance and gradient tests for the course kernels (issue 3): leaky ReLU, ELU, softplus,
 * hard tanh, abs, PReLU (with its slope gradient), maxout (with its argmax routing), binary
 * cross-entropy (fused from logits and on clipped probabilities), binary and multi-class hinge,
 * binary accuracy, SGD with L1 + L2, Nesterov, Adam, and dropout (generated and fixed masks).
 *
 * Each kernel: wasm builds vs the js reference (conform), the js reference vs float64 closed forms,
 * and the backward / gradient outputs vs central finite differences of the forward / loss, run on
 * every backend.
 *
 * Tolerances (|got − ref| ≤ abs + rel·|ref|):
 * - EXACT: selects, clamps, sign flips, one multiply by an exact constant, integer hashing.
 * - ULP  { abs 1e-30, rel 1e-6 }: a few f32 roundings against float64.
 * - EXP  { abs 1e-7, rel 2e-6 }: kernels on the wasm exp/log polynomials (≈ 2e-7 relative each).
 * - FD   { abs 2e-4, rel 1e-3 } with h = 1e-2 on f32 kernels (truncation ~h², rounding ~6e-8/h).
 * - Optimizers: { abs 1e-7, rel 1e-6 } (lr, β, … are rounded to f32 on the wasm side).
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/kernels/backend.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { allBackends, conform, EDGE_SIZES, expectClose, rand, runKernel, type Tolerance } from './helpers/conformance.js';

const EXACT: Tolerance = { abs: 0, rel: 0 };
const ULP: Tolerance = { abs: 1e-30, rel: 1e-6 };
const EXP: Tolerance = { abs: 1e-7, rel: 2e-6 };
const FD_H = 1e-2;
const FD_TOL: Tolerance = { abs: 2e-4, rel: 1e-3 };
const OPT: Tolerance = { abs: 1e-7, rel: 1e-6 };

const ROWS = [1, 3, 17, 128, 129];
const COLS = [1, 3, 5, 10, 17, 127, 128, 129];
const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const asI32 = (x: Float32Array): number[] => Array.from(new Int32Array(x.buffer, x.byteOffset, x.length));

function sigmoid64(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

interface ActSpec {
  name: string;
  alpha: number;
  f: (z: number, alpha: number) => number;
  df: (z: number, alpha: number) => number;
  fwdTol: Tolerance;
  bwdTol: Tolerance;
  /** Points where f is not differentiable (FD inputs keep away from them). */
  kinks: number[];
}

const ACTS: ActSpec[] = [
  { name: 'leaky_relu', alpha: 0.01, f: (z, a) => (z > 0 ? z : a * z), df: (z, a) => (z > 0 ? 1 : a), fwdTol: EXACT, bwdTol: EXACT, kinks: [0] },
  { name: 'leaky_relu', alpha: 0.3, f: (z, a) => (z > 0 ? z : a * z), df: (z, a) => (z > 0 ? 1 : a), fwdTol: EXACT, bwdTol: EXACT, kinks: [0] },
  { name: 'elu', alpha: 1, f: (z, a) => (z > 0 ? z : a * Math.expm1(z)), df: (z, a) => (z > 0 ? 1 : a * Math.exp(z)), fwdTol: EXP, bwdTol: ULP, kinks: [0] },
  { name: 'elu', alpha: 0.5, f: (z, a) => (z > 0 ? z : a * Math.expm1(z)), df: (z, a) => (z > 0 ? 1 : a * Math.exp(z)), fwdTol: EXP, bwdTol: ULP, kinks: [0] },
  { name: 'softplus', alpha: 0, f: (z) => Math.log(1 + Math.exp(z)), df: (z) => sigmoid64(z), fwdTol: EXP, bwdTol: EXP, kinks: [] },
  { name: 'hard_tanh', alpha: 0, f: (z) => Math.min(1, Math.max(-1, z)), df: (z) => (z > -1 && z < 1 ? 1 : 0), fwdTol: EXACT, bwdTol: EXACT, kinks: [-1, 1] },
  { name: 'abs', alpha: 0, f: (z) => Math.abs(z), df: (z) => Math.sign(z), fwdTol: EXACT, bwdTol: EXACT, kinks: [0] },
];

function actInputs(n: number, seed: number): Float32Array {
  const z = rand(n, seed, -6, 6);
  const special = [0, -0, 1, -1, 1e-5, -1e-5, 0.3, -0.3, 20, -20];
  for (let i = 0; i < n; i += 5) z[i] = special[(i / 5) % special.length]!;
  return z;
}

const fwd = (b: Backend, name: string, z: Float32Array, alpha: number) =>
  runKernel(b, `${name}_fwd_f32` as keyof Kernels, { inputs: { z }, outputs: { a: z.length }, args: (p) => [p.z!, p.a!, z.length, alpha] })
    .out.a!;
const bwd = (b: Backend, name: string, z: Float32Array, a: Float32Array, da: Float32Array, alpha: number) =>
  runKernel(b, `${name}_bwd_f32` as keyof Kernels, {
    inputs: { z, a, da }, outputs: { dz: z.length }, args: (p) => [p.z!, p.a!, p.da!, p.dz!, z.length, alpha],
  }).out.dz!;

describe('elementwise activations (course set)', () => {
  for (const act of ACTS) {
    const label = `${act.name}(alpha=${act.alpha})`;
    it(`${label}: wasm conforms to js, fwd and bwd (also in place), over edge sizes`, async () => {
      for (const n of [...EDGE_SIZES, 1000, 4099]) {
        const z = actInputs(n, n);
        const ref = await conform(
          `${act.name}_fwd_f32` as keyof Kernels,
          { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, act.alpha] },
          act.fwdTol,
          `${label} n=${n}`,
        );
        const da = rand(n, n + 1);
        for (const inPlace of [false, true]) {
          await conform(
            `${act.name}_bwd_f32` as keyof Kernels,
            {
              inputs: { z, a: ref.out.a!, da },
              outputs: inPlace ? { da: n } : { dz: n },
              args: (p) => [p.z!, p.a!, p.da!, inPlace ? p.da! : p.dz!, n, act.alpha],
            },
            act.bwdTol,
            `${label} n=${n}${inPlace ? ' in place' : ''}`,
          );
        }
      }
    });

    it(`${label}: js matches the float64 formula and derivative`, async () => {
      const [, js] = (await allBackends())[0]!;
      const z = actInputs(777, 3);
      const a = fwd(js, act.name, z, act.alpha);
      const al = Math.fround(act.alpha);
      expectClose(a, Array.from(z, (v) => act.f(v, al)), { abs: 1e-30, rel: 1e-6 }, `${label} fwd`);
      const da = rand(z.length, 4);
      const dz = bwd(js, act.name, z, a, da, act.alpha);
      expectClose(dz, Array.from(z, (v, i) => da[i]! * act.df(v, al)), { abs: 1e-7, rel: 1e-6 }, `${label} bwd`);
    });

    it(`${label}: bwd matches a central finite difference of fwd (every backend)`, async () => {
      const n = 129;
      const z = rand(n, 21, -4, 4).map((v) => (act.kinks.some((k) => Math.abs(v - k) < 2 * FD_H) ? v + 0.1 : v));
      const zp = z.map((v) => v + FD_H), zm = z.map((v) => v - FD_H);
      const ones = new Float32Array(n).fill(1);
      for (const [tag, b] of await allBackends()) {
        const ap = fwd(b, act.name, zp, act.alpha), am = fwd(b, act.name, zm, act.alpha);
        const fd = Array.from(ap, (v, i) => (v - am[i]!) / (zp[i]! - zm[i]!));
        const dz = bwd(b, act.name, z, fwd(b, act.name, z, act.alpha), ones, act.alpha);
        expectClose(dz, fd, FD_TOL, `${label} [${tag}] bwd vs FD`);
      }
    });
  }

  it('extreme inputs saturate without NaN or overflow (every backend)', async () => {
    const z = f32([100, -100, 1e4, -1e4, 0, 88, -88, 50, -50, 1e-30, -1e-30, 3e38, -3e38]);
    for (const [tag, b] of await allBackends()) {
      for (const act of ACTS) {
        const a = fwd(b, act.name, z, act.alpha);
        const al = Math.fround(act.alpha);
        for (let i = 0; i < z.length; i++) {
          const want = Math.fround(act.name === 'softplus' ? Math.max(z[i]!, 0) + Math.log1p(Math.exp(-Math.abs(z[i]!))) : act.f(z[i]!, al));
          expect(Number.isNaN(a[i]!), `${tag} ${act.name}(${z[i]}) is NaN`).toBe(false);
          expect(Math.abs(a[i]! - want), `${tag} ${act.name}(${z[i]}) = ${a[i]}, want ${want}`).toBeLessThanOrEqual(
            1e-6 * Math.abs(want) + 1e-7,
          );
        }
      }
      const sp = fwd(b, 'softplus', z, 0);
      expect(sp[0], `${tag} softplus(100)`).toBe(100);
      expect(sp[2], `${tag} softplus(1e4)`).toBe(1e4);
      expect(sp[3], `${tag} softplus(-1e4)`).toBe(0);
      expect(sp[4]! - Math.LN2, `${tag} softplus(0)`).toBeCloseTo(0, 7);
      const elu = fwd(b, 'elu', z, 1);
      expect(elu[1], `${tag} elu(-100)`).toBe(-1);
      expect(elu[3], `${tag} elu(-1e4)`).toBe(-1);
      // ELU is relatively accurate near 0 (expm1, not exp − 1).
      expect(Math.abs(elu[10]! / -1e-30 - 1), `${tag} elu(-1e-30)`).toBeLessThan(1e-6);
    }
  });
});

// ---------------------------------------------------------------- PReLU

describe('parametric ReLU', () => {
  it('fwd and bwd (dz and the slope gradient, beta 0 and 1, in place) conform over rows × cols', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        const z = rand(n, n + cols, -3, 3);
        const slope = rand(cols, cols, -0.5, 0.5);
        const ref = await conform(
          'prelu_fwd_f32',
          { inputs: { z, slope }, outputs: { a: n }, args: (p) => [p.z!, p.slope!, p.a!, rows, cols] },
          EXACT,
          `${rows}×${cols}`,
        );
        const want = Array.from(z, (v, i) => (v > 0 ? v : Math.fround(slope[i % cols]! * v)));
        expectClose(ref.out.a!, want, EXACT, `prelu fwd ${rows}×${cols} vs formula`);
        const da = rand(n, n + 9);
        const prev = rand(cols, 5);
        for (const beta of [0, 1]) {
          for (const inPlace of [false, true]) {
            await conform(
              'prelu_bwd_f32',
              {
                inputs: { z, slope, da },
                outputs: inPlace ? { da: n, dslope: cols } : { dz: n, dslope: cols },
                init: { dslope: beta === 0 ? new Float32Array(cols).fill(NaN) : prev },
                args: (p) => [p.z!, p.slope!, p.da!, inPlace ? p.da! : p.dz!, p.dslope!, rows, cols, beta],
              },
              { abs: 1e-5, rel: 1e-5 },
              `${rows}×${cols} beta=${beta}${inPlace ? ' in place' : ''}`,
            );
          }
        }
      }
    }
  });

  it('dz and dslope match finite differences of L = Σ G ⊙ prelu(z; slope) (every backend)', async () => {
    const rows = 5, cols = 7, n = rows * cols;
    const z = rand(n, 31, -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.2 : v));
    const slope = rand(cols, 32, 0.05, 0.4);
    const G = rand(n, 33);
    for (const [tag, b] of await allBackends()) {
      const L = (zz: Float32Array, ss: Float32Array): number => {
        const a = runKernel(b, 'prelu_fwd_f32', { inputs: { z: zz, slope: ss }, outputs: { a: n }, args: (p) => [p.z!, p.slope!, p.a!, rows, cols] }).out.a!;
        let s = 0;
        for (let i = 0; i < n; i++) s += G[i]! * a[i]!;
        return s;
      };
      const { out } = runKernel(b, 'prelu_bwd_f32', {
        inputs: { z, slope, da: G }, outputs: { dz: n, dslope: cols },
        args: (p) => [p.z!, p.slope!, p.da!, p.dz!, p.dslope!, rows, cols, 0],
      });
      const fdz = Array.from(z, (_, i) => {
        const zp = z.slice(), zm = z.slice();
        zp[i]! += FD_H;
        zm[i]! -= FD_H;
        return (L(zp, slope) - L(zm, slope)) / (zp[i]! - zm[i]!);
      });
      const fds = Array.from(slope, (_, j) => {
        const sp = slope.slice(), sm = slope.slice();
        sp[j]! += FD_H;
        sm[j]! -= FD_H;
        return (L(z, sp) - L(z, sm)) / (sp[j]! - sm[j]!);
      });
      expectClose(out.dz!, fdz, FD_TOL, `prelu [${tag}] dz vs FD`);
      expectClose(out.dslope!, fds, FD_TOL, `prelu [${tag}] dslope vs FD`);
    }
  });
});

// ---------------------------------------------------------------- maxout

describe('maxout', () => {
  it('fwd (values and argmax) and bwd conform exactly for k = 1..5 over rows × units', async () => {
    for (const k of [1, 2, 3, 4, 5]) {
      for (const rows of [1, 3, 17, 129]) {
        for (const units of [1, 3, 10, 17, 128]) {
          const n = rows * units;
          // Quantised so that ties occur: the first maximum must win everywhere.
          const z = rand(n * k, n * k + units, -3, 3).map((v) => Math.round(v * 2) / 2);
          const ref = await conform(
            'maxout_fwd_f32',
            { inputs: { z }, outputs: { a: n, idx: n }, args: (p) => [p.z!, p.a!, p.idx!, rows, units, k] },
            EXACT,
            `k=${k} ${rows}×${units}`,
          );
          const wantA: number[] = [];
          const wantIdx: number[] = [];
          for (let i = 0; i < n; i++) {
            const piece = Array.from(z.subarray(i * k, (i + 1) * k));
            const m = Math.max(...piece);
            wantA.push(m);
            wantIdx.push(piece.indexOf(m));
          }
          expectClose(ref.out.a!, wantA, EXACT, `maxout k=${k} a`);
          expect(asI32(ref.out.idx!), `maxout k=${k} idx`).toEqual(wantIdx);
          const da = rand(n, n + 2);
          const idx = Int32Array.from(wantIdx);
          const nan = new Float32Array(n * k).fill(NaN);
          const b = await conform(
            'maxout_bwd_f32',
            { inputs: { da, idx }, outputs: { dz: n * k }, init: { dz: nan }, args: (p) => [p.da!, p.idx!, p.dz!, rows, units, k] },
            EXACT,
            `k=${k} ${rows}×${units}`,
          );
          const wantDz = new Array<number>(n * k).fill(0);
          for (let i = 0; i < n; i++) wantDz[i * k + wantIdx[i]!] = da[i]!;
          expectClose(b.out.dz!, wantDz, EXACT, `maxout bwd k=${k}`);
        }
      }
    }
  });

  it('bwd matches finite differences of L = Σ G ⊙ maxout(z) (every backend, no ties)', async () => {
    for (const k of [2, 3, 4]) {
      const rows = 3, units = 5, n = rows * units;
      const z = rand(n * k, 40 + k, -2, 2); // distinct values, gaps ≫ h almost surely
      const G = rand(n, 41);
      for (const [tag, b] of await allBackends()) {
        const fwdRun = (zz: Float32Array) =>
          runKernel(b, 'maxout_fwd_f32', { inputs: { z: zz }, outputs: { a: n, idx: n }, args: (p) => [p.z!, p.a!, p.idx!, rows, units, k] }).out;
        const L = (zz: Float32Array) => fwdRun(zz).a!.reduce((s, v, i) => s + G[i]! * v, 0);
        const idx = Int32Array.from(asI32(fwdRun(z).idx!));
        const dz = runKernel(b, 'maxout_bwd_f32', { inputs: { da: G, idx }, outputs: { dz: n * k }, args: (p) => [p.da!, p.idx!, p.dz!, rows, units, k] }).out.dz!;
        const h = 1e-3;
        const fd = Array.from(z, (_, i) => {
          const zp = z.slice(), zm = z.slice();
          zp[i]! += h;
          zm[i]! -= h;
          return (L(zp) - L(zm)) / (zp[i]! - zm[i]!);
        });
        expectClose(dz, fd, FD_TOL, `maxout k=${k} [${tag}] dz vs FD`);
      }
    }
  });
});

// ---------------------------------------------------------------- losses

function binaryTargets(n: number, seed: number, neg = 0): Float32Array {
  return rand(n, seed, 0, 1).map((v) => (v < 0.5 ? neg : 1));
}

describe('binary cross-entropy', () => {
  it('bce_logits conforms: a = σ(z), dz = scale·(a − y), stable loss', async () => {
    for (const n of [...EDGE_SIZES, 1000, 3001]) {
      const z = rand(n, n, -12, 12);
      const y = binaryTargets(n, n + 1);
      await conform(
        'bce_logits_f32',
        { inputs: { z, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, n, 1 / n] },
        EXP,
        `n=${n}`,
      );
    }
  });

  it('bce_logits: js matches float64 −[y·log σ + (1 − y)·log(1 − σ)]; extremes stay finite', async () => {
    const [, js] = (await allBackends())[0]!;
    const z = rand(300, 7, -15, 15);
    const y = rand(300, 8, 0, 1); // soft labels
    const { out, ret } = runKernel(js, 'bce_logits_f32', { inputs: { z, y }, outputs: { a: 300, dz: 300 }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, 300, 0.5] });
    let want = 0;
    for (let i = 0; i < 300; i++) {
      const s = sigmoid64(z[i]!);
      want -= y[i]! * Math.log(s) + (1 - y[i]!) * Math.log(1 - s);
    }
    expect(Math.abs(ret - want)).toBeLessThan(1e-9 * want);
    expectClose(out.a!, Array.from(z, sigmoid64), ULP, 'bce a');
    expectClose(out.dz!, Array.from(out.a!, (a, i) => 0.5 * (a - y[i]!)), ULP, 'bce dz');
    const zx = f32([100, -100, 1e4, -1e4, 0]);
    const yx = f32([0, 1, 0, 1, 1]);
    for (const [tag, b] of await allBackends()) {
      const r = runKernel(b, 'bce_logits_f32', { inputs: { z: zx, y: yx }, outputs: { a: 5, dz: 5 }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, 5, 1] });
      // Wrong by a margin m costs m; z = 0 costs log 2.
      expect(Math.abs(r.ret - (100 + 100 + 1e4 + 1e4 + Math.LN2)), `${tag} extreme loss ${r.ret}`).toBeLessThan(1e-2);
      expect(Array.from(r.out.dz!), `${tag} extreme dz`).toEqual([1, -1, 1, -1, -0.5]);
    }
  });

  it('bce_logits dz is the gradient of its loss (central FD, every backend)', async () => {
    const n = 23;
    const z = rand(n, 50, -4, 4);
    const y = rand(n, 51, 0, 1);
    for (const [tag, b] of await allBackends()) {
      const run = (zz: Float32Array) => runKernel(b, 'bce_logits_f32', { inputs: { z: zz, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, n, 1] });
      const fd = Array.from(z, (_, i) => {
        const zp = z.slice(), zm = z.slice();
        zp[i]! += FD_H;
        zm[i]! -= FD_H;
        return (run(zp).ret - run(zm).ret) / (zp[i]! - zm[i]!);
      });
      expectClose(run(z).out.dz!, fd, FD_TOL, `bce_logits [${tag}] dz vs FD`);
    }
  });

  it('bce (probabilities, clipped) conforms, matches float64, and da is its gradient', async () => {
    const eps = 1e-7;
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, 0, 1);
      a[0] = 0; // clipped
      if (n > 2) a[2] = 1;
      const y = binaryTargets(n, n + 3);
      const ref = await conform(
        'bce_f32',
        { inputs: { a, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1 / n, eps] },
        { abs: 1e-6, rel: 1e-5 },
        `n=${n}`,
      );
      const e = Math.fround(eps);
      let want = 0;
      for (let i = 0; i < n; i++) {
        const c = Math.min(Math.max(a[i]!, e), Math.fround(1 - e));
        want -= y[i]! * Math.log(c) + (1 - y[i]!) * Math.log(1 - c);
      }
      expect(Math.abs(ref.ret - want), `bce n=${n}`).toBeLessThanOrEqual(1e-6 * want + 1e-9);
      expect(ref.out.da!.every(Number.isFinite)).toBe(true);
    }
    const n = 17;
    const a = rand(n, 60, 0.1, 0.9);
    const y = rand(n, 61, 0, 1);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) => runKernel(b, 'bce_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1, eps] });
      const h = 1e-3;
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(), am = a.slice();
        ap[i]! += h;
        am[i]! -= h;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, { abs: 1e-3, rel: 2e-3 }, `bce [${tag}] da vs FD`);
    }
  });
});

describe('hinge losses', () => {
  it('binary hinge conforms, matches Σ max(0, 1 − y·a) and its subgradient, FD away from the kink', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, -2, 2);
      const y = binaryTargets(n, n + 1, -1);
      const ref = await conform(
        'hinge_f32',
        { inputs: { a, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 0.5] },
        { abs: 1e-6, rel: 1e-6 },
        `n=${n}`,
      );
      let want = 0;
      for (let i = 0; i < n; i++) want += Math.max(0, 1 - y[i]! * a[i]!);
      expect(Math.abs(ref.ret - want)).toBeLessThanOrEqual(1e-6 * want + 1e-9);
      expectClose(ref.out.da!, Array.from(a, (v, i) => (y[i]! * v < 1 ? -0.5 * y[i]! : 0)), EXACT, 'hinge da');
    }
    const n = 19;
    const a = rand(n, 70, -2, 2).map((v) => (Math.abs(Math.abs(v) - 1) < 0.05 ? v * 1.2 : v));
    const y = binaryTargets(n, 71, -1);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) => runKernel(b, 'hinge_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1] });
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(), am = a.slice();
        ap[i]! += FD_H;
        am[i]! -= FD_H;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, FD_TOL, `hinge [${tag}] da vs FD`);
    }
  });

  function oneHot(rows: number, cols: number, seed: number): Float32Array {
    const y = new Float32Array(rows * cols);
    const u = rand(rows, seed, 0, 1);
    for (let r = 0; r < rows; r++) y[r * cols + Math.min(cols - 1, Math.floor(u[r]! * cols))] = 1;
    return y;
  }

  it('multi-class (Crammer–Singer) hinge conforms over rows × cols and matches float64', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        const a = rand(n, n + 5, -1.5, 1.5).map((v) => Math.round(v * 4) / 4); // ties too
        const y = oneHot(rows, cols, n);
        const scale = 1 / rows;
        const ref = await conform(
          'hinge_multi_rows_f32',
          { inputs: { a, y }, outputs: { da: n }, init: { da: new Float32Array(n).fill(NaN) }, args: (p) => [p.a!, p.y!, p.da!, rows, cols, scale] },
          EXACT,
          `${rows}×${cols}`,
        );
        let want = 0;
        const wantDa = new Array<number>(n).fill(0);
        for (let r = 0; r < rows; r++) {
          const row = Array.from(a.subarray(r * cols, (r + 1) * cols));
          const t = Array.from(y.subarray(r * cols, (r + 1) * cols)).indexOf(1);
          let js = -1;
          for (let j = 0; j < cols; j++) if (j !== t && (js < 0 || row[j]! > row[js]!)) js = j;
          if (js < 0) continue;
          const l = 1 + row[js]! - row[t]!;
          if (l > 0) {
            want += l;
            wantDa[r * cols + t] = -Math.fround(scale);
            wantDa[r * cols + js] = Math.fround(scale);
          }
        }
        expect(Math.abs(ref.ret - want), `hinge_multi ${rows}×${cols}`).toBeLessThanOrEqual(1e-9 * want + 1e-9);
        expectClose(ref.out.da!, wantDa, EXACT, `hinge_multi da ${rows}×${cols}`);
      }
    }
  });

  it('multi-class hinge da matches finite differences (every backend, no ties)', async () => {
    const rows = 6, cols = 10, n = rows * cols;
    const a = rand(n, 80, -1, 1);
    const y = oneHot(rows, cols, 81);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) => runKernel(b, 'hinge_multi_rows_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, rows, cols, 1] });
      const h = 1e-3;
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(), am = a.slice();
        ap[i]! += h;
        am[i]! -= h;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, FD_TOL, `hinge_multi [${tag}] da vs FD`);
    }
  });
});

describe('binary accuracy', () => {
  it('count_correct_binary counts (a > 0.5) == (y > 0.5) exactly', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, 0, 1);
      if (n > 1) a[1] = 0.5; // the threshold counts as negative
      const y = binaryTargets(n, n + 1);
      const ref = await conform('count_correct_binary_f32', { inputs: { a, y }, outputs: {}, args: (p) => [p.a!, p.y!, n] }, EXACT, `n=${n}`);
      let want = 0;
      for (let i = 0; i < n; i++) if (a[i]! > 0.5 === y[i]! > 0.5) want++;
      expect(ref.ret).toBe(want);
    }
  });
});

// ---------------------------------------------------------------- optimizers

const sgn = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

describe('optimizers (course set)', () => {
  const SETTINGS = [
    [0.1, 0, 0, 0],
    [0.05, 0.9, 1e-3, 0],
    [0.5, 0, 0, 5e-4],
    [0.02, 0.95, 1e-4, 1e-3],
  ] as const;

  it('sgd_l1l2 and nesterov conform and match their float64 formulas', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, mom, l1, l2] of SETTINGS) {
        const w = rand(n, n);
        w[0] = 0; // sgn 0 = 0
        const g = rand(n, n + 1);
        const v = rand(n, n + 2, -0.1, 0.1);
        const label = `n=${n} lr=${lr} μ=${mom} l1=${l1} l2=${l2}`;
        const ghat = Array.from(w, (wi, i) => g[i]! + l2 * wi + l1 * sgn(wi));
        const vNew = Array.from(w, (_, i) => mom * v[i]! - lr * ghat[i]!);
        const s = await conform(
          'sgd_l1l2_f32',
          { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, mom, l1, l2] },
          OPT,
          label,
        );
        expectClose(s.out.v!, vNew, OPT, `sgd_l1l2 v ${label}`);
        expectClose(s.out.w!, Array.from(w, (wi, i) => wi + vNew[i]!), OPT, `sgd_l1l2 w ${label}`);
        const ns = await conform(
          'nesterov_f32',
          { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, mom, l1, l2] },
          OPT,
          label,
        );
        expectClose(ns.out.v!, vNew, OPT, `nesterov v ${label}`);
        expectClose(ns.out.w!, Array.from(w, (wi, i) => wi + mom * vNew[i]! - lr * ghat[i]!), OPT, `nesterov w ${label}`);
      }
    }
  });

  it('sgd_l1l2 with l1 = 0 equals sgd_f32, and nesterov with momentum 0 equals plain SGD (every backend)', async () => {
    const n = 129;
    const w = rand(n, 1), g = rand(n, 2), v = rand(n, 3, -0.1, 0.1);
    for (const [tag, b] of await allBackends()) {
      const run = (name: keyof Kernels, args: number[]) =>
        runKernel(b, name, { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, ...args] }).out;
      const a = run('sgd_f32', [0.1, 0.9, 1e-3]);
      const c = run('sgd_l1l2_f32', [0.1, 0.9, 0, 1e-3]);
      expectClose(c.w!, a.w!, EXACT, `${tag} sgd_l1l2(l1=0) w`);
      expectClose(c.v!, a.v!, EXACT, `${tag} sgd_l1l2(l1=0) v`);
      const d = run('nesterov_f32', [0.1, 0, 0, 1e-3]);
      const e = run('sgd_f32', [0.1, 0, 1e-3]);
      expectClose(d.w!, e.w!, OPT, `${tag} nesterov(μ=0) w`);
    }
  });

  it('the regularised step is −lr·∇(l2·w²/2 + l1·|w|): FD of the penalty (every backend)', async () => {
    const n = 64;
    const w = rand(n, 90, -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
    const zero = new Float32Array(n);
    const l1 = 0.3, l2 = 0.7, lr = 0.5;
    const P = (x: number) => (l2 * x * x) / 2 + l1 * Math.abs(x);
    const fd = Array.from(w, (x) => (P(x + FD_H) - P(x - FD_H)) / (2 * FD_H));
    for (const [tag, b] of await allBackends()) {
      for (const name of ['sgd_l1l2_f32', 'nesterov_f32'] as const) {
        const { out } = runKernel(b, name, { inputs: { w, g: zero, v: zero }, outputs: { w: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, 0, l1, l2] });
        expectClose(Array.from(out.w!, (x, i) => (w[i]! - x) / lr), fd, FD_TOL, `${name} [${tag}] penalty gradient`);
      }
      const c1 = 1 / (1 - 0.9), c2 = 1 / (1 - 0.999);
      const { out } = runKernel(b, 'adam_f32', {
        inputs: { w, g: zero, m: zero, v: zero }, outputs: { m: n },
        args: (p) => [p.w!, p.g!, p.m!, p.v!, n, lr, 0.9, 0.999, 1e-8, c1, c2, l1, l2],
      });
      // Adam's first moment after one step is (1 − β₁)·ĝ.
      expectClose(Array.from(out.m!, (x) => x / 0.1), fd, FD_TOL, `adam [${tag}] regularised gradient`);
    }
  });

  it('adam conforms and matches the bias-corrected float64 update over several steps', async () => {
    const [b1, b2, eps] = [0.9, 0.999, 1e-7];
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, l1, l2] of [[1e-3, 0, 0], [1e-2, 1e-4, 1e-3]] as const) {
        let w: Float32Array = rand(n, n), m: Float32Array = new Float32Array(n), v: Float32Array = new Float32Array(n);
        const w64 = Array.from(w), m64 = new Array<number>(n).fill(0), v64 = new Array<number>(n).fill(0);
        for (let t = 1; t <= 3; t++) {
          const g = rand(n, n * 10 + t);
          const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
          const r = await conform(
            'adam_f32',
            { inputs: { w, g, m, v }, outputs: { w: n, m: n, v: n }, args: (p) => [p.w!, p.g!, p.m!, p.v!, n, lr, b1, b2, eps, c1, c2, l1, l2] },
            { abs: 1e-6, rel: 1e-5 },
            `n=${n} t=${t} lr=${lr}`,
          );
          for (let i = 0; i < n; i++) {
            const gh = g[i]! + l2 * w64[i]! + l1 * sgn(w64[i]!);
            m64[i] = b1 * m64[i]! + (1 - b1) * gh;
            v64[i] = b2 * v64[i]! + (1 - b2) * gh * gh;
            w64[i] = w64[i]! - (lr * c1 * m64[i]!) / (Math.sqrt(c2 * v64[i]!) + eps);
          }
          expectClose(r.out.w!, w64, { abs: 1e-6, rel: 1e-5 }, `adam w n=${n} t=${t}`);
          expectClose(r.out.m!, m64, { abs: 1e-7, rel: 1e-5 }, `adam m n=${n} t=${t}`);
          expectClose(r.out.v!, v64, { abs: 1e-9, rel: 1e-5 }, `adam v n=${n} t=${t}`);
          w = r.out.w!;
          m = r.out.m!;
          v = r.out.v!;
        }
      }
    }
  });
});

// ---------------------------------------------------------------- dropout

describe('dropout', () => {
  it('generated masks are bit-identical in js and wasm, for every size, rate and seed', async () => {
    for (const n of [...EDGE_SIZES, 1000, 4097]) {
      for (const [rate, seed] of [[0, 1], [0.2, 7], [0.5, -123456], [0.9, 2 ** 31 - 1]] as const) {
        const x = rand(n, n);
        await conform(
          'dropout_fwd_f32',
          { inputs: { x }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, rate, seed] },
          EXACT,
          `n=${n} rate=${rate} seed=${seed}`,
        );
      }
    }
  });

  it('keeps ≈ 1 − rate of the elements, scales them by 1/(1 − rate), is seed-deterministic', async () => {
    const n = 1 << 16;
    const x = rand(n, 5);
    for (const [tag, b] of await allBackends()) {
      for (const rate of [0, 0.1, 0.5, 0.8]) {
        const run = (seed: number) =>
          runKernel(b, 'dropout_fwd_f32', { inputs: { x }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, rate, seed] }).out;
        const a = run(42);
        const keep = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
        let kept = 0;
        let bad = 0;
        for (let i = 0; i < n; i++) {
          const m = a.mask![i]!;
          if (!(m === 0 || m === keep) || a.y![i] !== Math.fround(x[i]! * m)) bad++;
          if (m !== 0) kept++;
        }
        expect(bad, `${tag} rate ${rate}: mask ∈ {0, 1/(1 − rate)} and y = x·mask everywhere`).toBe(0);
        const p = 1 - rate;
        const sd = Math.sqrt(n * p * (1 - p));
        expect(Math.abs(kept - n * p), `${tag} rate ${rate}: kept ${kept} of ${n}`).toBeLessThanOrEqual(5 * sd + 1e-9);
        expect(Array.from(run(42).mask!), `${tag} same seed, same mask`).toEqual(Array.from(a.mask!));
        if (rate > 0) {
          const other = run(43).mask!;
          let diff = 0;
          for (let i = 0; i < n; i++) if (other[i] !== a.mask![i]) diff++;
          expect(diff, `${tag} another seed differs`).toBeGreaterThan(n * 2 * p * (1 - p) * 0.9);
        }
      }
    }
  });

  it('the mask of a fixed seed never changes (golden values: saved models and experiments replay)', async () => {
    const n = 32;
    const x = new Float32Array(n).fill(1);
    for (const [tag, b] of await allBackends()) {
      const { out } = runKernel(b, 'dropout_fwd_f32', { inputs: { x }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, 0.5, 12345] });
      const bits = Array.from(out.mask!, (m) => (m ? 1 : 0)).join('');
      expect(bits, `${tag} golden mask`).toBe(GOLDEN_MASK_12345);
    }
  });

  it('fixed-mask forward and backward conform, and match finite differences', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const x = rand(n, n);
      const mask = rand(n, n + 1, 0, 1).map((u) => (u < 0.3 ? 0 : 1 / 0.7));
      const dy = rand(n, n + 2);
      const f = await conform('dropout_mask_fwd_f32', { inputs: { x, mask }, outputs: { y: n }, args: (p) => [p.x!, p.mask!, p.y!, n] }, EXACT, `n=${n}`);
      expectClose(f.out.y!, Array.from(x, (v, i) => Math.fround(v * mask[i]!)), EXACT, 'dropout y = x·mask');
      const bw = await conform('dropout_bwd_f32', { inputs: { dy, mask }, outputs: { dy: n }, args: (p) => [p.dy!, p.mask!, p.dy!, n] }, EXACT, `n=${n} in place`);
      expectClose(bw.out.dy!, Array.from(dy, (v, i) => Math.fround(v * mask[i]!)), EXACT, 'dropout dx = dy·mask');
    }
    const n = 33;
    const x = rand(n, 1), mask = rand(n, 2, 0, 1).map((u) => (u < 0.5 ? 0 : 2)), G = rand(n, 3);
    for (const [tag, b] of await allBackends()) {
      const L = (xx: Float32Array) =>
        runKernel(b, 'dropout_mask_fwd_f32', { inputs: { x: xx, mask }, outputs: { y: n }, args: (p) => [p.x!, p.mask!, p.y!, n] }).out.y!.reduce(
          (s, v, i) => s + G[i]! * v,
          0,
        );
      const fd = Array.from(x, (_, i) => {
        const xp = x.slice(), xm = x.slice();
        xp[i]! += FD_H;
        xm[i]! -= FD_H;
        return (L(xp) - L(xm)) / (xp[i]! - xm[i]!);
      });
      const dx = runKernel(b, 'dropout_bwd_f32', { inputs: { dy: G, mask }, outputs: { dx: n }, args: (p) => [p.dy!, p.mask!, p.dx!, n] }).out.dx!;
      expectClose(dx, fd, FD_TOL, `dropout [${tag}] dx vs FD`);
    }
  });
});

/** The keep pattern of dropout_fwd_f32(rate 0.5, seed 12345) over 32 elements (1 = kept). */
const GOLDEN_MASK_12345 = '01011000101101011110010110010111';

describe('empty inputs', () => {
  it('every kernel of this family accepts n = 0 / rows = 0 and writes nothing (every backend)', async () => {
    for (const [tag, b] of await allBackends()) {
      const p = b.heap.alloc(256);
      b.heap.f32.fill(7, p >> 2, (p >> 2) + 64);
      const k = b.k;
      const acts = ['linear', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'softplus', 'hard_tanh', 'abs'];
      for (const a of acts) {
        (k[`${a}_fwd_f32` as keyof Kernels] as unknown as (...x: number[]) => void)(p, p + 64, 0, 0.1);
        (k[`${a}_bwd_f32` as keyof Kernels] as unknown as (...x: number[]) => void)(p, p, p, p + 64, 0, 0.1);
      }
      k.prelu_fwd_f32(p, p, p + 64, 0, 5);
      k.maxout_fwd_f32(p, p + 64, p + 128, 0, 3, 2);
      k.maxout_bwd_f32(p, p, p + 64, 0, 3, 2);
      k.softmax_rows_f32(p, p + 64, 0, 10);
      expect(k.softmax_xent_rows_f32(p, p, p + 64, p + 128, 0, 10, 1)).toBe(0);
      expect(k.sqerr_f32(p, p, p + 64, 0, 1)).toBe(0);
      expect(k.bce_logits_f32(p, p, p + 64, p + 128, 0, 1)).toBe(0);
      expect(k.bce_f32(p, p, p + 64, 0, 1, 1e-7)).toBe(0);
      expect(k.hinge_f32(p, p, p + 64, 0, 1)).toBe(0);
      expect(k.hinge_multi_rows_f32(p, p, p + 64, 0, 10, 1)).toBe(0);
      expect(k.count_correct_binary_f32(p, p, 0)).toBe(0);
      expect(k.find_nonfinite_f32(p, 0)).toBe(-1);
      k.sgd_l1l2_f32(p + 64, p, p + 128, 0, 1, 0.9, 1, 1);
      k.nesterov_f32(p + 64, p, p + 128, 0, 1, 0.9, 1, 1);
      k.adam_f32(p + 64, p, p + 128, p + 192, 0, 1, 0.9, 0.999, 1e-7, 10, 1000, 0, 0);
      k.dropout_fwd_f32(p, p + 64, p + 128, 0, 0.5, 1);
      k.dropout_bwd_f32(p, p, p + 64, 0);
      // prelu_bwd with rows = 0 and beta = 0 zeroes dslope (an empty sum).
      k.prelu_bwd_f32(p, p, p, p, p + 192, 0, 3, 0);
      const f = b.heap.readF32(p, 64);
      expect(Array.from(f.subarray(0, 48)).every((v) => v === 7), `${tag} nothing written`).toBe(true);
      expect(Array.from(f.subarray(48, 51)), `${tag} prelu dslope of no rows`).toEqual([0, 0, 0]);
      b.heap.free(p);
    }
  });
});
