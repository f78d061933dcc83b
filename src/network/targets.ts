/**
 * Labels → target rows for a network's output and loss, for training and evaluation (fit,
 * evaluate, gradients, the second-order methods): not on the inference path, which never sees
 * labels.
 */
import { toTargets } from '../data/targets.js';
import type { Labels } from '../data/prepare.js';
import type { Network } from './network.js';

/**
 * Target rows [rows × outputs] of `y` for `net`'s output and compiled loss (hinge maps 0/1 labels
 * to ∓1); with one output and a loss that fits values (meanSquaredError, quadratic), a flat array
 * holds the targets.
 */
export function targetsFor(net: Network, y: Labels, rows: number, what = 'y'): Float32Array {
  const loss = net.loss;
  const nout = net.outputUnits;
  const t = toTargets(loss.prepareLabels ? loss.prepareLabels(y, nout) : y, rows, nout, what, loss.valueOutput !== undefined);
  return loss.prepareTargets ? loss.prepareTargets(t, rows, nout) : t;
}
