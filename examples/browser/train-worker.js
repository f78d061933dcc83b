/**
 * The demo's training worker (a module Worker): rebuilds the caller's model from its JSON, runs
 * simdnn's `fit` with callbacks that post batch logs, epoch logs and weight snapshots (both
 * throttled by time, see demo-fit.js), and posts the trained weights when done. A { type: 'stop' } message ends training after the current batch
 * (fit yields to the event loop about every 50 ms, so the message is seen while it trains).
 */
import { fromJSON, init } from '/dist/index.js';

let model;
let stopRequested = false;

async function train({ backend: backendOptions, spec, weights, x, y, validationData, options }) {
  const backend = await init(backendOptions);
  model = fromJSON(spec, weights, { backend });
  const { weightsMs, batchLogMs, ...fitOptions } = options;
  let epoch = 0;
  let lastWeights = performance.now();
  let lastLog = performance.now();
  // Batch logs since the last one sent, weighted by batch size.
  let rows = 0;
  let lossSum = 0;
  let correct = 0;
  const sendWeights = () => {
    const flat = model.getFlatWeights();
    postMessage({ type: 'weights', epoch, weights: flat }, [flat.buffer]);
    lastWeights = performance.now();
  };
  const history = await model.fit(x, y, {
    ...fitOptions,
    validationData: validationData ? [validationData.x, validationData.y] : undefined,
    callbacks: {
      // fit clears model.stopTraining when it starts: a Stop that came while the worker was still
      // loading is applied here, before the first batch, as well as after every batch.
      onTrainBegin: () => {
        if (stopRequested) model.stopTraining = true;
      },
      onEpochBegin: (e) => {
        epoch = e;
      },
      onBatchEnd: (batch, logs) => {
        if (stopRequested) model.stopTraining = true;
        rows += logs.size;
        lossSum += logs.loss * logs.size;
        correct += (logs.accuracy ?? 0) * logs.size;
        const t = performance.now();
        if (t - lastLog >= batchLogMs || batch + 1 === logs.batches) {
          const mean = { loss: lossSum / rows, size: rows, batches: logs.batches };
          if (logs.accuracy !== undefined) mean.accuracy = correct / rows;
          postMessage({ type: 'batch', epoch, batch, logs: mean });
          rows = 0;
          lossSum = 0;
          correct = 0;
          lastLog = t;
        }
        if (t - lastWeights >= weightsMs) sendWeights();
      },
      onEpochEnd: (e, logs) => {
        const { diagnostics: _unused, ...plain } = logs;
        postMessage({ type: 'epoch', epoch: e, logs: plain });
        if (performance.now() - lastWeights >= weightsMs) sendWeights();
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
