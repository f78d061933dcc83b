// The consumer app: imports 'simdnn' like any user, lets init() find the .wasm the bundler emitted,
// trains XOR and publishes the outcome on window.__simdnnResult for the test.
import { dense, init, sequential, sgd } from 'simdnn';

const result = {};
try {
  const backend = await init();
  result.name = backend.name;
  result.simd = backend.simd;
  const model = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], {
    seed: 1,
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), metrics: ['accuracy'] });
  const x = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const y = [0, 1, 1, 0];
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4 });
  result.finalLoss = history.history.loss.at(-1);
  result.accuracy = model.evaluate(x, y).accuracy;
} catch (e) {
  result.error = String(e?.stack ?? e);
}
window.__simdnnResult = result;
