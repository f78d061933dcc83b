// Cold start, simdnn's inference entry: import the built package's `simdnn/infer`, init, load the
// saved model, predict one row. `node bench/cold/simdnn-infer.mjs <dir>`; prints {"ms", "y0"}.
import { readFileSync } from 'node:fs';
import { init, loadModel } from '../../dist/infer-node.js'; // what `import 'simdnn/infer'` gives in Node

const dir = process.argv[2];
const row = new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer);
await init();
const model = await loadModel(`${dir}/simdnn`);
const y = model.predictOne(row);
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
