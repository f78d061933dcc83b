/**
 * `JSON.stringify(model)` keeps the weights (base64 float32 in the JSON) and `fromJSON` reads that
 * form back, as well as `model.toJSON()` itself and the (spec, weights) pair.
 */
import { describe, expect, it } from 'vitest';
import { dense, fromJSON, prelu, sequential } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';

describe('JSON.stringify(model) round-trips through fromJSON', () => {
  it('the string holds the weights; the model comes back with identical outputs', async () => {
    const backend = await wasmBackend();
    const m = sequential([dense({ units: 5, activation: 'tanh', inputShape: [3] }), prelu(), dense({ units: 2, activation: 'softmax' })], {
      backend,
      seed: 9,
    });
    m.compile({ loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    m.setWeights(m.getWeights().map((w, i) => w.map((_, j) => Math.sin(7 * i + j))));
    const text = JSON.stringify(m);
    const parsed = JSON.parse(text);
    expect(parsed.weights.encoding).toBe('float32le-base64');
    expect(typeof parsed.weights.data).toBe('string');
    const x = [
      [0.1, -0.4, 0.9],
      [1.5, 0.2, -0.3],
    ];
    const want = Array.from(m.predict(x).data);
    for (const back of [fromJSON(parsed), fromJSON(m.toJSON()), fromJSON(parsed.spec, m.toJSON().weights)]) {
      expect(Array.from(back.predict(x).data)).toEqual(want);
      back.dispose();
    }
    m.dispose();
  });

  it('damaged or missing weights are named', () => {
    const m = sequential([dense({ units: 1, inputShape: [2] })]);
    m.compile({ loss: 'mse' });
    const parsed = JSON.parse(JSON.stringify(m));
    expect(() => fromJSON({ spec: parsed.spec, weights: {} })).toThrow(/fromJSON: the weights must be an ArrayBuffer or a typed array/);
    expect(() => fromJSON({ spec: parsed.spec, weights: { encoding: 'float32le-base64', data: '%%%' } })).toThrow(/not valid base64/);
    expect(() => fromJSON({ spec: parsed.spec, weights: { encoding: 'float32le-base64', data: 'AAAA' } })).toThrow(/fromJSON/);
    expect(() => fromJSON(42 as never)).toThrow(/expected \(spec, weights\)/);
    m.dispose();
  });
});
