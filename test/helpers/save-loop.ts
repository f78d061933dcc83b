/**
 * Child process of the kill test (test/io/save-kill.test.ts): saves one model into `dir` again
 * and again, generation after generation, and prints each generation once its save has resolved.
 *
 *   node --import tsx test/helpers/save-loop.ts <dir> <first generation − 1>
 */
import { dense, init, sequential } from '../../src/index.js';
import { generationWeights, KILL_MODEL } from './kill-model.js';

const [dir, start] = process.argv.slice(2);
const backend = await init({ backend: 'js' });
const model = sequential(
  KILL_MODEL.map((o) => dense(o)),
  { backend },
);
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
for (let gen = Number(start) + 1; ; gen++) {
  model.setFlatWeights(generationWeights(gen, model.paramCount));
  await model.save(dir!);
  process.stdout.write(`${gen}\n`);
}
