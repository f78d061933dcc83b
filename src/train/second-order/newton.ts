/**
 * Damped Newton's method with the exact Hessian (the course's w ← w − H⁻¹∇C, from the second-order
 * Taylor expansion C(w + Δ) ≈ C + ∇Cᵀ·Δ + ½·Δᵀ·H·Δ). One full-batch step per epoch:
 *
 *   H = ∇²C assembled from P Hessian-vector products (R-operator), + λ'·I on the weights (L2);
 *   solve (H + μI)·Δ = −∇C by Cholesky in wasm; where H + μI is not positive definite (H is
 *   indefinite away from a minimum) or C(θ + Δ) ≥ C(θ), μ ← μ·muIncrease and retry; after a
 *   successful step μ ← μ·muDecrease. Training stops when μ exceeds muMax.
 *
 * Cost per epoch: P Hessian-vector products over the data (≈ P backprop passes) and one P³/3
 * factorization; memory 2·P²·4 bytes. For P above `maxParams` use hessianFree().
 */
import type { EpochResult } from '../epoch-trainer.js';
import { dampedStep } from './damped-step.js';
import { assembleHessian } from './hessian.js';
import type { Objective } from './objective.js';
import { aboveOne, checkMatrixSize, DEFAULT_MAX_PARAMS, fraction, integer, positive } from './support.js';
import { S_DAMPING, secondOrderOptimizer, withScratch, type SecondOrderOptimizer } from './trainer.js';

export interface NewtonOptions {
  /** Initial damping μ > 0 of (H + μI). Default: 0.001. */
  mu?: number;
  /** Factor in (0, 1) applied to μ after a successful step. Default: 0.1. */
  muDecrease?: number;
  /** Factor > 1 applied to μ after a failed factorization or a step that does not lower C. Default: 10. */
  muIncrease?: number;
  /** Training stops when μ exceeds this. Default: 1e10. */
  muMax?: number;
  /** Largest parameter count for the P × P Hessian. Default: 4,000 (64 MB per matrix). */
  maxParams?: number;
}

export interface NewtonConfig {
  type: 'newton';
  mu: number;
  muDecrease: number;
  muIncrease: number;
  muMax: number;
  maxParams: number;
}

/** Damped Newton with the exact Hessian; see the module comment. */
export function newton(options: NewtonOptions = {}): SecondOrderOptimizer {
  const w = 'newton';
  const config: NewtonConfig = {
    type: 'newton',
    mu: positive(w, 'mu', options.mu ?? 0.001),
    muDecrease: fraction(w, 'muDecrease', options.muDecrease ?? 0.1),
    muIncrease: aboveOne(w, 'muIncrease', options.muIncrease ?? 10),
    muMax: positive(w, 'muMax', options.muMax ?? 1e10),
    maxParams: integer(w, 'maxParams', options.maxParams ?? DEFAULT_MAX_PARAMS, 1),
  };
  if (config.muMax < config.mu) throw new Error(`newton: muMax (${config.muMax}) must be ≥ mu (${config.mu}).`);
  return secondOrderOptimizer(config, {
    where: w,
    exact: true,
    check: (model) => checkMatrixSize(w, 'the exact Hessian', model.paramCount, config.maxParams),
    epoch(ctx, obj, scalars): EpochResult {
      const model = ctx.network;
      const P = obj.P;
      const d = { x: ctx.x, y: ctx.y, rows: ctx.rows };
      if (ctx.epoch === 0 || !(scalars[S_DAMPING]! > 0)) scalars[S_DAMPING] = config.mu;
      const count = ctx.accuracy;
      return withScratch(model, [P * P, P * P, P, P, P, P], (H, A, g, step, theta0, tmp) => {
        const c0 = obj.gradient(d, g);
        assembleHessian(obj.engine, d, H, step, tmp);
        addL2Diagonal(obj, H, 1);
        const r = dampedStep(obj, d, H, A, g, step, theta0, c0, scalars[S_DAMPING]!, config, count);
        scalars[S_DAMPING] = r.mu;
        const logs: Record<string, number | string> = { mu: r.mu };
        if (!r.accepted) {
          logs.stopReason = `mu exceeded muMax (${config.muMax}): no damped Newton step lowers the loss`;
        }
        return { loss: r.loss, accuracy: count ? r.correct / ctx.rows : undefined, logs };
      });
    },
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
