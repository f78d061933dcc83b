/** Maxout: backprop of the pieces against the float64 oracle; bad pieces and units. */
import { describe, expect, it } from 'vitest';
import { dense, maxout } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { check, NIN } from '../helpers/layer-gradients.js';

describe('gradient check: PReLU slopes, maxout pieces, dropout with a fixed mask', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const pieces of [2, 3, 4]) {
      it(`${tag}: maxout k=${pieces} → softmax`, () => {
        check(
          backend,
          [maxout({ units: 5, pieces, inputShape: [NIN] }), dense({ units: 3, activation: 'softmax' })],
          'categoricalCrossentropy',
          'classes',
        );
      });
    }
    it(`${tag}: maxout → maxout output + quadratic`, () => {
      check(backend, [maxout({ units: 6, pieces: 2, inputShape: [NIN] }), maxout({ units: 3, pieces: 3 })], 'quadratic', 'targets');
    });
  }
});

describe('bad layer and activation options are refused with a clear error', async () => {
  it('maxout pieces < 2', () => {
    for (const pieces of [1, 0, 2.5]) expect(() => maxout({ units: 3, pieces })).toThrow(/maxout: pieces must be an integer ≥ 2/);
    expect(() => maxout({ units: 0, pieces: 2 })).toThrow(/units must be a positive integer/);
  });
});
