/**
 * The small problem the closed-form update tests share (optimizers, schedules, regularization): a
 * fixed batch X → Y of N rows, a linear model on it, and an element-wise closeness check.
 */
import { expect } from 'vitest';
import { dense, sequential, type Backend, type Optimizer, type Sequential } from '../../src/index.js';
import { rand } from './conformance.js';

export const N = 8;
export const NIN = 3;
export const X = { data: rand(N * NIN, 21, -1, 1), shape: [N, NIN] as [number, number] };
export const Y = { data: rand(N * 2, 22, -1, 1), shape: [N, 2] as [number, number] };

/** A linear 3→2 model with MSE: small enough to follow every weight by hand. */
export function linearModel(backend: Backend, optimizer: Optimizer, regularization?: { l1?: number; l2?: number }): Sequential {
  const m = sequential([dense({ units: 2, inputShape: [NIN] })], { backend, seed: 2 });
  m.compile({ loss: 'mse', optimizer, regularization });
  m.setWeights([rand(6, 30, -1, 1), rand(2, 31, -0.5, 0.5)]);
  return m;
}

export function expectCloseArrays(got: Float32Array[], want: Float64Array[], rel = 2e-5, label = ''): void {
  got.forEach((g, i) => {
    for (let j = 0; j < g.length; j++) {
      const w = want[i]![j]!;
      expect(Math.abs(g[j]! - w), `${label} tensor ${i}[${j}]: ${g[j]} vs ${w}`).toBeLessThanOrEqual(1e-6 + rel * Math.abs(w));
    }
  });
}
