/**
 * Training in a worker with live weights for the pictures. With simdnn's `fitInWorker` (when the
 * library has it) the run is cut into chunks of epochs, each a fitInWorker job on one worker kept
 * for the whole run: when a chunk ends the page's model holds its weights (and the optimizer state
 * carries on to the next chunk), so the boundary is redrawn after every chunk of about CHUNK_MS.
 * Without it, the demo's own worker (demo-fit.js) streams weights while it trains.
 *
 * Both return { done: Promise<{ epoch, history }>, stop() } and call onEpochEnd(epoch, logs),
 * onBatchEnd(batch, logs, epoch) and onWeights(flat, epoch) with epochs counted over the whole run.
 */
import * as simdnn from '/dist/index.js';
import { fitInDemoWorker } from './demo-fit.js';

/** How long a chunk of epochs should last when training through fitInWorker (milliseconds). */
export const CHUNK_MS = 250;
/** Batch logs wanted per epoch through fitInWorker (it sends every batchLogEvery-th batch). */
export const BATCH_LOGS_PER_EPOCH = 16;

/** 'fitInWorker' when the library trains in workers itself, else 'demo worker'. */
export const TRAINER = typeof simdnn.fitInWorker === 'function' ? 'fitInWorker' : 'demo worker';

export function fitLive(model, x, y, options = {}) {
  return TRAINER === 'fitInWorker' ? fitInChunks(simdnn.fitInWorker, model, x, y, options) : fitInDemoWorker(model, x, y, options);
}

function fitInChunks(fitInWorker, model, x, y, options) {
  const { epochs = 1, seed = 1, batchSize = 32, onEpochEnd, onBatchEnd, onWeights, weightsMs: _w, batchLogMs: _b, ...rest } = options;
  const worker = new Worker(new URL('/dist/worker.js', location.href), { type: 'module' });
  const batches = Math.ceil(y.length / batchSize);
  const batchLogEvery = Math.max(1, Math.floor(batches / BATCH_LOGS_PER_EPOCH));
  const history = { epoch: [], history: {} };
  let job;
  let stopped = false;
  const run = async () => {
    let at = 0;
    let chunk = 1;
    for (let k = 0; at < epochs && !stopped; k++) {
      const n = Math.min(chunk, epochs - at);
      const offset = at;
      const t0 = performance.now();
      job = fitInWorker(model, x, y, {
        ...rest,
        epochs: n,
        batchSize,
        // Each chunk shuffles with its own seed, so chunks do not repeat one another's batch order.
        seed: seed + k,
        worker,
        batchLogEvery,
        onEpochEnd: (e, logs) => onEpochEnd?.(offset + e, logs),
        onBatchEnd: (b, logs, e) => onBatchEnd?.(b, logs, offset + e),
      });
      const h = await job.done;
      for (const e of h.epoch) history.epoch.push(offset + e);
      for (const [key, v] of Object.entries(h.history)) {
        if (Array.isArray(v)) history.history[key] = [...(history.history[key] ?? []), ...v];
      }
      at += h.epoch.length;
      onWeights?.(model.getFlatWeights(), at - 1);
      if (h.epoch.length < n) break;
      chunk = Math.max(1, Math.round(CHUNK_MS / ((performance.now() - t0) / n)));
    }
    return history;
  };
  const done = run().finally(() => worker.terminate());
  return {
    done,
    stop: () => {
      stopped = true;
      job?.stop();
    },
  };
}
