/**
 * Per-column standardisation of CSV data, z = (x − mean) / std, with the mean and std of the
 * training split; saved in dataset.json so that `evaluate` and `predict` apply the same map (and
 * map a regression's predictions back to the target's units: y = z·std + mean).
 */
import type { Sequential } from '../index.js';
import type { Tensor2D } from '../data/tensor.js';

/** Mean and std of each column; std is 1 for a constant column (its z is then x − mean, 0 on the training split). */
export interface ColumnScaler {
  mean: number[];
  std: number[];
}

/** The scalers of a saved model: of the feature columns, and of a regression's target. */
export interface Standardization {
  x: ColumnScaler;
  y?: ColumnScaler;
}

/** A std this small relative to the mean is rounding noise of a constant column. */
const CONSTANT_RELATIVE_STD = 1e-9;

/** Mean and population std of every column of t (in float64); a constant column gets std 1. */
export function fitScaler(t: Tensor2D): ColumnScaler {
  const [n, cols] = t.shape;
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < cols; j++) mean[j] += t.data[r * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < cols; j++) {
      const d = t.data[r * cols + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < cols; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s > CONSTANT_RELATIVE_STD * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean, std };
}

/** (t − mean) / std per column, as a new tensor. */
export function scale(t: Tensor2D, s: ColumnScaler): Tensor2D {
  const [n, cols] = t.shape;
  const out = new Float32Array(n * cols);
  for (let r = 0; r < n; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = (t.data[r * cols + j] - s.mean[j]) / s.std[j];
  return { data: out, shape: [n, cols] };
}

/** z·std + mean per column, as a new tensor (the inverse of scale). */
export function unscale(t: Tensor2D, s: ColumnScaler): Tensor2D {
  const [n, cols] = t.shape;
  const out = new Float32Array(n * cols);
  for (let r = 0; r < n; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = t.data[r * cols + j] * s.std[j] + s.mean[j];
  return { data: out, shape: [n, cols] };
}

/** The scaler in a dataset.json, checked: `cols` finite means and positive stds; else an error naming the file. */
export function checkScaler(raw: unknown, cols: number, what: string, source: string): ColumnScaler {
  const s = raw as Partial<ColumnScaler> | null;
  const ok = (a: unknown, positive: boolean): a is number[] =>
    Array.isArray(a) && a.length === cols && a.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0));
  if (!s || typeof s !== 'object' || !ok(s.mean, false) || !ok(s.std, true)) {
    throw new Error(
      `${source}: the standardisation of ${what} must be { mean, std } with ${cols} numbers each (std > 0); retrain and save the model`,
    );
  }
  return { mean: s.mean, std: s.std };
}

/**
 * The test loss of a regression trained on standardised targets, in the target's units: the data
 * loss of the predictions mapped back (mse (1/m)Σ(a − y)², quadratic ½Σ(a − y)², mean over rows),
 * plus the weight-decay penalty that model.evaluate adds (its loss on the standardised targets
 * minus the data loss there).
 */
export function lossInTargetUnits(model: Sequential, x: Tensor2D, yTrue: Tensor2D, y: ColumnScaler): number {
  const yStd = scale(yTrue, y);
  const { loss } = model.evaluate(x, yStd);
  const zHat = model.predict(x);
  const yHat = unscale(zHat, y);
  const data = (a: Tensor2D, b: Tensor2D): number => {
    const [n, m] = a.shape;
    let sum = 0;
    for (let i = 0; i < n * m; i++) sum += (a.data[i] - b.data[i]) ** 2;
    return model.loss.name === 'quadratic' ? (0.5 * sum) / n : sum / (n * m);
  };
  const penalty = Math.max(0, loss - data(zHat, yStd));
  return data(yHat, yTrue) + penalty;
}
