/** Learning-rate schedules: documented rates, applied per epoch by fit, round-tripped through the config; bad options. */
import { describe, expect, it } from 'vitest';
import {
  adam,
  cosine,
  exponential,
  momentum,
  nesterov,
  optimizerFromConfig,
  scheduleFromConfig,
  sgd,
  step,
  type Optimizer,
} from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { expectCloseArrays, linearModel, N, X, Y } from '../helpers/linear.js';

describe('learning-rate schedules', () => {
  it('step, exponential and cosine give the documented rates', () => {
    const s = step({ every: 2, factor: 0.5 });
    expect([0, 1, 2, 3, 4, 5].map((e) => s.rate(0.8, 999, e))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
    const ss = step({ every: 3, factor: 0.1, per: 'step' });
    expect(ss.rate(1, 2, 9)).toBe(1);
    expect(ss.rate(1, 3, 0)).toBeCloseTo(0.1, 12);
    const ex = exponential({ rate: 0.9 });
    expect(ex.rate(2, 0, 3)).toBeCloseTo(2 * 0.9 ** 3, 12);
    const c = cosine({ epochs: 10, min: 0.01 });
    expect(c.rate(0.1, 0, 0)).toBeCloseTo(0.1, 12);
    expect(c.rate(0.1, 0, 5)).toBeCloseTo(0.055, 12);
    expect(c.rate(0.1, 0, 10)).toBeCloseTo(0.01, 12);
    expect(c.rate(0.1, 0, 50)).toBeCloseTo(0.01, 12);
  });

  it('fit applies a per-epoch schedule: each epoch moves the weights by −η_e·∂C/∂w', async () => {
    const [[, backend]] = await allBackends();
    const m = linearModel(backend, sgd({ learningRate: 0.4, schedule: step({ every: 1, factor: 0.5 }) }));
    const before: Float32Array[][] = [];
    const grads: Float32Array[][] = [];
    await m.fit(X, Y, {
      epochs: 3,
      batchSize: N,
      shuffle: false,
      yieldEvery: 'never',
      callbacks: {
        onEpochBegin: () => {
          before.push(m.getWeights());
          grads.push(m.gradients(X, Y).grads);
        },
      },
    });
    before.push(m.getWeights());
    for (let e = 0; e < 3; e++) {
      const eta = 0.4 * 0.5 ** e;
      const want = before[e]!.map((w, i) => Float64Array.from(w, (v, j) => v - eta * grads[e]![i]![j]!));
      expectCloseArrays(before[e + 1]!, want, 1e-5, `epoch ${e}`);
      expect((m.optimizer as Optimizer).learningRateAt(1, e)).toBeCloseTo(eta, 12);
    }
  });

  it('schedules round-trip through the optimizer config (save/load)', () => {
    for (const o of [
      sgd({ learningRate: 0.1, momentum: 0.9, schedule: cosine({ epochs: 30, min: 0.001 }) }),
      nesterov({ schedule: step({ every: 5, factor: 0.2, per: 'step' }) }),
      adam({ schedule: exponential({ rate: 0.95 }) }),
      momentum({ learningRate: 0.3 }),
    ]) {
      const cfg = JSON.parse(JSON.stringify(o.config));
      const back = optimizerFromConfig(cfg);
      expect(back.config).toEqual(o.config);
      for (const [t, e] of [
        [1, 0],
        [7, 3],
        [100, 40],
      ] as const)
        expect((back as Optimizer).learningRateAt(t, e)).toBe(o.learningRateAt(t, e));
    }
    expect(scheduleFromConfig(cosine({ steps: 100 }).config).config).toEqual({ type: 'cosine', period: 100, min: 0, per: 'step' });
  });
});

describe('bad optimizer, schedule and regularization options are refused', async () => {
  it('schedules', () => {
    expect(() => step({ every: 0 })).toThrow(/step schedule: every must be an integer ≥ 1/);
    expect(() => step({ every: 2, factor: 0 })).toThrow(/factor must be in \(0, 1\]/);
    expect(() => step({ every: 2, factor: 0.5, per: 'batch' as never })).toThrow(/per must be 'epoch' or 'step'/);
    expect(() => exponential({ rate: 1.5 })).toThrow(/exponential schedule: rate must be in \(0, 1\]/);
    expect(() => cosine({})).toThrow(/give exactly one of epochs or steps/);
    expect(() => cosine({ epochs: 3, steps: 3 })).toThrow(/give exactly one of epochs or steps/);
    expect(() => cosine({ epochs: 0 })).toThrow(/epochs must be an integer ≥ 1/);
    expect(() => cosine({ epochs: 3, min: -1 })).toThrow(/min must be a finite number ≥ 0/);
    expect(() => sgd({ learningRate: 0.01, schedule: cosine({ epochs: 3, min: 0.1 }) })).toThrow(/min 0.1 is above the learningRate 0.01/);
    expect(() => scheduleFromConfig({ type: 'warmup' } as never)).toThrow(/unknown schedule 'warmup'/);
  });
});
