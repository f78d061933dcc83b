/**
 * The data boundary (src/data/prepare.ts) as users reach it through fit / evaluate / predict: inputs
 * and labels in the forms users pass, and the clear errors for the forms that would otherwise be
 * coerced silently (null and '' become 0 in a Float32Array).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, sequential, sgd, type Backend } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';

let backend: Backend;
beforeAll(async () => {
  backend = await wasmBackend();
});

const regression = () => {
  const m = sequential([dense({ units: 1, inputShape: [2] })], { backend, seed: 3 });
  m.compile({ loss: 'meanSquaredError', optimizer: sgd({ learningRate: 0.1 }) });
  return m;
};
const classifier = (units: number, activation: 'sigmoid' | 'softmax', loss: string) => {
  const m = sequential([dense({ units, activation, inputShape: [2] })], { backend, seed: 3 });
  m.compile({ loss, optimizer: sgd({ learningRate: 0.1 }), metrics: ['accuracy'] });
  return m;
};

describe('inputs that are not numbers are refused, naming row and column', () => {
  const cases: [string, unknown][] = [
    ['a string', 'abc'],
    ['a numeric string', '1.5'],
    ['an empty string', ''],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
  ];
  for (const [name, bad] of cases) {
    it(`${name} in x`, () => {
      const m = regression();
      const x = [
        [1, 2],
        [3, bad as number],
      ];
      expect(() => m.predict(x)).toThrow(/x\[1\]\[1\] \(row 1, column 1\) is .*: inputs must be numbers/);
      expect(() => m.evaluate(x, [1, 2])).toThrow(/row 1, column 1/);
      m.dispose();
    });
  }
  it('in fit (nothing trained) and in target rows', async () => {
    const m = regression();
    const before = m.getWeights().map((w) => Array.from(w));
    await expect(m.fit([[1, 'x' as unknown as number]], [1], { yieldEvery: 'never' })).rejects.toThrow(
      "x[0][1] (row 0, column 1) is the string 'x'",
    );
    expect(m.getWeights().map((w) => Array.from(w))).toEqual(before);
    expect(() => m.evaluate([[1, 2]], [[null as unknown as number]])).toThrow('y[0][0] (row 0, column 0) is null');
    expect(() => m.predict({ data: [1, '2'] as unknown as number[], shape: [1, 2] })).toThrow("x.data[1] is the string '2'");
    m.dispose();
  });
});

describe('labels that are not numbers get a message that says what labels must be', () => {
  it('string labels', () => {
    const m = classifier(3, 'softmax', 'categoricalCrossentropy');
    expect(() => m.evaluate([[1, 2]], ['cat'] as unknown as number[])).toThrow(
      /y\[0\] is the string 'cat': labels must be numbers — class indices 0…2, or target rows; map class names to indices first/,
    );
    m.dispose();
  });
  it('boolean labels, and a string after numbers', () => {
    const m = classifier(1, 'sigmoid', 'binaryCrossentropy');
    expect(() => m.evaluate([[1, 2]], [true] as unknown as number[])).toThrow(/y\[0\] is the boolean true: labels must be numbers/);
    expect(() =>
      m.evaluate(
        [
          [1, 2],
          [3, 4],
        ],
        [0, '1'] as unknown as number[],
      ),
    ).toThrow("y[1] is the string '1'");
    m.dispose();
  });
});

describe('one-output regressions take their targets as number[] and Float32Array', () => {
  const x = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const y = [-1.22e-16, 2.5, -0.75, 1.75];
  it('number[], Float32Array and Float64Array targets equal the [[y]] rows', () => {
    const m = regression();
    const rows = m.evaluate(
      x,
      y.map((v) => [v]),
    ).loss;
    expect(m.evaluate(x, y).loss).toBe(rows);
    expect(m.evaluate(x, Float32Array.from(y)).loss).toBe(rows);
    expect(m.evaluate(x, Float64Array.from(y)).loss).toBe(rows);
    m.dispose();
  });
  it('fit on number[] targets learns the linear map', async () => {
    const m = regression();
    await m.fit(x, y, { epochs: 400, batchSize: 4, yieldEvery: 'never' });
    const [w, b] = m.getWeights();
    expect(w![0]).toBeCloseTo(2.5, 2);
    expect(w![1]).toBeCloseTo(-0.75, 2);
    expect(b![0]).toBeCloseTo(0, 2);
    m.dispose();
  });
  it('non-finite targets are named', () => {
    const m = regression();
    expect(() => m.evaluate(x, [0, Number.NaN, 1, 2])).toThrow('non-finite value in y at row 1');
    m.dispose();
  });
  it('a sigmoid + binaryCrossentropy output still takes 0/1 class labels only', () => {
    const m = classifier(1, 'sigmoid', 'binaryCrossentropy');
    expect(() => m.evaluate(x, [0, 1, 0.5, 1])).toThrow('label 0.5 at row 2 is out of range for 2 classes');
    m.dispose();
  });
});

describe('integral Float32Array class labels are accepted', () => {
  it('the same targets as Int32Array labels', () => {
    const m = classifier(3, 'softmax', 'categoricalCrossentropy');
    const x = [
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const want = m.evaluate(x, Int32Array.from([0, 2, 1]));
    expect(m.evaluate(x, Float32Array.from([0, 2, 1]))).toEqual(want);
    expect(m.evaluate(x, Float64Array.from([0, 2, 1]))).toEqual(want);
    expect(() => m.evaluate(x, Float32Array.from([0, 1.5, 1]))).toThrow('label 1.5 at row 1 is out of range for 3 classes');
    m.dispose();
  });
});
