// Run by Deno and Bun from the consumer project: the installed tarball's 'simdnn' (its Node build,
// which both runtimes pick), init() reading the shipped .wasm, and the model saved by Node.
import { readFileSync } from 'node:fs';
import { fromJSON, init } from 'simdnn';

const inputs = JSON.parse(process.argv[2] ?? '[]');
const backend = await init();
const model = fromJSON(JSON.parse(readFileSync('model.json', 'utf8')));
console.log(JSON.stringify({ simd: backend.simd, y: inputs.map((x) => Array.from(model.predictOne(x))) }));
