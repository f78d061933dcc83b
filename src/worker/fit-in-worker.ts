/**
 * `fitInWorker`: `fit` off the calling thread — a module Web Worker in browsers, a worker_threads
 * worker in Node, the same call on both.
 *
 *   const job = fitInWorker(model, x, y, { epochs: 5, batchSize: 128, onEpochEnd: (e, logs) => … });
 *   job.stop();                      // optional: stop after the current batch
 *   const history = await job.done;  // model now holds the trained weights
 *
 * The model's spec, compile settings, weights and optimizer state go to the worker, which
 * initialises the same backend kind and SIMD level, trains with the same seeds, streams the logs,
 * and sends θ and the optimizer state back: the weights are the bytes main-thread `fit` would give.
 * Everything is checked here, before a worker starts. Until `done` settles the model is best left
 * alone (it still holds the weights from before the fit).
 */
import type { Input, Labels } from '../data/prepare.js';
import type { InitOptions } from '../kernels/types.js';
import type { Sequential } from '../sequential.js';
import type { EarlyStoppingOptions } from '../train/callbacks.js';
import { DivergenceError } from '../train/divergence.js';
import type { FitOptions } from '../train/fit.js';
import { History, type BatchLogs, type EpochLogs } from '../train/logs.js';
import { integer } from '../validate.js';
import { checkFitOptions, checkKeys, checkSplit, packData, refuseUnsupported, transferList } from './pack.js';
import type { FitMessage, FromWorker, WorkerHandle } from './protocol.js';
import { readState, writeState } from './state.js';
import { webWorkerHandle } from './web.js';
import { isNode } from '../kernels/runtime.js';

const WHERE = 'fitInWorker';

/** Default of batchLogEvery: the logs of every 10th batch of an epoch (0, 10, 20, …) are sent. */
export const DEFAULT_BATCH_LOG_EVERY = 10;

export interface FitInWorkerOptions
  extends Pick<
    FitOptions,
    'epochs' | 'batchSize' | 'shuffle' | 'seed' | 'validationSplit' | 'validationData' | 'diagnostics' | 'divergence'
  > {
  /** Early stopping by its options (as `earlyStopping(options)`); callback objects cannot cross threads. */
  earlyStopping?: EarlyStoppingOptions;
  /** Called with each epoch's logs, in order, as the worker finishes the epoch. */
  onEpochEnd?(epoch: number, logs: EpochLogs): void;
  /** Called with the logs of every `batchLogEvery`-th batch of an epoch, in order. */
  onBatchEnd?(batch: number, logs: BatchLogs, epoch: number): void;
  /**
   * Send the logs of batches 0, n, 2n, … of each epoch (a message per batch costs little, but a
   * tiny model trains thousands of batches a second). Only with onBatchEnd. Default: 10.
   */
  batchLogEvery?: number;
  /**
   * Hand the buffers of x and y (and validationData) given as Float32Arrays to the worker instead of
   * copying them: no copy at all, but the caller's arrays are detached (length 0) afterwards. Arrays
   * given as number[][] (or other types) are converted once either way. Default: false (one copy).
   */
  transfer?: boolean;
  /**
   * Advanced: the worker to train in — a module Worker the caller made (browsers; e.g. from a
   * bundler-specific URL of `simdnn/worker`; the caller ends it), or the URL of the worker script
   * (browsers and Node). Default: dist/worker.js next to this module (Node: dist/worker-node.js),
   * started and ended per job.
   */
  worker?: Worker | URL;
  /**
   * Options of the worker's `init()` (e.g. `wasm` for an edge runtime's module). Default: the
   * backend kind and SIMD level of the model's backend, so that the results are identical; the
   * worker refuses to train on another backend unless `backend` or `simd` is given here.
   */
  init?: InitOptions;
}

/** A training job running in a worker. */
export interface FitJob {
  /** The History of the epochs trained; the model holds the trained weights when it resolves. */
  readonly done: Promise<History>;
  /** Stops after the current batch: `done` resolves with the History so far and those weights. */
  stop(): void;
  /** Ends the worker at once: `done` rejects, and the model keeps its weights from before the fit. */
  terminate(): void;
}

/** The worker of this job: the caller's, or one started here. */
async function startWorker(given: Worker | URL | undefined): Promise<WorkerHandle> {
  const HasWorker = typeof Worker === 'function';
  if (given !== undefined && !(given instanceof URL)) {
    if (!HasWorker || !(given instanceof Worker)) {
      throw new Error(`${WHERE}: worker must be a module Worker (browsers) or the URL of simdnn's worker.js.`);
    }
    return webWorkerHandle(given, false, WHERE);
  }
  if (HasWorker) {
    // Written out literally so that bundlers (Vite, webpack 5, …) bundle worker.js as a worker.
    const w = given ? new Worker(given, { type: 'module' }) : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    return webWorkerHandle(w, true, WHERE);
  }
  if (isNode) {
    const { startNodeWorker } = await import('./node.js');
    return startNodeWorker(given, WHERE);
  }
  throw new Error(`${WHERE}: this runtime has no Worker; train with model.fit() instead.`);
}

/** Trains `model` on (x, y) in a worker; see FitInWorkerOptions. Bad input throws here, before any worker starts. */
export function fitInWorker(model: Sequential, x: Input, y: Labels, options: FitInWorkerOptions = {}): FitJob {
  if (options === null || typeof options !== 'object') throw new Error(`${WHERE}: options must be an object like { epochs: 5 }.`);
  refuseUnsupported(options);
  checkKeys(options);
  if (!model || typeof (model as Partial<Sequential>).toJSON !== 'function') {
    throw new Error(`${WHERE}: expected a compiled model (sequential([...]) then model.compile({ loss, optimizer })).`);
  }
  if (!model.compiled) throw new Error(`${WHERE}: the model is not compiled yet: call model.compile({ loss, optimizer }) first.`);
  const fitOptions = checkFitOptions(options);
  const transfer = options.transfer ?? false;
  const batchLogEvery = options.onBatchEnd ? integer(WHERE, 'batchLogEvery', options.batchLogEvery ?? DEFAULT_BATCH_LOG_EVERY, 1) : 0;
  const data = packData(model, x, y, transfer);
  const val = options.validationData;
  if (val !== undefined && (!Array.isArray(val) || val.length !== 2)) {
    throw new Error(`${WHERE}: validationData must be [x, y], got ${typeof val}.`);
  }
  const validation = val ? packData(model, val[0], val[1], transfer, 'validationData ') : undefined;
  if (!validation) checkSplit(data.x.shape[0], fitOptions.validationSplit);

  const backend = model.backend;
  const chosen = options.init ?? {};
  const init: InitOptions =
    backend.name === 'js'
      ? { backend: 'js', ...chosen }
      : { backend: 'wasm', simd: backend.simd === 'relaxed' ? 'relaxed' : 'baseline', ...chosen };
  const explicit = chosen.backend !== undefined || chosen.simd !== undefined;
  const { spec, weights } = model.toJSON();
  const state = readState(model.session);
  const message: FitMessage = {
    type: 'fit',
    init,
    expect: explicit ? undefined : { backend: backend.name, simd: backend.simd },
    spec,
    weights,
    step: model.session.step,
    state,
    x: data.x,
    y: data.y,
    validationData: validation ? [validation.x, validation.y] : undefined,
    options: fitOptions,
    batchLogEvery,
  };

  let handle: WorkerHandle | undefined;
  let settled = false;
  let stopRequested = false;
  let terminated = false;
  let rejectDone: (e: Error) => void = () => {};
  const history = new History();
  const done = new Promise<History>((resolve, reject) => {
    rejectDone = reject;
    const finish = (): void => {
      settled = true;
      handle?.terminate();
    };
    /** A callback that throws ends the job and rejects done with its error, as it would reject fit. */
    const callback = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        finish();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    const onMessage = (m: FromWorker): void => {
      if (settled) return;
      if (m.type === 'epoch') {
        history.record(m.epoch, m.logs);
        callback(() => options.onEpochEnd?.(m.epoch, m.logs));
      } else if (m.type === 'batch') {
        callback(() => options.onBatchEnd?.(m.batch, m.logs, m.epoch));
      } else if (m.type === 'done') {
        finish();
        try {
          model.setFlatWeights(new Float32Array(m.weights));
          writeState(model.session, m.step, m.state);
          model.network.applyRegularization(m.regularizationSamples);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        resolve(history);
      } else if (m.type === 'error') {
        finish();
        reject(workerError(m, history));
      }
    };
    startWorker(options.worker).then(
      (h) => {
        handle = h;
        if (terminated) return h.terminate();
        h.onFailure((e) => {
          if (settled) return;
          finish();
          reject(e);
        });
        h.port.listen(onMessage);
        try {
          h.port.post(message, [weights, ...state, ...transferList(data.x, data.y, validation?.x, validation?.y)]);
        } catch (e) {
          finish();
          reject(new Error(`${WHERE}: the job could not be sent to the worker: ${(e as Error).message}`));
          return;
        }
        if (stopRequested) h.port.post({ type: 'stop' });
      },
      (e: unknown) => {
        settled = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
  return {
    done,
    stop() {
      if (settled || stopRequested) return;
      stopRequested = true;
      handle?.port.post({ type: 'stop' });
    },
    terminate() {
      if (settled) return;
      settled = true;
      terminated = true;
      handle?.terminate();
      // The caller asked for this: a `done` nobody awaits any more must not crash Node as unhandled.
      done.catch(() => {});
      rejectDone(
        new Error(
          `${WHERE}: the worker was terminated (job.terminate()) before training finished; the model keeps its weights from before the fit.`,
        ),
      );
    },
  };
}

/** The worker's error as the calling side throws it (a DivergenceError stays one, with the History so far). */
function workerError(m: Extract<FromWorker, { type: 'error' }>, history: History): Error {
  if (m.divergence) {
    const e = new DivergenceError(m.message, m.divergence.layer, m.divergence.epoch, m.divergence.report);
    e.history = history;
    return e;
  }
  const e = new Error(m.message);
  if (m.name && m.name !== 'Error') e.name = m.name;
  return e;
}
