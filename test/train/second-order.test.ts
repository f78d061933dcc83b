/**
 * Second-order training end to end: Levenberg–Marquardt against a tuned Adam on the classic 1-5-1
 * tanh fit of sin(x), Newton/LM against the closed-form ridge solution (checks the L2 folding),
 * validation-based stopping, and the refusals and option errors of the API. Hessian-free learning
 * MNIST is in test/e2e/mnist-hessian-free.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  adam,
  dense,
  dropout,
  fromJSON,
  hessian,
  hessianFree,
  init,
  levenbergMarquardt,
  newton,
  optimizerFromConfig,
  sequential,
  type Sequential,
} from '../../src/index.js';
import { rand } from '../helpers/conformance.js';

await init({ backend: 'wasm' });

/** 41 points of sin on [−π, π]. */
const SIN_X = Array.from({ length: 41 }, (_, i) => [-Math.PI + (2 * Math.PI * i) / 40]);
const SIN_Y = SIN_X.map(([v]) => [Math.sin(v!)]);

/** The 1-5-1 tanh network, random biases (as Nguyen–Widrow / MATLAB initialise them). */
function sinNet(seed = 1): Sequential {
  return sequential(
    [
      dense({ units: 5, activation: 'tanh', inputShape: [1], biasInitializer: 'glorotUniform' }),
      dense({ units: 1, biasInitializer: 'glorotUniform' }),
    ],
    { seed },
  );
}

/** Trains until the full-batch MSE is ≤ target; returns the first such epoch (1-based) or Infinity. */
async function epochsToTarget(model: Sequential, target: number, epochs: number, batchSize = 41): Promise<number> {
  let hit = Infinity;
  await model.fit(SIN_X, SIN_Y, {
    epochs,
    batchSize,
    yieldEvery: 'never',
    callbacks: {
      onEpochEnd: (e) => {
        if (model.evaluate(SIN_X, SIN_Y).loss <= target) {
          hit = e + 1;
          model.stopTraining = true;
        }
      },
    },
  });
  return hit;
}

describe('Levenberg–Marquardt on sin(x) with 1-5-1 tanh', () => {
  it('reaches MSE ≤ 1e-4 within 50 epochs, in ≤ 1/10 of the epochs of a tuned Adam', async () => {
    const lmModel = sinNet();
    lmModel.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
    const lm = await epochsToTarget(lmModel, 1e-4, 50);
    expect(lm, `Levenberg–Marquardt epochs to MSE 1e-4: ${lm}`).toBeLessThanOrEqual(50);
    // Adam with mini-batches of 8 (more updates per epoch than full batch), learning rate tuned
    // over a grid; the cap is far beyond 10× the LM epochs, so "never" counts as more.
    const cap = Math.max(20 * lm, 500);
    const adamEpochs: Record<string, number> = {};
    for (const lr of [0.003, 0.01, 0.03, 0.1]) {
      const m = sinNet();
      m.compile({ loss: 'mse', optimizer: adam({ learningRate: lr }) });
      adamEpochs[lr] = await epochsToTarget(m, 1e-4, cap, 8);
      m.dispose();
    }
    const best = Math.min(...Object.values(adamEpochs));
    const shown = Object.entries(adamEpochs)
      .map(([lr, e]) => `η ${lr}: ${Number.isFinite(e) ? e : `> ${cap}`}`)
      .join(', ');
    console.log(`epochs to MSE 1e-4: Levenberg–Marquardt ${lm}; Adam ${shown}`);
    expect(best, `best Adam needs ${best} epochs vs LM ${lm}`).toBeGreaterThanOrEqual(10 * lm);
    lmModel.dispose();
  });

  it('logs μ and the gradient norm per epoch, calls the progress callbacks, round-trips its config', async () => {
    const m = sinNet(2);
    m.compile({ loss: 'mse', optimizer: levenbergMarquardt({ mu: 0.01 }) });
    let calls = 0;
    const h = await m.fit(SIN_X, SIN_Y, { epochs: 5, callbacks: { onEpochEnd: () => void calls++ } });
    expect(calls).toBe(5);
    expect(h.history.mu).toHaveLength(5);
    expect(h.history.gradient).toHaveLength(5);
    expect(h.history.loss[4]!).toBeLessThan(h.history.loss[0]!);
    const { spec, weights } = m.toJSON();
    const copy = fromJSON(spec, weights);
    expect(copy.optimizer.config).toEqual(m.optimizer.config);
    expect(optimizerFromConfig({ type: 'hessianFree' }).config).toMatchObject({ type: 'hessianFree', maxCgIterations: 50 });
    m.dispose();
    copy.dispose();
  });

  it('stops on validation failures (maxFail) and restores the best weights', async () => {
    const m = sinNet(3);
    m.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
    // The validation targets are −sin: once the fit approaches sin, every step makes validation worse.
    const val: [number[][], number[][]] = [SIN_X, SIN_Y.map(([v]) => [-v!])];
    const h = await m.fit(SIN_X, SIN_Y, { epochs: 30, validationData: val });
    expect(h.epoch.length).toBeLessThan(30);
    expect(String(h.logs.at(-1)!.stopReason)).toMatch(/not improved for 6 epochs \(maxFail\); restored the best weights/);
    const best = Math.min(...h.history.valLoss!);
    expect(h.history.valLoss!.at(-1)).toBe(best);
    expect(m.evaluate(...val).loss).toBeCloseTo(best, 6);
    m.dispose();
  });
});

/** Closed-form minimiser of (1/N)·Σ(w·x + b − y)² + (λ/2N)·‖w‖² (float64 normal equations). */
function ridge(x: Float32Array, y: Float32Array, n: number, d: number, lambda: number): number[] {
  const k = d + 1;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let r = 0; r < n; r++) {
    const row = [...Array.from(x.subarray(r * d, r * d + d)), 1];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) A[i]![j]! += 2 * row[i]! * row[j]!;
      A[i]![k]! += 2 * row[i]! * y[r]!;
    }
  }
  for (let i = 0; i < d; i++) A[i]![i]! += lambda;
  for (let c = 0; c < k; c++) {
    for (let r = c + 1; r < k; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let j = c; j <= k; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  const s = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let v = A[i]![k]!;
    for (let j = i + 1; j < k; j++) v -= A[i]![j]! * s[j]!;
    s[i] = v / A[i]![i]!;
  }
  return s;
}

describe('Newton and Levenberg–Marquardt on ridge regression (L2 folded into the curvature)', () => {
  const n = 30,
    d = 3,
    lambda = 6;
  const x = rand(n * d, 21, -1, 1);
  const y = new Float32Array(n).map((_, r) => 0.5 * x[r * d]! - 1.5 * x[r * d + 1]! + 0.25 * x[r * d + 2]! + 0.3 + 0.1 * rand(n, 22)[r]!);
  const exact = ridge(x, y, n, d, lambda);
  for (const [name, opt, epochs] of [
    ['newton', () => newton({ mu: 1e-6 }), 1],
    ['levenbergMarquardt', () => levenbergMarquardt(), 6],
  ] as const) {
    it(`${name} lands on the ridge solution`, async () => {
      const m = sequential([dense({ units: 1, inputShape: [d] })], { seed: 5 });
      m.compile({ loss: 'mse', optimizer: opt(), regularization: { l2: lambda } });
      await m.fit({ data: x, shape: [n, d] }, { data: y, shape: [n, 1] }, { epochs });
      const got = Array.from(m.getFlatWeights());
      for (let i = 0; i < exact.length; i++) expect(got[i]!).toBeCloseTo(exact[i]!, 3);
      m.dispose();
    });
  }
});

describe('Newton on sin(x)', () => {
  it('lowers the loss every accepted epoch and keeps μ > 0', async () => {
    const m = sinNet(4);
    m.compile({ loss: 'mse', optimizer: newton() });
    const h = await m.fit(SIN_X, SIN_Y, { epochs: 30 });
    const L = h.history.loss;
    for (let i = 1; i < L.length; i++) expect(L[i]!).toBeLessThanOrEqual(L[i - 1]!);
    expect(L[L.length - 1]!).toBeLessThan(1e-3);
    m.dispose();
  });
});

describe('bad input', () => {
  const big = (): Sequential =>
    sequential([dense({ units: 64, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);

  it('refuses parameter counts above the cap, stating the memory and suggesting hessianFree', () => {
    for (const opt of [newton(), levenbergMarquardt()]) {
      expect(() => big().compile({ loss: 'categoricalCrossentropy', optimizer: opt })).toThrow(
        /50,890 parameters.*10\.4 GB \(P²·4 bytes\).*cap of 4,000.*hessianFree\(\)/,
      );
    }
    const m = sinNet();
    m.compile({ loss: 'mse', optimizer: newton() });
    expect(() => hessian(m, SIN_X, SIN_Y, { maxParams: 10 })).toThrow(/16 parameters.*1\.02 KB.*cap of 10 /);
    expect(() => sinNet().compile({ loss: 'mse', optimizer: newton({ maxParams: 10 }) })).toThrow(/cap of 10 parameters/);
    // hessianFree has no cap.
    expect(() => big().compile({ loss: 'categoricalCrossentropy', optimizer: hessianFree() })).not.toThrow();
  });

  it('refuses dropout, hinge loss and L1, saying why', () => {
    const withDropout = sequential([dense({ units: 5, activation: 'tanh', inputShape: [2] }), dropout({ rate: 0.5 }), dense({ units: 1 })]);
    expect(() => withDropout.compile({ loss: 'mse', optimizer: levenbergMarquardt() })).toThrow(/dropout.*must be deterministic/);
    const hingeNet = sequential([dense({ units: 5, activation: 'tanh', inputShape: [2] }), dense({ units: 1 })]);
    expect(() => hingeNet.compile({ loss: 'hinge', optimizer: hessianFree() })).toThrow(/hinge loss has no curvature/);
    expect(() => sinNet().compile({ loss: 'mse', optimizer: newton(), regularization: { l1: 1 } })).toThrow(
      /L1 regularization is not smooth/,
    );
    const l1Layer = sequential([dense({ units: 3, inputShape: [2], kernelRegularizer: { l1: 0.5 } }), dense({ units: 1 })]);
    expect(() => l1Layer.compile({ loss: 'mse', optimizer: levenbergMarquardt() })).toThrow(/L1 regularization is not smooth/);
    // The exact Hessian needs f''; Gauss–Newton methods do not.
    const hard = (): Sequential => sequential([dense({ units: 3, activation: 'hardTanh', inputShape: [2] }), dense({ units: 1 })]);
    expect(() => hard().compile({ loss: 'mse', optimizer: levenbergMarquardt() })).not.toThrow();
  });

  it('rejects μ and CG settings out of range', () => {
    expect(() => newton({ mu: 0 })).toThrow(/newton: mu must be a finite number > 0, got 0/);
    expect(() => newton({ mu: -1 })).toThrow(/mu must be a finite number > 0/);
    expect(() => levenbergMarquardt({ muDecrease: 1 })).toThrow(/muDecrease must be in \(0, 1\), got 1/);
    expect(() => levenbergMarquardt({ muIncrease: 0.5 })).toThrow(/muIncrease must be a finite number > 1, got 0.5/);
    expect(() => levenbergMarquardt({ mu: 1, muMax: 0.1 })).toThrow(/muMax \(0.1\) must be ≥ mu \(1\)/);
    expect(() => levenbergMarquardt({ maxFail: -1 })).toThrow(/maxFail must be an integer ≥ 0/);
    expect(() => hessianFree({ maxCgIterations: 0 })).toThrow(/maxCgIterations must be an integer ≥ 1, got 0/);
    expect(() => hessianFree({ maxCgIterations: 2.5 })).toThrow(/maxCgIterations must be an integer ≥ 1/);
    expect(() => hessianFree({ damping: 0 })).toThrow(/damping must be a finite number > 0/);
    expect(() => hessianFree({ cgDecay: 1 })).toThrow(/cgDecay must be in \[0, 1\), got 1/);
    expect(() => hessianFree({ curvatureBatchSize: 0 })).toThrow(/curvatureBatchSize must be an integer ≥ 1/);
    const m = sinNet();
    m.compile({ loss: 'mse', optimizer: levenbergMarquardt() });
    expect(m.optimizer.kind).toBe('epoch');
    expect(() => m.session.update(0)).toThrow(/takes whole epochs: train with model.fit\(\)/);
  });
});
