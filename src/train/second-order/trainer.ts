/**
 * What the three second-order methods share: each is an `EpochTrainer` (train/epoch-trainer.ts)
 * that takes over whole epochs, and keeps its scalars (μ or λ, validation bookkeeping) and one
 * P-float vector in the model's session state, so state lives and dies with the model.
 */
import type { Backend } from '../../kernels/backend.js';
import type { LossDef } from '../../registries/losses.js';
import type { Network } from '../../network/network.js';
import type { EpochContext, EpochResult, EpochTrainer } from '../epoch-trainer.js';
import type { ParamTensor } from '../../network/network.js';
import type { EpochFrame, SecondOrderEpoch } from './run-epoch.js';
import { checkSupport } from './support.js';

/** Indices into the scalar state. */
export const S_DAMPING = 0;
export const S_BEST_VAL = 1;
export const S_FAILS = 2;
/** Levenberg–Marquardt: the trust-region bound's current multiple of its base (≥ 1). */
export const S_RADIUS_SCALE = 3;

/** A method: its name, compile-time checks, chunk size, and its epoch, loaded on demand. */
export interface SecondOrderParts extends EpochFrame {
  /**
   * Loads the method's epoch with `await import()` (the trainer's `prepare`, which fit awaits):
   * the training code stays out of a page that only re-creates and runs a saved model.
   */
  loadEpoch(): Promise<SecondOrderEpoch>;
}

export type SecondOrderOptimizer = EpochTrainer;

export function secondOrderOptimizer(config: { type: string }, parts: SecondOrderParts): SecondOrderOptimizer {
  let run: ((ctx: EpochContext) => EpochResult) | undefined;
  return {
    kind: 'epoch',
    config,
    createState(be: Backend, tensors: readonly ParamTensor[]): number[] {
      const P = tensors.reduce((s, t) => s + t.size, 0);
      return [be.heap.allocF32(16), be.heap.allocF32(Math.max(P, 1))];
    },
    checkModel(model: Network, loss: LossDef, regularization?: { l1: number; l2: number }): void {
      checkSupport(parts.where, model, loss, parts.exact, regularization);
      parts.check?.(model);
    },
    async prepare(): Promise<void> {
      if (run) return;
      const [frame, epoch] = await Promise.all([import('./run-epoch.js'), parts.loadEpoch()]);
      run = (ctx) => frame.runEpoch(parts, epoch, ctx);
    },
    fitEpoch(ctx: EpochContext): EpochResult {
      if (!run) throw new Error(`${parts.where}: fitEpoch ran before prepare() (fit awaits prepare first).`);
      return run(ctx);
    },
  };
}

export function withScratch<T>(model: Network, sizes: number[], body: (...p: number[]) => T): T {
  const heap = model.backend.heap;
  const ptrs: number[] = [];
  try {
    for (const n of sizes) ptrs.push(heap.allocF32(Math.max(n, 1)));
    return body(...ptrs);
  } finally {
    for (const p of ptrs) heap.free(p);
  }
}
