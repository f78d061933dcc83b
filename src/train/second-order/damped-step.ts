/**
 * The damped step shared by Newton and Levenberg–Marquardt: with a symmetric curvature matrix M
 * (lower triangle), the gradient g of the same objective and the damping μ,
 *
 *   solve (M + μI)·Δ = −g by Cholesky (cholesky_f32 + cholesky_solve_f32, in wasm);
 *   accept θ + Δ when it lowers the cost C, then μ ← μ·muDecrease;
 *   otherwise (factorization failed: M + μI not positive definite, ‖Δ‖ above the trust-region bound
 *   maxStep when one is given, or no decrease) μ ← μ·muIncrease and retry, until μ exceeds muMax.
 *   A larger μ shortens the step (‖Δ‖ ≤ ‖g‖/μ), so the bound is always met for μ large enough.
 */
import type { Objective, Rows } from './objective.js';

export interface DampingOptions {
  mu: number;
  muDecrease: number;
  muIncrease: number;
  muMax: number;
  /**
   * Trust-region bound: a step with ‖Δ‖ above this is refused without evaluating C (counted as a
   * failure: μ ← μ·muIncrease). Undefined: no bound.
   */
  maxStep?: number;
}

export interface StepResult {
  /** Whether a step was taken. */
  accepted: boolean;
  /** μ after the step (above muMax when it failed for good). */
  mu: number;
  /** C and correct predictions at the (new or unchanged) θ. */
  loss: number;
  correct: number;
  /** Factorizations tried. */
  tries: number;
  /** Tries refused because ‖Δ‖ exceeded maxStep. */
  bounded: number;
  /** ‖Δ‖ of the accepted step (0 when none). */
  stepNorm: number;
  /** Predicted reduction of the quadratic model, −gᵀΔ − ½ΔᵀMΔ, of the accepted step (0 when none). */
  predicted: number;
}

/** Below this μ stops shrinking (μ·muIncrease must be able to grow it again). */
const MU_FLOOR = 1e-20;

/**
 * Tries damped steps from θ (C(θ) = c0) until one lowers C or μ passes muMax. M [P × P] is kept;
 * A [P × P], step and theta0 [P] are scratch;
 * M and g may be those of any positive multiple of C (the step is the same).
 */
export function dampedStep(
  obj: Objective,
  d: Rows,
  M: number,
  A: number,
  g: number,
  step: number,
  theta0: number,
  c0: number,
  mu: number,
  o: DampingOptions,
  count: boolean,
): StepResult {
  const k = obj.model.backend.k;
  const P = obj.P;
  obj.readTheta(theta0);
  let tries = 0,
    bounded = 0;
  while (mu <= o.muMax) {
    tries++;
    k.copy_f32(M, A, P * P);
    if (k.cholesky_f32(A, P, mu) === 0) {
      k.copy_f32(g, step, P);
      k.scale_f32(step, -1, P);
      k.cholesky_solve_f32(A, step, P);
      const stepNorm = Math.sqrt(k.dot_f32(step, step, P));
      if (o.maxStep !== undefined && stepNorm > o.maxStep) bounded++;
      else {
        // (M + μI)·Δ = −g ⇒ ΔᵀMΔ = −gᵀΔ − μ‖Δ‖², so the model's reduction is ½(−gᵀΔ + μ‖Δ‖²).
        const predicted = 0.5 * (-k.dot_f32(g, step, P) + mu * stepNorm * stepNorm);
        obj.addTheta(1, step);
        const c = obj.cost(d, count);
        if (c.loss < c0) {
          const next = Math.max(mu * o.muDecrease, MU_FLOOR);
          return { accepted: true, mu: next, loss: c.loss, correct: c.correct, tries, bounded, stepNorm, predicted };
        }
        obj.writeTheta(theta0);
      }
    }
    mu *= o.muIncrease;
  }
  const c = obj.cost(d, count);
  return { accepted: false, mu, loss: c.loss, correct: c.correct, tries, bounded, stepNorm: 0, predicted: 0 };
}
