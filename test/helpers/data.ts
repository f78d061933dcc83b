/** Small synthetic datasets shared by the training-control tests. */
import { rand } from './conformance.js';

/** Three Gaussian-ish blobs in 4-D: 3 classes, `n` rows. */
export function blobs(n: number, seed = 1): { x: { data: Float32Array; shape: [number, number] }; y: number[] } {
  const noise = rand(n * 4, seed, -0.6, 0.6);
  const x = new Float32Array(n * 4);
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    const c = r % 3;
    y.push(c);
    for (let j = 0; j < 4; j++) x[r * 4 + j] = (j === c ? 1.5 : 0) + noise[r * 4 + j]!;
  }
  return { x: { data: x, shape: [n, 4] }, y };
}
