import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, fromJSON, loadModel, sequential, sgd, type Backend } from '../src/index.js';
import { allBackends, rand } from './helpers/conformance.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [0, 1, 1, 0];

function xorModel(backend: Backend, seed = 1) {
  const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], { seed, backend });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), metrics: ['accuracy'] });
  return m;
}

describe('learning', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: XOR to 100 %`, async () => {
      const m = xorModel(backend);
      const h = await m.fit(XOR_X, XOR_Y, { epochs: 300, batchSize: 4, yieldEvery: 'never' });
      expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]!);
      const { accuracy, loss } = m.evaluate(XOR_X, XOR_Y);
      expect(accuracy).toBe(1);
      expect(loss).toBeLessThan(0.1);
      const p = m.predict(XOR_X);
      for (let r = 0; r < 4; r++) {
        const one = m.predictOne(XOR_X[r]!);
        expect(Array.from(one)).toEqual(Array.from(p.data.subarray(r * 2, r * 2 + 2)));
      }
      m.dispose();
    });

    it(`${tag}: regression with MSE fits a linear map`, async () => {
      const n = 64;
      const x = rand(n * 3, 11);
      const y = new Float32Array(n);
      for (let r = 0; r < n; r++) y[r] = 0.5 * x[r * 3]! - 2 * x[r * 3 + 1]! + x[r * 3 + 2]! + 0.25;
      const m = sequential([dense({ units: 1, inputShape: [3] })], { backend, seed: 3 });
      m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }) });
      await m.fit({ data: x, shape: [n, 3] }, { data: y, shape: [n, 1] }, { epochs: 200, batchSize: 16, yieldEvery: 'never' });
      expect(m.evaluate({ data: x, shape: [n, 3] }, { data: y, shape: [n, 1] }).loss).toBeLessThan(1e-6);
      const [w, b] = m.getWeights();
      expect(Array.from(w!)).toEqual([expect.closeTo(0.5, 3), expect.closeTo(-2, 3), expect.closeTo(1, 3)]);
      expect(b![0]).toBeCloseTo(0.25, 3);
      m.dispose();
    });
  }

  it('the same seed gives the same initial weights on every backend', async () => {
    const list = await allBackends();
    const ws = list.map(([, b]) => xorModel(b, 42).getWeights());
    for (const w of ws.slice(1)) expect(w.map((t) => Array.from(t))).toEqual(ws[0]!.map((t) => Array.from(t)));
    const other = xorModel(list[0]![1], 43).getWeights();
    expect(Array.from(other[0]!)).not.toEqual(Array.from(ws[0]![0]!));
  });
});

describe('memory growth', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: training continues correctly when the heap grows between steps`, async () => {
      const a = xorModel(backend, 5);
      const b = xorModel(backend, 5);
      const before = backend.heap.byteLength;
      const hogs: number[] = [];
      // Grow the memory between every epoch of model a (allocations detach all old views).
      const h = await a.fit(XOR_X, XOR_Y, {
        epochs: 60, batchSize: 4, shuffle: false, yieldEvery: 'never',
        callbacks: { onEpochEnd: () => void hogs.push(backend.heap.alloc(1 << 20)) },
      });
      expect(backend.heap.byteLength).toBeGreaterThan(before);
      const ref = await b.fit(XOR_X, XOR_Y, { epochs: 60, batchSize: 4, shuffle: false, yieldEvery: 'never' });
      expect(h.history.loss).toEqual(ref.history.loss);
      expect(Array.from(a.predictOne([1, 0]))).toEqual(Array.from(b.predictOne([1, 0])));
      for (const p of hogs) backend.heap.free(p);
      a.dispose();
      b.dispose();
    });
  }
});

describe('bad input is refused at the API boundary', async () => {
  const [[, backend]] = await allBackends();
  const m = xorModel(backend!);
  const bad: [string, () => unknown, RegExp][] = [
    ['wrong number of columns', () => m.fit([[1, 2, 3]], [0]), /x has 3 columns but the model expects 2/],
    ['NaN in x', () => m.fit([[0, 0], [0, NaN]], [0, 1]), /NaN in x at row 1, column 1/],
    ['Infinity in x', () => m.fit([[0, Infinity]], [0]), /Infinity in x at row 0, column 1/],
    ['label out of range', () => m.fit(XOR_X, [0, 1, 2, 0]), /label 2 at row 2 is out of range for 2 classes/],
    ['fractional label', () => m.fit(XOR_X, [0, 1, 0.5, 0]), /label 0.5 at row 2/],
    ['empty dataset', () => m.fit([], []), /x is empty/],
    ['x and y lengths differ', () => m.fit(XOR_X, [0, 1, 1]), /x has 4 rows but y has 3 labels/],
    ['batchSize < 1', () => m.fit(XOR_X, XOR_Y, { batchSize: 0 }), /batchSize must be a positive integer, got 0/],
    ['batchSize not an integer', () => m.fit(XOR_X, XOR_Y, { batchSize: 2.5 }), /batchSize must be a positive integer, got 2.5/],
    ['epochs < 1', () => m.fit(XOR_X, XOR_Y, { epochs: 0 }), /epochs must be a positive integer, got 0/],
    ['target width', () => m.fit(XOR_X, [[1], [0], [0], [1]]), /y has 1 columns but the model has 2 outputs/],
    ['validationSplit', () => m.fit(XOR_X, XOR_Y, { validationSplit: 1 }), /validationSplit must be in \[0, 1\)/],
  ];
  for (const [what, call, msg] of bad) {
    it(what, async () => {
      const before = Array.from(m.getWeights()[0]!);
      await expect(Promise.resolve().then(call)).rejects.toThrow(msg);
      expect(Array.from(m.getWeights()[0]!)).toEqual(before); // nothing reached the kernels
    });
  }
  it('unknown activation, loss, optimizer, initializer', () => {
    expect(() => dense({ units: 3, activation: 'relux' })).toThrow(/unknown activation 'relux'; use one of: .*relu/);
    expect(() => xorModel(backend!).compile({ loss: 'hinge2' })).toThrow(/unknown loss 'hinge2'/);
    expect(() => xorModel(backend!).compile({ loss: 'mse', optimizer: 'rmsprop' })).toThrow(/unknown optimizer 'rmsprop'; use one of: sgd/);
    expect(() => dense({ units: 3, kernelInitializer: 'orthogonal' })).toThrow(/unknown initializer 'orthogonal'/);
    expect(() => dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => sgd({ learningRate: -1 })).toThrow(/learningRate must be a finite number > 0/);
  });
  it('cross-entropy after a non-softmax output is refused with the fix', () => {
    const r = sequential([dense({ units: 2, activation: 'relu', inputShape: [2] })], { backend });
    expect(() => r.compile({ loss: 'categoricalCrossentropy' })).toThrow(/does not fit output activation 'relu'.*'softmax'/);
  });
  it('a first layer without inputShape', () => {
    expect(() => sequential([dense({ units: 2 })], { backend }).compile({ loss: 'mse' })).toThrow(/inputShape/);
  });
  it('predictOne with the wrong length', () => {
    expect(() => m.predictOne([1, 2, 3])).toThrow(/x has 3 values but the model expects 2/);
  });
});

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
