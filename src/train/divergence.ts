/**
 * Divergence detection: the error fit throws when a batch's loss becomes non-finite, which names
 * the first layer whose weights or output hold a NaN/±Infinity and says what to change. The health
 * callback (train/health.ts) raises the same error for exploding weights and gradients.
 */
import type { Network, Plan } from '../network/network.js';
import type { HealthReport } from './health-report.js';
import type { History } from './logs.js';
import type { Session } from './session.js';

/**
 * Training stopped because values became non-finite, the loss or the weights exploded, or the
 * network collapsed (every unit of a ReLU layer dead); names the layer and what to change.
 */
export class DivergenceError extends Error {
  /** The epochs fit completed before the error (set by fit). */
  history?: History;
  constructor(
    message: string,
    /** Index in model.layers of the layer named as the culprit (−1: the loss itself). */
    readonly layer: number,
    /** 0-based epoch. */
    readonly epoch: number,
    /** The health report of that epoch (or the last one before it), when diagnostics were on. */
    public report?: HealthReport,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** 'layer 2 (dense 100→10 softmax)'. */
export function layerLabel(net: Network, i: number): string {
  return `layer ${i} (${net.layers[i]!.describe()})`;
}

/** A lower learning rate to suggest: the session's divided by 10, as text (empty when unknown). */
function lowerRate(session: Session | undefined): string {
  const lr = session && session.optimizer.kind === 'step' ? session.learningRate() : NaN;
  return Number.isFinite(lr) && lr > 0 ? ` (e.g. ${fmt(lr)} → ${fmt(lr / 10)})` : '';
}

/**
 * What to change after a divergence, for its cause: 'training' (the steps are too large: the
 * learning rate first, then the initialization), 'weights' (the initial weights are too large) or
 * 'bias' (the initial biases are).
 */
export function advice(session: Session | undefined, cause: 'training' | 'weights' | 'bias' = 'training'): string {
  if (cause === 'bias') return "Initialize the biases with 'zeros' (biasInitializer) or small constants.";
  const init = "heNormal for ReLU layers, lecunNormal or glorotNormal for sigmoid/tanh; not 'standardNormal'";
  if (cause === 'weights') return `Use a scaled initialization (kernelInitializer: ${init}).`;
  return `Lower the learning rate${lowerRate(session)}, or use a different initialization (${init}).`;
}

export function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** Which layer went non-finite first: its weights, or its output on the rows in `plan`. */
export function locateNonFinite(net: Network, plan: Plan | undefined, rows: number): { layer: number; what: string } | undefined {
  const k = net.backend.k;
  for (let i = 0; i < net.layers.length; i++) {
    const layer = net.layers[i]!;
    for (const t of net.paramsOf(i)) {
      const { ptr, size } = net.paramView(t);
      if (k.find_nonfinite_f32(ptr, size) >= 0) return { layer: i, what: `its ${net.params[t]!.spec.name} weights` };
    }
    const out = plan?.layers[i]?.out;
    if (plan && out && k.find_nonfinite_f32(out, rows * layer.outUnits) >= 0) return { layer: i, what: 'its output' };
  }
  return undefined;
}

/**
 * The error fit throws when a batch's loss is not finite: names the first layer whose weights or
 * output on that batch hold a NaN/±Infinity, and what to change.
 */
export function divergenceError(
  net: Network,
  session: Session,
  plan: Plan,
  rows: number,
  epoch: number,
  batch: number,
  loss: number,
): DivergenceError {
  const where = locateNonFinite(net, plan, rows);
  const culprit = where
    ? `${layerLabel(net, where.layer)} was the first with non-finite values (${where.what}). `
    : 'Every layer is finite: the loss overflowed on extreme outputs. ';
  return new DivergenceError(
    `fit: the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}: training diverged. ${culprit}${advice(session)}`,
    where?.layer ?? -1,
    epoch,
  );
}
