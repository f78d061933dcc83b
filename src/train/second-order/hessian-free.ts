/**
 * Hessian-free optimization (Martens 2010, "Deep learning via Hessian-free optimization"), for
 * networks too large for an explicit P × P matrix. Each iteration, on a gradient batch:
 *
 *   g = ∇C(θ) on the gradient batch (default: the whole training set);
 *   minimise the damped Gauss–Newton model  q(d) = gᵀd + ½·dᵀ(G + λ'I_w)d + ½·λ‖d‖²  by linear
 *   conjugate gradient, with G·v products (R-operator, never a matrix) on a curvature mini-batch,
 *   started from the previous solution decayed (d₀ = cgDecay·d_prev), stopped after
 *   maxCgIterations or when the relative progress of q over the last k = max(10, i/10) steps is
 *   below k·cgTolerance (Martens §4.4);
 *   CG-backtracking: of the iterates kept at i = ⌈1.3ʲ⌉ and the last, take the best on C, walking
 *   back from the last while C keeps falling; then an Armijo line search (α ← 0.8α) if needed;
 *   ρ = (C(θ + d) − C(θ)) / (q(d) − q(0)) (undamped q) adapts the damping, Levenberg–Marquardt
 *   style: ρ < ¼ → λ ← 3/2·λ, ρ > ¾ → λ ← 2/3·λ.
 *
 * One epoch is ⌈N / gradientBatchSize⌉ iterations (one with the default full-batch gradient).
 */
import { CHUNK_ROWS } from './hessian.js';
import type { HessianFreeConfig } from './hessian-free-epoch.js';
import { fraction, integer, positive } from './support.js';
import { secondOrderOptimizer, type SecondOrderOptimizer } from './trainer.js';

export interface HessianFreeOptions {
  /** Initial Tikhonov damping λ > 0, adapted every iteration. Default: 1. */
  damping?: number;
  /** Conjugate-gradient iterations per update, at most (≥ 1). Default: 50. */
  maxCgIterations?: number;
  /** Relative-progress tolerance ε of the CG stopping rule (> 0). Default: 5e-4 (Martens). */
  cgTolerance?: number;
  /** Warm start: CG starts from cgDecay × the previous solution, cgDecay in [0, 1). Default: 0.95. */
  cgDecay?: number;
  /** Rows of the mini-batch the Gauss–Newton products use (≥ 1). Default: min(N, max(1000, N/10)). */
  curvatureBatchSize?: number;
  /** Rows of each gradient batch (≥ 1). Default: the whole training set. */
  gradientBatchSize?: number;
}

export type { HessianFreeConfig } from './hessian-free-epoch.js';

/** Hessian-free optimization with Gauss–Newton products and CG; see the module comment. */
export function hessianFree(options: HessianFreeOptions = {}): SecondOrderOptimizer {
  const w = 'hessianFree';
  const config: HessianFreeConfig = {
    type: 'hessianFree',
    damping: positive(w, 'damping', options.damping ?? 1),
    maxCgIterations: integer(w, 'maxCgIterations', options.maxCgIterations ?? 50, 1),
    cgTolerance: positive(w, 'cgTolerance', options.cgTolerance ?? 5e-4),
    cgDecay: fraction(w, 'cgDecay', options.cgDecay ?? 0.95, true),
  };
  if (options.curvatureBatchSize !== undefined) config.curvatureBatchSize = integer(w, 'curvatureBatchSize', options.curvatureBatchSize, 1);
  if (options.gradientBatchSize !== undefined) config.gradientBatchSize = integer(w, 'gradientBatchSize', options.gradientBatchSize, 1);
  const sizes = (n: number): { gb: number; cb: number } => {
    const gb = Math.min(n, config.gradientBatchSize ?? n);
    return { gb, cb: Math.min(gb, config.curvatureBatchSize ?? Math.max(1000, Math.ceil(n / 10))) };
  };
  return secondOrderOptimizer(config, {
    where: w,
    exact: false,
    capacity: (rows) => {
      const { gb, cb } = sizes(rows);
      return Math.max(cb, Math.min(gb, CHUNK_ROWS));
    },
    loadEpoch: async () => {
      const { hessianFreeEpoch } = await import('./hessian-free-epoch.js');
      return (ctx, obj, scalars, dPrev) => hessianFreeEpoch(ctx, obj, scalars, dPrev, config, sizes(ctx.rows));
    },
  });
}
