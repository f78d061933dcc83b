/**
 * Dropout: backprop with a fixed mask against the float64 oracle; seeded masks identical on every
 * backend and new every step; off at inference; rate 0; bad rates and seeds; never the output layer.
 */
import { describe, expect, it } from 'vitest';
import { dense, dropout, sequential, sgd, type Backend, type Sequential } from '../../src/index.js';
import { allBackends, rand } from '../helpers/conformance.js';
import { check, hidden, NIN } from '../helpers/layer-gradients.js';
import { relErr } from '../helpers/reference.js';

describe('gradient check: PReLU slopes, maxout pieces, dropout with a fixed mask', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: relu → dropout(0.4) → softmax, and dropout on the inputs`, () => {
      check(
        backend,
        [hidden('relu'), dropout({ rate: 0.4, seed: 3 }), dense({ units: 3, activation: 'softmax' })],
        'categoricalCrossentropy',
        'classes',
      );
      check(
        backend,
        [dropout({ rate: 0.3, inputShape: [NIN] }), dense({ units: 6, activation: 'tanh' }), dense({ units: 2 })],
        'quadratic',
        'targets',
      );
    });
  }
});

describe('dropout', async () => {
  const list = await allBackends();
  const x = rand(32 * 20, 9, -1, 1);
  const build = (backend: Backend, seed?: number, modelSeed = 1): Sequential => {
    const m = sequential(
      [
        dense({ units: 50, activation: 'relu', inputShape: [20] }),
        dropout({ rate: 0.5, seed }),
        dense({ units: 3, activation: 'softmax' }),
      ],
      { backend, seed: modelSeed },
    );
    m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1 }) });
    return m;
  };
  const maskOf = (m: Sequential, backend: Backend): Float32Array =>
    backend.heap.readF32(m.network.plan(32, true).layers[1]!.mask!, 32 * 50);
  const labels = Array.from({ length: 32 }, (_, r) => r % 3);

  it('the same seed gives identical masks on every backend, a new mask every step', async () => {
    const masks = list.map(([, b]) => {
      const m = build(b, 1234);
      m.gradients({ data: x, shape: [32, 20] }, labels);
      const first = maskOf(m, b);
      m.session.step = 1;
      m.gradients({ data: x, shape: [32, 20] }, labels);
      const second = maskOf(m, b);
      m.dispose();
      return [first, second];
    });
    for (const [first, second] of masks.slice(1)) {
      expect(Array.from(first!)).toEqual(Array.from(masks[0]![0]!));
      expect(Array.from(second!)).toEqual(Array.from(masks[0]![1]!));
    }
    const [first, second] = masks[0]!;
    expect(Array.from(first!)).not.toEqual(Array.from(second!));
    // Inverted dropout: kept units are scaled by 1/(1 − p) = 2, about half are kept.
    expect(new Set(first)).toEqual(new Set([0, 2]));
    const kept = first!.filter((v) => v !== 0).length / first!.length;
    expect(kept).toBeGreaterThan(0.4);
    expect(kept).toBeLessThan(0.6);
  });

  it('the default seed follows the model seed; training with dropout is reproducible across backends', async () => {
    const runs = await Promise.all(
      list.map(async ([, b]) => {
        const m = build(b, undefined, 5);
        const h = await m.fit({ data: x, shape: [32, 20] }, labels, { epochs: 3, batchSize: 8, yieldEvery: 'never' });
        const w = m.getWeights();
        m.dispose();
        return { loss: h.history.loss, w };
      }),
    );
    for (const r of runs.slice(1)) {
      r.loss.forEach((l, i) => {
        expect(l).toBeCloseTo(runs[0]!.loss[i]!, 4);
      });
      r.w.forEach((t, i) => {
        expect(relErr(t, runs[0]!.w[i]!)).toBeLessThan(1e-4);
      });
    }
    const other = build(list[0]![1], undefined, 6);
    other.setWeights(build(list[0]![1], undefined, 5).getWeights());
    other.gradients({ data: x, shape: [32, 20] }, labels);
    const same = build(list[0]![1], undefined, 5);
    same.gradients({ data: x, shape: [32, 20] }, labels);
    expect(Array.from(maskOf(other, list[0]![1]))).not.toEqual(Array.from(maskOf(same, list[0]![1])));
  });

  for (const [tag, backend] of list) {
    it(`${tag}: off at inference — predict is deterministic and unscaled (equals the model without dropout)`, () => {
      const m = build(backend, 7);
      const plain = sequential([dense({ units: 50, activation: 'relu', inputShape: [20] }), dense({ units: 3, activation: 'softmax' })], {
        backend,
      });
      plain.compile({ loss: 'categoricalCrossentropy' });
      plain.setWeights(m.getWeights());
      const p1 = m.predict({ data: x, shape: [32, 20] }).data;
      m.session.step = 17;
      const p2 = m.predict({ data: x, shape: [32, 20] }).data;
      expect(Array.from(p2)).toEqual(Array.from(p1));
      expect(Array.from(plain.predict({ data: x, shape: [32, 20] }).data)).toEqual(Array.from(p1));
      expect(m.evaluate({ data: x, shape: [32, 20] }, labels).loss).toBe(plain.evaluate({ data: x, shape: [32, 20] }, labels).loss);
      // predictOne runs the one-row kernel (another summation order than the batch GEMM: equal to
      // rounding, see test/network/predict.test.ts), so it is compared with the plain model's.
      expect(Array.from(m.predictOne(x.subarray(0, 20)))).toEqual(Array.from(plain.predictOne(x.subarray(0, 20))));
      m.dispose();
      plain.dispose();
    });
  }

  it('rate 0 is the identity in training too', () => {
    const [, b] = list[0]!;
    const m = sequential([dropout({ rate: 0, inputShape: [4] }), dense({ units: 2 })], { backend: b });
    m.compile({ loss: 'mse' });
    m.gradients([[1, 2, 3, 4]], [[0, 0]]);
    expect(Array.from(b.heap.readF32(m.network.plan(1, true).layers[0]!.mask!, 4))).toEqual([1, 1, 1, 1]);
  });
});

describe('bad layer and activation options are refused with a clear error', async () => {
  const [[, backend]] = await allBackends();
  it('dropout rate outside [0, 1)', () => {
    for (const rate of [1, 1.5, -0.1, NaN]) expect(() => dropout({ rate })).toThrow(/dropout: rate must be in \[0, 1\)/);
    expect(() => dropout({} as never)).toThrow(/rate must be in \[0, 1\)/);
    expect(() => dropout({ rate: 0.5, seed: 1.5 })).toThrow(/seed must be an integer/);
  });
  it('dropout cannot be the output layer', () => {
    const m = sequential([dense({ units: 3, inputShape: [2] }), dropout({ rate: 0.5 })], { backend });
    expect(() => m.compile({ loss: 'mse' })).toThrow(/a dropout layer cannot be the output layer/);
  });
});
