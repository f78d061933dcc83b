/**
 * Losses: backprop of every loss against the float64 oracle on every backend, the output
 * activation / loss pairing that compile checks (and the fused pairs it reports), hinge labels.
 */
import { describe, expect, it } from 'vitest';
import { dense, sequential, type Sequential } from '../../src/index.js';
import { allBackends } from '../helpers/conformance.js';
import { check, hidden } from '../helpers/layer-gradients.js';
import { targetsFor } from '../../src/network/targets.js';

describe('gradient check: every loss', async () => {
  for (const [tag, backend] of await allBackends()) {
    it(`${tag}: sigmoid + quadratic (the book's chapter-1 network)`, () => {
      check(backend, [hidden('sigmoid'), dense({ units: 3, activation: 'sigmoid' })], 'quadratic', 'probabilities');
    });
    it(`${tag}: linear + quadratic`, () => {
      check(backend, [hidden('tanh'), dense({ units: 2 })], 'quadratic', 'targets');
    });
    it(`${tag}: one sigmoid unit + binaryCrossentropy (fused from logits), 0/1 labels`, () => {
      check(backend, [hidden('relu'), dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy', 'classes');
    });
    it(`${tag}: three sigmoid units + binaryCrossentropy, soft multi-label targets`, () => {
      check(backend, [hidden('elu'), dense({ units: 3, activation: 'sigmoid' })], 'binaryCrossentropy', 'probabilities');
    });
    it(`${tag}: binary hinge on a linear output, 0/1 labels mapped to ±1`, () => {
      check(backend, [hidden('tanh'), dense({ units: 1 })], 'hinge', 'classes', 11);
    });
    it(`${tag}: binary hinge on a tanh output`, () => {
      check(backend, [hidden('relu'), dense({ units: 1, activation: 'tanh' })], 'hinge', 'classes');
    });
    it(`${tag}: multi-class hinge on a linear output`, () => {
      check(backend, [hidden('leakyRelu'), dense({ units: 4 })], 'hinge', 'classes');
    });
  }
});

describe('compile checks the output activation against the loss', async () => {
  const [[, backend]] = await allBackends();
  const model = (activation: string, units: number): Sequential =>
    sequential([dense({ units: 4, inputShape: [3], activation: 'relu' }), dense({ units, activation })], { backend });
  const refused: [string, number, string, RegExp][] = [
    ['relu', 3, 'categoricalCrossentropy', /'categoricalCrossentropy' does not fit output activation 'relu'.*'softmax'/],
    ['linear', 3, 'crossentropy', /does not fit output activation 'linear'.*'softmax'/],
    ['tanh', 3, 'categoricalCrossentropy', /does not fit output activation 'tanh'/],
    ['sigmoid', 3, 'categoricalCrossentropy', /does not fit output activation 'sigmoid'/],
    ['softmax', 1, 'categoricalCrossentropy', /single output is always 1.*sigmoid.*'binaryCrossentropy'/],
    ['softmax', 3, 'binaryCrossentropy', /'binaryCrossentropy' does not fit output activation 'softmax'.*'categoricalCrossentropy'/],
    ['linear', 1, 'bce', /does not fit output activation 'linear'.*'sigmoid'/],
    ['relu', 2, 'binaryCrossentropy', /does not fit output activation 'relu'.*'sigmoid'/],
    ['sigmoid', 1, 'hinge', /'hinge' does not fit output activation 'sigmoid'.*'linear'/],
    ['softmax', 3, 'hinge', /does not fit output activation 'softmax'.*'linear'/],
    ['relu', 1, 'hinge', /does not fit output activation 'relu'.*−1 and \+1/],
  ];
  for (const [act, units, loss, msg] of refused) {
    it(`${loss} after ${units} × ${act} is refused`, () => {
      expect(() => model(act, units).compile({ loss })).toThrow(msg);
    });
  }
  const accepted: [string, number, string][] = [
    ['softmax', 3, 'categoricalCrossentropy'],
    ['sigmoid', 1, 'binaryCrossentropy'],
    ['sigmoid', 4, 'bce'],
    ['linear', 1, 'hinge'],
    ['linear', 4, 'hinge'],
    ['tanh', 1, 'hinge'],
    ['relu', 3, 'hinge'],
    ['sigmoid', 3, 'quadratic'],
    ['softmax', 3, 'mse'],
    ['relu', 2, 'meanSquaredError'],
  ];
  for (const [act, units, loss] of accepted) {
    it(`${loss} after ${units} × ${act} is accepted`, () => {
      expect(() => model(act, units).compile({ loss })).not.toThrow();
    });
  }
  it('the fused pairings are reported', () => {
    const m = model('sigmoid', 1).compile({ loss: 'binaryCrossentropy' });
    expect(m.network.lossFused).toBe(true);
    expect(m.summary()).toContain('binaryCrossentropy (fused with the output activation)');
  });
});

describe('hinge labels and accuracy', async () => {
  const [[, backend]] = await allBackends();
  it('−1/+1 and 0/1 labels give the same targets; other targets are refused', () => {
    const m = sequential([dense({ units: 1, inputShape: [2] })], { backend });
    m.compile({ loss: 'hinge', metrics: ['accuracy'] });
    const x = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    expect(Array.from(targetsFor(m.network, [-1, 1, 1], 3))).toEqual([-1, 1, 1]);
    expect(Array.from(targetsFor(m.network, [0, 1, 1], 3))).toEqual([-1, 1, 1]);
    expect(Array.from(targetsFor(m.network, [[-1], [1], [0]], 3))).toEqual([-1, 1, -1]);
    expect(() => targetsFor(m.network, [[0.5], [1], [0]], 3)).toThrow(/hinge: target 0.5 at row 0 is not a class/);
    // Scores thresholded at 0: w = (1, −1), b = 0 → scores 1, −1, 0.
    m.setWeights([[1, -1], [0]]);
    expect(m.evaluate(x, [1, 0, 0]).accuracy).toBe(1);
    expect(m.evaluate(x, [1, 0, 0]).loss).toBeCloseTo((0 + 0 + 1) / 3, 6);
  });
});

describe('bad input is refused at the API boundary', async () => {
  const [[, backend]] = await allBackends();
  it('cross-entropy after a non-softmax output is refused with the fix', () => {
    const r = sequential([dense({ units: 2, activation: 'relu', inputShape: [2] })], { backend });
    expect(() => r.compile({ loss: 'categoricalCrossentropy' })).toThrow(/does not fit output activation 'relu'.*'softmax'/);
  });
});
