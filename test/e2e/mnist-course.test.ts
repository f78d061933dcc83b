/**
 * Short learning runs on real MNIST data (the first 10k training images, the 10k test images, wasm
 * backend) with thresholds a correct implementation clears by a margin: adam; dropout + L2 (which
 * must shrink the weights); one sigmoid unit + binary cross-entropy on 0 vs 1.
 */
import { describe, expect, it } from 'vitest';
import { adam, dense, dropout, loadMnist, momentum, sequential, sgd, type Sequential } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';

describe('learning on MNIST (the first 10k training images, the 10k test images, wasm backend)', async () => {
  const list = await allBackends();
  const backend = list.find(([t]) => t === 'wasm')![1];
  const { train, test } = await loadMnist({ trainLimit: 10000 });

  // Measured (seed 1/3, this machine): adam 94.5 % in 2 s; dropout + L2 94.8 %, |W₁|² 320 vs 525 without L2 (94.6 %).
  it('adam, [784, 64 relu, 10 softmax], 5 epochs: test accuracy ≥ 92 %', async () => {
    const m = sequential(
      [
        dense({ units: 64, activation: 'relu', inputShape: [784], kernelInitializer: 'heNormal' }),
        dense({ units: 10, activation: 'softmax' }),
      ],
      { backend, seed: 1 },
    );
    m.compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: 0.002 }), metrics: ['accuracy'] });
    const h = await m.fit(train.x, train.labels, { epochs: 5, batchSize: 32, yieldEvery: 'never' });
    expect(h.history.loss[4]).toBeLessThan(0.5 * h.history.loss[0]!);
    const { accuracy } = m.evaluate(test.x, test.labels);
    expect(accuracy).toBeGreaterThanOrEqual(0.92);
    m.dispose();
  }, 30000);

  it('dropout 0.2 + L2 λ = 5 (course convention) with momentum, [784, 100 relu, dropout, 10 softmax], 5 epochs: ≥ 92 %, and L2 shrinks the weights', async () => {
    const build = (l2: number): Sequential => {
      const m = sequential(
        [
          dense({ units: 100, activation: 'relu', inputShape: [784], kernelInitializer: 'heNormal' }),
          dropout({ rate: 0.2 }),
          dense({ units: 10, activation: 'softmax', kernelInitializer: 'lecunNormal' }),
        ],
        { backend, seed: 3 },
      );
      m.compile({
        loss: 'categoricalCrossentropy',
        optimizer: momentum({ learningRate: 0.05 }),
        metrics: ['accuracy'],
        regularization: { l2 },
      });
      return m;
    };
    const m = build(5);
    await m.fit(train.x, train.labels, { epochs: 5, batchSize: 32, yieldEvery: 'never' });
    const { accuracy } = m.evaluate(test.x, test.labels);
    expect(accuracy).toBeGreaterThanOrEqual(0.92);
    const norm = (mm: Sequential): number => mm.getWeights()[0]!.reduce((s, v) => s + v * v, 0);
    const free = build(0);
    await free.fit(train.x, train.labels, { epochs: 5, batchSize: 32, yieldEvery: 'never' });
    expect(norm(m)).toBeLessThan(0.9 * norm(free));
    m.dispose();
    free.dispose();
  }, 40000);

  it('one sigmoid unit + binaryCrossentropy separates 0 from 1 (≥ 99 %)', async () => {
    const pick = (split: typeof train): { x: Float32Array; y: number[] } => {
      const rows: number[] = [];
      split.labels.forEach((c, r) => {
        if (c < 2) rows.push(r);
      });
      const x = new Float32Array(rows.length * 784);
      rows.forEach((r, i) => {
        x.set(split.x.data.subarray(r * 784, r * 784 + 784), i * 784);
      });
      return { x, y: rows.map((r) => split.labels[r]!) };
    };
    const tr = pick(train);
    const te = pick(test);
    const m = sequential([dense({ units: 16, activation: 'tanh', inputShape: [784] }), dense({ units: 1, activation: 'sigmoid' })], {
      backend,
    });
    m.compile({ loss: 'binaryCrossentropy', optimizer: sgd({ learningRate: 0.1 }), metrics: ['accuracy'] });
    await m.fit({ data: tr.x, shape: [tr.y.length, 784] }, tr.y, { epochs: 1, batchSize: 16, yieldEvery: 'never' });
    expect(m.evaluate({ data: te.x, shape: [te.y.length, 784] }, te.y).accuracy).toBeGreaterThanOrEqual(0.99);
    m.dispose();
  }, 20000);
});
