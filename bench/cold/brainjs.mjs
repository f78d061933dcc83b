// Cold start, brain.js: import, rebuild the network from its toJSON(), run one row.
import { readFileSync } from 'node:fs';
import brain from 'brain.js';

const dir = process.argv[2];
const row = Array.from(new Float32Array(Uint8Array.from(readFileSync(`${dir}/row.bin`)).buffer));
const net = new brain.NeuralNetwork().fromJSON(JSON.parse(readFileSync(`${dir}/brainjs.json`, 'utf8')));
const y = net.run(row);
process.stdout.write(`${JSON.stringify({ ms: performance.now(), y0: y[0] })}\n`);
process.exit(0);
