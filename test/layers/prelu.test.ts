/** PReLU: backprop of the slopes against the float64 oracle, hidden and as the output layer. */
import { describe, it } from 'vitest';
import { dense, prelu } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { check, NIN } from '../helpers/layer-gradients.js';

describe('gradient check: PReLU slopes, maxout pieces, dropout with a fixed mask', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: dense → prelu → softmax (the slope gradient included)`, () => {
      check(
        backend,
        [dense({ units: 7, inputShape: [NIN] }), prelu(), dense({ units: 3, activation: 'softmax' })],
        'categoricalCrossentropy',
        'classes',
      );
    });
    it(`${tag}: prelu as the output layer + mse`, () => {
      check(
        backend,
        [dense({ units: 9, inputShape: [NIN], activation: 'tanh' }), dense({ units: 4 }), prelu()],
        'meanSquaredError',
        'targets',
      );
    });
  }
});
