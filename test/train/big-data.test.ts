/**
 * A training set past 2 GiB: 625,000 rows × 1,000 floats (2.5 GB) is copied into the heap, which
 * then spans more than 2³¹ bytes, so every pointer-to-index conversion above the kernels must be
 * unsigned (`ptr >>> 2`). Skipped, with a message, where the machine lacks the memory; CI here has
 * 24 GB. A model that fits y = mean of the row's first 10 values must learn it.
 */
import { freemem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dense, init, sequential, sgd } from '../../src/index.js';

const ROWS = 625_000;
const COLS = 1_000;
/** Two copies of the data (the caller's array and the heap) plus headroom. */
const NEEDED = 3 * ROWS * COLS * 4;
const enough = freemem() >= NEEDED;
if (!enough) {
  console.log(
    `big-data test skipped: it needs about ${(NEEDED / 2 ** 30).toFixed(1)} GiB free, ` +
      `this machine has ${(freemem() / 2 ** 30).toFixed(1)} GiB.`,
  );
}

describe.skipIf(!enough)('a 2.5 GB training set', () => {
  it('trains (the heap passes 2 GiB) and learns a simple target', async () => {
    // Every init() makes a backend with a heap of its own: other tests' heaps stay small.
    const b = await init({ backend: 'wasm' });
    const data = new Float32Array(ROWS * COLS);
    const y = new Float32Array(ROWS);
    let s = 12345;
    for (let r = 0; r < ROWS; r++) {
      let sum = 0;
      const o = r * COLS;
      for (let j = 0; j < 10; j++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const v = (s >>> 8) / 2 ** 24 - 0.5;
        data[o + j] = v;
        sum += v;
      }
      y[r] = sum / 10;
    }
    const m = sequential([dense({ units: 1, inputShape: [COLS] })], { backend: b, seed: 1 });
    m.compile({ loss: 'meanSquaredError', optimizer: sgd({ learningRate: 0.5 }) });
    const before = m.evaluate({ data: data.subarray(0, 10_000 * COLS), shape: [10_000, COLS] }, y.subarray(0, 10_000)).loss;
    const h = await m.fit({ data, shape: [ROWS, COLS] }, y, { epochs: 1, batchSize: 1000, yieldEvery: 'never' });
    expect(b.heap.memory.buffer.byteLength).toBeGreaterThan(2 ** 31);
    const after = m.evaluate({ data: data.subarray(0, 10_000 * COLS), shape: [10_000, COLS] }, y.subarray(0, 10_000)).loss;
    expect(Number.isFinite(h.history.loss[0]!)).toBe(true);
    expect(after).toBeLessThan(before / 10);
    m.dispose();
  });
});
