/**
 * The worker's side of `fitInWorker`: answers each 'fit' message by rebuilding the model
 * (fromJSON, on a backend initialised with the caller's options), training it with `fit`,
 * streaming epoch and batch logs, and sending θ and the optimizer state back as transferred
 * buffers. A 'stop' message sets `stopTraining`: fit yields ('auto') inside the worker, so the
 * message is heard within a few tens of milliseconds and training stops after that batch.
 */
import { init } from '../kernels/backend.js';
import type { Backend, InitOptions } from '../kernels/types.js';
import { fromJSON } from '../model-io.js';
import type { Sequential } from '../sequential.js';
import { earlyStopping } from '../train/callbacks.js';
import { DivergenceError } from '../train/divergence.js';
import { fit, yieldToEventLoop } from '../train/fit.js';
import type { Callbacks } from '../train/logs.js';
import type { FitMessage, FromWorker, Port, ToWorker } from './protocol.js';
import { readState, writeState } from './state.js';

/** Serves fit jobs on `port`, one after another, until the worker is terminated. */
export function serve(port: Port<ToWorker, FromWorker>): void {
  const backends = new Map<string, Promise<Backend>>();
  // A stop can arrive before the job's fit has begun (while the backend loads): it is kept until
  // the job ends, and fit's onTrainBegin applies it (fit clears stopTraining when it starts).
  const job = { model: undefined as Sequential | undefined, stopping: false };
  let queue = Promise.resolve();
  port.listen((msg) => {
    if (msg.type === 'stop') {
      job.stopping = true;
      if (job.model) job.model.stopTraining = true;
      return;
    }
    if (msg.type !== 'fit') return;
    queue = queue.then(() =>
      runJob(msg, port, backends, job)
        .catch((e: unknown) => port.post(errorMessage(e)))
        .finally(() => {
          job.model = undefined;
          job.stopping = false;
        }),
    );
  });
}

/** One backend per distinct init options (a worker reused for several jobs initialises once). */
function backendFor(options: InitOptions, backends: Map<string, Promise<Backend>>): Promise<Backend> {
  const { wasm, ...rest } = options;
  // A WebAssembly.Module (or bytes) given by the caller is not a cache key: init again.
  if (wasm !== undefined) return init(options);
  const key = JSON.stringify(rest);
  let b = backends.get(key);
  if (!b) {
    b = init(options);
    backends.set(key, b);
  }
  return b;
}

async function runJob(
  msg: FitMessage,
  port: Port<ToWorker, FromWorker>,
  backends: Map<string, Promise<Backend>>,
  job: { model: Sequential | undefined; stopping: boolean },
): Promise<void> {
  const backend = await backendFor(msg.init, backends);
  if (msg.expect && (backend.name !== msg.expect.backend || backend.simd !== msg.expect.simd)) {
    throw new Error(
      `fitInWorker: the worker initialised ${backend.name} (${backend.simd}) but the model runs on ` +
        `${msg.expect.backend} (${msg.expect.simd}); results would differ. Pass init options the worker's engine supports.`,
    );
  }
  const model = fromJSON(msg.spec, msg.weights, { backend });
  job.model = model;
  try {
    writeState(model.session, msg.step, msg.state);
    const callbacks: Callbacks[] = [];
    if (msg.options.earlyStopping) callbacks.push(earlyStopping(msg.options.earlyStopping));
    const every = msg.batchLogEvery;
    let epochNow = 0;
    callbacks.push({
      onTrainBegin: () => {
        model.stopTraining = job.stopping;
      },
      onEpochBegin: (epoch) => {
        epochNow = epoch;
      },
      onBatchEnd:
        every > 0
          ? (batch, logs) => {
              if (batch % every === 0) port.post({ type: 'batch', epoch: epochNow, batch, logs });
            }
          : undefined,
      onEpochEnd: (epoch, logs) => port.post({ type: 'epoch', epoch, logs }),
    });
    const { earlyStopping: _, ...options } = msg.options;
    // Let the messages already queued behind this job reach the worker before its first step: a
    // stop() posted right after the call stops it with no epoch run (the backend may have loaded
    // without ever leaving this task, e.g. a module compiled and instantiated synchronously).
    await yieldToEventLoop();
    await fit(model, msg.x, msg.y, { ...options, validationData: msg.validationData, callbacks, yieldEvery: 'auto' });
    const weights = model.getFlatWeights();
    const state = readState(model.session);
    const done: FromWorker = {
      type: 'done',
      weights: weights.buffer as ArrayBuffer,
      step: model.session.step,
      state,
      regularizationSamples: model.network.regularizationSamples,
    };
    port.post(done, [weights.buffer as ArrayBuffer, ...state]);
  } finally {
    model.dispose();
  }
}

/** Any error as a message: its name and text (a DivergenceError keeps its layer, epoch and report). */
export function errorMessage(e: unknown): FromWorker {
  if (e instanceof DivergenceError) {
    return { type: 'error', name: e.name, message: e.message, divergence: { layer: e.layer, epoch: e.epoch, report: e.report } };
  }
  if (e instanceof Error) return { type: 'error', name: e.name, message: e.message };
  return { type: 'error', name: 'Error', message: String(e) };
}
