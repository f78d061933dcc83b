/**
 * The Levenberg–Marquardt epoch (see levenberg-marquardt.ts for the method), loaded with
 * `await import()` when fit runs a model compiled with levenbergMarquardt().
 */
import type { EpochContext, EpochResult } from '../epoch-trainer.js';
import { dampedStep } from './damped-step.js';
import { addL2Diagonal } from './newton-epoch.js';
import type { Objective } from './objective.js';
import { S_BEST_VAL, S_DAMPING, S_FAILS, S_RADIUS_SCALE, withScratch } from './trainer.js';
import { evaluateRows } from '../../network/batches.js';

export interface LevenbergMarquardtConfig {
  type: 'levenbergMarquardt';
  mu: number;
  muDecrease: number;
  muIncrease: number;
  muMax: number;
  maxFail: number;
  minGrad: number;
  goal: number;
  maxParams: number;
  maxStepRatio: number;
  minStep: number;
}

/**
 * One LM epoch. Logs: `mu` (μ after the epoch: the damping the next epoch starts from), `gradNorm`
 * (‖∇C‖ at the start of the epoch's step, C the batch-mean loss + L2; `gradient` is the same value
 * under its older name), `stepNorm` (‖Δθ‖ of the accepted step, 0 when none), `rho` (gain ratio:
 * actual / predicted reduction of the accepted step; near 1 the quadratic model is trusted),
 * `stopReason` when training should stop.
 */
export function lmEpoch(ctx: EpochContext, obj: Objective, scalars: Float64Array, best: number, o: LevenbergMarquardtConfig): EpochResult {
  const model = ctx.network;
  const { k } = model.backend;
  const P = obj.P;
  const d = { x: ctx.x, y: ctx.y, rows: ctx.rows };
  const val = o.maxFail > 0 ? ctx.validation : undefined;
  if (ctx.epoch === 0) {
    scalars[S_DAMPING] = o.mu;
    scalars[S_FAILS] = 0;
    scalars[S_BEST_VAL] = Infinity;
    scalars[S_RADIUS_SCALE] = 1;
    if (val) {
      scalars[S_BEST_VAL] = evaluateRows(model, val.x, val.y, val.rows, 256, false).loss;
      obj.readTheta(best);
    }
  }
  const count = ctx.accuracy;
  const cap = obj.engine.capacity;
  const m = model.outputUnits;
  return withScratch(model, [P * P, P * P, P, P, P, cap * P, cap * m], (M, A, g, step, theta0, J, U) => {
    const c0 = obj.gradient(d, g);
    const gradNorm = Math.sqrt(k.dot_f32(g, g, P));
    const logs: Record<string, number | string> = { mu: scalars[S_DAMPING]!, gradNorm, gradient: gradNorm, stepNorm: 0 };
    const stop = (why: string): void => {
      logs.stopReason = why;
    };
    if (gradNorm < o.minGrad) {
      stop(`‖∇C‖ = ${gradNorm.toExponential(2)} fell below minGrad (${o.minGrad})`);
      const c = obj.cost(d, count);
      return { loss: c.loss, accuracy: count ? c.correct / ctx.rows : undefined, logs };
    }
    const sE = objectiveScale(obj, ctx.rows);
    accumulateJtJ(obj, d, M, J, U);
    addL2Diagonal(obj, M, sE);
    k.scale_f32(g, sE, P);
    obj.readTheta(theta0);
    const radius = Math.max(Math.sqrt(k.dot_f32(theta0, theta0, P)), 1);
    const bound = o.maxStepRatio * radius * scalars[S_RADIUS_SCALE]!;
    const damping = { ...o, maxStep: o.maxStepRatio > 0 ? bound : undefined };
    const r = dampedStep(obj, d, M, A, g, step, theta0, c0, scalars[S_DAMPING]!, damping, count);
    scalars[S_DAMPING] = r.mu;
    logs.mu = r.mu;
    logs.stepNorm = r.stepNorm;
    if (r.accepted) {
      const rho = r.predicted > 0 ? (sE * (c0 - r.loss)) / r.predicted : 0;
      logs.rho = rho;
      // The bound widens (×2) after a step the quadratic model predicted well (ρ > 3/4) that used
      // most of it, and narrows back (÷2, not below the base) when the model was poor (ρ < 1/4).
      if (rho > 0.75 && r.bounded > 0) scalars[S_RADIUS_SCALE] = scalars[S_RADIUS_SCALE]! * 2;
      else if (rho < 0.25) scalars[S_RADIUS_SCALE] = Math.max(1, scalars[S_RADIUS_SCALE]! / 2);
    }
    if (!r.accepted) stop(`mu exceeded muMax (${o.muMax}): no damped step lowers the loss`);
    else if (r.loss <= o.goal) stop(`the loss reached goal (${o.goal})`);
    else if (r.stepNorm < o.minStep * radius) stop(`‖Δθ‖ = ${r.stepNorm.toExponential(2)} fell below minStep·max(‖θ‖, 1) (${o.minStep})`);
    let loss = r.loss,
      correct = r.correct;
    if (val && r.accepted) {
      const v = evaluateRows(model, val.x, val.y, val.rows, 256, false).loss;
      if (v < scalars[S_BEST_VAL]!) {
        scalars[S_BEST_VAL] = v;
        scalars[S_FAILS] = 0;
        obj.readTheta(best);
      } else if (++scalars[S_FAILS]! >= o.maxFail) {
        obj.writeTheta(best);
        stop(`the validation loss has not improved for ${o.maxFail} epochs (maxFail); restored the best weights`);
        ({ loss, correct } = obj.cost(d, count));
      }
    }
    return { loss, accuracy: count ? correct / ctx.rows : undefined, logs };
  });
}

/** s with E = s·C: N/κ for squared losses (E = ½Σe²), N for the cross-entropies (E = Σℓ). */
function objectiveScale(obj: Objective, rows: number): number {
  return rows / obj.engine.out.kappa(obj.model.outputUnits);
}

/**
 * M = Σ_blocks J̃ᵀ·J̃ (lower triangle), J̃ [rows·m × P] built m rows-per-sample block by block:
 * for each output factor k, U holds per sample the vector whose backprop gives row (r, k).
 */
function accumulateJtJ(obj: Objective, d: { x: number; y: number; rows: number }, M: number, J: number, U: number): void {
  const engine = obj.engine;
  const model = obj.model;
  const { k, heap } = model.backend;
  const P = obj.P;
  const m = model.outputUnits,
    nin = model.inputUnits;
  const curvature = engine.out;
  let first = true;
  for (let r0 = 0; r0 < d.rows; r0 += engine.capacity) {
    const rows = Math.min(engine.capacity, d.rows - r0);
    engine.linearize(d.x + 4 * r0 * nin, d.y + 4 * r0 * m, rows);
    const a = engine.outputs().a >>> 2;
    for (let j = 0; j < m; j++) {
      const f = heap.f32;
      const u = U >>> 2;
      f.fill(0, u, u + rows * m);
      for (let r = 0; r < rows; r++) curvature.factor(f, a + r * m, u + r * m, m, j);
      engine.jacobianRows(U, curvature.wrt === 'outputs', J);
      k.syrk_acc_f32(J, M, rows, P, first ? 0 : 1);
      first = false;
    }
  }
}
