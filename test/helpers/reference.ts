/**
 * An independent float64 oracle: a plain multilayer perceptron written from the formulas, sharing
 * nothing with src/ but the parameter order (per layer: kernel [in × out] row-major, then bias).
 * Used for finite-difference gradient checks and closed-form comparisons.
 */
export interface RefLayer {
  inUnits: number;
  units: number;
  activation: string;
  useBias: boolean;
  alpha?: number;
  /**
   * 'dense' (default): z = x·W + b, a = f(z).
   * 'prelu': a = z > 0 ? z : α_j·z with one weight tensor α [units] (units = inUnits).
   * 'maxout': z = x·W + b with W [in × units·pieces], a[u] = max_p z[u·pieces + p].
   * 'mask': a = x ⊙ mask (a fixed dropout mask [rows × units]); no weights.
   */
  kind?: 'dense' | 'prelu' | 'maxout' | 'mask';
  pieces?: number;
  mask?: Float64Array;
}

function act(name: string, z: Float64Array, alpha = 0): Float64Array {
  const a = new Float64Array(z.length);
  switch (name) {
    case 'linear':
      a.set(z);
      break;
    case 'relu':
      for (let i = 0; i < z.length; i++) a[i] = Math.max(0, z[i]!);
      break;
    case 'sigmoid':
      for (let i = 0; i < z.length; i++) a[i] = 1 / (1 + Math.exp(-z[i]!));
      break;
    case 'tanh':
      for (let i = 0; i < z.length; i++) a[i] = Math.tanh(z[i]!);
      break;
    case 'leakyRelu':
      for (let i = 0; i < z.length; i++) a[i] = z[i]! > 0 ? z[i]! : alpha * z[i]!;
      break;
    case 'elu':
      for (let i = 0; i < z.length; i++) a[i] = z[i]! > 0 ? z[i]! : alpha * (Math.exp(z[i]!) - 1);
      break;
    case 'softplus':
      for (let i = 0; i < z.length; i++) a[i] = Math.log1p(Math.exp(z[i]!));
      break;
    case 'hardTanh':
      for (let i = 0; i < z.length; i++) a[i] = Math.max(-1, Math.min(1, z[i]!));
      break;
    case 'abs':
      for (let i = 0; i < z.length; i++) a[i] = Math.abs(z[i]!);
      break;
    default:
      throw new Error(`reference: no activation ${name}`);
  }
  return a;
}

function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const a = new Float64Array(z.length);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, z[r * cols + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(z[r * cols + j]! - m);
    for (let j = 0; j < cols; j++) a[r * cols + j] = Math.exp(z[r * cols + j]! - m) / s;
  }
  return a;
}

/** Forward pass in float64; returns the output activations [rows × out]. */
export function refForward(layers: RefLayer[], weights: Float64Array[], x: Float64Array, rows: number): Float64Array {
  let a = x;
  let w = 0;
  for (const l of layers) {
    if (l.kind === 'mask') {
      a = a.map((v, i) => v * l.mask![i]!);
      continue;
    }
    if (l.kind === 'prelu') {
      const alpha = weights[w++]!;
      a = a.map((v, i) => (v > 0 ? v : alpha[i % l.units]! * v));
      continue;
    }
    const width = l.kind === 'maxout' ? l.units * l.pieces! : l.units;
    const W = weights[w++]!;
    const b = l.useBias ? weights[w++]! : undefined;
    const z = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < width; j++) {
        let s = b ? b[j]! : 0;
        for (let i = 0; i < l.inUnits; i++) s += a[r * l.inUnits + i]! * W[i * width + j]!;
        z[r * width + j] = s;
      }
    }
    if (l.kind === 'maxout') {
      const k = l.pieces!;
      a = new Float64Array(rows * l.units);
      for (let u = 0; u < a.length; u++) a[u] = Math.max(...z.subarray(u * k, u * k + k));
      continue;
    }
    a = l.activation === 'softmax' ? softmaxRows(z, rows, l.units) : act(l.activation, z, l.alpha);
  }
  return a;
}

/** Batch-mean loss in float64 (formulas as documented in src/losses.ts). */
export function refLoss(loss: string, a: Float64Array, y: Float64Array, rows: number, cols: number): number {
  let s = 0;
  if (loss === 'categoricalCrossentropy') {
    for (let i = 0; i < a.length; i++) if (y[i]! !== 0) s -= y[i]! * Math.log(a[i]!);
  } else if (loss === 'meanSquaredError') {
    for (let i = 0; i < a.length; i++) s += (a[i]! - y[i]!) ** 2 / cols;
  } else if (loss === 'quadratic') {
    for (let i = 0; i < a.length; i++) s += 0.5 * (a[i]! - y[i]!) ** 2;
  } else if (loss === 'binaryCrossentropy') {
    // On probabilities (the fused kernel works from logits; the value is the same).
    for (let i = 0; i < a.length; i++) s -= y[i]! * Math.log(a[i]!) + (1 - y[i]!) * Math.log(1 - a[i]!);
  } else if (loss === 'hinge' && cols === 1) {
    // Targets ±1.
    for (let i = 0; i < a.length; i++) s += Math.max(0, 1 - y[i]! * a[i]!);
  } else if (loss === 'hinge') {
    // Crammer–Singer with one-hot targets.
    for (let r = 0; r < rows; r++) {
      let t = 0;
      for (let j = 1; j < cols; j++) if (y[r * cols + j]! > y[r * cols + t]!) t = j;
      let best = -Infinity;
      for (let j = 0; j < cols; j++) if (j !== t) best = Math.max(best, a[r * cols + j]!);
      s += Math.max(0, 1 + best - a[r * cols + t]!);
    }
  } else {
    throw new Error(`reference: no loss ${loss}`);
  }
  return s / rows;
}

/** Central finite differences of the float64 loss with respect to every weight (step h). */
export function refGradFD(
  layers: RefLayer[],
  weights: Float64Array[],
  x: Float64Array,
  y: Float64Array,
  rows: number,
  loss: string,
  h = 1e-5,
): Float64Array[] {
  const cols = layers[layers.length - 1]!.units;
  const f = (): number => refLoss(loss, refForward(layers, weights, x, rows), y, rows, cols);
  return weights.map((w) => {
    const g = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const old = w[i]!;
      w[i] = old + h;
      const fp = f();
      w[i] = old - h;
      const fm = f();
      w[i] = old;
      g[i] = (fp - fm) / (2 * h);
    }
    return g;
  });
}

/** ‖a − b‖ / max(‖a‖, ‖b‖, floor): the relative error used by gradient checks. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-8): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(na), Math.sqrt(nb), floor);
}
