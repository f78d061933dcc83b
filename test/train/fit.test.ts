/**
 * fit: learning on small data on every backend (XOR to 100 %, with predictOne agreeing with predict;
 * a linear map by MSE) and the bad input fit refuses before anything reaches the kernels.
 */
import { describe, expect, it } from 'vitest';
import { dense, sequential, sgd } from '../../src/index.js';
import { allBackends, rand } from '../helpers/conformance.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';

describe('learning', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: XOR to 100 %`, async () => {
      const m = xorModel(backend);
      const h = await m.fit(XOR_X, XOR_Y, { epochs: 300, batchSize: 4, yieldEvery: 'never' });
      expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]!);
      const { accuracy, loss } = m.evaluate(XOR_X, XOR_Y);
      expect(accuracy).toBe(1);
      expect(loss).toBeLessThan(0.1);
      const p = m.predict(XOR_X);
      for (let r = 0; r < 4; r++) {
        const one = m.predictOne(XOR_X[r]!);
        // predictOne runs the one-row kernel, predict the batch GEMM: equal up to the rounding of
        // another summation order (test/network/predict.test.ts states the bound).
        const batch = p.data.subarray(r * 2, r * 2 + 2);
        for (let j = 0; j < 2; j++) expect(Math.abs(one[j]! - batch[j]!)).toBeLessThanOrEqual(1e-6);
      }
      m.dispose();
    });

    it(`${tag}: regression with MSE fits a linear map`, async () => {
      const n = 64;
      const x = rand(n * 3, 11);
      const y = new Float32Array(n);
      for (let r = 0; r < n; r++) y[r] = 0.5 * x[r * 3]! - 2 * x[r * 3 + 1]! + x[r * 3 + 2]! + 0.25;
      const m = sequential([dense({ units: 1, inputShape: [3] })], { backend, seed: 3 });
      m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }) });
      await m.fit({ data: x, shape: [n, 3] }, { data: y, shape: [n, 1] }, { epochs: 200, batchSize: 16, yieldEvery: 'never' });
      expect(m.evaluate({ data: x, shape: [n, 3] }, { data: y, shape: [n, 1] }).loss).toBeLessThan(1e-6);
      const [w, b] = m.getWeights();
      expect(Array.from(w!)).toEqual([expect.closeTo(0.5, 3), expect.closeTo(-2, 3), expect.closeTo(1, 3)]);
      expect(b![0]).toBeCloseTo(0.25, 3);
      m.dispose();
    });
  }
});

describe('bad input is refused at the API boundary', async () => {
  const [[, backend]] = await allBackends();
  const m = xorModel(backend!);
  const bad: [string, () => unknown, RegExp][] = [
    ['wrong number of columns', () => m.fit([[1, 2, 3]], [0]), /x has 3 columns but the model expects 2/],
    [
      'NaN in x',
      () =>
        m.fit(
          [
            [0, 0],
            [0, NaN],
          ],
          [0, 1],
        ),
      /NaN in x at row 1, column 1/,
    ],
    ['Infinity in x', () => m.fit([[0, Infinity]], [0]), /Infinity in x at row 0, column 1/],
    [
      'NaN in the rows validationSplit holds out',
      () =>
        m.fit(
          [
            [0, 0],
            [0, 1],
            [1, 0],
            [NaN, 1],
          ],
          XOR_Y,
          { validationSplit: 0.25 },
        ),
      /NaN in x at row 3, column 0/,
    ],
    ['label out of range', () => m.fit(XOR_X, [0, 1, 2, 0]), /label 2 at row 2 is out of range for 2 classes/],
    ['fractional label', () => m.fit(XOR_X, [0, 1, 0.5, 0]), /label 0.5 at row 2/],
    ['empty dataset', () => m.fit([], []), /x is empty/],
    ['x and y lengths differ', () => m.fit(XOR_X, [0, 1, 1]), /x has 4 rows but y has 3 labels/],
    ['batchSize < 1', () => m.fit(XOR_X, XOR_Y, { batchSize: 0 }), /batchSize must be a positive integer, got 0/],
    ['batchSize not an integer', () => m.fit(XOR_X, XOR_Y, { batchSize: 2.5 }), /batchSize must be a positive integer, got 2.5/],
    ['epochs < 1', () => m.fit(XOR_X, XOR_Y, { epochs: 0 }), /epochs must be a positive integer, got 0/],
    ['target width', () => m.fit(XOR_X, [[1], [0], [0], [1]]), /y has 1 columns but the model has 2 outputs/],
    ['validationSplit', () => m.fit(XOR_X, XOR_Y, { validationSplit: 1 }), /validationSplit must be in \[0, 1\)/],
  ];
  for (const [what, call, msg] of bad) {
    it(what, async () => {
      const before = Array.from(m.getWeights()[0]!);
      await expect(Promise.resolve().then(call)).rejects.toThrow(msg);
      expect(Array.from(m.getWeights()[0]!)).toEqual(before); // nothing reached the kernels
    });
  }
});
