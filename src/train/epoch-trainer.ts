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
  /**
   * Loads the trainer's training code (`await import()`), so that a page that only re-creates and
   * runs a saved model does not download it; fit awaits it before the first epoch. Optional.
   */
  prepare?(): Promise<void>;
  /** One epoch over the training rows (after `prepare`, when the trainer has one). */
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
   * Method-specific numbers of the epoch, merged into the epoch logs (`history.logs`; the numeric
   * ones also into `history.history`). The second-order methods log:
   *
   * - `stopReason` (string, only on the last epoch): why the method stops; `fit` ends after it.
   *   levenbergMarquardt: `mu exceeded muMax (…)` (no damped step lowers the loss), `the loss
   *   reached goal`, `‖∇C‖ … fell below minGrad`, `‖Δθ‖ … fell below minStep·max(‖θ‖, 1)`, `the
   *   validation loss has not improved for maxFail epochs …; restored the best weights`.
   *   newton: `mu exceeded muMax (…)`. hessianFree never stops on its own (use epochs or
   *   earlyStopping).
   * - `mu` (newton, levenbergMarquardt): the damping μ after the epoch's step, i.e. what the next
   *   epoch starts from; small μ = Gauss–Newton/Newton steps, large μ = short gradient steps. Above
   *   muMax on the stopping epoch. hessianFree logs its Tikhonov damping as `damping` instead.
   * - `gradNorm` (levenbergMarquardt; `gradient` is the same value under its older name): ‖∇C‖ at
   *   the start of the epoch, C the mean training loss + L2 penalty, compared with minGrad.
   * - levenbergMarquardt also: `stepNorm` ‖Δθ‖ of the accepted step (0 if none) and `rho`, the gain
   *   ratio actual / predicted reduction (near 1: the quadratic model is trusted).
   * - hessianFree: `cgIterations`, `rho` (its gain ratio), `damping`.
   */
  logs?: Record<string, number | string>;
}
