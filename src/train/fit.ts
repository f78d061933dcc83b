/**
 * The training loop: mini-batch stochastic gradient descent over shuffled epochs.
 *
 * The whole training set is copied into the heap once; each epoch shuffles an index vector with
 * the seeded generator and each step gathers its rows into the plan's batch buffers
 * (`gather_rows_f32`), runs forward, loss, backward and the optimizer — no allocation per step.
 */
import { firstNonFinite, nonFiniteError, toMatrix, type Input, type Labels } from '../data/prepare.js';
import { Rng } from '../random.js';
import { anyInteger, fraction, oneOf, positiveInteger } from '../validate.js';
import { DivergenceError, divergenceError } from './divergence.js';
import { trainingHealth, type TrainingHealthOptions } from './health.js';
import { DivergenceWatch } from './watch.js';
import { History, type BatchLogs, type Callbacks, type EpochLogs, type FitModel, type TrainContext } from './logs.js';
import { evaluateRows } from '../network/batches.js';
import { targetsFor } from '../network/targets.js';

export { History, type BatchLogs, type Callbacks, type EpochLogs, type FitModel, type TrainContext } from './logs.js';

/** Default epochs of fit. */
export const DEFAULT_EPOCHS = 1;
/** Default rows per gradient step. */
export const DEFAULT_BATCH_SIZE = 32;
/**
 * Budget of yieldEvery: 'auto', in milliseconds: fit yields before a batch that would take it past
 * this long since the last yield (so the event loop waits ≈ 25 ms at most, well inside the 50 ms a
 * page may block without feeling stuck). With a MessageChannel a yield costs ≈ 0.1 ms: < 1 %.
 */
export const AUTO_YIELD_MS = 25;

export interface FitOptions {
  /** Passes over the training data. Default: 1. */
  epochs?: number;
  /** Rows per gradient step. Default: 32. */
  batchSize?: number;
  /** Shuffle the rows every epoch. Default: true. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default: the model's seed + 1. */
  seed?: number;
  /** Fraction in [0, 1) of the rows, taken from the end before shuffling (as Keras), held out for validation. Default: 0. */
  validationSplit?: number;
  /** Explicit validation set [x, y]; takes precedence over validationSplit. */
  validationData?: [Input, Labels];
  /** Hooks, or a list of hook objects. */
  callbacks?: Callbacks | Callbacks[];
  /**
   * When to yield to the event loop so that a page or server stays responsive: 'auto' (before a
   * batch that would keep the thread busy for more than AUTO_YIELD_MS = 25 ms since the last yield),
   * 'batch', 'epoch', 'never', or a number of milliseconds (the same rule with that budget).
   * Default: 'auto'.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /**
   * Training health each epoch (gradient norms, update ratios, dead/saturated units, vanishing and
   * exploding warnings; see train/health.ts): true, or options. Reports land in
   * `logs.diagnostics` (callbacks, history.logs). Default: false.
   */
  diagnostics?: boolean | TrainingHealthOptions;
  /**
   * What the checks that run every epoch without diagnostics (train/watch.ts: an exploding training
   * loss, a collapsed network with every ReLU of a layer dead) do: 'throw' a DivergenceError (fit
   * rejects with it), 'warn' once per fit (console.warn) and go on, or 'off'. A non-finite loss
   * always throws. Default: 'throw'.
   */
  divergence?: 'throw' | 'warn' | 'off';
}

/**
 * Lets the event loop run (timers, I/O, rendering, input) and comes back as soon as it has: Node's
 * setImmediate; in browsers and workers `scheduler.postTask` at 'background' priority where it
 * exists (Chromium), else a MessageChannel message. Neither is clamped like setTimeout(0) (≥ 4 ms
 * after a few nested calls): a yield costs well under a millisecond. A background task also lets
 * every task of the page that is ready run first — a MessageChannel message alone lets Chromium
 * starve the page's timers (a setInterval ticked about once per 60 ms, with gaps of 0.5 s, while
 * fit yielded every 25 ms).
 */
interface PostTaskScheduler {
  postTask(callback: () => void, options: { priority: 'background' }): Promise<void>;
}
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  const scheduler = (globalThis as { scheduler?: Partial<PostTaskScheduler> }).scheduler;
  if (typeof scheduler?.postTask === 'function') return scheduler.postTask(() => {}, { priority: 'background' });
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Trains model on (x, y): mini-batch steps of its optimizer, or whole epochs of an epoch trainer. */
export async function fit(model: FitModel, x: Input, y: Labels, options: FitOptions = {}): Promise<History> {
  const epochs = positiveInteger('fit', 'epochs', options.epochs ?? DEFAULT_EPOCHS);
  const batchSize = positiveInteger('fit', 'batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE);
  const shuffle = options.shuffle ?? true;
  const net = model.network;
  const session = model.session;
  const seed = anyInteger('fit', 'seed', options.seed ?? net.seed + 1);
  const split = fraction('fit', 'validationSplit', options.validationSplit ?? 0);
  const divergence = oneOf('fit', 'divergence', options.divergence ?? 'throw', ['throw', 'warn', 'off'] as const);
  const yieldEvery = options.yieldEvery ?? 'auto';
  if (!(['auto', 'batch', 'epoch', 'never'].includes(yieldEvery as string) || (typeof yieldEvery === 'number' && yieldEvery >= 0))) {
    throw new Error(`fit: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or milliseconds ≥ 0, got ${String(yieldEvery)}.`);
  }
  const cbs = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? [...options.callbacks] : [options.callbacks];
  // Diagnostics run first, so the other callbacks see logs.diagnostics.
  if (options.diagnostics) cbs.unshift(trainingHealth(options.diagnostics === true ? {} : options.diagnostics));

  const nin = net.inputUnits;
  const nout = net.outputUnits;
  // NaN/±∞ in x are looked for after the copy into the heap (below), by the kernels.
  const X = toMatrix(x, nin, 'x', false);
  const Y = targetsFor(net, y, X.rows, 'y');
  let nTrain = X.rows;
  let val: { x: Float32Array; y: Float32Array; rows: number } | undefined;
  if (options.validationData) {
    const [vx, vy] = options.validationData;
    const VX = toMatrix(vx, nin, 'validationData x');
    val = { x: VX.data, y: targetsFor(net, vy, VX.rows, 'validationData y'), rows: VX.rows };
  } else if (split > 0) {
    const nVal = Math.floor(X.rows * split);
    if (nVal < 1 || nVal >= X.rows) {
      throw new Error(
        `fit: validationSplit ${split} of ${X.rows} rows leaves ${nVal} validation and ${X.rows - nVal} training rows; both need at least one.`,
      );
    }
    nTrain = X.rows - nVal;
    val = { x: X.data.subarray(nTrain * nin), y: Y.subarray(nTrain * nout), rows: nVal };
  }

  const heap = net.backend.heap;
  const k = net.backend.k;
  // The training rows live in the heap for the whole fit; rows are gathered per batch. (Not zeroed:
  // they are overwritten whole below.)
  const xAll = heap.allocF32(nTrain * nin, false);
  const yAll = heap.allocF32(nTrain * nout, false);
  const idx = heap.allocF32(nTrain, false);
  const rng = new Rng(seed);
  const order = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;
  const history = new History();
  const rows = Math.min(batchSize, nTrain);
  const batches = Math.ceil(nTrain / rows);
  const withAcc = model.metrics.includes('accuracy');
  try {
    heap.f32.set(X.data.subarray(0, nTrain * nin), xAll >>> 2);
    // The NaN/±∞ scan of x: the training rows by find_nonfinite_f32 (about a tenth of toMatrix's JS
    // scan, which was ~6 % of a short fit's time), the rows held out by validationSplit in JS.
    let bad = k.find_nonfinite_f32(xAll, nTrain * nin);
    if (bad < 0 && nTrain < X.rows) {
      const held = firstNonFinite(X.data.subarray(nTrain * nin));
      if (held >= 0) bad = nTrain * nin + held;
    }
    if (bad >= 0) throw nonFiniteError(X.data[bad]!, bad, nin, 'x');
    heap.f32.set(Y.subarray(0, nTrain * nout), yAll >>> 2);
    const plan = net.plan(rows, true);
    // Weight decay λ/n with n = the training rows of this fit; the logged loss adds the penalty.
    net.applyRegularization(nTrain);
    model.stopTraining = false;
    const trainer = session.optimizer.kind === 'epoch' ? session.optimizer : undefined;
    await trainer?.prepare?.();
    const context: TrainContext = {
      model,
      x: X.data.subarray(0, nTrain * nin),
      y: Y.subarray(0, nTrain * nout),
      rows: nTrain,
      epochs,
      batchSize,
    };
    for (const c of cbs) c.setContext?.(context);
    const watch = divergence === 'off' ? undefined : new DivergenceWatch(net, session, xAll, yAll, nTrain);
    // The loss at the initial weights: the first batch's, or for an epoch trainer the probe's.
    if (trainer) watch?.probeInitialLoss();
    let warned = false;
    try {
      for (const c of cbs) await c.onTrainBegin?.();
      let lastYield = now();
      for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
        for (const c of cbs) await c.onEpochBegin?.(epoch);
        const t0 = now();
        if (shuffle) rng.shuffle(order);
        heap.i32.set(order, idx >>> 2);
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        let lastRows = 0;
        const taken = trainer?.fitEpoch({
          network: net,
          state: session.state,
          x: xAll,
          y: yAll,
          rows: nTrain,
          epoch,
          accuracy: withAcc,
          batchSize,
          rng,
          validation: val,
        });
        // An epoch trainer that can make no more progress says why in logs.stopReason, and training stops.
        if (taken?.logs?.stopReason !== undefined) model.stopTraining = true;
        if (taken) [lossSum, correct, seen] = [taken.loss * nTrain, (taken.accuracy ?? 0) * nTrain, nTrain];
        for (let b = 0; b < batches && !model.stopTraining && !taken; b++) {
          const batchStart = now();
          const r0 = b * rows;
          const m = Math.min(rows, nTrain - r0);
          k.gather_rows_f32(xAll, idx + 4 * r0, plan.x, m, nin);
          k.gather_rows_f32(yAll, idx + 4 * r0, plan.y, m, nout);
          const { loss, correct: c } = net.trainStep(plan, m, session.step, withAcc);
          // Names the first layer with non-finite weights or output, and what to change.
          if (!Number.isFinite(loss)) throw divergenceError(net, session, plan, m, epoch, b, loss);
          watch?.firstBatch(loss / m);
          session.update(epoch);
          lastRows = m;
          lossSum += loss;
          correct += c;
          seen += m;
          if (cbs.length) {
            const logs: BatchLogs = { loss: loss / m, size: m, batches };
            if (withAcc) logs.accuracy = c / m;
            for (const cb of cbs) {
              const r = cb.onBatchEnd?.(b, logs);
              if (r) await r;
            }
          }
          if (yieldEvery !== 'never' && yieldEvery !== 'epoch') {
            // Yield now if the next batch (assumed as long as this one) would overrun the budget.
            const t = now();
            const budget = yieldEvery === 'batch' ? 0 : yieldEvery === 'auto' ? AUTO_YIELD_MS : yieldEvery;
            if (t - lastYield + (t - batchStart) >= budget) {
              await yieldToEventLoop();
              lastYield = now();
            }
          }
        }
        const trainSeconds = (now() - t0) / 1000;
        const logs: EpochLogs = { loss: lossSum / Math.max(seen, 1), seconds: 0, samplesPerSecond: seen / Math.max(trainSeconds, 1e-9) };
        if (withAcc) logs.accuracy = correct / Math.max(seen, 1);
        if (taken?.logs) Object.assign(logs, taken.logs);
        if (val) {
          const v = evaluateRows(net, val.x, val.y, val.rows, Math.max(batchSize, 256), withAcc);
          logs.valLoss = v.loss;
          if (withAcc) logs.valAccuracy = v.correct / val.rows;
        }
        logs.seconds = (now() - t0) / 1000;
        history.record(epoch, logs);
        for (const c of cbs) await c.onEpochEnd?.(epoch, logs);
        // The last batch's activations are still in the plan (the collapse check looks there first).
        const diverged = watch?.check(epoch, logs.loss, lastRows > 0 ? { plan, rows: lastRows } : undefined);
        if (diverged && divergence === 'throw') throw diverged;
        if (diverged && !warned) {
          warned = true;
          console.warn(`simdnn: ${diverged.message}`);
        }
        if (yieldEvery === 'epoch') await yieldToEventLoop();
      }
    } catch (e) {
      if (e instanceof DivergenceError) e.history ??= history;
      for (const c of cbs) await c.onTrainAbort?.(e, history);
      throw e;
    }
    for (const c of cbs) await c.onTrainEnd?.(history);
  } finally {
    heap.free(xAll);
    heap.free(yAll);
    heap.free(idx);
  }
  return history;
}
