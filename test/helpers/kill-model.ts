/** The model the kill test saves, and the weights of each generation (exact in float32). */
import type { DenseOptions } from '../../src/index.js';

/** 256 → 128 → 10: 34,186 parameters, 137 kB of weights per save. */
export const KILL_MODEL: DenseOptions[] = [
  { units: 128, activation: 'relu', inputShape: [256] },
  { units: 10, activation: 'softmax' },
];

/** θ of generation `gen`: gen·1000 + (i mod 997), so every value says which save wrote it. */
export function generationWeights(gen: number, n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = gen * 1000 + (i % 997);
  return w;
}
