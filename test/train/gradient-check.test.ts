/** gradientCheck: backprop vs central differences of the model's own loss, per layer; a broken backward is found; bad options. */
import { describe, expect, it } from 'vitest';
import { dense, dropout, gradientCheck, maxout, prelu, sequential, sgd, type Sequential } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';
import { rand } from '../helpers/conformance.js';

describe("gradientCheck: backprop vs central differences of the model's own loss", () => {
  const rows = 16;
  const nin = 6;
  const x = { data: rand(rows * nin, 3, -1.5, 1.5), shape: [rows, nin] as [number, number] };
  const y = Array.from({ length: rows }, (_, i) => i % 3);

  it('agrees per layer for every activation family, loss, PReLU, maxout and dropout (fixed mask)', async () => {
    await wasmBackend(); // the default backend of the models below
    const cases: [string, () => Sequential, string, number][] = [
      [
        'tanh-sigmoid → softmax',
        () =>
          sequential([
            dense({ units: 8, activation: 'tanh', inputShape: [nin] }),
            dense({ units: 7, activation: 'sigmoid' }),
            dense({ units: 3, activation: 'softmax' }),
          ]),
        'crossentropy',
        2e-2,
      ],
      [
        'sigmoid → sigmoid quadratic',
        () => sequential([dense({ units: 8, activation: 'sigmoid', inputShape: [nin] }), dense({ units: 3, activation: 'sigmoid' })]),
        'quadratic',
        2e-2,
      ],
      [
        'elu-softplus → sigmoid bce',
        () =>
          sequential([
            dense({ units: 8, activation: 'elu', inputShape: [nin] }),
            dense({ units: 8, activation: 'softplus' }),
            dense({ units: 3, activation: 'sigmoid' }),
          ]),
        'bce',
        2e-2,
      ],
      [
        'relu-leakyRelu → softmax',
        () =>
          sequential([
            dense({ units: 8, activation: 'relu', inputShape: [nin] }),
            dense({ units: 8, activation: 'leakyRelu' }),
            dense({ units: 3, activation: 'softmax' }),
          ]),
        'crossentropy',
        5e-2,
      ],
      [
        'maxout, prelu, dropout',
        () =>
          sequential([
            maxout({ units: 5, pieces: 3, inputShape: [nin] }),
            dense({ units: 8 }),
            prelu(),
            dropout({ rate: 0.3 }),
            dense({ units: 3, activation: 'softmax' }),
          ]),
        'crossentropy',
        2e-2,
      ],
    ];
    for (const [name, make, loss, tol] of cases) {
      const m = make();
      m.compile({ loss, optimizer: sgd() });
      const before = m.getWeights();
      const r = gradientCheck(m, x, y);
      expect(r.maxRelativeError, `${name}: ${JSON.stringify(r.layers)}`).toBeLessThan(tol);
      // Kinks are left out, not hidden: most elements are compared.
      for (const l of r.layers) expect(l.kinks, name).toBeLessThan(l.checked);
      for (const l of r.layers) expect(l.normRelativeError, name).toBeLessThan(1e-2);
      expect(r.layers.map((l) => l.layer)).toEqual(m.network.params.map((p) => p.layer).filter((v, i, a) => a.indexOf(v) === i));
      // θ is left exactly as it was.
      expect(m.getWeights().map((t) => Array.from(t))).toEqual(before.map((t) => Array.from(t)));
      m.dispose();
    }
  });

  it('finds a wrong backward and names its layer', async () => {
    const b = await wasmBackend();
    const m = sequential(
      [
        dense({ units: 8, activation: 'tanh', inputShape: [nin] }),
        dense({ units: 8, activation: 'tanh' }),
        dense({ units: 3, activation: 'softmax' }),
      ],
      { backend: b },
    );
    m.compile({ loss: 'crossentropy', optimizer: sgd() });
    // Break layer 1: its kernel gradient comes out 1.5× too large (a correct one stays below 3e-2).
    const layer = m.layers[1]!;
    const backward = layer.backward.bind(layer);
    layer.backward = (...args: Parameters<typeof backward>) => {
      const r = backward(...args);
      b.k.scale_f32(layer.grad[0]!, 1.5, layer.inUnits * layer.outUnits);
      return r;
    };
    const r = gradientCheck(m, x, y);
    expect(r.layers[0]!.maxRelativeError).toBeLessThan(3e-2);
    expect(r.layers[1]!.maxRelativeError).toBeGreaterThan(0.3);
    expect(r.tensors.find((t) => t.layer === 1 && t.tensor === 'kernel')!.normRelativeError).toBeGreaterThan(0.3);
    expect(r.tensors.find((t) => t.layer === 1 && t.tensor === 'bias')!.maxRelativeError).toBeLessThan(3e-2);
    m.dispose();
  });

  it('bad options are refused', async () => {
    const b = await wasmBackend();
    const m = sequential([dense({ units: 3, activation: 'softmax', inputShape: [nin] })], { backend: b }).compile({ loss: 'crossentropy' });
    expect(() => gradientCheck(m, x, y, { epsilon: 0 })).toThrow('gradientCheck: epsilon must be a finite number > 0, got 0.');
    expect(() => gradientCheck(m, x, y, { maxPerTensor: 0 })).toThrow('maxPerTensor must be a positive integer');
    expect(() => gradientCheck(m, { data: rand(10, 1), shape: [2, 5] }, [0, 1])).toThrow('x has 5 columns but the model expects 6');
    m.dispose();
  });
});
