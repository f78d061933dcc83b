/**
 * Levenberg–Marquardt (Levenberg 1944, Marquardt 1963; for networks Hagan & Menhaj 1994), the
 * recommended second-order method for small networks. One full-batch step per epoch on
 *
 *   E(θ) = ½·Σ_r Σ_j e_rj²  (squared losses, e = a − y; E = N·C/κ),   E = Σ_r ℓ_r (cross-entropies),
 *
 * with the Gauss–Newton matrix in place of the Hessian:
 *   JᵀJ = Σ_r J̃_rᵀ·J̃_r, J̃_r the per-sample Jacobian of the outputs (squared losses), or of the
 *   logits scaled by a square root of the loss Hessian (softmax: rows √a_k·(e_k − a)ᵀ; sigmoid:
 *   √(a(1 − a))), accumulated sample block by sample block with the symmetric rank-k update
 *   (syrk_acc_f32) so J is never stored whole;
 *   solve (JᵀJ + N·λ'·I_w + μI)·Δ = −∇E by Cholesky; accept when the loss drops (μ ← μ·muDecrease),
 *   else μ ← μ·muIncrease and retry.
 *
 * Defaults are MATLAB trainlm's documented ones: mu 0.001, mu_dec 0.1, mu_inc 10, mu_max 1e10,
 * max_fail 6, min_grad 1e-7, goal 0 (trainlm's epochs default, 1000, is fit's `epochs` here), plus
 * one safeguard trainlm lacks: a trust-region bound ‖Δθ‖ ≤ maxStepRatio·max(‖θ‖, 1) (default 0.3;
 * a longer step counts as a failed try, μ ← μ·muIncrease, which shortens it). See
 * DEFAULT_MAX_STEP_RATIO for why and for the measurements.
 *
 * Training stops, with `logs.stopReason` saying which, when μ exceeds muMax (no damped step lowers
 * the loss), the loss reaches goal, ‖∇C‖ falls below minGrad (here the gradient of the batch-mean
 * loss), the accepted step is shorter than minStep·max(‖θ‖, 1) (θ no longer moves in float32), or,
 * with validation data, the validation loss has not improved for maxFail epochs in a row — then the
 * weights with the best validation loss are restored. Every epoch logs `mu`, `gradNorm`, `stepNorm`
 * and `rho` (see lmEpoch).
 */
import { CHUNK_ROWS } from './hessian.js';
import type { LevenbergMarquardtConfig } from './levenberg-marquardt-epoch.js';
import { aboveOne, checkMatrixSize, DEFAULT_MAX_PARAMS, fraction, integer, positive } from './support.js';
import { secondOrderOptimizer, type SecondOrderOptimizer } from './trainer.js';

/**
 * Default trust-region bound on the step, relative to ‖θ‖: ‖Δθ‖ ≤ 0.3·max(‖θ‖, 1).
 *
 * Why: at trainlm's μ = 0.001 the first accepted steps on standardised multi-input regressions are
 * nearly Gauss–Newton steps along poorly determined directions of JᵀJ; they lower the loss, so they
 * are accepted, but blow up the first layer (‖W₁‖ 3.1 → 33 → 102 in two epochs) and saturate the
 * tanh units, after which the fit crawls. Measured with bench/lm-robustness.ts (d-10-1 tanh, layer
 * default init, full batch, target MSE 0.01 within 100 epochs, 20 seeds × 3 generated problems):
 *
 *   problems                              trainlm (bound off)   μ = 1    fixed 0.3    adaptive 0.3 (default)
 *   8/12/13 inputs, 500 rows (default)    53/60, median 11      58/60    60/60, 10    60/60, median 7
 *   4/6/8 inputs, 300 rows, scale 2       56/60, median 10        –      60/60, 11    59/60, median 8
 *   sin(x) 1-5-1, seeds 1–10, to 1e-4     7–25 epochs             –      9–23         7–24
 *
 * "adaptive": the bound doubles after a step it constrained that the quadratic model predicted
 * well (ρ > 3/4), and halves back toward its base when ρ < 1/4 (a fixed bound needs too many
 * epochs on linear fits, e.g. the ridge test). Re-run: bench/lm-robustness.ts [--set small].
 *
 * Marquardt's scaling (μ·diag(JᵀJ) in place of μI) did worse on the first set (44/60, 46/60 with
 * μ = 0.01) and failed sin on seeds 5 and 8, so the damping stays μI as in trainlm.
 */
export const DEFAULT_MAX_STEP_RATIO = 0.3;

/** Default relative step tolerance: below it θ barely moves in float32 (ε ≈ 1.2e-7). */
export const DEFAULT_MIN_STEP = 1e-6;

export interface LevenbergMarquardtOptions {
  /** Initial damping μ > 0 (trainlm mu). Default: 0.001. */
  mu?: number;
  /** Factor in (0, 1) applied to μ after a successful step (trainlm mu_dec). Default: 0.1. */
  muDecrease?: number;
  /** Factor > 1 applied to μ after a failed step (trainlm mu_inc). Default: 10. */
  muIncrease?: number;
  /** Training stops when μ exceeds this (trainlm mu_max). Default: 1e10. */
  muMax?: number;
  /** Consecutive epochs without a better validation loss before stopping (trainlm max_fail); 0 disables. Default: 6. */
  maxFail?: number;
  /** Training stops when ‖∇C‖ falls below this (trainlm min_grad). Default: 1e-7. */
  minGrad?: number;
  /** Training stops when the training loss reaches this (trainlm goal). Default: 0. */
  goal?: number;
  /** Largest parameter count for the P × P matrix. Default: 4,000 (64 MB per matrix). */
  maxParams?: number;
  /**
   * Trust-region bound: a step longer than maxStepRatio·max(‖θ‖, 1) is refused like a failed one
   * (μ ← μ·muIncrease); 0 disables it (plain trainlm). Default: 0.3 (DEFAULT_MAX_STEP_RATIO).
   */
  maxStepRatio?: number;
  /** Training stops when an accepted step is shorter than minStep·max(‖θ‖, 1); 0 disables. Default: 1e-6. */
  minStep?: number;
}

export type { LevenbergMarquardtConfig } from './levenberg-marquardt-epoch.js';

/** Floats of one Jacobian block (rows × P): 4 MB. */
const J_BLOCK_FLOATS = 1 << 20;

function nonNegative(w: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
    throw new Error(`${w}: ${name} must be a finite number ≥ 0, got ${String(v)}.`);
  return v;
}

/** Levenberg–Marquardt with the Gauss–Newton matrix JᵀJ; see the module comment. */
export function levenbergMarquardt(options: LevenbergMarquardtOptions = {}): SecondOrderOptimizer {
  const w = 'levenbergMarquardt';
  const goal = options.goal ?? 0;
  if (typeof goal !== 'number' || !(goal >= 0)) throw new Error(`${w}: goal must be a number ≥ 0, got ${String(options.goal)}.`);
  const minGrad = options.minGrad ?? 1e-7;
  if (typeof minGrad !== 'number' || !(minGrad >= 0))
    throw new Error(`${w}: minGrad must be a number ≥ 0, got ${String(options.minGrad)}.`);
  const config: LevenbergMarquardtConfig = {
    type: 'levenbergMarquardt',
    mu: positive(w, 'mu', options.mu ?? 0.001),
    muDecrease: fraction(w, 'muDecrease', options.muDecrease ?? 0.1),
    muIncrease: aboveOne(w, 'muIncrease', options.muIncrease ?? 10),
    muMax: positive(w, 'muMax', options.muMax ?? 1e10),
    maxFail: integer(w, 'maxFail', options.maxFail ?? 6, 0),
    minGrad,
    goal,
    maxParams: integer(w, 'maxParams', options.maxParams ?? DEFAULT_MAX_PARAMS, 1),
    maxStepRatio: nonNegative(w, 'maxStepRatio', options.maxStepRatio ?? DEFAULT_MAX_STEP_RATIO),
    minStep: nonNegative(w, 'minStep', options.minStep ?? DEFAULT_MIN_STEP),
  };
  if (config.muMax < config.mu) throw new Error(`${w}: muMax (${config.muMax}) must be ≥ mu (${config.mu}).`);
  return secondOrderOptimizer(config, {
    where: w,
    exact: false,
    check: (model) => checkMatrixSize(w, 'the Gauss–Newton matrix JᵀJ', model.paramCount, config.maxParams),
    capacity: (rows, model) => Math.max(1, Math.min(rows, CHUNK_ROWS, Math.floor(J_BLOCK_FLOATS / model.paramCount))),
    loadEpoch: async () => {
      const { lmEpoch } = await import('./levenberg-marquardt-epoch.js');
      return (ctx, obj, scalars, best) => lmEpoch(ctx, obj, scalars, best, config);
    },
  });
}
