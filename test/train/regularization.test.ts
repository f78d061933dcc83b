/**
 * L1/L2 regularization in the course convention (src/registries/regularizers.ts): the update and
 * the reported loss, the penalty kernel, n = training rows of the fit, layer regularizers.
 */
import { describe, expect, it } from 'vitest';
import { dense, prelu, sequential, sgd } from '../../src/index.js';
import { allBackends, conform, EDGE_SIZES, rand } from '../helpers/conformance.js';
import { linearModel, N, NIN, X, Y } from '../helpers/linear.js';

describe('L1/L2 regularization in the course convention', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: L2 step is w ← (1 − ηλ/n)·w − η·∂C₀/∂w (biases untouched), and the loss adds (λ/2n)Σw²`, async () => {
      const lambda = 3;
      const eta = 0.2;
      const m = linearModel(backend, sgd({ learningRate: eta }), { l2: lambda });
      const [w0, b0] = m.getWeights();
      const {
        loss: c0,
        grads: [gw, gb],
      } = m.gradients(X, Y);
      const h = await m.fit(X, Y, { epochs: 1, batchSize: N, shuffle: false, yieldEvery: 'never' });
      const [w1, b1] = m.getWeights();
      for (let i = 0; i < w0!.length; i++) expect(w1![i]).toBeCloseTo((1 - (eta * lambda) / N) * w0![i]! - eta * gw![i]!, 6);
      for (let i = 0; i < b0!.length; i++) expect(b1![i]).toBeCloseTo(b0![i]! - eta * gb![i]!, 6);
      const sq = w0!.reduce((s, v) => s + v * v, 0);
      expect(h.history.loss[0]).toBeCloseTo(c0 + (lambda / (2 * N)) * sq, 5);
      // evaluate: data loss + penalty at the current weights, with the n of the fit.
      const sq1 = w1!.reduce((s, v) => s + v * v, 0);
      expect(m.evaluate(X, Y).loss).toBeCloseTo(m.gradients(X, Y).loss + (lambda / (2 * N)) * sq1, 5);
      m.dispose();
    });

    it(`${tag}: L1 step is w ← w − (ηλ/n)·sgn(w) − η·∂C₀/∂w, and the loss adds (λ/n)Σ|w|`, async () => {
      const lambda = 2;
      const eta = 0.1;
      const m = linearModel(backend, sgd({ learningRate: eta }), { l1: lambda });
      const [w0] = m.getWeights();
      const {
        loss: c0,
        grads: [gw],
      } = m.gradients(X, Y);
      const h = await m.fit(X, Y, { epochs: 1, batchSize: N, shuffle: false, yieldEvery: 'never' });
      const [w1] = m.getWeights();
      for (let i = 0; i < w0!.length; i++)
        expect(w1![i]).toBeCloseTo(w0![i]! - ((eta * lambda) / N) * Math.sign(w0![i]!) - eta * gw![i]!, 6);
      expect(h.history.loss[0]).toBeCloseTo(c0 + (lambda / N) * w0!.reduce((s, v) => s + Math.abs(v), 0), 5);
      m.dispose();
    });
  }

  it('the penalty kernel l1l2_penalty_f32 agrees across backends and with float64', async () => {
    for (const n of [...EDGE_SIZES, 1000, 5003]) {
      const w = rand(n, n, -2, 2);
      const ref = await conform(
        'l1l2_penalty_f32',
        { inputs: { w }, outputs: {}, args: (p) => [p.w!, n, 0.3, 0.7] },
        { abs: 1e-6, rel: 1e-6 },
        `n=${n}`,
      );
      let want = 0;
      for (const v of w) want += 0.3 * Math.abs(v) + 0.35 * v * v;
      expect(ref.ret).toBeCloseTo(want, 3);
    }
  });

  it('n is the training rows of the fit (validation rows excluded); a layer regularizer replaces the model-wide one', async () => {
    const [[, backend]] = await allBackends();
    const m = sequential([dense({ units: 4, inputShape: [NIN] }), prelu(), dense({ units: 2, kernelRegularizer: { l1: 0.5 } })], {
      backend,
    });
    m.compile({ loss: 'mse', regularization: { l2: 3 } });
    await m.fit(X, Y, { epochs: 1, batchSize: 4, validationSplit: 0.25, yieldEvery: 'never' });
    const n = 6;
    // kernel, bias, PReLU slope (never decayed), kernel with its own L1, bias.
    expect(m.network.tensors.map((t) => [t.l1, t.l2])).toEqual([
      [0, 3 / n],
      [0, 0],
      [0, 0],
      [0.5 / n, 0],
      [0, 0],
    ]);
  });

  it('without regularization the loss is unchanged and no penalty is computed', async () => {
    const [[, backend]] = await allBackends();
    const m = linearModel(backend, sgd({ learningRate: 0.1 }));
    const c0 = m.gradients(X, Y).loss;
    const h = await m.fit(X, Y, { epochs: 1, batchSize: N, shuffle: false, yieldEvery: 'never' });
    expect(h.history.loss[0]).toBeCloseTo(c0, 6);
    expect(m.network.regularized).toBe(false);
  });
});
