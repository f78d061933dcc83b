/**
 * Epoch trainers: training methods that take over whole epochs instead of one mini-batch step at a
 * time — the second-order methods (Newton, Levenberg–Marquardt, Hessian-free), which build a
 * quadratic model from full-batch or large-batch curvature and choose their own steps. `fit` runs
 * one `fitEpoch` per epoch; validation, callbacks and History stay the same as for an `Optimizer`.
 */
import type { Backend } from '../kernels/backend.js';
import type { Network, ParamTensor } from '../network/network.js';
import type { LossDef } from '../registries/losses.js';
import type { Rng } from '../random.js';

export interface EpochTrainer {
  readonly kind: 'epoch';
  /** Plain-data config (saved with the model); `type` is the registry name. */
  readonly config: { readonly type: string; readonly [k: string]: unknown };
  /** Allocates the trainer's state in the heap, laid out for these tensors; one pointer per slot. */
  createState(be: Backend, tensors: readonly ParamTensor[]): number[];
  /** Called by compile: throws, saying why, when the method cannot serve this network and loss. */
  checkModel(network: Network, loss: LossDef, regularization?: { l1: number; l2: number }): void;
  /** One epoch over the training rows. */
  fitEpoch(ctx: EpochContext): EpochResult;
}

export interface EpochContext {
  network: Network;
  /** The trainer's state of this model (what createState returned). */
  state: readonly number[];
  /** Training rows in the heap: x [rows × inputs], y [rows × outputs]. */
  x: number;
  y: number;
  rows: number;
  /** 0-based epoch index. */
  epoch: number;
  /** Whether to count correct predictions (compiled with metrics: ['accuracy']). */
  accuracy: boolean;
  /** The fit call's batchSize. */
  batchSize: number;
  /** The fit call's seeded generator (shuffles, mini-batch draws). */
  rng: Rng;
  /** Validation rows, when fit has them. */
  validation?: { x: Float32Array; y: Float32Array; rows: number };
}

/** Loss (mean over the training rows) after the epoch, accuracy when asked, and extra logs. */
export interface EpochResult {
  loss: number;
  accuracy?: number;
  /**
   * Method-specific numbers of the epoch, merged into the epoch logs (and `history.logs`): e.g.
   * `mu` (damping), `gradNorm` (‖∇C‖ at the end of the epoch), `stopReason` when it asks to stop.
   */
  logs?: Record<string, number | string>;
}
