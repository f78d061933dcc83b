/**
 * Property-based fuzz of the data boundary (fast-check, seeded, bounded): random inputs and labels —
 * numbers of every kind, strings, booleans, null, undefined, objects, nested and ragged arrays, typed
 * arrays, `{ data, shape }` with wrong shapes — passed to fit, evaluate, predict and predictOne of a
 * compiled model. Every call either succeeds or throws an Error in the library's own words (never
 * engine text, never a wasm trap), and a call that throws leaves the heap's bytes in use unchanged.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, sequential, sgd, type Backend, type Sequential } from '../../src/index.js';
import { wasmBackend } from '../helpers/backend.js';

/** Engine text that must never reach a user (a value the user passed may itself be "undefined"). */
const INTERNAL = /Cannot read properties|is not a function|is not iterable|RangeError|RuntimeError|Maximum call stack|of undefined|of null/;

const scalar = fc.oneof(
  fc.double(),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e300),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constantFrom(null, undefined, '', '1', {}, []),
);
const row = fc.oneof(
  fc.array(scalar, { maxLength: 5 }),
  fc.array(fc.double(), { minLength: 3, maxLength: 3 }),
  fc.float32Array({ minLength: 0, maxLength: 4 }),
  scalar,
);
const matrix = fc.oneof(
  fc.array(row, { maxLength: 5 }),
  fc.record({
    data: fc.oneof(fc.float32Array({ maxLength: 12 }), fc.array(scalar, { maxLength: 12 })),
    shape: fc.array(fc.oneof(fc.integer({ min: -1, max: 5 }), scalar), { maxLength: 3 }),
  }),
  fc.float32Array({ maxLength: 8 }),
  scalar,
);
const labels = fc.oneof(
  matrix,
  fc.array(scalar, { maxLength: 6 }),
  fc.int32Array({ min: -2, max: 5, maxLength: 6 }),
  fc.float64Array({ maxLength: 6 }),
);

let backend: Backend;
let models: Sequential[] = [];
beforeAll(async () => {
  backend = await wasmBackend();
  const classifier = sequential([dense({ units: 4, activation: 'relu', inputShape: [3] }), dense({ units: 3, activation: 'softmax' })], {
    backend,
  });
  classifier.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1 }), metrics: ['accuracy'] });
  const regression = sequential([dense({ units: 1, inputShape: [3] })], { backend });
  regression.compile({ loss: 'meanSquaredError', optimizer: sgd({ learningRate: 0.01 }) });
  models = [classifier, regression];
});
afterAll(() => {
  for (const m of models) m.dispose();
});

/** Runs `call`; if it throws, the error must be clear and nothing may be left in the heap. */
async function clearOrOk(call: () => unknown): Promise<void> {
  const before = backend.heap.bytesInUse;
  try {
    await call();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const message = (e as Error).message;
    expect(message).not.toMatch(INTERNAL);
    expect(message.length).toBeGreaterThan(10);
    expect(backend.heap.bytesInUse, message).toBe(before);
  }
}

describe('fit / evaluate / predict / predictOne on random bad input', () => {
  it('always succeed or throw a clear Error, leaving the heap as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), matrix, labels, async (which, x, y) => {
        const m = models[which]!;
        await clearOrOk(() => m.fit(x as never, y as never, { epochs: 1, batchSize: 4, yieldEvery: 'never', divergence: 'off' }));
        await clearOrOk(() => m.evaluate(x as never, y as never));
        await clearOrOk(() => m.predict(x as never));
        await clearOrOk(() => m.predictOne(x as never));
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
