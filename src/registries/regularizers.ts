/**
 * L1 and L2 regularization as weight decay on weights only (never biases, PReLU slopes), in the
 * course's convention (Nielsen, ch. 3), with n the number of training samples of the `fit` call:
 *
 *   L2:  C = C₀ + (λ/2n)·Σ_w w²    →  w ← (1 − ηλ/n)·w − η·∂C₀/∂w
 *   L1:  C = C₀ + (λ/n)·Σ_w |w|    →  w ← w − (ηλ/n)·sgn(w) − η·∂C₀/∂w   (sgn 0 = 0)
 *
 * The optimizers apply the decay inside their step (the tensors' `l1`/`l2` hold λ/n), so the
 * training step needs no extra pass for the gradient; the reported loss (fit logs, evaluate) adds
 * the penalty (λ/2n)Σw² + (λ/n)Σ|w|.
 *
 * Mapping to Keras: `kernel_regularizer=l2(λk)` adds λk·Σw² to every batch's loss (no ½, no 1/n),
 * so λ here = 2n·λk; `l1(λk)` adds λk·Σ|w|, so λ here = n·λk.
 *
 * Where both are given, a layer's own `kernelRegularizer` replaces the model-wide `regularization`
 * of compile for that layer's kernel.
 */

/** λ coefficients in the course's convention (see above). Both default to 0 (off). */
export interface Regularization {
  /** L1 strength λ₁ ≥ 0: penalty (λ₁/n)·Σ|w|. Default: 0. */
  l1?: number;
  /** L2 strength λ₂ ≥ 0: penalty (λ₂/2n)·Σw². Default: 0. */
  l2?: number;
}

/** Validates a regularization option; returns it with defaults filled, or undefined when absent. */
export function checkRegularization(where: string, r: Regularization | undefined): Required<Regularization> | undefined {
  if (r === undefined) return undefined;
  if (r === null || typeof r !== 'object') {
    throw new Error(`${where}: expected { l1?, l2? } with λ ≥ 0, e.g. { l2: 5 }; got ${String(r)}.`);
  }
  for (const key of Object.keys(r)) {
    if (key !== 'l1' && key !== 'l2') throw new Error(`${where}: unknown key '${key}'; use { l1?, l2? }.`);
  }
  const out = { l1: r.l1 ?? 0, l2: r.l2 ?? 0 };
  for (const key of ['l1', 'l2'] as const) {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`${where}: ${key} must be a finite number ≥ 0 (λ; 0 switches it off), got ${String(r[key])}.`);
    }
  }
  return out;
}
