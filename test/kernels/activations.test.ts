/**
 * assembly/activations.ts: linear, ReLU, sigmoid, tanh (core set), leaky ReLU, ELU, softplus, hard
 * tanh, abs (course set) and PReLU (with its slope gradient).
 *
 * Each kernel: wasm builds (baseline, relaxed where the engine runs it, and the debug build with its
 * asserts) vs the js reference (conform), the js reference vs float64 closed forms and derivatives,
 * and bwd vs a central finite difference of fwd on every backend; extreme inputs (0, ±50, ±100,
 * ±1e4) saturate without NaN and NaN propagates.
 *
 * Tolerances (test/helpers/conformance.ts): EXACT for selects/copies/clamps (linear, relu, leaky
 * relu, hard tanh, abs), EXP for the exp-polynomial forwards (sigmoid, tanh, elu, softplus), ULP for
 * the backward products; FD_TOL { abs 2e-4, rel 1e-3 } for finite differences with h = 1e-2
 * (truncation h²·|f‴|/6 ≤ 2e-5 plus rounding 2·6e-8/(2h) ≈ 6e-6).
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/kernels/backend.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import {
  allBackends,
  COLS,
  conform,
  EDGE_SIZES,
  EXACT,
  EXP,
  expectClose,
  f32,
  FD_H,
  FD_TOL,
  rand,
  ROWS,
  runKernel,
  sigmoid64,
  type Tolerance,
  ULP,
} from '../helpers/conformance.js';

type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh';
const CORE_ACTS: Act[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** Closed forms in float64: f and f'. */
const CLOSED: Record<Act, { f: (z: number) => number; df: (z: number) => number; tol: Tolerance }> = {
  linear: { f: (z) => z, df: () => 1, tol: EXACT },
  relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0), tol: EXACT },
  sigmoid: {
    f: (z) => 1 / (1 + Math.exp(-z)),
    df: (z) => {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    },
    tol: ULP,
  },
  tanh: { f: (z) => Math.tanh(z), df: (z) => 1 - Math.tanh(z) ** 2, tol: ULP },
};

/** Inputs with a spread of magnitudes and the special points. */
function coreActInputs(n: number, seed: number): Float32Array {
  const z = rand(n, seed, -6, 6);
  const special = [0, -0, 1e-5, -1e-5, 0.5, -0.7, 3, -3, 10, -10];
  for (let i = 0; i < n; i += 7) z[i] = special[(i / 7) % special.length]!;
  return z;
}

describe('activations', () => {
  for (const act of CORE_ACTS) {
    const tol = act === 'sigmoid' || act === 'tanh' ? EXP : EXACT;
    const bwdTol = act === 'sigmoid' || act === 'tanh' ? ULP : EXACT;
    it(`${act}: wasm fwd/bwd conform to js over edge sizes`, async () => {
      for (const n of [...EDGE_SIZES, 1000, 4099]) {
        const z = coreActInputs(n, n);
        const fwd = await conform(
          `${act}_fwd_f32` as keyof Kernels,
          { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] },
          tol,
          `n=${n}`,
        );
        const da = rand(n, n + 100);
        // bwd gets the same a on every backend (the js a), so only the bwd arithmetic is compared.
        await conform(
          `${act}_bwd_f32` as keyof Kernels,
          { inputs: { z, a: fwd.out.a!, da }, outputs: { dz: n }, args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0] },
          bwdTol,
          `n=${n}`,
        );
        // In place: dz aliases da.
        await conform(
          `${act}_bwd_f32` as keyof Kernels,
          { inputs: { z, a: fwd.out.a!, da }, outputs: { da: n }, args: (p) => [p.z!, p.a!, p.da!, p.da!, n, 0] },
          bwdTol,
          `in-place n=${n}`,
        );
      }
    });

    it(`${act}: js reference matches the float64 closed form and derivative`, async () => {
      const [, js] = (await allBackends())[0]!;
      const n = 513;
      const z = coreActInputs(n, 7);
      const { out } = runKernel(js, `${act}_fwd_f32` as keyof Kernels, {
        inputs: { z },
        outputs: { a: n },
        args: (p) => [p.z!, p.a!, n, 0],
      });
      const want = Array.from(z, (v) => Math.fround(CLOSED[act].f(v)));
      expectClose(out.a!, want, CLOSED[act].tol, `${act} fwd vs closed form`);
      const da = rand(n, 8);
      const bwd = runKernel(js, `${act}_bwd_f32` as keyof Kernels, {
        inputs: { z, a: out.a!, da },
        outputs: { dz: n },
        args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0],
      });
      const wantD = Array.from(z, (v, i) => da[i]! * CLOSED[act].df(v));
      expectClose(bwd.out.dz!, wantD, { abs: 1e-7, rel: 1e-6 }, `${act} bwd vs analytic derivative`);
    });

    it(`${act}: bwd matches a central finite difference of fwd on every backend`, async () => {
      const n = 129;
      // Keep away from relu's kink at 0 (the FD straddles it).
      const z = rand(n, 11, -3, 3).map((v) => (Math.abs(v) < 2 * FD_H ? v + 0.1 : v));
      const zp = z.map((v) => v + FD_H);
      const zm = z.map((v) => v - FD_H);
      const ones = new Float32Array(n).fill(1);
      for (const [tag, b] of await allBackends()) {
        const run = (zz: Float32Array) =>
          runKernel(b, `${act}_fwd_f32` as keyof Kernels, { inputs: { z: zz }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] }).out.a!;
        const a = run(z),
          ap = run(zp),
          am = run(zm);
        const fd = Array.from(ap, (v, i) => (v - am[i]!) / (zp[i]! - zm[i]!));
        const { out } = runKernel(b, `${act}_bwd_f32` as keyof Kernels, {
          inputs: { z, a, da: ones },
          outputs: { dz: n },
          args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0],
        });
        expectClose(out.dz!, fd, FD_TOL, `${act} [${tag}] bwd vs finite difference`);
      }
    });
  }

  it('saturates at extreme inputs without NaN (every backend)', async () => {
    const z = f32([100, -100, 1e4, -1e4, 0, -0, 50, -50, 88, -88, 87.5, -87.5, 1e-30, -1e-30, 1e-8, 20, -20]);
    const n = z.length;
    for (const [tag, b] of await allBackends()) {
      const run = (act: Act) =>
        runKernel(b, `${act}_fwd_f32` as keyof Kernels, { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] }).out.a!;
      const s = run('sigmoid');
      const t = run('tanh');
      const r = run('relu');
      for (let i = 0; i < n; i++) {
        expect(Number.isNaN(s[i]!), `${tag} sigmoid(${z[i]}) NaN`).toBe(false);
        expect(Number.isNaN(t[i]!), `${tag} tanh(${z[i]}) NaN`).toBe(false);
        expect(Math.abs(s[i]! - 1 / (1 + Math.exp(-z[i]!))), `${tag} sigmoid(${z[i]})`).toBeLessThanOrEqual(1e-7);
        expect(Math.abs(t[i]! - Math.tanh(z[i]!)), `${tag} tanh(${z[i]})`).toBeLessThanOrEqual(1e-7);
        expect(r[i] === Math.max(z[i]!, 0), `${tag} relu(${z[i]})`).toBe(true);
      }
      expect(s[0], `${tag} sigmoid(100)`).toBe(1);
      expect(s[1]!, `${tag} sigmoid(-100)`).toBeLessThan(1e-38);
      expect(s[2], `${tag} sigmoid(1e4)`).toBe(1);
      expect(s[3], `${tag} sigmoid(-1e4)`).toBe(0);
      expect(s[4], `${tag} sigmoid(0)`).toBe(0.5);
      expect(t[6], `${tag} tanh(50)`).toBe(1);
      expect(t[7], `${tag} tanh(-50)`).toBe(-1);
      expect(t[2], `${tag} tanh(1e4)`).toBe(1);
      expect(t[3], `${tag} tanh(-1e4)`).toBe(-1);
      expect(t[4], `${tag} tanh(0)`).toBe(0);
      // Near 0 tanh is accurate relatively, not just absolutely.
      expect(Math.abs(t[12]! / 1e-30 - 1), `${tag} tanh(1e-30)`).toBeLessThan(1e-6);
      expect(Math.abs(t[14]! / Math.fround(1e-8) - 1), `${tag} tanh(1e-8)`).toBeLessThan(1e-6);
    }
  });

  it('NaN propagates through every activation (poison stays visible)', async () => {
    const z = f32([NaN, 1, NaN, -1, 2]);
    for (const [tag, b] of await allBackends()) {
      for (const act of CORE_ACTS) {
        const { out } = runKernel(b, `${act}_fwd_f32` as keyof Kernels, {
          inputs: { z },
          outputs: { a: 5 },
          args: (p) => [p.z!, p.a!, 5, 0],
        });
        expect(Number.isNaN(out.a![0]!), `${tag} ${act}(NaN)`).toBe(true);
        expect(Number.isNaN(out.a![2]!), `${tag} ${act}(NaN) tail`).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------- course set

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

const COURSE_ACTS: ActSpec[] = [
  {
    name: 'leaky_relu',
    alpha: 0.01,
    f: (z, a) => (z > 0 ? z : a * z),
    df: (z, a) => (z > 0 ? 1 : a),
    fwdTol: EXACT,
    bwdTol: EXACT,
    kinks: [0],
  },
  {
    name: 'leaky_relu',
    alpha: 0.3,
    f: (z, a) => (z > 0 ? z : a * z),
    df: (z, a) => (z > 0 ? 1 : a),
    fwdTol: EXACT,
    bwdTol: EXACT,
    kinks: [0],
  },
  {
    name: 'elu',
    alpha: 1,
    f: (z, a) => (z > 0 ? z : a * Math.expm1(z)),
    df: (z, a) => (z > 0 ? 1 : a * Math.exp(z)),
    fwdTol: EXP,
    bwdTol: ULP,
    kinks: [0],
  },
  {
    name: 'elu',
    alpha: 0.5,
    f: (z, a) => (z > 0 ? z : a * Math.expm1(z)),
    df: (z, a) => (z > 0 ? 1 : a * Math.exp(z)),
    fwdTol: EXP,
    bwdTol: ULP,
    kinks: [0],
  },
  { name: 'softplus', alpha: 0, f: (z) => Math.log(1 + Math.exp(z)), df: (z) => sigmoid64(z), fwdTol: EXP, bwdTol: EXP, kinks: [] },
  {
    name: 'hard_tanh',
    alpha: 0,
    f: (z) => Math.min(1, Math.max(-1, z)),
    df: (z) => (z > -1 && z < 1 ? 1 : 0),
    fwdTol: EXACT,
    bwdTol: EXACT,
    kinks: [-1, 1],
  },
  { name: 'abs', alpha: 0, f: (z) => Math.abs(z), df: (z) => Math.sign(z), fwdTol: EXACT, bwdTol: EXACT, kinks: [0] },
];

function courseActInputs(n: number, seed: number): Float32Array {
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
    inputs: { z, a, da },
    outputs: { dz: z.length },
    args: (p) => [p.z!, p.a!, p.da!, p.dz!, z.length, alpha],
  }).out.dz!;

describe('elementwise activations (course set)', () => {
  for (const act of COURSE_ACTS) {
    const label = `${act.name}(alpha=${act.alpha})`;
    it(`${label}: wasm conforms to js, fwd and bwd (also in place), over edge sizes`, async () => {
      for (const n of [...EDGE_SIZES, 1000, 4099]) {
        const z = courseActInputs(n, n);
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
      const z = courseActInputs(777, 3);
      const a = fwd(js, act.name, z, act.alpha);
      const al = Math.fround(act.alpha);
      expectClose(
        a,
        Array.from(z, (v) => act.f(v, al)),
        { abs: 1e-30, rel: 1e-6 },
        `${label} fwd`,
      );
      const da = rand(z.length, 4);
      const dz = bwd(js, act.name, z, a, da, act.alpha);
      expectClose(
        dz,
        Array.from(z, (v, i) => da[i]! * act.df(v, al)),
        { abs: 1e-7, rel: 1e-6 },
        `${label} bwd`,
      );
    });

    it(`${label}: bwd matches a central finite difference of fwd (every backend)`, async () => {
      const n = 129;
      const z = rand(n, 21, -4, 4).map((v) => (act.kinks.some((k) => Math.abs(v - k) < 2 * FD_H) ? v + 0.1 : v));
      const zp = z.map((v) => v + FD_H),
        zm = z.map((v) => v - FD_H);
      const ones = new Float32Array(n).fill(1);
      for (const [tag, b] of await allBackends()) {
        const ap = fwd(b, act.name, zp, act.alpha),
          am = fwd(b, act.name, zm, act.alpha);
        const fd = Array.from(ap, (v, i) => (v - am[i]!) / (zp[i]! - zm[i]!));
        const dz = bwd(b, act.name, z, fwd(b, act.name, z, act.alpha), ones, act.alpha);
        expectClose(dz, fd, FD_TOL, `${label} [${tag}] bwd vs FD`);
      }
    });
  }

  it('extreme inputs saturate without NaN or overflow (every backend)', async () => {
    const z = f32([100, -100, 1e4, -1e4, 0, 88, -88, 50, -50, 1e-30, -1e-30, 3e38, -3e38]);
    for (const [tag, b] of await allBackends()) {
      for (const act of COURSE_ACTS) {
        const a = fwd(b, act.name, z, act.alpha);
        const al = Math.fround(act.alpha);
        for (let i = 0; i < z.length; i++) {
          const want = Math.fround(
            act.name === 'softplus' ? Math.max(z[i]!, 0) + Math.log1p(Math.exp(-Math.abs(z[i]!))) : act.f(z[i]!, al),
          );
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
    const rows = 5,
      cols = 7,
      n = rows * cols;
    const z = rand(n, 31, -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.2 : v));
    const slope = rand(cols, 32, 0.05, 0.4);
    const G = rand(n, 33);
    for (const [tag, b] of await allBackends()) {
      const L = (zz: Float32Array, ss: Float32Array): number => {
        const a = runKernel(b, 'prelu_fwd_f32', {
          inputs: { z: zz, slope: ss },
          outputs: { a: n },
          args: (p) => [p.z!, p.slope!, p.a!, rows, cols],
        }).out.a!;
        let s = 0;
        for (let i = 0; i < n; i++) s += G[i]! * a[i]!;
        return s;
      };
      const { out } = runKernel(b, 'prelu_bwd_f32', {
        inputs: { z, slope, da: G },
        outputs: { dz: n, dslope: cols },
        args: (p) => [p.z!, p.slope!, p.da!, p.dz!, p.dslope!, rows, cols, 0],
      });
      const fdz = Array.from(z, (_, i) => {
        const zp = z.slice(),
          zm = z.slice();
        zp[i]! += FD_H;
        zm[i]! -= FD_H;
        return (L(zp, slope) - L(zm, slope)) / (zp[i]! - zm[i]!);
      });
      const fds = Array.from(slope, (_, j) => {
        const sp = slope.slice(),
          sm = slope.slice();
        sp[j]! += FD_H;
        sm[j]! -= FD_H;
        return (L(z, sp) - L(z, sm)) / (sp[j]! - sm[j]!);
      });
      expectClose(out.dz!, fdz, FD_TOL, `prelu [${tag}] dz vs FD`);
      expectClose(out.dslope!, fds, FD_TOL, `prelu [${tag}] dslope vs FD`);
    }
  });
});
