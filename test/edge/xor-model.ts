/**
 * The model the edge tests serve: a 2-8-2 XOR classifier trained in Node on this repository's
 * sources, with Node's predictions for INPUTS as the reference the other runtimes must match.
 */
import { dense, init, sequential, sgd } from '../../src/index.js';

export const INPUTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [0.3, 0.8],
];

/** Largest difference allowed between another runtime's and Node's probabilities (FMA rounding). */
export const TOLERANCE = 1e-5;

/** `JSON.stringify(model)` and Node's `predictOne` outputs for INPUTS. */
export async function trainedXor(): Promise<{ json: string; expected: number[][] }> {
  await init();
  const model = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], {
    seed: 3,
  });
  try {
    model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }) });
    await model.fit(INPUTS.slice(0, 4), [0, 1, 1, 0], { epochs: 200, batchSize: 4, yieldEvery: 'never' });
    const expected = INPUTS.map((x) => Array.from(model.predictOne(x)));
    // The model really separates XOR, so matching outputs are not two constant answers.
    if (!(expected[0]![0]! > 0.5 && expected[1]![1]! > 0.5 && expected[2]![1]! > 0.5 && expected[3]![0]! > 0.5)) {
      throw new Error(`the reference model did not learn XOR: ${JSON.stringify(expected)}`);
    }
    return { json: JSON.stringify(model), expected };
  } finally {
    model.dispose();
  }
}
