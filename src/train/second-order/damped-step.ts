/**
 * The damped step shared by Newton and Levenberg–Marquardt: with a symmetric curvature matrix M
 * (lower triangle), the gradient g of the same objective and the damping μ,
 *
 *   solve (M + μI)·Δ = −g by Cholesky (cholesky_f32 + cholesky_solve_f32, in wasm);
 *   accept θ + Δ when it lowers the cost C, then μ ← μ·muDecrease;
 *   otherwise (factorization failed: M + μI not positive definite, or no decrease) μ ← μ·muIncrease
 *   and retry, until μ exceeds muMax.
 */
import type { Objective, Rows } from './objective.js';

export interface DampingOptions {
  mu: number;
  muDecrease: number;
  muIncrease: number;
  muMax: number;
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
  let tries = 0;
  while (mu <= o.muMax) {
    tries++;
    k.copy_f32(M, A, P * P);
    if (k.cholesky_f32(A, P, mu) === 0) {
      k.copy_f32(g, step, P);
      k.scale_f32(step, -1, P);
      k.cholesky_solve_f32(A, step, P);
      obj.addTheta(1, step);
      const c = obj.cost(d, count);
      if (c.loss < c0) return { accepted: true, mu: Math.max(mu * o.muDecrease, MU_FLOOR), loss: c.loss, correct: c.correct, tries };
      obj.writeTheta(theta0);
    }
    mu *= o.muIncrease;
  }
  const c = obj.cost(d, count);
  return { accepted: false, mu, loss: c.loss, correct: c.correct, tries };
}
