/**
 * Model-level gradient check against the independent float64 oracle (test/helpers/reference.ts):
 * builds a model from a list of layers, takes backprop's gradient of the batch-mean loss on a fixed
 * batch and compares every tensor (PReLU slopes, maxout pieces and dropout with its mask included)
 * with central finite differences of the oracle.
 * Criterion: per tensor ‖g − g_fd‖ / max(‖g‖, ‖g_fd‖) ≤ 1e-3.
 */
import { expect } from 'vitest';
import { Dense, dense, Dropout, Maxout, PReLU, sequential, sgd, type Backend, type Layer, type Sequential } from '../../src/index.js';
import { rand } from './conformance.js';
import { refGradFD, relErr, type RefLayer } from './reference.js';

export const NIN = 5;
export const ROWS = 6;

/** The oracle's description of a model's layers; dropout layers become their current mask. */
function refLayers(model: Sequential, masks: Map<number, Float64Array> = new Map()): RefLayer[] {
  return model.layers.map((l: Layer, i): RefLayer => {
    const base = { inUnits: l.inUnits, units: l.outUnits };
    if (l instanceof Dense) return { ...base, activation: l.activation.name, useBias: l.useBias, alpha: l.alpha };
    if (l instanceof PReLU) return { ...base, kind: 'prelu', activation: 'prelu', useBias: false };
    if (l instanceof Maxout) return { ...base, kind: 'maxout', pieces: l.pieces, activation: 'maxout', useBias: l.useBias };
    if (l instanceof Dropout) return { ...base, kind: 'mask', activation: 'mask', useBias: false, mask: masks.get(i)! };
    throw new Error(`no reference for ${l.type}`);
  });
}

/** Targets as the oracle sees them: one-hot rows, 0/1 for one output, ±1 for hinge with one output. */
function refTargets(y: number[] | { data: Float32Array }, rows: number, cols: number, loss: string): Float64Array {
  const t = new Float64Array(rows * cols);
  if (!Array.isArray(y)) {
    t.set(y.data);
    return t;
  }
  y.forEach((c, r) => {
    if (cols === 1) t[r] = loss === 'hinge' ? (c > 0 ? 1 : -1) : c;
    else t[r * cols + c] = 1;
  });
  return t;
}

/**
 * Builds a model from `layers` with random weights (biases, slopes and all), takes backprop's
 * gradient of the batch-mean loss on a fixed batch, and compares every tensor with the oracle.
 */
export function check(backend: Backend, layers: Layer[], loss: string, labels: 'classes' | 'targets' | 'probabilities', seed = 7): void {
  const model = sequential(layers, { seed, backend });
  model.compile({ loss, optimizer: sgd() });
  // Non-zero biases and spread-out slopes so that every path is exercised.
  const w = model.getWeights().map((t, i) => (model.network.params[i]!.spec.name === 'kernel' ? t : rand(t.length, 100 + i, -0.5, 0.5)));
  model.setWeights(w);
  const nout = model.outputUnits;
  const x = rand(ROWS * NIN, 3, -1.5, 1.5);
  const y =
    labels === 'classes'
      ? Array.from({ length: ROWS }, (_, r) => (r * 7) % Math.max(nout, 2))
      : { data: rand(ROWS * nout, 5, labels === 'probabilities' ? 0 : -1, 1), shape: [ROWS, nout] };
  const { grads } = model.gradients({ data: x, shape: [ROWS, NIN] }, y as never);

  // Dropout masks of this very forward pass (the step counter did not move).
  const masks = new Map<number, Float64Array>();
  const plan = model.network.plan(ROWS, true);
  model.layers.forEach((l, i) => {
    if (l instanceof Dropout) masks.set(i, Float64Array.from(backend.heap.readF32(plan.layers[i]!.mask!, ROWS * l.outUnits)));
  });
  const fd = refGradFD(
    refLayers(model, masks),
    model.getWeights().map((t) => Float64Array.from(t)),
    Float64Array.from(x),
    refTargets(y as never, ROWS, nout, loss),
    ROWS,
    loss,
  );
  grads.forEach((g, i) => {
    const e = relErr(g, fd[i]!);
    expect(
      e,
      `tensor ${i} (${model.network.params[i]!.spec.name} of layer ${model.network.params[i]!.layer}): relative error ${e}`,
    ).toBeLessThanOrEqual(1e-3);
  });
  model.dispose();
}

export const hidden = (activation: string, alpha?: number): Dense =>
  dense({ units: 7, activation, alpha, inputShape: [NIN], kernelInitializer: 'glorotNormal' });
