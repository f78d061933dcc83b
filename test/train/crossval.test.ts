/** k-fold cross-validation: fold indices, crossValidate's per-fold models and summary, bad arguments. */
import { describe, expect, it } from 'vitest';
import { crossValidate, dense, kFoldIndices, sequential, sgd, type Sequential } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';
import { blobs } from '../helpers/data.js';

describe('k-fold cross-validation', () => {
  it('folds are disjoint, cover every row, are balanced, and identical for the same seed', () => {
    for (const [n, k] of [
      [10, 2],
      [100, 5],
      [101, 5],
      [7, 7],
      [1000, 10],
      [23, 4],
    ] as const) {
      const folds = kFoldIndices(n, k, 42);
      expect(folds).toHaveLength(k);
      const all = folds.flatMap((f) => Array.from(f));
      expect(all).toHaveLength(n);
      expect(new Set(all).size).toBe(n);
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const sizes = folds.map((f) => f.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(kFoldIndices(n, k, 42).map((f) => Array.from(f))).toEqual(folds.map((f) => Array.from(f)));
    }
    expect(kFoldIndices(100, 5, 1).map((f) => Array.from(f))).not.toEqual(kFoldIndices(100, 5, 2).map((f) => Array.from(f)));
    // shuffle false: contiguous blocks.
    expect(kFoldIndices(7, 3, 1, false).map((f) => Array.from(f))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('k < 2 or k > n are refused with the fix', () => {
    expect(() => kFoldIndices(10, 1)).toThrow('k must be an integer ≥ 2');
    expect(() => kFoldIndices(10, 2.5)).toThrow('k must be an integer ≥ 2');
    expect(() => kFoldIndices(10, 11)).toThrow('k = 11 folds need at least 11 rows, but there are 10; use k ≤ 10.');
    expect(() => kFoldIndices(0, 2)).toThrow('n must be a positive integer');
    expect(() => kFoldIndices(10, 2, 0.5)).toThrow('seed must be an integer');
  });

  it('crossValidate trains one fresh model per fold, scores the held-out fold, reports mean ± sample std and disposes every model', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(90);
    const models: Sequential[] = [];
    const folds: number[] = [];
    const cv = await crossValidate(
      (fold) => {
        folds.push(fold);
        const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [4] }), dense({ units: 3, activation: 'softmax' })], {
          backend: b,
          seed: 1,
        }).compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 0.2, momentum: 0.9 }), metrics: ['accuracy'] });
        models.push(m);
        return m;
      },
      x,
      y,
      { k: 3, seed: 7, fitOptions: { epochs: 20, batchSize: 10, yieldEvery: 'never' } },
    );
    expect(folds).toEqual([0, 1, 2]);
    expect(cv.folds.map((f) => [f.trainRows, f.testRows])).toEqual([
      [60, 30],
      [60, 30],
      [60, 30],
    ]);
    const acc = cv.folds.map((f) => f.accuracy!);
    const mean = acc.reduce((a, v) => a + v, 0) / 3;
    expect(cv.accuracy!.mean).toBeCloseTo(mean, 12);
    expect(cv.accuracy!.std).toBeCloseTo(Math.sqrt(acc.reduce((a, v) => a + (v - mean) ** 2, 0) / 2), 12);
    expect(cv.std).toBe('sample');
    expect(cv.accuracy!.mean).toBeGreaterThan(0.9);
    expect(cv.loss.mean).toBeGreaterThan(0);
    for (const m of models) expect(() => m.evaluate(x, y)).toThrow('this model was disposed');
  });

  it('bad arguments are refused', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(9);
    const build = () =>
      sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })], { backend: b }).compile({ loss: 'crossentropy' });
    await expect(crossValidate(build, x, y, { k: 1 })).rejects.toThrow('crossValidate: k must be an integer ≥ 2');
    await expect(crossValidate(build, x, y, { k: 10 })).rejects.toThrow(
      'crossValidate: k = 10 folds need at least 10 rows, but there are 9; use k ≤ 9.',
    );
    await expect(crossValidate(build, x, y.slice(1), { k: 3 })).rejects.toThrow('x has 9 rows but y has 8');
    await expect(crossValidate(() => sequential([dense({ units: 3, inputShape: [4] })], { backend: b }), x, y, { k: 3 })).rejects.toThrow(
      'buildModel must return a compiled model',
    );
    const one = build();
    await expect(crossValidate(() => one, x, y, { k: 3, fitOptions: { yieldEvery: 'never' } })).rejects.toThrow(
      'returned the same model twice',
    );
  });
});
