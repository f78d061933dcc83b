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
  /**
   * Leaky ReLU (Maas et al. 2013): a = z for z > 0, α·z otherwise; f' = 1 for z > 0, α otherwise
   * (α at 0). Default α = 0.01, the paper's and PyTorch's slope (Keras's LeakyReLU layer uses 0.3:
   * pass `alpha: 0.3` for Keras behaviour).
   */
  { name: 'leakyRelu', fwd: 'leaky_relu_fwd_f32', bwd: 'leaky_relu_bwd_f32', alpha: 0.01, formula: 'a = z > 0 ? z : α·z' },
  /**
   * ELU (Clevert et al. 2015): a = z for z > 0, α·(e^z − 1) otherwise; f' = 1 for z > 0,
   * α·e^z = a + α otherwise. Default α = 1 (as Keras).
   */
  { name: 'elu', fwd: 'elu_fwd_f32', bwd: 'elu_bwd_f32', alpha: 1, formula: 'a = z > 0 ? z : α·(exp(z) − 1)' },
  /**
   * Softplus: a = ln(1 + e^z), computed as max(z, 0) + ln(1 + e^(−|z|)) so it neither overflows for
   * large z nor loses the tiny value for very negative z; f' = σ(z) = 1 / (1 + e^(−z)).
   */
  { name: 'softplus', fwd: 'softplus_fwd_f32', bwd: 'softplus_bwd_f32', formula: 'a = ln(1 + exp(z))' },
  /** Hard tanh: a = max(−1, min(1, z)); f' = 1 for −1 < z < 1, 0 otherwise (0 at ±1). */
  { name: 'hardTanh', fwd: 'hard_tanh_fwd_f32', bwd: 'hard_tanh_bwd_f32', formula: 'a = max(−1, min(1, z))' },
  /** Absolute value: a = |z|; f' = sgn z (0 at 0). */
  { name: 'abs', fwd: 'abs_fwd_f32', bwd: 'abs_bwd_f32', formula: 'a = |z|' },
];

/** Other spellings accepted (Keras snake_case). */
const aliases: Record<string, string> = {
  leaky_relu: 'leakyRelu', leakyReLU: 'leakyRelu', hard_tanh: 'hardTanh', absolute: 'abs',
};

const registry = new Map(defs.map((d) => [d.name, d]));

/** Registers an activation (used by later families: leaky ReLU, ELU, …). */
export function registerActivation(def: ActivationDef): void {
  registry.set(def.name, def);
}

/** Looks an activation up by name; unknown names get an error listing the known ones. */
export function getActivation(name: string): ActivationDef {
  const d = registry.get(aliases[name] ?? name);
  if (!d) {
    if (name === 'prelu' || name === 'maxout') {
      throw new Error(
        `'${name}' has learned parameters, so it is a layer, not a dense activation: ` +
          (name === 'prelu' ? "use dense({ units }) followed by prelu()." : 'use maxout({ units, pieces }) instead of the dense layer.'),
      );
    }
    throw new Error(`unknown activation '${name}'; use one of: ${[...registry.keys()].join(', ')}.`);
  }
  return d;
}

export function activationNames(): string[] {
  return [...registry.keys()];
}
