/**
 * Trains a model in a module Web Worker (train-worker.js) and streams its logs back: the same shape
 * as simdnn's `fitInWorker(model, x, y, options)` — `{ done, stop }`, the caller's model gets the
 * trained weights — plus one thing the demo needs for live pictures: `onWeights(flat, epoch)`, the
 * weights at most every `weightsMs` milliseconds (so the page can draw the decision boundary and read
 * digits while the worker trains). Batch logs come at most every `batchLogMs` milliseconds, each the
 * mean over the batches since the last one: a toy set runs hundreds of epochs a second, and a log
 * per batch would keep the page's main thread busy with messages instead of drawing.
 *
 * fit-live.js uses the library's fitInWorker instead as soon as the library exports it; this file
 * is then unused and may go.
 */

/** Milliseconds between weight snapshots sent back while training. */
export const DEFAULT_WEIGHTS_MS = 100;
/** Milliseconds between batch logs sent back (each the mean of the batches since the last). */
export const DEFAULT_BATCH_LOG_MS = 40;

/**
 * @param model a compiled simdnn Sequential (the worker rebuilds it from model.toJSON()).
 * @param x { data: Float32Array, shape: [n, inputs] } (copied once, then transferred).
 * @param y Int32Array of class indices.
 * @param options { epochs, batchSize, seed, validationData, onEpochEnd, onBatchEnd(batch, logs, epoch),
 *   onWeights(flat, epoch), weightsMs, batchLogMs }
 * @returns {{ done: Promise<{ epoch: number[], history: Record<string, number[]> }>, stop(): void }}
 */
export function fitInDemoWorker(model, x, y, options = {}) {
  const { onEpochEnd, onBatchEnd, onWeights, validationData, ...fitOptions } = options;
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  const { spec, weights } = model.toJSON();
  const backend = { backend: model.backend.name, simd: model.backend.simd === 'relaxed' ? 'relaxed' : 'baseline' };
  const xData = x.data.slice();
  const yData = y.slice();
  const transfer = [weights, xData.buffer, yData.buffer];
  let val;
  if (validationData) {
    const [vx, vy] = validationData;
    val = { x: { data: vx.data.slice(), shape: vx.shape }, y: vy.slice() };
    transfer.push(val.x.data.buffer, val.y.buffer);
  }
  const done = new Promise((resolve, reject) => {
    worker.onmessage = ({ data: m }) => {
      if (m.type === 'batch') onBatchEnd?.(m.batch, m.logs, m.epoch);
      else if (m.type === 'epoch') onEpochEnd?.(m.epoch, m.logs);
      else if (m.type === 'weights') onWeights?.(m.weights, m.epoch);
      else if (m.type === 'done') {
        model.setFlatWeights(m.weights);
        worker.terminate();
        resolve(m.history);
      } else if (m.type === 'error') {
        worker.terminate();
        reject(new Error(m.message));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`the training worker failed: ${e.message || 'could not load train-worker.js'}`));
    };
  });
  worker.postMessage(
    {
      type: 'fit',
      backend,
      spec,
      weights,
      x: { data: xData, shape: x.shape },
      y: yData,
      validationData: val,
      options: {
        weightsMs: DEFAULT_WEIGHTS_MS,
        batchLogMs: DEFAULT_BATCH_LOG_MS,
        ...fitOptions,
      },
    },
    transfer,
  );
  return { done, stop: () => worker.postMessage({ type: 'stop' }) };
}
