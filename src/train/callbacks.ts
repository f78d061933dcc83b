/**
 * Training-control callbacks for `fit` (Keras's `callbacks=`): early stopping.
 *
 * Early stopping (the course, ch. 3: "stop when the classification accuracy on the validation
 * data has saturated"): after every epoch, compare the monitored value with the best so far;
 *
 *   improved ⇔  current < best − minDelta   (mode 'min')
 *               current > best + minDelta   (mode 'max')
 *
 * and stop once `patience` epochs in a row have not improved (patience 0 behaves as 1: stop at the
 * first epoch that does not improve). With `baseline`, an epoch that improves on the best but not on
 * the baseline still counts as not improving. With `restoreBestWeights`, the weights of the best
 * epoch are put back when training ends — whether it was stopped, ran all its epochs, or ended in
 * an error (a DivergenceError).
 */
import type { Callbacks, EpochLogs, FitModel, History, TrainContext } from './logs.js';
import { boolean, finiteNumber, integer, knownKeys, nonNegativeNumber, oneOf } from '../validate.js';

export interface EarlyStoppingOptions {
  /**
   * Key of the epoch logs to watch: 'valLoss', 'valAccuracy', 'loss', 'accuracy' or any numeric key
   * a callback adds. Needs validation data (validationSplit / validationData) for the 'val…' keys.
   * Default: 'valLoss'.
   */
  monitor?: string;
  /** Smallest change that counts as an improvement, ≥ 0. Default: 0. */
  minDelta?: number;
  /** Epochs in a row without improvement before stopping, an integer ≥ 0. Default: 0. */
  patience?: number;
  /**
   * 'min' (lower is better), 'max' (higher is better) or 'auto': 'max' when the key names an accuracy
   * ('accuracy', 'valAccuracy', 'acc'…), 'min' otherwise. Default: 'auto'.
   */
  mode?: 'auto' | 'min' | 'max';
  /** Put back the weights of the best epoch when training ends. Default: false. */
  restoreBestWeights?: boolean;
  /** A value the monitored key must beat for an epoch to reset the patience. Default: none. */
  baseline?: number;
}

/** The early-stopping callback, with what it saw (for inspection after fit). */
export interface EarlyStopping extends Callbacks {
  readonly options: Required<Omit<EarlyStoppingOptions, 'baseline'>> & { baseline?: number; mode: 'min' | 'max' };
  /** Best monitored value so far (±Infinity before the first epoch). */
  readonly best: number;
  /** 0-based epoch of the best value (−1 before the first epoch). */
  readonly bestEpoch: number;
  /** 0-based epoch after which training was stopped, or −1 if it ran all its epochs. */
  readonly stoppedEpoch: number;
  /** Whether the best weights were restored at the end of the last fit. */
  readonly restored: boolean;
}

/** Early stopping for `fit({ callbacks: [earlyStopping({ patience: 3, restoreBestWeights: true })] })`. */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  if (options === null || typeof options !== 'object') {
    throw new Error("earlyStopping: expected options like { monitor: 'valLoss', patience: 3 }.");
  }
  knownKeys('earlyStopping', options, ['monitor', 'minDelta', 'patience', 'mode', 'restoreBestWeights', 'baseline']);
  const monitor = options.monitor ?? 'valLoss';
  if (typeof monitor !== 'string' || monitor === '') {
    throw new Error(`earlyStopping: monitor must be the name of an epoch log such as 'valLoss', got ${String(options.monitor)}.`);
  }
  const minDelta = nonNegativeNumber('earlyStopping', 'minDelta', options.minDelta ?? 0);
  const patience = integer('earlyStopping', 'patience', options.patience ?? 0, 0);
  const modeOpt = oneOf('earlyStopping', 'mode', options.mode ?? 'auto', ['auto', 'min', 'max'] as const);
  const mode: 'min' | 'max' = modeOpt === 'auto' ? (/acc/i.test(monitor) ? 'max' : 'min') : modeOpt;
  const restoreBestWeights = boolean('earlyStopping', 'restoreBestWeights', options.restoreBestWeights ?? false);
  const baseline = options.baseline === undefined ? undefined : finiteNumber('earlyStopping', 'baseline', options.baseline);

  /** a is better than b by more than minDelta. */
  const better = (a: number, b: number): boolean => (mode === 'min' ? a < b - minDelta : a > b + minDelta);
  let model: FitModel | undefined;
  let bestWeights: Float32Array[] | undefined;
  let wait = 0;

  const cb: EarlyStopping & { best: number; bestEpoch: number; stoppedEpoch: number; restored: boolean } = {
    options: { monitor, minDelta, patience, mode, restoreBestWeights, ...(baseline === undefined ? {} : { baseline }) },
    best: mode === 'min' ? Infinity : -Infinity,
    bestEpoch: -1,
    stoppedEpoch: -1,
    restored: false,
    setContext(ctx: TrainContext) {
      model = ctx.model;
    },
    onTrainBegin() {
      if (!model) throw new Error('earlyStopping: it only works as a callback of fit.');
      cb.best = mode === 'min' ? Infinity : -Infinity;
      cb.bestEpoch = -1;
      cb.stoppedEpoch = -1;
      cb.restored = false;
      bestWeights = undefined;
      wait = 0;
    },
    onEpochEnd(epoch: number, logs: EpochLogs) {
      const v = logs[monitor];
      if (typeof v !== 'number') {
        const available = Object.keys(logs).filter((k) => typeof logs[k] === 'number');
        const hint = monitor.startsWith('val') ? ' (validation keys need validationSplit or validationData in fit)' : '';
        throw new Error(`earlyStopping: monitor '${monitor}' is not in the epoch logs${hint}; available: ${available.join(', ')}.`);
      }
      // A NaN never improves (it uses up the patience).
      if (!Number.isNaN(v) && (cb.bestEpoch < 0 || better(v, cb.best))) {
        cb.best = v;
        cb.bestEpoch = epoch;
        if (restoreBestWeights) bestWeights = model!.getWeights();
        if (baseline === undefined || better(v, baseline)) {
          wait = 0;
          return;
        }
      }
      wait++;
      stopIfOut(epoch);
    },
    onTrainEnd(_history: History) {
      restore();
    },
    // A fit that ends in an error (a divergence) still gets the best weights back.
    onTrainAbort() {
      restore();
    },
  };
  function restore(): void {
    if (restoreBestWeights && bestWeights) {
      model!.setWeights(bestWeights);
      cb.restored = true;
    }
    bestWeights = undefined;
  }
  function stopIfOut(epoch: number): void {
    if (wait >= Math.max(1, patience)) {
      cb.stoppedEpoch = epoch;
      model!.stopTraining = true;
    }
  }
  return cb;
}
