/**
 * Curvature products against independent float64 oracles (test/helpers/reference.ts):
 * - the exact Hessian assembled from R-operator products equals the central-difference Hessian of
 *   the float64 loss (four-point formula), for every smooth activation and loss, on every backend;
 * - Gauss–Newton products equal Jᵀ·H_loss·J·v with J from central differences of the float64
 *   network and H_loss written out.
 * Criterion: ‖computed − reference‖ / max(‖·‖) ≤ 2e-3 (float32 against float64).
 */
import { describe, expect, it } from 'vitest';
import {
  dense,
  type Dense,
  gaussNewtonVectorProduct,
  hessian,
  hessianVectorProduct,
  sequential,
  sgd,
  type Sequential,
} from '../../src/index.js';
import type { Backend } from '../../src/kernels/backend.js';
import { allBackends, rand } from '../helpers/conformance.js';
import { refForward, relErr, type RefLayer } from '../helpers/reference.js';

interface Case {
  hidden: string[];
  output: string;
  loss: string;
}

/** Smooth activations (f'' known) in hidden and output positions, with every smooth loss. */
const cases: Case[] = [
  { hidden: ['tanh'], output: 'linear', loss: 'meanSquaredError' },
  { hidden: ['sigmoid', 'tanh'], output: 'linear', loss: 'meanSquaredError' },
  { hidden: ['softplus'], output: 'tanh', loss: 'meanSquaredError' },
  { hidden: ['elu'], output: 'sigmoid', loss: 'quadratic' },
  { hidden: ['linear', 'tanh'], output: 'softplus', loss: 'meanSquaredError' },
  { hidden: ['tanh'], output: 'softmax', loss: 'meanSquaredError' },
  { hidden: ['softmax'], output: 'elu', loss: 'quadratic' },
  { hidden: ['tanh', 'sigmoid'], output: 'softmax', loss: 'categoricalCrossentropy' },
  { hidden: ['relu'], output: 'softmax', loss: 'categoricalCrossentropy' },
  { hidden: ['softplus'], output: 'sigmoid', loss: 'binaryCrossentropy' },
];

const NIN = 3;
const WIDTHS = [4, 3];
const NOUT = 3;
const ROWS = 5;

/** Per-sample losses in float64, mean over rows (as src/registries/losses.ts documents them). */
function lossOf(loss: string, a: Float64Array, y: Float64Array, cols: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!,
      yi = y[i]!;
    if (loss === 'meanSquaredError') s += (ai - yi) ** 2 / cols;
    else if (loss === 'quadratic') s += 0.5 * (ai - yi) ** 2;
    else if (loss === 'categoricalCrossentropy') s -= yi === 0 ? 0 : yi * Math.log(ai);
    else s -= yi * Math.log(ai) + (1 - yi) * Math.log(1 - ai);
  }
  return s / ROWS;
}

interface Problem {
  model: Sequential;
  ref: RefLayer[];
  theta: Float64Array;
  x: Float32Array;
  y: Float32Array;
  /** Per-tensor sizes in packed order. */
  sizes: number[];
}

function problem(c: Case, backend: Backend, seed = 7): Problem {
  const layers = [
    ...c.hidden.map((a, i) =>
      dense({ units: WIDTHS[i]!, activation: a, inputShape: i === 0 ? [NIN] : undefined, kernelInitializer: 'glorotNormal' }),
    ),
    dense({ units: NOUT, activation: c.output, kernelInitializer: 'glorotNormal' }),
  ];
  const model = sequential(layers, { seed, backend });
  model.compile({ loss: c.loss, optimizer: sgd() });
  model.setWeights(model.getWeights().map((t, i) => (i % 2 === 1 ? rand(t.length, 100 + i, -0.5, 0.5) : t)));
  const x = rand(ROWS * NIN, 3, -1.5, 1.5);
  let y: Float32Array;
  if (c.loss === 'categoricalCrossentropy') {
    y = new Float32Array(ROWS * NOUT);
    for (let r = 0; r < ROWS; r++) y[r * NOUT + ((r * 7) % NOUT)] = 1;
  } else {
    y = rand(ROWS * NOUT, 5, 0.05, 0.95);
  }
  const ref: RefLayer[] = model.layers.map((l) => ({
    inUnits: l.inUnits,
    units: l.outUnits,
    activation: l.outputActivation()!,
    useBias: true,
    alpha: (l as Dense).alpha,
  }));
  const theta = Float64Array.from(model.getFlatWeights());
  return { model, ref, theta, x, y, sizes: model.getWeights().map((w) => w.length) };
}

function split(theta: Float64Array, sizes: number[]): Float64Array[] {
  let o = 0;
  return sizes.map((n) => {
    const t = theta.subarray(o, o + n);
    o += n;
    return t;
  });
}

/** Four-point central-difference Hessian of the float64 loss, step h. */
function fdHessian(p: Problem, loss: string, h = 1e-4): Float64Array {
  const P = p.theta.length;
  const t = Float64Array.from(p.theta);
  const x = Float64Array.from(p.x),
    y = Float64Array.from(p.y);
  const f = (): number => lossOf(loss, refForward(p.ref, split(t, p.sizes), x, ROWS), y, NOUT);
  const H = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      const ti = t[i]!,
        tj = t[j]!;
      const at = (si: number, sj: number): number => {
        t[i] = ti;
        t[j] = tj;
        t[i] = t[i]! + si * h;
        t[j] = t[j]! + sj * h;
        const v = f();
        t[i] = ti;
        t[j] = tj;
        return v;
      };
      const v = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h);
      H[i * P + j] = v;
      H[j * P + i] = v;
    }
  }
  return H;
}

/** Central-difference Jacobian [rows·out × P] of the float64 network's output (or logits). */
function fdJacobian(p: Problem, layers: RefLayer[], h = 1e-6): Float64Array {
  const P = p.theta.length;
  const t = Float64Array.from(p.theta);
  const x = Float64Array.from(p.x);
  const n = ROWS * NOUT;
  const J = new Float64Array(n * P);
  for (let j = 0; j < P; j++) {
    const old = t[j]!;
    t[j] = old + h;
    const fp = refForward(layers, split(t, p.sizes), x, ROWS);
    t[j] = old - h;
    const fm = refForward(layers, split(t, p.sizes), x, ROWS);
    t[j] = old;
    for (let i = 0; i < n; i++) J[i * P + j] = (fp[i]! - fm[i]!) / (2 * h);
  }
  return J;
}

/** G·v = (1/rows)·Σ_r J_rᵀ·H_r·J_r·v, written out. */
function explicitGv(p: Problem, c: Case, v: Float64Array): Float64Array {
  const P = p.theta.length;
  const fused = c.loss === 'categoricalCrossentropy' || c.loss === 'binaryCrossentropy';
  const layers = fused ? p.ref.map((l, i) => (i === p.ref.length - 1 ? { ...l, activation: 'linear' } : l)) : p.ref;
  const J = fdJacobian(p, layers);
  const a = refForward(p.ref, split(p.theta, p.sizes), Float64Array.from(p.x), ROWS);
  const out = new Float64Array(P);
  for (let r = 0; r < ROWS; r++) {
    const Jv = new Float64Array(NOUT);
    for (let o = 0; o < NOUT; o++) for (let j = 0; j < P; j++) Jv[o] = Jv[o]! + J[(r * NOUT + o) * P + j]! * v[j]!;
    const u = new Float64Array(NOUT);
    const ar = a.subarray(r * NOUT, r * NOUT + NOUT);
    if (c.loss === 'categoricalCrossentropy') {
      let d = 0;
      for (let o = 0; o < NOUT; o++) d += ar[o]! * Jv[o]!;
      for (let o = 0; o < NOUT; o++) u[o] = ar[o]! * (Jv[o]! - d);
    } else if (c.loss === 'binaryCrossentropy') {
      for (let o = 0; o < NOUT; o++) u[o] = ar[o]! * (1 - ar[o]!) * Jv[o]!;
    } else {
      const kappa = c.loss === 'meanSquaredError' ? 2 / NOUT : 1;
      for (let o = 0; o < NOUT; o++) u[o] = kappa * Jv[o]!;
    }
    for (let o = 0; o < NOUT; o++) for (let j = 0; j < P; j++) out[j] = out[j]! + (J[(r * NOUT + o) * P + j]! * u[o]!) / ROWS;
  }
  return out;
}

describe('exact Hessian (R-operator) vs float64 finite differences', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const c of cases) {
      it(`${tag}: ${c.hidden.join('-')} → ${c.output} + ${c.loss}`, () => {
        const p = problem(c, backend);
        const data = { data: p.x, shape: [ROWS, NIN] as [number, number] };
        const targets = { data: p.y, shape: [ROWS, NOUT] as [number, number] };
        const H = hessian(p.model, data, targets);
        const ref = fdHessian(p, c.loss);
        const e = relErr(H, ref);
        expect(e, `‖H − H_fd‖/‖H_fd‖ = ${e}`).toBeLessThanOrEqual(2e-3);
        // One column by a direct product, and H·v for a random v.
        const P = p.theta.length;
        const v = rand(P, 11);
        const Hv = hessianVectorProduct(p.model, data, targets, v);
        const refHv = new Float64Array(P);
        for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) refHv[i] = refHv[i]! + ref[i * P + j]! * v[j]!;
        expect(relErr(Hv, refHv)).toBeLessThanOrEqual(2e-3);
        p.model.dispose();
      });
    }
  }
});

describe('Gauss–Newton products vs Jᵀ·H_loss·J·v built explicitly', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const c of [...cases, { hidden: ['relu', 'leakyRelu'], output: 'linear', loss: 'meanSquaredError' }]) {
      it(`${tag}: ${c.hidden.join('-')} → ${c.output} + ${c.loss}`, () => {
        const p = problem(c, backend);
        const P = p.theta.length;
        const v = rand(P, 13);
        const Gv = gaussNewtonVectorProduct(p.model, { data: p.x, shape: [ROWS, NIN] }, { data: p.y, shape: [ROWS, NOUT] }, v);
        const ref = explicitGv(p, c, Float64Array.from(v));
        const e = relErr(Gv, ref);
        expect(e, `‖Gv − JᵀHJv‖/‖JᵀHJv‖ = ${e}`).toBeLessThanOrEqual(2e-3);
        // Positive semi-definite: vᵀGv ≥ 0.
        let vGv = 0;
        for (let i = 0; i < P; i++) vGv += v[i]! * Gv[i]!;
        expect(vGv).toBeGreaterThanOrEqual(-1e-6);
        p.model.dispose();
      });
    }
  }
});
