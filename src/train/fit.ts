/**
 * The training loop: mini-batch stochastic gradient descent over shuffled epochs.
 *
 * The whole training set is copied into the heap once; each epoch shuffles an index vector with
 * the seeded generator and each step gathers its rows into the plan's batch buffers
 * (`gather_rows_f32`), runs forward, loss, backward and the optimizer — no allocation per step.
 */
import { toMatrix, type Input, type Labels } from '../data/prepare.js';
import type { Sequential } from '../model.js';
import type { LossDef } from '../losses.js';
import { Rng } from '../random.js';
import { divergenceError, trainingHealth, type TrainingHealthOptions } from './diagnostics.js';

export interface BatchLogs {
  /** Mean loss of this batch. */
  loss: number;
  /** Accuracy of this batch (when compiled with metrics: ['accuracy']). */
  accuracy?: number;
  /** Rows in this batch. */
  size: number;
  /** Batches per epoch. */
  batches: number;
}

export interface EpochLogs {
  /** Mean training loss over the epoch (with the weights as they were at each batch). */
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Wall time of the epoch in seconds (training and validation). */
  seconds: number;
  /** Training samples per second in this epoch. */
  samplesPerSecond: number;
  [key: string]: unknown;
}

/** What fit tells its callbacks before onTrainBegin (callbacks that need the model or the data). */
export interface TrainContext {
  model: Sequential;
  /** The training rows (validation rows excluded), row-major [rows × inputs], as fit validated them. */
  x: Float32Array;
  /** Their target rows [rows × outputs] (one-hot, or prepared by the loss). */
  y: Float32Array;
  rows: number;
  epochs: number;
  batchSize: number;
}

/** Hooks called during fit; any may return a promise, which is awaited. Set model.stopTraining to stop. */
export interface Callbacks {
  /** Called once per fit, before onTrainBegin. */
  setContext?(ctx: TrainContext): void;
  onTrainBegin?(): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
}

/**
 * An optimizer that takes over whole epochs (the second-order methods: full-batch or large-batch
 * steps with their own line search). When the compiled optimizer has `fitEpoch`, `fit` calls it
 * once per epoch instead of running mini-batches; validation, callbacks and History stay the same.
 */
export interface EpochTrainer {
  fitEpoch(ctx: EpochContext): EpochResult | Promise<EpochResult>;
  /** Called by compile (after build): throws, saying why, when the optimizer cannot serve the model. */
  checkModel?(model: Sequential, loss: LossDef, regularization?: { l1: number; l2: number }): void;
}

export interface EpochContext {
  model: Sequential;
  /** Training rows in the heap: x [rows × inputs], y [rows × outputs]. */
  x: number;
  y: number;
  rows: number;
  /** 0-based epoch index. */
  epoch: number;
  /** The fit call's batchSize. */
  batchSize: number;
  /** The fit call's seeded generator (shuffles, mini-batch draws). */
  rng: Rng;
  /** Validation rows, when fit has them. */
  validation?: { x: Float32Array; y: Float32Array; rows: number };
}

/** Loss (mean over the training rows) after the epoch, accuracy when asked, and extra numeric logs. */
export interface EpochResult {
  loss: number;
  accuracy?: number;
  logs?: Record<string, number | string>;
}

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
   * When to yield to the event loop so that a page or server stays responsive: 'auto' (about
   * every 50 ms), 'batch', 'epoch', 'never', or a number of milliseconds. Default: 'auto'.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /**
   * Training health each epoch (gradient norms, update ratios, dead/saturated units, vanishing and
   * exploding warnings; see train/diagnostics.ts): true, or options. Reports land in
   * `logs.diagnostics` (callbacks, history.logs). Default: false.
   */
  diagnostics?: boolean | TrainingHealthOptions;
}

/** What fit returns: per-epoch logs, keyed like Keras's History (camelCase). */
export class History {
  readonly epoch: number[] = [];
  readonly history: { loss: number[]; accuracy?: number[]; valLoss?: number[]; valAccuracy?: number[]; [k: string]: number[] | undefined } = {
    loss: [],
  };
  /** Extra per-epoch records (diagnostics and the like). */
  readonly logs: EpochLogs[] = [];

  record(epoch: number, logs: EpochLogs): void {
    this.epoch.push(epoch);
    this.logs.push(logs);
    for (const [k, v] of Object.entries(logs)) {
      if (typeof v !== 'number' || k === 'seconds' || k === 'samplesPerSecond') continue;
      (this.history[k] ??= []).push(v);
    }
  }
}

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`fit: ${name} must be an integer ≥ ${min}, got ${String(v)}.`);
  }
  return v;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function fit(model: Sequential, x: Input, y: Labels, options: FitOptions = {}): Promise<History> {
  model.assertCompiled();
  const epochs = checkInt('epochs', options.epochs ?? 1, 1);
  const batchSize = checkInt('batchSize', options.batchSize ?? 32, 1);
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? model.seed + 1;
  if (!Number.isInteger(seed)) throw new Error(`fit: seed must be an integer, got ${String(options.seed)}.`);
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) {
    throw new Error(`fit: validationSplit must be in [0, 1), got ${String(options.validationSplit)}.`);
  }
  const yieldEvery = options.yieldEvery ?? 'auto';
  if (!(['auto', 'batch', 'epoch', 'never'].includes(yieldEvery as string) || (typeof yieldEvery === 'number' && yieldEvery >= 0))) {
    throw new Error(`fit: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or milliseconds ≥ 0, got ${String(yieldEvery)}.`);
  }
  const cbs = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? [...options.callbacks] : [options.callbacks];
  // Diagnostics run first, so the other callbacks see logs.diagnostics.
  if (options.diagnostics) cbs.unshift(trainingHealth(options.diagnostics === true ? {} : options.diagnostics));

  const nin = model.inputUnits;
  const nout = model.outputUnits;
  const X = toMatrix(x, nin, 'x');
  const Y = model.targets(y, X.rows, 'y');
  let nTrain = X.rows;
  let val: { x: Float32Array; y: Float32Array; rows: number } | undefined;
  if (options.validationData) {
    const [vx, vy] = options.validationData;
    const VX = toMatrix(vx, nin, 'validationData x');
    val = { x: VX.data, y: model.targets(vy, VX.rows, 'validationData y'), rows: VX.rows };
  } else if (split > 0) {
    const nVal = Math.floor(X.rows * split);
    if (nVal < 1 || nVal >= X.rows) {
      throw new Error(`fit: validationSplit ${split} of ${X.rows} rows leaves ${nVal} validation and ${X.rows - nVal} training rows; both need at least one.`);
    }
    nTrain = X.rows - nVal;
    val = { x: X.data.subarray(nTrain * nin), y: Y.subarray(nTrain * nout), rows: nVal };
  }

  const be = model.backend;
  const heap = be.heap;
  const k = be.k;
  // The training rows live in the heap for the whole fit; rows are gathered per batch.
  const xAll = heap.allocF32(nTrain * nin);
  const yAll = heap.allocF32(nTrain * nout);
  const idx = heap.allocF32(nTrain);
  const rng = new Rng(seed);
  const order = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;
  const history = new History();
  const rows = Math.min(batchSize, nTrain);
  const batches = Math.ceil(nTrain / rows);
  const withAcc = model.metrics.includes('accuracy');
  try {
    heap.f32.set(X.data.subarray(0, nTrain * nin), xAll >> 2);
    heap.f32.set(Y.subarray(0, nTrain * nout), yAll >> 2);
    const plan = model.plan(rows, true);
    // Weight decay λ/n with n = the training rows of this fit; the logged loss adds the penalty.
    model.applyRegularization(nTrain);
    const regularized = model.regularized;
    model.stopTraining = false;
    const context: TrainContext = { model, x: X.data.subarray(0, nTrain * nin), y: Y.subarray(0, nTrain * nout), rows: nTrain, epochs, batchSize };
    for (const c of cbs) c.setContext?.(context);
    for (const c of cbs) await c.onTrainBegin?.();
    let lastYield = now();
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const c of cbs) await c.onEpochBegin?.(epoch);
      const t0 = now();
      if (shuffle) rng.shuffle(order);
      heap.i32.set(order, idx >> 2);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      const trainer = (model.optimizer as Partial<EpochTrainer>).fitEpoch ? (model.optimizer as unknown as EpochTrainer) : undefined;
      const taken = trainer && (await trainer.fitEpoch({ model, x: xAll, y: yAll, rows: nTrain, epoch, batchSize, rng, validation: val }));
      if (taken) [lossSum, correct, seen] = [taken.loss * nTrain, (taken.accuracy ?? 0) * nTrain, nTrain];
      for (let b = 0; b < batches && !model.stopTraining && !taken; b++) {
        const r0 = b * rows;
        const m = Math.min(rows, nTrain - r0);
        k.gather_rows_f32(xAll, idx + 4 * r0, plan.x, m, nin);
        k.gather_rows_f32(yAll, idx + 4 * r0, plan.y, m, nout);
        const a = model.forward(plan, plan.x, m, true);
        const loss = model.lossOf(plan, plan.y, m) + (regularized ? m * model.penalty() : 0);
        // Names the first layer with non-finite weights or output, and what to change.
        if (!Number.isFinite(loss)) throw divergenceError(model, plan, m, epoch, b, loss);
        const c = withAcc ? model.countCorrect(a, plan.y, m) : 0;
        model.backward(plan, plan.x, m);
        model.step++;
        model.optimizer.step(be, model.tensors, model.optState, model.step, epoch);
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
          const t = now();
          const due = yieldEvery === 'batch' ? true : t - lastYield >= (yieldEvery === 'auto' ? 50 : yieldEvery);
          if (due) {
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
        const v = model.evaluateRaw(val.x, val.y, val.rows, Math.max(batchSize, 256));
        logs.valLoss = v.loss;
        if (v.accuracy !== undefined) logs.valAccuracy = v.accuracy;
      }
      logs.seconds = (now() - t0) / 1000;
      history.record(epoch, logs);
      for (const c of cbs) await c.onEpochEnd?.(epoch, logs);
      if (yieldEvery === 'epoch') await yieldToEventLoop();
    }
    for (const c of cbs) await c.onTrainEnd?.(history);
  } finally {
    heap.free(xAll);
    heap.free(yAll);
    heap.free(idx);
  }
  return history;
}
