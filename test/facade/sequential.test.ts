/** The Sequential façade at the API boundary: unknown names, a first layer without inputShape, predictOne's length. */
import { describe, expect, it } from 'vitest';
import { dense, sequential, sgd } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { xorModel } from '../helpers/models.js';

describe('bad input is refused at the API boundary', async () => {
  const [[, backend]] = await allBackends();
  const m = xorModel(backend!);
  it('unknown activation, loss, optimizer, initializer', () => {
    expect(() => dense({ units: 3, activation: 'relux' })).toThrow(/unknown activation 'relux'; use one of: .*relu/);
    expect(() => xorModel(backend!).compile({ loss: 'hinge2' })).toThrow(/unknown loss 'hinge2'/);
    expect(() => xorModel(backend!).compile({ loss: 'mse', optimizer: 'rmsprop' })).toThrow(/unknown optimizer 'rmsprop'; use one of: sgd/);
    expect(() => dense({ units: 3, kernelInitializer: 'orthogonal' })).toThrow(/unknown initializer 'orthogonal'/);
    expect(() => dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => sgd({ learningRate: -1 })).toThrow(/learningRate must be a finite number > 0/);
  });
  it('a first layer without inputShape', () => {
    expect(() => sequential([dense({ units: 2 })], { backend }).compile({ loss: 'mse' })).toThrow(/inputShape/);
  });
  it('predictOne with the wrong length', () => {
    expect(() => m.predictOne([1, 2, 3])).toThrow(/x has 3 values but the model expects 2/);
  });
});
