/** Hyper-parameter search: grid and random search over k-fold scores, bad spaces and options. */
import { describe, expect, it } from 'vitest';
import { dense, dropout, gridSearch, randomSearch, search, sequential, sgd, type Backend } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';
import { blobs } from '../helpers/data.js';

describe('hyper-parameter search', () => {
  const buildFor = (b: Backend) => (p: Record<string, unknown>) =>
    sequential(
      [
        dense({ units: p.hidden as number, activation: 'tanh', inputShape: [4] }),
        ...(p.dropout ? [dropout({ rate: p.dropout as number })] : []),
        dense({ units: 3, activation: 'softmax' }),
      ],
      { backend: b, seed: 2 },
    ).compile({
      loss: 'crossentropy',
      optimizer: sgd({ learningRate: p.learningRate as number }),
      metrics: ['accuracy'],
      regularization: { l2: (p.l2 as number) ?? 0 },
    });

  it('grid search scores every combination with k-fold and returns the best with the table', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(60);
    const seen: Record<string, unknown>[] = [];
    const build = buildFor(b);
    const r = await gridSearch(
      (p, fold) => {
        if (fold === 0) seen.push(p);
        return build(p);
      },
      x,
      y,
      {
        space: { learningRate: [0.001, 0.3], hidden: [2, 16], l2: [0], dropout: [0, 0.2] },
        k: 2,
        fitOptions: { epochs: 15, batchSize: 10, yieldEvery: 'never' },
      },
    );
    expect(r.strategy).toBe('grid');
    expect(r.metric).toBe('accuracy');
    expect(r.trials).toHaveLength(8);
    expect(seen).toHaveLength(8);
    expect(seen[0]).toEqual({ learningRate: 0.001, hidden: 2, l2: 0, dropout: 0 });
    for (let i = 1; i < r.ranked.length; i++) expect(r.ranked[i - 1]!.score).toBeGreaterThanOrEqual(r.ranked[i]!.score);
    expect(r.best).toBe(r.ranked[0]);
    expect(r.best.params.learningRate).toBe(0.3);
    expect(r.best.accuracy!.mean).toBeGreaterThan(0.9);
    for (const t of r.trials) expect(t.crossValidation.folds).toHaveLength(2);
  });

  it('random search draws from lists and (log-)ranges, reproducibly', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(30);
    const space = { learningRate: { min: 0.01, max: 1, scale: 'log' as const }, hidden: [4, 8], l2: { min: 0, max: 2 } };
    const opts = { space, trials: 4, seed: 5, k: 2, fitOptions: { epochs: 2, yieldEvery: 'never' as const } };
    const a = await randomSearch(buildFor(b), x, y, opts);
    const c = await search(buildFor(b), x, y, { ...opts, strategy: 'random' });
    expect(a.trials.map((t) => t.params)).toEqual(c.trials.map((t) => t.params));
    expect(a.trials).toHaveLength(4);
    for (const t of a.trials) {
      expect(t.params.learningRate).toBeGreaterThanOrEqual(0.01);
      expect(t.params.learningRate).toBeLessThanOrEqual(1);
      expect([4, 8]).toContain(t.params.hidden);
      expect(t.params.l2).toBeGreaterThanOrEqual(0);
    }
    const loss = await search(buildFor(b), x, y, { ...opts, metric: 'loss' });
    for (let i = 1; i < loss.ranked.length; i++) expect(loss.ranked[i - 1]!.loss.mean).toBeLessThanOrEqual(loss.ranked[i]!.loss.mean);
  });

  it('bad spaces, specs and options are refused', async () => {
    const b = await wasmBackend();
    const { x, y } = blobs(12);
    const f = buildFor(b);
    await expect(search(f, x, y, { space: {} })).rejects.toThrow('search: space is empty');
    await expect(search(f, x, y, { space: { learningRate: [] } })).rejects.toThrow("'learningRate' has an empty list");
    await expect(search(f, x, y, { space: { learningRate: { min: 1, max: 0 } } })).rejects.toThrow('needs finite min < max');
    await expect(search(f, x, y, { space: { learningRate: { min: 0, max: 1, scale: 'log' } } })).rejects.toThrow('log range');
    await expect(gridSearch(f, x, y, { space: { learningRate: { min: 0.1, max: 1 } } })).rejects.toThrow(
      "a grid needs lists of values (or use strategy 'random')",
    );
    await expect(search(f, x, y, { space: { learningRate: [0.1] }, strategy: 'bayes' as never })).rejects.toThrow(
      "strategy must be 'grid' or 'random'",
    );
    await expect(search(f, x, y, { space: { learningRate: [0.1] }, strategy: 'random', trials: 0 })).rejects.toThrow(
      'trials must be a positive integer',
    );
    await expect(search(f, x, y, { space: { learningRate: [0.1], hidden: [4] }, k: 13 })).rejects.toThrow(
      'k = 13 folds need at least 13 rows',
    );
    await expect(search(f, x, y, { space: { a: [1, 2, 3], b: [1, 2, 3] }, maxCandidates: 5 })).rejects.toThrow('the grid has 9 candidates');
  });
});
