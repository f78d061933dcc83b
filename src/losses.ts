/**
 * Loss registry. A loss returns the summed per-sample loss over a batch and writes the gradient of
 * the *batch-mean* loss: straight into dL/dz when the output activation is the one it fuses with
 * (softmax + cross-entropy gives the famous a − y), otherwise into dL/da for the layer's own
 * activation backward.
 */
import type { Kernels } from './kernels/kernels.js';

export interface LossBuffers {
  /** Pre-activation of the output layer [rows × cols]. */
  z: number;
  /** Output activation [rows × cols]. */
  a: number;
  /** Targets [rows × cols]. */
  y: number;
  /** Where the gradient goes: dL/dz when fused, dL/da otherwise. */
  grad: number;
}

export interface LossDef {
  readonly name: string;
  readonly formula: string;
  /** Output activation whose gradient this loss fuses (writes dL/dz directly). */
  readonly fusedWith?: string;
  /** Output activations this loss accepts; undefined accepts all. */
  readonly requires?: readonly string[];
  /** Why `requires` holds, with the fix — shown when compile refuses a pairing. */
  readonly requiresWhy?: string;
  /** Returns Σ over rows of the per-sample loss; writes the gradient of (1/rows)·Σ loss. */
  compute(k: Kernels, p: LossBuffers, rows: number, cols: number, fused: boolean): number;
}

const defs: LossDef[] = [
  {
    /** C = −Σ_j y_j log a_j with a = softmax(z); fused gradient ∂C/∂z = a − y. */
    name: 'categoricalCrossentropy',
    formula: 'C = −Σ_j y_j·ln a_j',
    fusedWith: 'softmax',
    requires: ['softmax'],
    requiresWhy:
      "categorical cross-entropy needs probabilities that sum to one: give the output layer activation 'softmax'",
    compute: (k, p, rows, cols) => k.softmax_xent_rows_f32(p.z, p.y, p.a, p.grad, rows, cols, 1 / rows),
  },
  {
    /** Keras's mean squared error: C = (1/m)·Σ_j (a_j − y_j)² over m outputs; ∂C/∂a = (2/m)(a − y). */
    name: 'meanSquaredError',
    formula: 'C = (1/m)·Σ_j (a_j − y_j)²',
    fusedWith: 'linear',
    compute: (k, p, rows, cols) => k.sqerr_f32(p.a, p.y, p.grad, rows * cols, 2 / (rows * cols)) / cols,
  },
];

const registry = new Map(defs.map((d) => [d.name, d]));
const aliases: Record<string, string> = {
  crossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  xent: 'categoricalCrossentropy',
  nll: 'categoricalCrossentropy',
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
};

export function getLoss(name: string): LossDef {
  const d = registry.get(aliases[name] ?? name);
  if (!d) {
    throw new Error(`unknown loss '${name}'; use one of: ${[...registry.keys(), ...Object.keys(aliases)].join(', ')}.`);
  }
  return d;
}

export function registerLoss(def: LossDef, ...aliasNames: string[]): void {
  registry.set(def.name, def);
  for (const a of aliasNames) aliases[a] = def.name;
}

export function lossNames(): string[] {
  return [...registry.keys()];
}
