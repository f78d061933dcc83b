/**
 * What the second-order methods can serve, checked once at compile (and again at fit, where the
 * regularization is finally applied), and the option checks they share. Every refusal says why.
 */
import type { LossDef } from '../../registries/losses.js';
import type { Dense } from '../../layers/dense.js';
import type { Network } from '../../network/network.js';
import { fraction as fractionIn } from '../../validate.js';
import { hasSecondDerivative, outputCurvature } from './curvature.js';

/** Default cap on the parameters of an explicit P × P matrix (Newton, Levenberg–Marquardt). */
export const DEFAULT_MAX_PARAMS = 4000;

/** "10.36 GB"-style size. */
export function formatBytes(b: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) {
    b /= 1000;
    i++;
  }
  return `${i === 0 ? b : b.toPrecision(3)} ${units[i]}`;
}

/** Throws when P² floats exceed the cap, stating the memory and pointing to hessianFree. */
export function checkMatrixSize(where: string, what: string, P: number, maxParams: number): void {
  if (P <= maxParams) return;
  const n = P.toLocaleString('en-US');
  throw new Error(
    `${where}: ${what} of this model (${n} parameters) has ${n} × ${n} entries and needs ` +
      `${formatBytes(P * P * 4)} (P²·4 bytes), above the cap of ${maxParams.toLocaleString('en-US')} parameters (maxParams). ` +
      'Use hessianFree(), which needs only curvature-vector products, or raise maxParams.',
  );
}

/**
 * Refuses models the method cannot serve: non-dense layers (dropout: the quadratic model must be
 * deterministic), losses without curvature (hinge), L1 (not smooth), activations without a known
 * second derivative (exact Hessian only).
 */
export function checkSupport(
  where: string,
  model: Network,
  loss: LossDef,
  exactHessian: boolean,
  regularization?: { l1: number; l2: number },
): void {
  model.layers.forEach((l, i) => {
    if (l.type === 'dropout') {
      throw new Error(
        `${where}: layer ${i} is dropout, but the quadratic model of a second-order step must be deterministic; ` +
          'remove the dropout layers (use L2 regularization instead) or train with sgd/adam.',
      );
    }
    if (l.type !== 'dense') {
      throw new Error(`${where}: layer ${i} is a '${l.type}' layer; second-order methods support dense layers only.`);
    }
  });
  const layers = model.layers as Dense[];
  const last = layers[layers.length - 1]!;
  outputCurvature(loss, last.activation.name, where);
  if (exactHessian) {
    layers.forEach((l, i) => {
      if (!hasSecondDerivative(l.activation.name)) {
        throw new Error(
          `${where}: the exact Hessian needs f'' of activation '${l.activation.name}' (layer ${i}), which is not known; use levenbergMarquardt() or hessianFree().`,
        );
      }
    });
  }
  const l1 =
    (regularization?.l1 ?? 0) > 0 || model.params.some((p) => p.spec.decay && (p.spec.l1 ?? 0) > 0) || model.tensors.some((t) => t.l1 > 0);
  if (l1) {
    throw new Error(
      `${where}: L1 regularization is not smooth (|w| has no second derivative at 0), so it has no curvature; ` +
        'use L2 (folded into the curvature as λ·I) or a first-order optimizer.',
    );
  }
}

export { positiveNumber as positive, aboveOne, integer } from '../../validate.js';

/** A number in (0, 1), or [0, 1) when `closedBelow`. */
export function fraction(where: string, name: string, v: unknown, closedBelow = false): number {
  return fractionIn(where, name, v, closedBelow ? '[0, 1)' : '(0, 1)');
}
