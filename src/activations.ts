/**
 * Activation registry: name → the kernel pair that computes it. Every entry states its formula
 * a = f(z) and derivative f'(z); the kernels (assembly/activations.ts, assembly/softmax.ts and their
 * TypeScript twins) compute exactly these. New activations slot in by adding an entry.
 */
import type { Kernels } from './kernels/kernels.js';

export interface ActivationDef {
  /** Registry name (Keras spelling). */
  readonly name: string;
  /** Elementwise forward kernel a = f(z), or undefined for row-wise ones (softmax). */
  readonly fwd?: keyof Kernels;
  /** Elementwise backward kernel dz = da ⊙ f'(z). */
  readonly bwd?: keyof Kernels;
  /** Default of the activation's parameter (leaky slope, ELU α), if any. */
  readonly alpha?: number;
  /** True for activations that act on a whole row (softmax). */
  readonly rowwise?: boolean;
  /** The formula, for summaries and docs. */
  readonly formula: string;
}

const defs: ActivationDef[] = [
  /** Identity: a = z, f' = 1. */
  { name: 'linear', fwd: 'linear_fwd_f32', bwd: 'linear_bwd_f32', formula: 'a = z' },
  /** Rectified linear unit: a = max(0, z), f' = [z > 0]. */
  { name: 'relu', fwd: 'relu_fwd_f32', bwd: 'relu_bwd_f32', formula: 'a = max(0, z)' },
  /** Logistic sigmoid: a = 1 / (1 + e^(−z)), f' = a(1 − a). */
  { name: 'sigmoid', fwd: 'sigmoid_fwd_f32', bwd: 'sigmoid_bwd_f32', formula: 'a = 1 / (1 + exp(−z))' },
  /** Hyperbolic tangent: a = tanh z, f' = 1 − a². */
  { name: 'tanh', fwd: 'tanh_fwd_f32', bwd: 'tanh_bwd_f32', formula: 'a = tanh(z)' },
  /** Softmax over each row: a_i = e^(z_i) / Σ_j e^(z_j); Jacobian ∂a_i/∂z_j = a_i(δ_ij − a_j). */
  { name: 'softmax', rowwise: true, formula: 'a_i = exp(z_i) / Σ_j exp(z_j)' },
];

const registry = new Map(defs.map((d) => [d.name, d]));

/** Registers an activation (used by later families: leaky ReLU, ELU, …). */
export function registerActivation(def: ActivationDef): void {
  registry.set(def.name, def);
}

/** Looks an activation up by name; unknown names get an error listing the known ones. */
export function getActivation(name: string): ActivationDef {
  const d = registry.get(name);
  if (!d) {
    throw new Error(`unknown activation '${name}'; use one of: ${[...registry.keys()].join(', ')}.`);
  }
  return d;
}

export function activationNames(): string[] {
  return [...registry.keys()];
}
