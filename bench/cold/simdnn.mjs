// Cold start, simdnn: import the built package, init, load the saved model, predict one row.
// `node bench/cold/simdnn.mjs <dir> [infer]`; prints {"ms": time since process start, "y0": first output}.
// With `infer`, the inference entry (what `import 'simdnn/infer'` gives in Node), else the main entry
// (what `import 'simdnn'` gives in Node).
import { readFileSync } from 'node:fs';

const dir = process.argv[2];
const { init, loadModel } = await import(process.argv[3] === 'infer' ? '../../dist/infer-node.js' : '../../dist/node.js');
const row = new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer);
await init();
const model = await loadModel(`${dir}/simdnn`);
const y = model.predictOne(row);
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
