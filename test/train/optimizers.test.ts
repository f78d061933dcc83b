/** Optimizers: every step against the closed-form float64 update (with L1/L2 decay), on every backend; bad options. */
import { describe, expect, it } from 'vitest';
import { adam, cosine, momentum, nesterov, optimizerFromConfig, sgd, type Optimizer } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { expectCloseArrays, linearModel, N, X, Y } from '../helpers/linear.js';

const f64 = (ts: Float32Array[]): Float64Array[] => ts.map((t) => Float64Array.from(t));

/** The float64 update rules, written from the formulas (λ' = λ/n, decay on the kernel only). */
type Rule = (w: Float64Array, g: Float32Array, s: Float64Array[], t: number, lr: number, l1: number, l2: number) => void;
const sgn = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);
const rules: Record<string, { make: () => Optimizer; lr: (t: number) => number; rule: Rule }> = {
  sgd: {
    make: () => sgd({ learningRate: 0.1 }),
    lr: () => 0.1,
    rule: (w, g, _s, _t, lr, l1, l2) =>
      w.forEach((v, i) => {
        w[i] = v - lr * (g[i]! + l2 * v + l1 * sgn(v));
      }),
  },
  'sgd momentum 0.5': {
    make: () => sgd({ learningRate: 0.1, momentum: 0.5 }),
    lr: () => 0.1,
    rule: (w, g, [v], _t, lr, l1, l2) =>
      w.forEach((x, i) => {
        v![i] = 0.5 * v![i]! - lr * (g[i]! + l2 * x + l1 * sgn(x));
        w[i] = x + v![i]!;
      }),
  },
  momentum: {
    make: () => momentum({ learningRate: 0.05 }),
    lr: () => 0.05,
    rule: (w, g, [v], _t, lr, l1, l2) =>
      w.forEach((x, i) => {
        v![i] = 0.9 * v![i]! - lr * (g[i]! + l2 * x + l1 * sgn(x));
        w[i] = x + v![i]!;
      }),
  },
  nesterov: {
    make: () => nesterov({ learningRate: 0.05, momentum: 0.8 }),
    lr: () => 0.05,
    rule: (w, g, [v], _t, lr, l1, l2) =>
      w.forEach((x, i) => {
        const gh = g[i]! + l2 * x + l1 * sgn(x);
        v![i] = 0.8 * v![i]! - lr * gh;
        w[i] = x + 0.8 * v![i]! - lr * gh;
      }),
  },
  adam: {
    make: () => adam({ learningRate: 0.01 }),
    lr: () => 0.01,
    rule: (w, g, [m, v], t, lr, l1, l2) =>
      w.forEach((x, i) => {
        const gh = g[i]! + l2 * x + l1 * sgn(x);
        m![i] = 0.9 * m![i]! + 0.1 * gh;
        v![i] = 0.999 * v![i]! + 0.001 * gh * gh;
        const mh = m![i]! / (1 - 0.9 ** t);
        const vh = v![i]! / (1 - 0.999 ** t);
        w[i] = x - (lr * mh) / (Math.sqrt(vh) + 1e-7);
      }),
  },
  'adam β=(0.5, 0.9) ε=1e-3 + cosine': {
    make: () => adam({ learningRate: 0.02, beta1: 0.5, beta2: 0.9, epsilon: 1e-3, schedule: cosine({ steps: 4, min: 0.002 }) }),
    lr: (t) => 0.002 + 0.5 * (0.02 - 0.002) * (1 + Math.cos((Math.PI * Math.min(t - 1, 4)) / 4)),
    rule: (w, g, [m, v], t, lr, l1, l2) =>
      w.forEach((x, i) => {
        const gh = g[i]! + l2 * x + l1 * sgn(x);
        m![i] = 0.5 * m![i]! + 0.5 * gh;
        v![i] = 0.9 * v![i]! + 0.1 * gh * gh;
        w[i] = x - (lr * (m![i]! / (1 - 0.5 ** t))) / (Math.sqrt(v![i]! / (1 - 0.9 ** t)) + 1e-3);
      }),
  },
};

describe('optimizer steps against the closed-form float64 update', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const [name, r] of Object.entries(rules)) {
      for (const reg of [undefined, { l2: 4 }, { l1: 2, l2: 1 }]) {
        it(`${tag}: ${name}${reg ? ` with ${JSON.stringify(reg)}` : ''}, 6 steps`, () => {
          const m = linearModel(backend, r.make(), reg);
          m.network.applyRegularization(N); // what fit does: λ' = λ/n
          const w = f64(m.getWeights());
          const state = w.map((t) => [new Float64Array(t.length), new Float64Array(t.length)]);
          for (let t = 1; t <= 6; t++) {
            const { grads } = m.gradients(X, Y);
            m.session.step = t;
            (m.optimizer as Optimizer).step(backend, m.network.tensors, m.session.state, t);
            w.forEach((wi, i) => {
              r.rule(wi, grads[i]!, state[i]!, t, r.lr(t), i === 0 ? (reg?.l1 ?? 0) / N : 0, i === 0 ? (reg?.l2 ?? 0) / N : 0);
            });
            expectCloseArrays(m.getWeights(), w, 2e-5, `step ${t}`);
          }
          m.dispose();
        });
      }
    }
  }
});

describe('bad optimizer, schedule and regularization options are refused', async () => {
  it('optimizers', () => {
    expect(() => momentum({ momentum: 1 })).toThrow(/momentum: momentum must be in \[0, 1\), got 1/);
    expect(() => nesterov({ learningRate: 0 })).toThrow(/nesterov: learningRate must be a finite number > 0, got 0/);
    expect(() => adam({ beta1: 1 })).toThrow(/adam: beta1 must be in \[0, 1\)/);
    expect(() => adam({ beta2: -0.1 })).toThrow(/adam: beta2 must be in \[0, 1\)/);
    expect(() => adam({ epsilon: 0 })).toThrow(/adam: epsilon must be a finite number > 0, got 0/);
    expect(() => optimizerFromConfig('rmsprop')).toThrow(/unknown optimizer 'rmsprop'; use one of: sgd, momentum, nesterov, adam/);
    for (const name of ['sgd', 'momentum', 'nesterov', 'adam']) expect(optimizerFromConfig(name).config.type).toBe(name);
  });
});
