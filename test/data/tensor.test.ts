/** tensor2d: building from number[][], flat arrays and Float32Array; shape errors. */
import { describe, expect, it } from 'vitest';
import { tensor2d } from '../../src/data/tensor.js';

describe('tensor2d', () => {
  it('builds from number[][], flat arrays and Float32Array', () => {
    expect(
      tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(tensor2d([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    const f = new Float32Array(6);
    expect(tensor2d(f, [3, 2]).data).toBe(f);
    expect(tensor2d([], [0, 4]).shape).toEqual([0, 4]);
    expect(tensor2d([1, 2, 3]).shape).toEqual([1, 3]);
  });
  it('names both lengths when data and shape disagree', () => {
    expect(() => tensor2d(new Float32Array(5), [2, 3])).toThrow(/5 values but shape \[2, 3\] needs rows·cols = 6/);
  });
  it('names the first ragged row and its length', () => {
    expect(() => tensor2d([[1, 2], [3, 4], [5], [6]])).toThrow(/row 0 has 2 values but row 2 has 1/);
  });
  it('rejects a number[][] that disagrees with the shape, and bad shapes', () => {
    expect(() => tensor2d([[1, 2]], [2, 1])).toThrow(/1×2 but shape is \[2, 1\]/);
    expect(() => tensor2d([1, 2], [1.5, 2] as [number, number])).toThrow(/non-negative integer/);
  });
});
