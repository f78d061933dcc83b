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
import type { NewtonConfig } from './newton-epoch.js';
import { aboveOne, checkMatrixSize, DEFAULT_MAX_PARAMS, fraction, integer, positive } from './support.js';
import { secondOrderOptimizer, type SecondOrderOptimizer } from './trainer.js';

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

export type { NewtonConfig } from './newton-epoch.js';

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
    loadEpoch: async () => {
      const { newtonEpoch } = await import('./newton-epoch.js');
      return (ctx, obj, scalars) => newtonEpoch(ctx, obj, scalars, config);
    },
  });
}
