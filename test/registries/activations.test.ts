/**
 * Activations: backprop through every activation family in hidden and output position against the
 * float64 oracle, on every backend; unknown names and aliases.
 */
import { describe, expect, it } from 'vitest';
import { constant, dense, prelu } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { check, hidden } from '../helpers/layer-gradients.js';

describe('gradient check: every activation (hidden and output)', async () => {
  for (const [tag, backend] of await allBackends()) {
    for (const [act, alpha] of [
      ['leakyRelu', undefined],
      ['leakyRelu', 0.3],
      ['elu', undefined],
      ['elu', 0.5],
      ['softplus', undefined],
      ['hardTanh', undefined],
      ['abs', undefined],
    ] as [string, number | undefined][]) {
      it(`${tag}: ${act}${alpha === undefined ? '' : ` α=${alpha}`} → softmax + crossentropy`, () => {
        check(backend, [hidden(act, alpha), dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy', 'classes');
      });
      it(`${tag}: tanh → ${act} output + quadratic`, () => {
        check(backend, [hidden('tanh'), dense({ units: 3, activation: act, alpha })], 'quadratic', 'targets');
      });
    }
  }
});

describe('bad layer and activation options are refused with a clear error', async () => {
  it('unknown names', () => {
    expect(() => dense({ units: 3, activation: 'leakyrelu' })).toThrow(/unknown activation 'leakyrelu'; use one of: .*leakyRelu/);
    expect(() => dense({ units: 3, activation: 'prelu' })).toThrow(/is a layer.*prelu\(\)/);
    expect(() => dense({ units: 3, activation: 'maxout' })).toThrow(/maxout\(\{ units, pieces \}\)/);
    expect(() => dense({ units: 3, kernelInitializer: 'constant' })).toThrow(/needs a value: use constant\(\{ value/);
    expect(() => dense({ units: 3, kernelInitializer: 'heUniformm' })).toThrow(/unknown initializer 'heUniformm'/);
    expect(() => constant({ value: NaN })).toThrow(/constant: value must be a finite number/);
    expect(() => prelu({ alphaInitializer: { name: 'zeros', value: 1 } })).toThrow(/takes no value/);
  });
  it('aliases resolve to the registry names', () => {
    expect(dense({ units: 2, activation: 'leaky_relu' }).activation.name).toBe('leakyRelu');
    expect(dense({ units: 2, activation: 'hard_tanh' }).activation.name).toBe('hardTanh');
    expect(dense({ units: 2, activation: 'leakyRelu' }).alpha).toBe(0.01);
    expect(dense({ units: 2, activation: 'elu' }).alpha).toBe(1);
  });
});
