/**
 * Activation registry: each entry is one activation with all of its math in one place (the way
 * Nielsen's cost objects carry `fn` and `delta`):
 *
 *   forward        a = f(z)                                   (rows × cols, row-major)
 *   backward       dz = da ⊙ f'(z)                            (softmax: its Jacobian, per row)
 *   rBackward      R{dz} = f'(z) ⊙ R{da} + f''(z) ⊙ R{z} ⊙ da (Pearlmutter's R-operator; curvature
 *                  products of the second-order methods). Absent: f'' is not known, so the exact
 *                  Hessian is refused (Gauss–Newton products still work).
 *   dead           units with a = 0 on every probe row learn nothing (ReLU): diagnostics count them
 *   saturated(a)   whether an output lies in the flat tails where f' ≤ 7.84 % of its peak
 *   names          what ONNX, Keras and TF.js call it (interchange formats look them up here)
 *
 * The built-in entries call the kernels of assembly/activations.ts and assembly/softmax.ts (and
 * their TypeScript twins). A user's own activation can be written against the backend's heap
 * directly (see the README recipe): `forward`/`backward` receive the backend and heap pointers.
 */
import type { Backend } from '../kernels/backend.js';
import type { Kernels } from '../kernels/kernels.js';

/** Where a layer keeps its activation's buffers: heap pointers to [rows × cols] float rows. */
export interface ActivationDef {
  /** Registry name (Keras spelling, camelCase). */
  readonly name: string;
  /** The formula, for summaries and docs. */
  readonly formula: string;
  /** Default of the activation's parameter (leaky slope, ELU α), if it has one. */
  readonly alpha?: number;
  /** True for a = z: layers alias a to z and skip both kernels. */
  readonly identity?: boolean;
  /** a = f(z) for rows × cols values (a may not alias z unless `identity`). */
  forward(be: Backend, z: number, a: number, rows: number, cols: number, alpha: number): void;
  /** dz = da ⊙ f'(z) (softmax: dz = a ⊙ (da − (aᵀda))); may read z or a; dz may alias da. */
  backward(be: Backend, z: number, a: number, da: number, dz: number, rows: number, cols: number, alpha: number): void;
  /**
   * R{dz} = f'(z) ⊙ R{da} + f''(z) ⊙ R{z} ⊙ da into rdz (the backward R-pass); ra = R{a}.
   * Undefined when f'' is not known.
   */
  rBackward?(
    be: Backend,
    z: number,
    a: number,
    rz: number,
    ra: number,
    da: number,
    rda: number,
    rdz: number,
    rows: number,
    cols: number,
    alpha: number,
  ): void;
  /** ReLU-like: a unit with a ≤ 0 on every probe row is dead (gets no gradient). */
  readonly dead?: boolean;
  /** Whether output a lies in the saturated tails (f' ≤ 7.84 % of its peak). */
  saturated?(a: number): boolean;
  /** Names in other formats; absent where the format has no such activation. */
  readonly names?: { readonly onnx?: string; readonly keras?: string; readonly tfjs?: string };
}

/**
 * |a| threshold of the saturated band on the symmetric (tanh) scale: tanh'(z) = 1 − a² ≤ 7.84 %
 * of its peak for |a| ≥ 0.96; the sigmoid's band is the same on its scale, |2a − 1| ≥ 0.96.
 */
export const SATURATION_THRESHOLD = 0.96;

type ElementwiseFwd = (z: number, a: number, n: number, alpha: number) => void;
type ElementwiseBwd = (z: number, a: number, da: number, dz: number, n: number, alpha: number) => void;
type SecondDerivative = (z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number) => void;

/**
 * An elementwise activation from its kernels: fwd a = f(z), bwd dz = da⊙f'(z), and d2 adding the
 * f'' term of the R-pass — `null` where f'' = 0 almost everywhere (piecewise-linear functions).
 */
function elementwise(
  name: string,
  formula: string,
  fwd: keyof Kernels,
  bwd: keyof Kernels,
  d2: keyof Kernels | null,
  extra: Partial<Pick<ActivationDef, 'alpha' | 'dead' | 'saturated' | 'names'>> = {},
): ActivationDef {
  return {
    name,
    formula,
    ...extra,
    forward: (be, z, a, rows, cols, alpha) => (be.k[fwd] as ElementwiseFwd)(z, a, rows * cols, alpha),
    backward: (be, z, a, da, dz, rows, cols, alpha) => (be.k[bwd] as ElementwiseBwd)(z, a, da, dz, rows * cols, alpha),
    rBackward: (be, z, a, rz, _ra, da, rda, rdz, rows, cols, alpha) => {
      (be.k[bwd] as ElementwiseBwd)(z, a, rda, rdz, rows * cols, alpha);
      if (d2) (be.k[d2] as SecondDerivative)(z, a, rz, da, rdz, rows * cols, alpha);
    },
  };
}

const defs: ActivationDef[] = [
  /** Identity: a = z, f' = 1, f'' = 0. */
  {
    name: 'linear',
    formula: 'a = z',
    identity: true,
    forward: (be, z, a, rows, cols) => z !== a && be.k.copy_f32(z, a, rows * cols),
    backward: (be, _z, _a, da, dz, rows, cols) => da !== dz && be.k.copy_f32(da, dz, rows * cols),
    rBackward: (be, _z, _a, _rz, _ra, _da, rda, rdz, rows, cols) => rda !== rdz && be.k.copy_f32(rda, rdz, rows * cols),
    names: { onnx: 'Identity', keras: 'linear', tfjs: 'linear' },
  },
  /** Rectified linear unit: a = max(0, z), f' = [z > 0], f'' = 0 (a.e.). */
  elementwise('relu', 'a = max(0, z)', 'relu_fwd_f32', 'relu_bwd_f32', null, {
    dead: true,
    names: { onnx: 'Relu', keras: 'relu', tfjs: 'relu' },
  }),
  /** Logistic sigmoid: a = 1 / (1 + e^(−z)), f' = a(1 − a), f'' = a(1 − a)(1 − 2a). */
  elementwise('sigmoid', 'a = 1 / (1 + exp(−z))', 'sigmoid_fwd_f32', 'sigmoid_bwd_f32', 'sigmoid_d2_f32', {
    saturated: (a) => Math.abs(2 * a - 1) >= SATURATION_THRESHOLD,
    names: { onnx: 'Sigmoid', keras: 'sigmoid', tfjs: 'sigmoid' },
  }),
  /** Hyperbolic tangent: a = tanh z, f' = 1 − a², f'' = −2a(1 − a²). */
  elementwise('tanh', 'a = tanh(z)', 'tanh_fwd_f32', 'tanh_bwd_f32', 'tanh_d2_f32', {
    saturated: (a) => Math.abs(a) >= SATURATION_THRESHOLD,
    names: { onnx: 'Tanh', keras: 'tanh', tfjs: 'tanh' },
  }),
  /**
   * Softmax over each row: a_i = e^(z_i) / Σ_j e^(z_j); Jacobian ∂a_i/∂z_j = a_i(δ_ij − a_j), so
   * dz = a ⊙ (da − aᵀda) per row, and the R-pass differentiates that product once more.
   */
  {
    name: 'softmax',
    formula: 'a_i = exp(z_i) / Σ_j exp(z_j)',
    forward: (be, z, a, rows, cols) => be.k.softmax_rows_f32(z, a, rows, cols),
    backward: (be, _z, a, da, dz, rows, cols) => be.k.softmax_bwd_rows_f32(a, da, dz, rows, cols),
    rBackward: (be, _z, a, _rz, ra, da, rda, rdz, rows, cols) => be.k.softmax_rbwd_rows_f32(a, ra, da, rda, rdz, rows, cols),
    names: { onnx: 'Softmax', keras: 'softmax', tfjs: 'softmax' },
  },
  /**
   * Leaky ReLU (Maas et al. 2013): a = z for z > 0, α·z otherwise; f' = 1 for z > 0, α otherwise
   * (α at 0); f'' = 0 (a.e.). Default α = 0.01, the paper's and PyTorch's slope (Keras's LeakyReLU
   * layer uses 0.3: pass `alpha: 0.3` for Keras behaviour).
   */
  elementwise('leakyRelu', 'a = z > 0 ? z : α·z', 'leaky_relu_fwd_f32', 'leaky_relu_bwd_f32', null, {
    alpha: 0.01,
    names: { onnx: 'LeakyRelu', keras: 'leaky_relu' },
  }),
  /**
   * ELU (Clevert et al. 2015): a = z for z > 0, α·(e^z − 1) otherwise; f' = 1 for z > 0,
   * α·e^z = a + α otherwise; f'' = 0 for z > 0, a + α otherwise. Default α = 1 (as Keras).
   */
  elementwise('elu', 'a = z > 0 ? z : α·(exp(z) − 1)', 'elu_fwd_f32', 'elu_bwd_f32', 'elu_d2_f32', {
    alpha: 1,
    names: { onnx: 'Elu', keras: 'elu', tfjs: 'elu' },
  }),
  /**
   * Softplus: a = ln(1 + e^z), computed as max(z, 0) + ln(1 + e^(−|z|)) so it neither overflows for
   * large z nor loses the tiny value for very negative z; f' = σ(z), f'' = σ(z)(1 − σ(z)).
   */
  elementwise('softplus', 'a = ln(1 + exp(z))', 'softplus_fwd_f32', 'softplus_bwd_f32', 'softplus_d2_f32', {
    names: { onnx: 'Softplus', keras: 'softplus', tfjs: 'softplus' },
  }),
  /** Hard tanh: a = max(−1, min(1, z)); f' = 1 for −1 < z < 1, 0 otherwise (0 at ±1); f'' = 0 (a.e.). */
  elementwise('hardTanh', 'a = max(−1, min(1, z))', 'hard_tanh_fwd_f32', 'hard_tanh_bwd_f32', null, {
    saturated: (a) => Math.abs(a) >= 1,
    names: { onnx: 'Clip' },
  }),
  /** Absolute value: a = |z|; f' = sgn z (0 at 0); f'' = 0 (a.e.). */
  elementwise('abs', 'a = |z|', 'abs_fwd_f32', 'abs_bwd_f32', null, { names: { onnx: 'Abs' } }),
];

/** Other spellings accepted (Keras snake_case). */
const aliases: Record<string, string> = {
  leaky_relu: 'leakyRelu',
  leakyReLU: 'leakyRelu',
  hard_tanh: 'hardTanh',
  absolute: 'abs',
};

const registry = new Map(defs.map((d) => [d.name, d]));

/** Names of the built-in activations, as a type: a misspelt name fails to compile. */
export type BuiltinActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'leakyRelu' | 'elu' | 'softplus' | 'hardTanh' | 'abs';
/** An activation name: a built-in one, or any registered one. */
export type ActivationName = BuiltinActivation | (string & {});

/**
 * Registers an activation, or replaces the one of the same name. It is then usable everywhere a
 * name is (dense({ activation }), save/load, diagnostics, the second-order methods when it has
 * `rBackward`). See the README recipe "Adding an activation".
 */
export function registerActivation(def: ActivationDef): void {
  if (!def || typeof def.name !== 'string' || def.name === '') throw new Error('registerActivation: the activation needs a name.');
  if (typeof def.forward !== 'function' || typeof def.backward !== 'function') {
    throw new Error(
      `registerActivation: activation '${def.name}' needs forward(be, z, a, rows, cols, alpha) and backward(be, z, a, da, dz, rows, cols, alpha) functions.`,
    );
  }
  registry.set(def.name, def);
}

/** The activation of that name (or alias), or undefined (e.g. for the output of a prelu or maxout layer). */
export function findActivation(name: string): ActivationDef | undefined {
  return registry.get((Object.hasOwn(aliases, name) ? aliases[name] : undefined) ?? name);
}

/** Looks an activation up by name; unknown names get an error listing the known ones. */
export function getActivation(name: string): ActivationDef {
  const d = registry.get((Object.hasOwn(aliases, name) ? aliases[name] : undefined) ?? name);
  if (!d) {
    if (name === 'prelu' || name === 'maxout') {
      throw new Error(
        `'${name}' has learned parameters, so it is a layer, not a dense activation: ` +
          (name === 'prelu' ? 'use dense({ units }) followed by prelu().' : 'use maxout({ units, pieces }) instead of the dense layer.'),
      );
    }
    throw new Error(`unknown activation '${name}'; use one of: ${[...registry.keys()].join(', ')}.`);
  }
  return d;
}

export function activationNames(): string[] {
  return [...registry.keys()];
}
