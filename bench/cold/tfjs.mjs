// Cold start, TF.js wasm: import, set up the wasm backend from the package's files, load the saved
// layers model (model.json + weights.bin, read from disk), predict one row with dataSync.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const dir = process.argv[2];
const row = new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer);
const require = createRequire(import.meta.url);
setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
await tf.setBackend('wasm');
await tf.ready();
const json = JSON.parse(readFileSync(`${dir}/tfjs/model.json`, 'utf8'));
const bytes = readFileSync(`${dir}/tfjs/weights.bin`);
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightSpecs, weightData }));
const y = tf.tidy(() => model.predict(tf.tensor2d(row, [1, row.length])).dataSync());
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
