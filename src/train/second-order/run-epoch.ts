/**
 * One epoch of a second-order method: the shared frame around the method's own epoch (curvature
 * engine sized for the chunk, scalar state copied out and back, divergence check). Loaded with
 * `await import()` by the trainer's `prepare` (trainer.ts), so that this code and the methods'
 * epochs stay out of the first download of a page that only predicts.
 */
import type { EpochContext, EpochResult } from '../epoch-trainer.js';
import type { Network } from '../../network/network.js';
import { DivergenceError } from '../divergence.js';
import { CurvatureEngine } from './curvature.js';
import { CHUNK_ROWS } from './hessian.js';
import { Objective } from './objective.js';
import { checkSupport } from './support.js';

/** A method's epoch: `scalars` is a Float64Array copy of the scalar state, written back afterwards. */
export type SecondOrderEpoch = (ctx: EpochContext, obj: Objective, scalars: Float64Array, vec: number) => EpochResult;

/** What run-epoch needs of the method (a part of SecondOrderParts, trainer.ts). */
export interface EpochFrame {
  where: string;
  exact: boolean;
  check?(model: Network): void;
  capacity?(rows: number, model: Network): number;
}

/** Runs `epoch` once over the training rows of `ctx`, inside the shared frame. */
export function runEpoch(parts: EpochFrame, epoch: SecondOrderEpoch, ctx: EpochContext): EpochResult {
  const model = ctx.network;
  checkSupport(parts.where, model, model.loss, parts.exact);
  parts.check?.(model);
  const heap = model.backend.heap;
  const [sp, vec] = ctx.state as [number, number];
  const scalars = Float64Array.from(heap.f32.subarray(sp >>> 2, (sp >>> 2) + 16));
  const cap = parts.capacity?.(ctx.rows, model) ?? Math.min(ctx.rows, CHUNK_ROWS);
  const engine = new CurvatureEngine(model, cap);
  try {
    const r = epoch(ctx, new Objective(engine), scalars, vec);
    heap.f32.set(scalars, sp >>> 2);
    if (!Number.isFinite(r.loss)) {
      throw new DivergenceError(`${parts.where}: the loss became ${r.loss} at epoch ${ctx.epoch + 1}: training diverged.`, -1, ctx.epoch);
    }
    return r;
  } finally {
    engine.dispose();
  }
}
