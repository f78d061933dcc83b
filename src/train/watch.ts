/**
 * The checks fit runs after every epoch even without diagnostics, so that a diverging run is never
 * silent:
 *
 *   exploding loss   the epoch's training loss ≥ LOSS_GROWTH_LIMIT × the loss at the initial weights
 *                    (and above 1): the steps overshoot; a learning rate 10× lower usually cures it.
 *                    The initial loss is the first batch's (its forward pass runs at the initial
 *                    weights, before the first update: the epoch loss's own measure, at no cost), or
 *                    for an epoch trainer, which takes no batches, the loss over a fixed probe — the
 *                    first `PROBE_ROWS` training rows — before the first epoch
 *   collapse         every unit of a layer whose activation can die (ReLU: `dead` in the registry) is
 *                    inactive on every probe row at the epoch's weights: nothing below it gets a
 *                    gradient and the outputs no longer depend on the input, so training cannot recover
 *                    (a ReLU net at η = 10 on MNIST gets here in one epoch and then sits at 10 %
 *                    accuracy with a finite loss)
 *
 * Cost: nothing while the network is healthy — the collapse check first looks at the epoch's last
 * batch, whose activations the training step left in its plan, and runs an inference forward pass
 * over the probe only when some layer that can die shows no active unit there (that pass was ≈ 5 %
 * of a fit of one epoch of 16 batches of 128 rows with 784-512-256-10, and a second one for the
 * initial loss, before it was the first batch's, as much again: measured A/B in one process on 1 and
 * 2 threads). A layer killed by an epoch's very last update is found at the next epoch's end (or, after
 * the last epoch, not at all: the run is over and the history shows the loss).
 * A non-finite loss is caught earlier, in the batch where it appears (fit, divergence.ts).
 */
import type { Network, Plan } from '../network/network.js';
import { findActivation } from '../registries/activations.js';
import { advice, DivergenceError, fmt, layerLabel } from './divergence.js';
import type { Session } from './session.js';

/** Rows of the probe (fewer when the training set is smaller). */
export const PROBE_ROWS = 256;
/** Growth of the training loss over its value at the initial weights counted as exploding. */
export const LOSS_GROWTH_LIMIT = 100;

export class DivergenceWatch {
  private readonly rows: number;
  private initialLoss = Number.NaN;
  /** Whether some layer's activation can die (ReLU): the collapse check's probe pass runs only then. */
  private readonly canDie: boolean;

  /** x, y: the training rows in the heap (the probe is their first rows). */
  constructor(
    private readonly net: Network,
    private readonly session: Session,
    private readonly x: number,
    private readonly y: number,
    trainRows: number,
  ) {
    this.rows = Math.min(PROBE_ROWS, trainRows);
    this.canDie = net.layers.some(mayDie);
  }

  /** The first batch's mean loss, at the initial weights (fit, before the first update). */
  firstBatch(loss: number): void {
    if (Number.isNaN(this.initialLoss)) this.initialLoss = loss;
  }

  /** Measures the probe loss at the current (initial) weights: for an epoch trainer, which takes no batches. */
  probeInitialLoss(): void {
    const plan = this.net.plan(this.rows, false);
    this.net.forward(plan, this.x, this.rows, false);
    this.initialLoss = this.net.lossOf(plan, this.y, this.rows) / this.rows;
  }

  /**
   * The error describing how the run diverged at the end of `epoch`, or undefined when it did not.
   * `last`: the training plan and row count of the epoch's last batch, whose activations (its forward
   * pass, before its update) are still in the plan: a layer with a unit active on one of those rows
   * has not collapsed, so the probe pass — which decides, at the epoch's weights — runs only when
   * some layer that can die shows no active unit there (or without `last`: an epoch trainer's epoch).
   */
  check(epoch: number, loss: number, last?: { plan: Plan; rows: number }): DivergenceError | undefined {
    const net = this.net;
    const at = `at epoch ${epoch + 1}`;
    if (Number.isFinite(this.initialLoss) && loss > 1 && loss >= LOSS_GROWTH_LIMIT * this.initialLoss) {
      return new DivergenceError(
        `fit: the training loss exploded ${at}: ${fmt(loss)}, ${fmt(loss / this.initialLoss)}× its value at the initial ` +
          `weights (${fmt(this.initialLoss)}). ${advice(this.session)}`,
        -1,
        epoch,
      );
    }
    // Only a layer whose activation can die can collapse: without one, no probe pass.
    if (!this.canDie) return undefined;
    const alive = (i: number): boolean => {
      const a = last?.plan.layers[i]?.a;
      return a !== undefined && last!.rows > 0 && !allDead(net.backend.heap.f32, a >>> 2, last!.rows, net.layers[i]!.outUnits);
    };
    if (last && net.layers.every((l, i) => !mayDie(l) || alive(i))) return undefined;
    const plan = net.plan(this.rows, false);
    net.forward(plan, this.x, this.rows, false);
    // Read after the plan's allocation (a memory growth would leave an earlier view empty).
    const f = net.backend.heap.f32;
    for (let i = 0; i < net.layers.length; i++) {
      const layer = net.layers[i]!;
      const a = plan.layers[i]!.a;
      if (a === undefined || !mayDie(layer)) continue;
      if (allDead(f, a >>> 2, this.rows, layer.outUnits)) {
        return new DivergenceError(
          `fit: the network collapsed ${at}: every unit of ${layerLabel(net, i)} is inactive (a = 0) on all ${this.rows} ` +
            'probe rows, so no gradient reaches the layers below and the outputs no longer depend on the input. ' +
            `${advice(this.session)} leakyRelu or elu cannot die this way.`,
          i,
          epoch,
        );
      }
    }
    return undefined;
  }
}

/** Whether the layer's output activation can die (`dead` in the registry: ReLU). */
function mayDie(layer: Network['layers'][number]): boolean {
  const act = layer.outputActivation();
  return act !== undefined && findActivation(act)?.dead === true;
}

/** Whether every one of the `units` columns of a [rows × units] (at f[base…]) is ≤ 0 on every row. */
function allDead(f: Float32Array, base: number, rows: number, units: number): boolean {
  for (let k = 0; k < rows * units; k++) if (f[base + k]! > 0) return false;
  return true;
}
