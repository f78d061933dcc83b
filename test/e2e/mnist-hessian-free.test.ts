/** Hessian-free (second order, src/train/second-order/) learning MNIST: 784-64-10 on a 10,000-image subset. */
import { describe, expect, it } from 'vitest';
import { dense, hessianFree, init, loadMnist, sequential } from '../../src/index.js';

await init({ backend: 'wasm' });
describe('Hessian-free on MNIST', () => {
  it('trains 784-64-10 on 10,000 images to ≥ 95 % test accuracy', async () => {
    const { train, test } = await loadMnist({ trainLimit: 10000 });
    // Standardised pixels (MNIST mean 0.1307, sd 0.3081) and L2: the 10,000-image subset overfits.
    for (const d of [train.x.data, test.x.data]) for (let i = 0; i < d.length; i++) d[i] = (d[i]! - 0.1307) / 0.3081;
    const m = sequential([dense({ units: 64, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], {
      seed: 1,
    });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: hessianFree(), metrics: ['accuracy'], regularization: { l2: 60 } });
    const t0 = performance.now();
    const h = await m.fit(train.x, train.labels, { epochs: 40 });
    const seconds = (performance.now() - t0) / 1000;
    const acc = m.evaluate(test.x, test.labels).accuracy!;
    console.log(
      `hessianFree MNIST 10k: test accuracy ${(100 * acc).toFixed(2)} %, train loss ${h.history.loss.at(-1)!.toFixed(4)}, ${seconds.toFixed(1)} s, CG iterations ${h.history.cgIterations!.reduce((a, b) => a + b, 0)}`,
    );
    expect(acc).toBeGreaterThanOrEqual(0.95);
    m.dispose();
  });
});
