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
import { DivergenceError } from '../divergence.js';
import { CurvatureEngine } from './curvature.js';
import { CHUNK_ROWS } from './hessian.js';
import { Objective } from './objective.js';
import { checkSupport } from './support.js';

/** Indices into the scalar state. */
export const S_DAMPING = 0;
export const S_BEST_VAL = 1;
export const S_FAILS = 2;
/** Levenberg–Marquardt: the trust-region bound's current multiple of its base (≥ 1). */
export const S_RADIUS_SCALE = 3;

export interface SecondOrderParts {
  /** Registry name of the method, for messages. */
  where: string;
  /** Whether the method needs f'' (exact Hessian). */
  exact: boolean;
  /** Extra compile-time checks (matrix size). */
  check?(model: Network): void;
  /** One epoch; `scalars` is a Float64Array copy of the scalar state, written back afterwards. */
  epoch(ctx: EpochContext, obj: Objective, scalars: Float64Array, vec: number): EpochResult;
  /** Rows per chunk (engine capacity) for a training set of `rows`. */
  capacity?(rows: number, model: Network): number;
}

export type SecondOrderOptimizer = EpochTrainer;

export function secondOrderOptimizer(config: { type: string }, parts: SecondOrderParts): SecondOrderOptimizer {
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
    fitEpoch(ctx: EpochContext): EpochResult {
      const model = ctx.network;
      checkSupport(parts.where, model, model.loss, parts.exact);
      parts.check?.(model);
      const heap = model.backend.heap;
      const [sp, vec] = ctx.state as [number, number];
      const scalars = Float64Array.from(heap.f32.subarray(sp >>> 2, (sp >>> 2) + 16));
      const cap = parts.capacity?.(ctx.rows, model) ?? Math.min(ctx.rows, CHUNK_ROWS);
      const engine = new CurvatureEngine(model, cap);
      try {
        const r = parts.epoch(ctx, new Objective(engine), scalars, vec);
        heap.f32.set(scalars, sp >>> 2);
        if (!Number.isFinite(r.loss)) {
          throw new DivergenceError(
            `${parts.where}: the loss became ${r.loss} at epoch ${ctx.epoch + 1}: training diverged.`,
            -1,
            ctx.epoch,
          );
        }
        return r;
      } finally {
        engine.dispose();
      }
    },
  };
}

/** Allocates P-float (or larger) scratch buffers, runs body, frees them. */
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
