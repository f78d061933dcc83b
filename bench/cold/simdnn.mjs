// Cold start, simdnn: import the built package, init, load the saved model, predict one row.
// `node bench/cold/simdnn.mjs <dir>`; prints {"ms": time since process start, "y0": first output}.
import { readFileSync } from 'node:fs';
import { init, loadModel } from '../../dist/node.js'; // Node's build (what `import 'simdnn'` gives in Node)

const dir = process.argv[2];
const row = new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer);
await init();
const model = await loadModel(`${dir}/simdnn`);
const y = model.predictOne(row);
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
