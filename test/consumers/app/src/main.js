// The consumer app: imports 'simdnn' like any user, lets init() find the .wasm the bundler emitted,
// trains XOR and publishes the outcome on window.__simdnnResult for the test.
import { dense, init, loadModel, parseCsv, readCsv, sequential, sgd } from 'simdnn';
import { fromJSON, init as initInfer } from 'simdnn/infer';

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
  // The browser build: parseCsv works, the file functions refuse with what to use instead.
  const table = await parseCsv('a,b,label\n1,"2",x\n3,4,y\n', { label: 'label' });
  result.csv = { shape: table.x.shape, classes: table.classes };
  const refusal = (p) => p.then(
    () => 'resolved',
    (e) => e.message,
  );
  result.refusals = [await refusal(readCsv('data.csv')), await refusal(model.save('some/dir')), await refusal(loadModel('some/dir'))];
  // simdnn/infer on the same page: its forward-only build, found where the bundler emitted it,
  // serves the trained model with the same bits.
  const lean = await initInfer();
  const served = fromJSON(JSON.parse(JSON.stringify(model)));
  const got = served.predict(x).data;
  const want = model.predict(x).data;
  result.infer = { kernels: lean.kernels, simd: lean.simd, same: got.every((v, i) => Object.is(v, want[i])) };
} catch (e) {
  result.error = String(e?.stack ?? e);
}
window.__simdnnResult = result;
