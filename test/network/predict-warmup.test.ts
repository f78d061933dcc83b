/**
 * init({ warmUp }): the option is checked at the boundary, and warm-up is invisible in results —
 * predictions and training are bit-identical whatever was warmed ('none', 'inference' — the
 * default — or 'all'), including the lazy warm-up of the training kernels at the first training
 * plan (it runs kernels in the heap's reserved low memory and zeroes it again). No timing here:
 * what warm-up buys is measured by bench/cold-start.ts.
 */
import { describe, expect, it } from 'vitest';
import { init, type Backend, type WarmUp } from '../../src/index.js';
import { setBackend } from '../../src/kernels/backend.js';
import { rand } from '../helpers/conformance.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';

describe('init warmUp option', () => {
  it('refuses an unknown level, naming the accepted ones', async () => {
    await expect(init({ warmUp: 'some' as WarmUp })).rejects.toThrow(
      "init: unknown warmUp option 'some'; use 'inference' (the default), 'all' or 'none'.",
    );
    await expect(init({ warmUp: 1 as unknown as WarmUp })).rejects.toThrow(/unknown warmUp option '1'/);
  });

  it('every level gives the same predictions and the same training, bit for bit', async () => {
    const levels: (WarmUp | undefined)[] = [undefined, 'none', 'inference', 'all'];
    const results: { before: number[]; loss: number[]; after: number[] }[] = [];
    const backends: Backend[] = [];
    for (const backend of ['wasm', 'js'] as const) {
      for (const warmUp of levels) {
        const b = await init({ backend, warmUp });
        backends.push(b);
        const m = xorModel(b, 7);
        const x = rand(2 * 64, 3);
        const before = Array.from(m.predict({ data: x, shape: [64, 2] }).data).concat(Array.from(m.predictOne([0.25, -0.5])));
        const h = await m.fit(XOR_X, XOR_Y, { epochs: 20, batchSize: 2, yieldEvery: 'never' });
        const after = Array.from(m.predict({ data: x, shape: [64, 2] }).data);
        results.push({ before, loss: h.history.loss, after });
        m.dispose();
      }
      const first = results[results.length - levels.length]!;
      for (const r of results.slice(results.length - levels.length + 1)) expect(r).toEqual(first);
    }
    setBackend(backends[0]!);
  });
});
