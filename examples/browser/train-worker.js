/**
 * The demo's training worker (a module Worker): rebuilds the caller's model from its JSON, runs
 * simdnn's `fit` with callbacks that post batch logs, epoch logs and weight snapshots, and posts
 * the trained weights when done. A { type: 'stop' } message ends training after the current batch
 * (fit yields to the event loop about every 50 ms, so the message is seen while it trains).
 */
import { fromJSON, init } from '/dist/index.js';

let model;
let stopRequested = false;

async function train({ backend: backendOptions, spec, weights, x, y, validationData, options }) {
  const backend = await init(backendOptions);
  model = fromJSON(spec, weights, { backend });
  if (stopRequested) model.stopTraining = true;
  const { weightsEvery, batchLogEvery, ...fitOptions } = options;
  let epoch = 0;
  let steps = 0;
  const sendWeights = () => {
    const flat = model.getFlatWeights();
    postMessage({ type: 'weights', epoch, weights: flat }, [flat.buffer]);
  };
  const history = await model.fit(x, y, {
    ...fitOptions,
    validationData: validationData ? [validationData.x, validationData.y] : undefined,
    callbacks: {
      onEpochBegin: (e) => {
        epoch = e;
      },
      onBatchEnd: (batch, logs) => {
        steps++;
        if ((batch + 1) % batchLogEvery === 0 || batch + 1 === logs.batches) postMessage({ type: 'batch', epoch, batch, logs });
        if (steps % weightsEvery === 0) sendWeights();
      },
      onEpochEnd: (e, logs) => {
        const { diagnostics: _unused, ...plain } = logs;
        postMessage({ type: 'epoch', epoch: e, logs: plain });
        sendWeights();
      },
    },
  });
  const flat = model.getFlatWeights();
  postMessage({ type: 'done', history: { epoch: history.epoch, history: history.history }, weights: flat }, [flat.buffer]);
}

addEventListener('message', ({ data: m }) => {
  if (m.type === 'stop') {
    stopRequested = true;
    if (model) model.stopTraining = true;
  } else if (m.type === 'fit') {
    train(m).catch((e) => postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
  }
});
