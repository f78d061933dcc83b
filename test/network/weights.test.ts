/** Initial weights: the same seed gives the same weights on every backend, another seed others. */
import { describe, expect, it } from 'vitest';
import { allBackends } from '../helpers/conformance.js';
import { xorModel } from '../helpers/models.js';

describe('initial weights', async () => {
  it('the same seed gives the same initial weights on every backend', async () => {
    const list = await allBackends();
    const ws = list.map(([, b]) => xorModel(b, 42).getWeights());
    for (const w of ws.slice(1)) expect(w.map((t) => Array.from(t))).toEqual(ws[0]!.map((t) => Array.from(t)));
    const other = xorModel(list[0]![1], 43).getWeights();
    expect(Array.from(other[0]!)).not.toEqual(Array.from(ws[0]![0]!));
  });
});
