// Cold start, jax-js: import, init the wasm device, read the weights (one .bin, shapes in
// layers.json), run one eager forward pass (no jit: one call does not repay a compile), read it.
import { readFileSync } from 'node:fs';
import { init, nn, numpy as np } from '@jax-js/jax';

const dir = process.argv[2];
const row = new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer);
await init('wasm');
const layers = JSON.parse(readFileSync(`${dir}/jaxjs/layers.json`, 'utf8'));
const all = new Float32Array(Uint8Array.from(readFileSync(`${dir}/jaxjs/weights.bin`)).buffer);
let h = np.array(row).reshape([1, layers[0]]);
let at = 0;
for (let l = 0; l + 1 < layers.length; l++) {
  const [m, n] = [layers[l], layers[l + 1]];
  const w = np.array(all.subarray(at, at + m * n)).reshape([m, n]);
  const b = np.array(all.subarray(at + m * n, at + m * n + n));
  at += m * n + n;
  const z = np.matmul(h, w).add(b);
  h = l + 2 < layers.length ? nn.relu(z) : nn.softmax(z, -1);
}
const y = h.dataSync();
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
