/**
 * Training health (src/train/health*.ts, divergence.ts) on the first 2,000 MNIST training images:
 * the vanishing-gradient warning of a deep sigmoid net with N(0, 1) weights, the exploding stop of a
 * ReLU net at η = 10, the NaN stop naming its layer, and the per-epoch report of a healthy run.
 */
import { describe, expect, it } from 'vitest';
import {
  dense,
  DivergenceError,
  init,
  loadMnist,
  sequential,
  sgd,
  trainingHealth,
  type Backend,
  type HealthReport,
} from '../../src/index.js';

let data: Awaited<ReturnType<typeof loadMnist>>['train'] | undefined;
let be: Backend | undefined;
async function setup(): Promise<{ x: { data: Float32Array; shape: [number, number] }; y: Int32Array; b: Backend }> {
  be ??= await init({ backend: 'wasm' });
  data ??= (await loadMnist({ trainLimit: 2000, testLimit: 0 })).train;
  return { x: { data: data.x.data, shape: [2000, 784] }, y: data.labels, b: be };
}

describe('training health', () => {
  it('a 10-layer sigmoid network with N(0, 1) weights triggers the vanishing-gradient warning', async () => {
    const { x, y, b } = await setup();
    const layers = Array.from({ length: 9 }, (_, i) =>
      dense({
        units: 30,
        activation: 'sigmoid',
        kernelInitializer: 'standardNormal',
        biasInitializer: 'standardNormal',
        ...(i === 0 ? { inputShape: [784] } : {}),
      }),
    );
    const m = sequential([...layers, dense({ units: 10, activation: 'softmax', kernelInitializer: 'standardNormal' })], { backend: b });
    m.compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 0.1 }), metrics: ['accuracy'] });
    const warnings: string[] = [];
    const seen: unknown[] = [];
    const h = await m.fit(x, y, {
      epochs: 1,
      batchSize: 10,
      yieldEvery: 'never',
      diagnostics: { onWarning: (w) => warnings.push(w) },
      callbacks: { onEpochEnd: (_e, logs) => void seen.push(logs.diagnostics) },
    });
    const vanishing = warnings.find((w) => w.startsWith('vanishing gradients'));
    expect(vanishing, warnings.join('\n')).toMatch(
      /^vanishing gradients at initialization: layer 0 \(dense 784→30 sigmoid\) learns \d+× slower than layer 9 \(dense 30→10 softmax\)/,
    );
    expect(vanishing).toContain('Use ReLU-family hidden activations, a scaled initialization');
    const report = h.logs[0]!.diagnostics as HealthReport;
    expect(seen[0]).toBe(report); // callbacks see the same report History keeps
    expect(report.initial!.gradRatio).toBeLessThanOrEqual(1 / 100);
    expect(report.warnings).toContain(vanishing);
    expect(report.layers).toHaveLength(10);
    // Most first-layer sigmoids sit in their flat tails with N(0, 1) weights on 784 inputs.
    expect(report.initial!.layers[0]!.saturated!).toBeGreaterThan(0.5);
    m.dispose();
  });

  it('a ReLU network at learning rate 10 stops with an exploding error that names the layer and the fix', async () => {
    const { x, y, b } = await setup();
    const m = sequential(
      [
        dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [784] }),
        dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal' }),
        dense({ units: 10, activation: 'softmax' }),
      ],
      { backend: b },
    );
    m.compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 10 }) });
    const err = await m.fit(x, y, { epochs: 5, batchSize: 10, yieldEvery: 'never', diagnostics: { onWarning: () => {} } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergenceError);
    const e = err as DivergenceError;
    expect(e.message).toMatch(/^(trainingHealth: exploding (weights|gradients)|fit: the loss became)/);
    expect(e.message).toMatch(/layer [0-2] \(dense \d+→\d+ (relu|softmax)\)/);
    expect(e.message).toContain('Lower the learning rate (e.g. 10 → 1), or use a different initialization');
    expect(e.layer).toBeGreaterThanOrEqual(0);
    expect(e.epoch).toBe(0);
    m.dispose();
  });

  it('a NaN is caught in the batch where the loss becomes non-finite, naming the first layer that holds it', async () => {
    const { x, y, b } = await setup();
    const m = sequential(
      [
        dense({ units: 16, activation: 'tanh', inputShape: [784] }),
        dense({ units: 16, activation: 'relu' }),
        dense({ units: 10, activation: 'softmax' }),
      ],
      { backend: b },
    );
    m.compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 0.1 }) });
    const w = m.getWeights();
    w[2]![5] = NaN; // layer 1's kernel
    m.setWeights(w);
    // Without diagnostics: fit's own check names the layer.
    await expect(m.fit(x, y, { epochs: 1, yieldEvery: 'never' })).rejects.toThrow(
      'fit: the loss became NaN at epoch 1, batch 1: training diverged. layer 1 (dense 16→16 relu) was the first with non-finite values (its kernel weights). Lower the learning rate (e.g. 0.1 → 0.01)',
    );
    // With diagnostics the initial probe finds it first.
    const err = await m.fit(x, y, { epochs: 1, yieldEvery: 'never', diagnostics: { onWarning: () => {} } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).layer).toBe(1);
    m.dispose();
  });

  it('a healthy run: per-layer gradient norms, update ratios and dead units in History, no warnings', async () => {
    const { x, y, b } = await setup();
    const m = sequential(
      [
        dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [784] }),
        dense({ units: 32, activation: 'tanh' }),
        dense({ units: 10, activation: 'softmax' }),
      ],
      { backend: b },
    );
    m.compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }), metrics: ['accuracy'] });
    const health = trainingHealth({ probeRows: 128, onWarning: () => {} });
    const h = await m.fit(x, y, { epochs: 3, batchSize: 32, yieldEvery: 'never', callbacks: [health] });
    expect(health.reports).toHaveLength(3);
    h.logs.forEach((logs, e) => {
      const r = logs.diagnostics as HealthReport;
      expect(r).toBe(health.reports[e]);
      expect(r.epoch).toBe(e);
      expect(r.probeRows).toBe(128);
      expect(r.update).toBe('lastStep');
      expect(r.warnings).toEqual([]);
      expect(r.layers.map((l) => [l.layer, l.name])).toEqual([
        [0, 'dense 784→64 relu'],
        [1, 'dense 64→32 tanh'],
        [2, 'dense 32→10 softmax'],
      ]);
      for (const l of r.layers) {
        expect(l.gradNorm).toBeGreaterThan(0);
        expect(l.relGrad).toBeCloseTo(l.gradNorm / l.weightNorm, 10);
        // Karpathy's rule of thumb: ‖ΔW‖/‖W‖ of one SGD step near 1e−3.
        expect(l.updateRatio).toBeGreaterThan(1e-5);
        expect(l.updateRatio).toBeLessThan(1e-1);
      }
      expect(r.layers[0]!.dead).toBeGreaterThanOrEqual(0);
      expect(r.layers[0]!.dead).toBeLessThan(0.5);
      expect(r.layers[1]!.saturated).toBeLessThan(0.5);
      expect(r.gradRatio).toBeGreaterThan(1 / 100);
    });
    expect((h.logs[0]!.diagnostics as HealthReport).initial!.epoch).toBe(-1);
    m.dispose();
  });

  it('bad options are refused', () => {
    expect(() => trainingHealth({ probeRows: 0 })).toThrow('trainingHealth: probeRows must be a positive integer');
    expect(() => trainingHealth({ vanishFactor: 1 })).toThrow('vanishFactor must be a finite number > 1');
    expect(() => trainingHealth({ explodeEpochs: 0 })).toThrow('explodeEpochs must be a positive integer');
    expect(() => trainingHealth({ onExplode: 'ignore' as never })).toThrow(
      "trainingHealth: onExplode must be one of 'throw', 'stop', 'warn', got 'ignore'.",
    );
    expect(() => trainingHealth({ weightGrowthLimit: Infinity })).toThrow('weightGrowthLimit must be a finite number > 1');
  });
});
