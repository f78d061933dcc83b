/** Heap growth: views detach when the memory grows; training must carry on exactly as without growth. */
import { describe, expect, it } from 'vitest';
import { allBackends } from '../helpers/conformance.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';

describe('memory growth', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: training continues correctly when the heap grows between steps`, async () => {
      const a = xorModel(backend, 5);
      const b = xorModel(backend, 5);
      const before = backend.heap.byteLength;
      const hogs: number[] = [];
      // Grow the memory between every epoch of model a (allocations detach all old views).
      const h = await a.fit(XOR_X, XOR_Y, {
        epochs: 60,
        batchSize: 4,
        shuffle: false,
        yieldEvery: 'never',
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
