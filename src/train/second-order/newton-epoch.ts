/**
 * The damped Newton epoch (see newton.ts for the method), loaded with `await import()` when fit
 * runs a model compiled with newton().
 */
import type { EpochContext, EpochResult } from '../epoch-trainer.js';
import { dampedStep } from './damped-step.js';
import { assembleHessian } from './hessian.js';
import type { Objective } from './objective.js';
import { S_DAMPING, withScratch } from './trainer.js';

export interface NewtonConfig {
  type: 'newton';
  mu: number;
  muDecrease: number;
  muIncrease: number;
  muMax: number;
  maxParams: number;
}

/** One full-batch damped Newton step; logs `mu`, and `stopReason` when μ exceeds muMax. */
export function newtonEpoch(ctx: EpochContext, obj: Objective, scalars: Float64Array, o: NewtonConfig): EpochResult {
  const model = ctx.network;
  const P = obj.P;
  const d = { x: ctx.x, y: ctx.y, rows: ctx.rows };
  if (ctx.epoch === 0 || !(scalars[S_DAMPING]! > 0)) scalars[S_DAMPING] = o.mu;
  const count = ctx.accuracy;
  return withScratch(model, [P * P, P * P, P, P, P, P], (H, A, g, step, theta0, tmp) => {
    const c0 = obj.gradient(d, g);
    assembleHessian(obj.engine, d, H, step, tmp);
    addL2Diagonal(obj, H, 1);
    const r = dampedStep(obj, d, H, A, g, step, theta0, c0, scalars[S_DAMPING]!, o, count);
    scalars[S_DAMPING] = r.mu;
    const logs: Record<string, number | string> = { mu: r.mu };
    if (!r.accepted) {
      logs.stopReason = `mu exceeded muMax (${o.muMax}): no damped Newton step lowers the loss`;
    }
    return { loss: r.loss, accuracy: count ? r.correct / ctx.rows : undefined, logs };
  });
}

/** M_ii += s·λ' for every weight index i (the L2 penalty's curvature), M [P × P]. */
export function addL2Diagonal(obj: Objective, M: number, s: number): void {
  const model = obj.model;
  const f = model.backend.heap.f32;
  const P = obj.P;
  const m = M >>> 2;
  model.tensors.forEach((t, i) => {
    if (t.l2 === 0) return;
    const o = obj.engine.offsets[i]!;
    for (let j = o; j < o + t.size; j++) f[m + j * P + j] = f[m + j * P + j]! + s * t.l2;
  });
}
