/**
 * Loss registry. A loss returns the summed per-sample loss over a batch and writes the gradient of
 * the *batch-mean* loss: straight into dL/dz when the output activation is the one it fuses with
 * (softmax + cross-entropy gives the famous a − y), otherwise into dL/da for the layer's own
 * activation backward.
 *
 * Each entry carries its whole math: the value and fused delta (`compute`), the output layers it
 * fits (`requires`, `check`, and `classOutput`/`valueOutput` for presets and the CLI), and its
 * curvature (`curvature`: the loss Hessian times a vector, for the second-order methods).
 *
 * Pairings (compile refuses the others, naming the one to use):
 *   categoricalCrossentropy  softmax, ≥ 2 outputs (fused: δ = a − y)
 *   binaryCrossentropy       sigmoid, any number of outputs (fused from logits: δ = a − y)
 *   hinge                    raw scores: linear (fused), tanh, …; not sigmoid/softmax, nor relu-like for one output
 *   meanSquaredError, quadratic   any output (fused with linear)
 */
import type { Labels } from '../data/prepare.js';
import type { Backend } from '../kernels/backend.js';

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

/** A loss's curvature at the output, per sample: its Hessian H (on the logits or on the outputs). */
export interface LossCurvature {
  /** 'logits': H_z through the fused output activation; 'outputs': H_a, for any output activation. */
  readonly wrt: 'logits' | 'outputs';
  /** out = (1/rows)·H·u over rows × cols, given the outputs a; out may alias u. */
  product(be: Backend, a: number, u: number, out: number, rows: number, cols: number): void;
  /**
   * κ of the squared losses, C = (κ/2)·Σ_j e_j² per sample (so E = ½Σe² = C/κ, Levenberg–Marquardt's
   * objective); 1 for the cross-entropies.
   */
  kappa(cols: number): number;
  /**
   * Column j of a square-root factor of H: H = Σ_j u_j·u_jᵀ (with κ divided out), for the
   * Gauss–Newton matrix JᵀHJ = Σ_j (u_jᵀJ)ᵀ(u_jᵀJ). Writes u_j into f[u … u + cols) given the
   * sample's outputs f[a … a + cols); f[u …] is zero on entry.
   */
  factor(f: Float32Array, a: number, u: number, cols: number, j: number): void;
}

/** Squared losses: H_a = κ·I, factor u_j = e_j (the unit vector), on the outputs. */
function squared(kappa: (cols: number) => number): LossCurvature {
  return {
    wrt: 'outputs',
    product: (be, _a, u, out, rows, cols) => be.k.mse_hvp_f32(u, out, rows * cols, kappa(cols) / rows),
    kappa,
    factor: (f, _a, u, _cols, j) => {
      f[u + j] = 1;
    },
  };
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
  /**
   * Checks the pairing with the output layer beyond `requires` (the number of outputs, the
   * activation's range); returns why it does not fit, with the pairing to use, or undefined.
   */
  readonly check?: (activation: string | undefined, outputs: number) => string | undefined;
  /**
   * Rewrites class labels before they become targets (hinge accepts −1/+1 labels for one output).
   * Receives what the user passed; returns it, or a converted copy.
   */
  readonly prepareLabels?: (y: Labels, outputs: number) => Labels;
  /** Converts/validates target rows once at the API boundary (in place or a copy); see hinge. */
  readonly prepareTargets?: (y: Float32Array, rows: number, cols: number) => Float32Array;
  /** Decision threshold of a single output for accuracy: 0.5 (probabilities) unless stated. */
  readonly threshold?: number;
  /** Returns Σ over rows of the per-sample loss; writes the gradient of (1/rows)·Σ loss. */
  compute(be: Backend, p: LossBuffers, rows: number, cols: number, fused: boolean): number;
  /** The output layer of a classifier of `classes` (≥ 2) classes: activation and width. */
  readonly classOutput: (classes: number) => { activation: string; units: number };
  /** The output activation for real-valued targets; undefined when the loss needs class labels. */
  readonly valueOutput?: string;
  /**
   * The loss Hessian times a vector, for the second-order methods (undefined: `noCurvatureWhy`).
   * wrt 'logits': H_z through the fused output activation (only with `fusedWith`);
   * wrt 'outputs': H_a on the output activations (any activation).
   * `product` writes out = (1/rows)·H·u over rows × cols, given the outputs a; out may alias u.
   */
  readonly curvature?: LossCurvature;
  /** Why the loss has no curvature (shown when a second-order method is refused). */
  readonly noCurvatureWhy?: string;
}

/** Output activations whose values are never negative: they cannot give the −1 side of a margin. */
const NON_NEGATIVE = ['relu', 'softplus', 'abs'];
/** Clip of probabilities in the unfused binary cross-entropy (Keras's epsilon). */
export const BCE_EPSILON = 1e-7;

const defs: LossDef[] = [
  {
    /** C = −Σ_j y_j log a_j with a = softmax(z); fused gradient ∂C/∂z = a − y. */
    name: 'categoricalCrossentropy',
    formula: 'C = −Σ_j y_j·ln a_j',
    fusedWith: 'softmax',
    requires: ['softmax'],
    requiresWhy: "categorical cross-entropy needs probabilities that sum to one: give the output layer activation 'softmax'",
    check: (_act, outputs) =>
      outputs < 2
        ? 'a softmax over a single output is always 1: for two classes use one sigmoid unit with ' +
          "loss 'binaryCrossentropy', or two softmax units"
        : undefined,
    compute: ({ k }, p, rows, cols) => k.softmax_xent_rows_f32(p.z, p.y, p.a, p.grad, rows, cols, 1 / rows),
    classOutput: (classes) => ({ activation: 'softmax', units: classes }),
    /** H_z = diag(a) − a·aᵀ per row; factor u_j = √a_j·(e_j − a). */
    curvature: {
      wrt: 'logits',
      product: (be, a, u, out, rows, cols) => be.k.softmax_xent_hvp_rows_f32(a, u, out, rows, cols, 1 / rows),
      kappa: () => 1,
      factor: (f, a, u, cols, j) => {
        const s = Math.sqrt(f[a + j]!);
        for (let q = 0; q < cols; q++) f[u + q] = -s * f[a + q]!;
        f[u + j] = f[u + j]! + s;
      },
    },
  },
  {
    /** Keras's mean squared error: C = (1/m)·Σ_j (a_j − y_j)² over m outputs; ∂C/∂a = (2/m)(a − y). */
    name: 'meanSquaredError',
    formula: 'C = (1/m)·Σ_j (a_j − y_j)²',
    fusedWith: 'linear',
    compute: ({ k }, p, rows, cols) => k.sqerr_f32(p.a, p.y, p.grad, rows * cols, 2 / (rows * cols)) / cols,
    classOutput: (classes) => ({ activation: 'sigmoid', units: classes }),
    valueOutput: 'linear',
    /** H_a = (2/m)·I. */
    curvature: squared((cols) => 2 / cols),
  },
  {
    /**
     * The course's quadratic cost (Nielsen eq. 6), per sample C = ½·Σ_j (a_j − y_j)²: summed over
     * the outputs, with the ½ that cancels in the derivative ∂C/∂a = a − y (so δᴸ = (a − y) ⊙ σ'(z)
     * for sigmoid outputs, exactly the book's). Keras's 'mse' is this times 2/m for m outputs.
     */
    name: 'quadratic',
    formula: 'C = ½·Σ_j (a_j − y_j)²',
    fusedWith: 'linear',
    compute: ({ k }, p, rows, cols) => 0.5 * k.sqerr_f32(p.a, p.y, p.grad, rows * cols, 1 / rows),
    classOutput: (classes) => ({ activation: 'sigmoid', units: classes }),
    valueOutput: 'linear',
    /** H_a = I. */
    curvature: squared(() => 1),
  },
  {
    /**
     * Binary cross-entropy (Nielsen eq. 57), summed over the outputs (independent yes/no labels):
     *   C = −Σ_j [y_j·ln a_j + (1 − y_j)·ln(1 − a_j)].
     * With sigmoid outputs it is fused and computed from the logits z, stably for any z:
     *   C = Σ_j max(z_j, 0) − z_j·y_j + ln(1 + e^(−|z_j|)),   ∂C/∂z = a − y   (no σ' to saturate).
     * Otherwise (an output that is already a probability) it runs on a clipped to [ε, 1 − ε], ε = 1e−7,
     * with ∂C/∂a = (a − y) / (a·(1 − a)). Keras averages over the outputs instead of summing; the two
     * agree for the usual single output.
     */
    name: 'binaryCrossentropy',
    formula: 'C = −Σ_j [y_j·ln a_j + (1 − y_j)·ln(1 − a_j)]',
    fusedWith: 'sigmoid',
    check: (act) =>
      act === 'sigmoid'
        ? undefined
        : act === 'softmax'
          ? 'binary cross-entropy treats every output as its own probability, while a softmax row is one ' +
            "distribution over classes: use loss 'categoricalCrossentropy' with softmax, or activation 'sigmoid' " +
            'with binaryCrossentropy (one unit for two classes)'
          : 'binary cross-entropy needs probabilities in (0, 1) and fuses with the sigmoid (δ = a − y): give the ' +
            "output layer activation 'sigmoid' (one unit for two classes)",
    compute: ({ k }, p, rows, cols, fused) =>
      fused
        ? k.bce_logits_f32(p.z, p.y, p.a, p.grad, rows * cols, 1 / rows)
        : k.bce_f32(p.a, p.y, p.grad, rows * cols, 1 / rows, BCE_EPSILON),
    classOutput: (classes) => ({ activation: 'sigmoid', units: classes === 2 ? 1 : classes }),
    /** H_z = diag(a(1 − a)) with the sigmoid; factor u_j = √(a_j(1 − a_j))·e_j. */
    curvature: {
      wrt: 'logits',
      product: (be, a, u, out, rows, cols) => be.k.sigmoid_bce_hvp_f32(a, u, out, rows * cols, 1 / rows),
      kappa: () => 1,
      factor: (f, a, u, _cols, j) => {
        f[u + j] = Math.sqrt(f[a + j]! * (1 - f[a + j]!));
      },
    },
  },
  {
    /**
     * Hinge loss on raw scores (a linear output), the SVM's margin loss.
     * One output, binary, targets y ∈ {−1, +1}:   C = max(0, 1 − y·a),  ∂C/∂a = −y where y·a < 1, else 0.
     *   Class labels 0/1 map to −1/+1 (0 → −1, 1 → +1); ±1 labels are taken as they are.
     * Several outputs, multi-class (Crammer–Singer), one-hot targets or class indices with true class t:
     *   C = max(0, 1 + max_{j≠t} a_j − a_t),  ∂C/∂a_t = −1 and ∂C/∂a_{j*} = +1 for the strongest wrong
     *   class j* where the margin is violated (Keras's categorical_hinge).
     * At the kink the subgradient 0 is used. Accuracy of one output thresholds the score at 0.
     */
    name: 'hinge',
    formula: 'C = max(0, 1 − y·a)  |  max(0, 1 + max_{j≠t} a_j − a_t)',
    fusedWith: 'linear',
    threshold: 0,
    check: (act, outputs) =>
      act === 'sigmoid' || act === 'softmax' || (outputs === 1 && act !== undefined && NON_NEGATIVE.includes(act))
        ? `hinge loss needs raw scores that can reach both sides of the margin (−1 and +1), which '${act}' cannot ` +
          "give: use output activation 'linear' (or 'tanh'); for probabilities use " +
          (outputs === 1 ? "'sigmoid' with 'binaryCrossentropy'" : "'softmax' with 'categoricalCrossentropy'")
        : undefined,
    prepareLabels: (y, outputs) => {
      // One output: class labels may be given as −1/+1; make them 0/1 class indices for toTargets.
      if (outputs !== 1 || !(Array.isArray(y) || ArrayBuffer.isView(y)) || (Array.isArray(y) && Array.isArray(y[0]))) return y;
      const labels = y as ArrayLike<number>;
      let signed = false;
      for (let i = 0; i < labels.length; i++) if (labels[i] === -1) signed = true;
      return signed ? Array.from(labels, (v) => (v === -1 ? 0 : v)) : y;
    },
    prepareTargets: (y, rows, cols) => {
      if (cols !== 1) return y;
      const t = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const v = y[r]!;
        if (v !== 0 && v !== 1 && v !== -1) {
          throw new Error(`hinge: target ${v} at row ${r} is not a class: use −1/+1 targets or 0/1 labels.`);
        }
        t[r] = v > 0 ? 1 : -1;
      }
      return t;
    },
    compute: ({ k }, p, rows, cols) =>
      cols === 1 ? k.hinge_f32(p.a, p.y, p.grad, rows, 1 / rows) : k.hinge_multi_rows_f32(p.a, p.y, p.grad, rows, cols, 1 / rows),
    classOutput: (classes) => ({ activation: 'linear', units: classes === 2 ? 1 : classes }),
    noCurvatureWhy: 'hinge loss has no curvature (it is piecewise linear: its second derivative is zero wherever it exists)',
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
  bce: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalHinge: 'hinge',
  categorical_hinge: 'hinge',
  squaredError: 'quadratic',
};

/** Names of the built-in losses and their aliases, as a type: a misspelt name fails to compile. */
export type BuiltinLoss =
  | 'categoricalCrossentropy'
  | 'meanSquaredError'
  | 'quadratic'
  | 'binaryCrossentropy'
  | 'hinge'
  | 'crossentropy'
  | 'categorical_crossentropy'
  | 'xent'
  | 'nll'
  | 'mse'
  | 'mean_squared_error'
  | 'bce'
  | 'binary_crossentropy'
  | 'categoricalHinge'
  | 'categorical_hinge'
  | 'squaredError';
/** A loss name: a built-in one, or any registered one. */
export type LossName = BuiltinLoss | (string & {});

export function getLoss(name: string): LossDef {
  const d = registry.get((Object.hasOwn(aliases, name) ? aliases[name] : undefined) ?? name);
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
