/**
 * Save and load: round trips through a directory and through toJSON/fromJSON (every layer kind,
 * initializers, regularizers, the optimizer), and the errors of missing and corrupt directories.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adam, constant, dense, dropout, fromJSON, loadModel, maxout, prelu, sequential } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';

describe('save and load', async () => {
  const [[, backend], [, wasm]] = await allBackends();
  it('round-trips through a directory and through toJSON/fromJSON', async () => {
    const m = xorModel(backend!);
    await m.fit(XOR_X, XOR_Y, { epochs: 50, batchSize: 4, yieldEvery: 'never' });
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-'));
    try {
      await m.save(dir);
      const back = await loadModel(dir, { backend: wasm });
      expect(back.summary()).toContain('dense');
      const p0 = m.predict(XOR_X).data;
      const p1 = back.predict(XOR_X).data;
      for (let i = 0; i < p0.length; i++) expect(p1[i]).toBeCloseTo(p0[i]!, 5);
      expect(back.evaluate(XOR_X, XOR_Y).loss).toBeCloseTo(m.evaluate(XOR_X, XOR_Y).loss, 5);
      const { spec, weights } = m.toJSON();
      const again = fromJSON(JSON.parse(JSON.stringify(spec)), weights, { backend });
      expect(Array.from(again.predict(XOR_X).data)).toEqual(Array.from(p0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('non-finite weights are refused with the first bad index (a spec without checksum)', () => {
    const m = xorModel(backend!);
    const { spec, weights } = m.toJSON();
    const s = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
    delete s.weightsChecksum;
    for (const [i, v] of [
      [5, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
      [17, Number.NEGATIVE_INFINITY],
    ] as const) {
      const w = new Float32Array((weights as ArrayBuffer).slice(0));
      w[i] = v;
      if (i !== 17) w[17] = Number.NaN; // a later bad value: the first one is named
      expect(() => fromJSON(s, w.buffer, { backend })).toThrow(`weight ${i} is ${v}: the weights are corrupt.`);
    }
    expect(fromJSON(s, weights, { backend }).predict(XOR_X).data.every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it('missing and corrupt model directories give clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-'));
    try {
      await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/model\.json/);
      mkdirSync(join(dir, 'bad'));
      writeFileSync(join(dir, 'bad', 'model.json'), '{ not json');
      writeFileSync(join(dir, 'bad', 'weights.bin'), new Uint8Array(8));
      await expect(loadModel(join(dir, 'bad'))).rejects.toThrow(/corrupt/);
      const m = xorModel(backend!);
      await m.save(join(dir, 'short'));
      writeFileSync(join(dir, 'short', 'weights.bin'), new Uint8Array(12));
      await expect(loadModel(join(dir, 'short'))).rejects.toThrow(/12 bytes but the spec describes 42 parameters/);
      // Same length, other content: the pair no longer belongs together.
      writeFileSync(join(dir, 'short', 'weights.bin'), new Uint8Array(42 * 4));
      await expect(loadModel(join(dir, 'short'))).rejects.toThrow(/do not match the checksum/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('save and load: prelu, maxout, dropout, constant init, regularizers, optimizer', async () => {
  const [[, js], [, wasm]] = await allBackends();
  it('prelu, maxout, dropout, constant init, regularizers and the optimizer round-trip through toJSON/fromJSON', () => {
    const m = sequential(
      [
        dense({ units: 6, inputShape: [4], kernelRegularizer: { l2: 0.5 }, biasInitializer: constant({ value: 0.1 }) }),
        prelu(),
        dropout({ rate: 0.25, seed: 9 }),
        maxout({ units: 3, pieces: 2, kernelRegularizer: { l1: 0.1 } }),
        dense({ units: 2, activation: 'elu', alpha: 0.5 }),
      ],
      { backend: js, seed: 4 },
    );
    m.compile({ loss: 'quadratic', optimizer: adam({ learningRate: 0.01 }), regularization: { l2: 2 } });
    expect(Array.from(m.getWeights()[1]!)).toEqual(new Array(6).fill(Math.fround(0.1)));
    expect(Array.from(m.getWeights()[2]!)).toEqual(new Array(6).fill(0.25));
    const { spec, weights } = m.toJSON();
    const back = fromJSON(JSON.parse(JSON.stringify(spec)), weights, { backend: wasm });
    expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    expect(back.optimizer.config).toEqual(m.optimizer.config);
    expect(back.regularization).toEqual({ l1: 0, l2: 2 });
    const x = [
      [0.1, -0.2, 0.3, 0.9],
      [1, 0.5, -1, 0],
    ];
    const p0 = m.predict(x).data;
    const p1 = back.predict(x).data;
    for (let i = 0; i < p0.length; i++) expect(p1[i]).toBeCloseTo(p0[i]!, 5);
    expect(m.summary()).toContain('prelu');
    expect(m.summary()).toContain('maxout');
  });
});
