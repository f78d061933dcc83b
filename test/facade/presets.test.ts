/** Task presets: classifier and regressor build, compile and fit; bad options. */
import { describe, expect, it } from 'vitest';
import { classifier, regressor, sgd } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';
import { rand } from '../helpers/conformance.js';
import { blobs } from '../helpers/data.js';

describe('task presets', () => {
  it('classifier: 2 classes → one sigmoid unit + binary cross-entropy; more → softmax + categorical cross-entropy', async () => {
    const b = await wasmBackend();
    const two = classifier({ inputs: 4, classes: 2, backend: b });
    expect(two.layers.at(-1)!.outUnits).toBe(1);
    expect(two.layers.at(-1)!.outputActivation()).toBe('sigmoid');
    expect(two.loss.name).toBe('binaryCrossentropy');
    expect(two.metrics).toEqual(['accuracy']);
    expect(two.optimizer.config).toMatchObject({ type: 'adam', learningRate: 0.001 });
    const three = classifier({
      inputs: 4,
      classes: 3,
      hidden: [16, 8],
      activation: 'tanh',
      dropout: 0.1,
      regularization: { l2: 1 },
      backend: b,
    });
    expect(three.layers.map((l) => l.describe())).toEqual([
      'dense 4→16 tanh',
      'dropout p=0.1',
      'dense 16→8 tanh',
      'dropout p=0.1',
      'dense 8→3 softmax',
    ]);
    expect(three.loss.name).toBe('categoricalCrossentropy');
    expect((three.layers[0] as unknown as { kernelInitializer: string }).kernelInitializer).toBe('glorotUniform');
    const relu = classifier({ inputs: 4, classes: 3, backend: b });
    expect((relu.layers[0] as unknown as { kernelInitializer: string }).kernelInitializer).toBe('heNormal');
    const { x, y } = blobs(150);
    await relu.fit(x, y, { epochs: 30, batchSize: 10, yieldEvery: 'never' });
    expect(relu.evaluate(x, y).accuracy).toBeGreaterThan(0.95);
    const yb = y.map((c) => (c === 0 ? 1 : 0));
    await two.fit(x, yb, { epochs: 30, batchSize: 10, yieldEvery: 'never' });
    expect(two.evaluate(x, yb).accuracy).toBeGreaterThan(0.95);
    for (const m of [two, three, relu]) m.dispose();
  });

  it('regressor: linear outputs + mean squared error, and it fits', async () => {
    const b = await wasmBackend();
    const r = regressor({ inputs: 3, outputs: 2, hidden: [], optimizer: sgd({ learningRate: 0.1 }), backend: b });
    expect(r.layers.map((l) => l.describe())).toEqual(['dense 3→2 linear']);
    expect(r.loss.name).toBe('meanSquaredError');
    expect(r.metrics).toEqual([]);
    const n = 64;
    const x = rand(n * 3, 4);
    const y = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) [y[2 * i], y[2 * i + 1]] = [x[3 * i]! - x[3 * i + 2]!, 0.5 * x[3 * i + 1]! + 1];
    await r.fit({ data: x, shape: [n, 3] }, { data: y, shape: [n, 2] }, { epochs: 200, batchSize: 16, yieldEvery: 'never' });
    expect(r.evaluate({ data: x, shape: [n, 3] }, { data: y, shape: [n, 2] }).loss).toBeLessThan(1e-4);
    r.dispose();
  });

  it('bad options are refused', async () => {
    const b = await wasmBackend();
    expect(() => classifier({ inputs: 4, classes: 1, backend: b })).toThrow(
      'classifier: classes must be an integer ≥ 2, got 1; for numeric targets use regressor',
    );
    expect(() => classifier({ inputs: 0, classes: 3, backend: b })).toThrow('classifier: inputs must be a positive integer');
    expect(() => classifier({ inputs: 4, classes: 3, hidden: [8, 0], backend: b })).toThrow('hidden[1] must be a positive integer');
    expect(() => classifier({ inputs: 4, classes: 3, hidden: [8], activation: ['relu', 'tanh'], backend: b })).toThrow(
      'activation lists 2 names but hidden has 1 layers',
    );
    expect(() => classifier({ inputs: 4, classes: 3, dropout: 1, backend: b })).toThrow('classifier: dropout must be in [0, 1)');
    expect(() => classifier({ inputs: 4, classes: 3, activation: 'swish', backend: b })).toThrow("unknown activation 'swish'");
    expect(() => regressor({ inputs: 4, outputs: 0, backend: b })).toThrow('regressor: outputs must be a positive integer');
    expect(() => regressor({ inputs: 4, regularization: { l2: -1 }, backend: b })).toThrow('l2 must be a finite number ≥ 0');
  });
});
