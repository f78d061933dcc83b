/**
 * What fit reports and to whom: the model as callbacks see it, per-batch and per-epoch logs, the
 * callback hooks, and the History fit returns.
 */
import type { Network } from '../network/network.js';
import type { Session } from './session.js';

/**
 * What fit trains and what callbacks see as `model`: the network, its training session, the
 * metrics and the stop flag. `Sequential` is one.
 */
export interface FitModel {
  readonly network: Network;
  readonly session: Session;
  readonly metrics: readonly string[];
  /** Set to true (from a callback) to stop fit after the current batch. */
  stopTraining: boolean;
  /** Copies of every parameter tensor (callbacks that keep the best weights). */
  getWeights(): Float32Array[];
  setWeights(weights: ArrayLike<number>[]): void;
}

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
  model: FitModel;
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
  /**
   * Called instead of onTrainEnd when fit ends in an error (a DivergenceError, or an error thrown by
   * a callback), before fit rejects with it: e.g. early stopping puts the best weights back.
   */
  onTrainAbort?(error: unknown, history: History): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
}

/**
 * What fit returns: per-epoch logs, keyed like Keras's History (camelCase). With a second-order
 * method (newton, levenbergMarquardt, hessianFree) the epoch logs also carry that method's numbers —
 * `mu` / `damping`, `gradNorm`, `stepNorm`, `rho`, `cgIterations` and, on the last epoch when the
 * method stopped on its own, `stopReason` (a string, in `logs` only): see EpochResult.logs in
 * train/epoch-trainer.ts for what each means.
 */
export class History {
  readonly epoch: number[] = [];
  readonly history: { loss: number[]; accuracy?: number[]; valLoss?: number[]; valAccuracy?: number[]; [k: string]: number[] | undefined } =
    {
      loss: [],
    };
  /** Extra per-epoch records (diagnostics and the like). */
  readonly logs: EpochLogs[] = [];

  record(epoch: number, logs: EpochLogs): void {
    this.epoch.push(epoch);
    this.logs.push(logs);
    for (const [k, v] of Object.entries(logs)) {
      if (typeof v !== 'number' || k === 'seconds' || k === 'samplesPerSecond') continue;
      const list = this.history[k] ?? [];
      list.push(v);
      this.history[k] = list;
    }
  }
}
