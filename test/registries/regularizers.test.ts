/** Regularizers: bad λ in compile's model-wide regularization and in a layer's kernelRegularizer. */
import { describe, expect, it } from 'vitest';
import { dense, maxout, sequential } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';

describe('bad layer and activation options are refused with a clear error', async () => {
  it('negative λ in a layer regularizer', () => {
    expect(() => dense({ units: 3, kernelRegularizer: { l2: -1 } })).toThrow(/kernelRegularizer: l2 must be a finite number ≥ 0/);
    expect(() => maxout({ units: 3, pieces: 2, kernelRegularizer: { l1: -0.5 } })).toThrow(/l1 must be a finite number ≥ 0/);
    expect(() => dense({ units: 3, kernelRegularizer: { l3: 1 } as never })).toThrow(/unknown key 'l3'/);
  });
});

describe('bad optimizer, schedule and regularization options are refused', async () => {
  const [[, backend]] = await allBackends();
  it('negative λ', () => {
    const m = sequential([dense({ units: 2, inputShape: [2] })], { backend });
    expect(() => m.compile({ loss: 'mse', regularization: { l2: -5 } })).toThrow(
      /compile: regularization: l2 must be a finite number ≥ 0.*got -5/,
    );
    expect(() => m.compile({ loss: 'mse', regularization: { l1: -1e-3 } })).toThrow(/l1 must be a finite number ≥ 0/);
    expect(() => m.compile({ loss: 'mse', regularization: { l1: NaN } })).toThrow(/l1 must be a finite number ≥ 0/);
  });
});
