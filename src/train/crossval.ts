/**
 * k-fold cross-validation (the course's way to choose hyper-parameters without touching the test
 * set): the n rows are split into k disjoint folds of ⌊n/k⌋ or ⌈n/k⌉ rows; for each fold i a fresh
 * model is trained on the other k − 1 folds and scored on fold i. The score of a setting is the
 * mean over the folds, with its spread
 *
 *   mean = (1/k)·Σᵢ sᵢ,    std = √( Σᵢ (sᵢ − mean)² / (k − 1) )      (the *sample* std, Bessel's k − 1)
 *
 * (numpy's / scikit-learn's `.std()` is the population std, the same sum over k: multiply ours by
 * √((k − 1)/k) to compare).
 */
import type { Input, Labels } from '../data/prepare.js';
import { Rng } from '../random.js';
import { DivergenceError } from './divergence.js';
import type { FitOptions, History } from './fit.js';
import { anyInteger, positiveInteger } from '../validate.js';

/**
 * The k folds of n rows: fold i is a sorted Int32Array of row indices. Rows are permuted with the
 * seeded generator first (unless shuffle is false, which gives contiguous blocks); the first n mod k
 * folds get one extra row. Folds are disjoint, their union is 0…n−1, and the same (n, k, seed)
 * always gives the same folds.
 */
export function kFoldIndices(n: number, k: number, seed = 1, shuffle = true): Int32Array[] {
  positiveInteger('kFoldIndices', 'n', n);
  checkK(k, n);
  anyInteger('kFoldIndices', 'seed', seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) new Rng(seed).shuffle(order);
  const folds: Int32Array[] = [];
  const base = Math.floor(n / k);
  const extra = n % k;
  let at = 0;
  for (let i = 0; i < k; i++) {
    const size = base + (i < extra ? 1 : 0);
    folds.push(order.slice(at, at + size).sort());
    at += size;
  }
  return folds;
}

function checkK(k: number, n: number, where = 'kFoldIndices'): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new Error(`${where}: k must be an integer ≥ 2 (k folds train on k − 1 of them and score on one), got ${String(k)}.`);
  }
  if (k > n) throw new Error(`${where}: k = ${k} folds need at least ${k} rows, but there are ${n}; use k ≤ ${n}.`);
}

/** The rows of x not in `test` (ascending): the training indices of a fold. */
export function complement(n: number, test: Int32Array): Int32Array {
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const out = new Int32Array(n - test.length);
  let j = 0;
  for (let i = 0; i < n; i++) if (!inTest[i]) out[j++] = i;
  return out;
}

/** What crossValidate and search train and score: a compiled model (a Sequential). */
export interface TrainableModel {
  readonly compiled: boolean;
  /** Metrics compile fixed (['accuracy'] or []), when the model tells. */
  readonly metrics?: readonly string[];
  fit(x: Input, y: Labels, options?: FitOptions): Promise<History>;
  evaluate(x: Input, y: Labels): { loss: number; accuracy?: number };
  dispose(): void;
}

export interface CrossValidateOptions {
  /** Number of folds, 2 ≤ k ≤ rows. Default: 5. */
  k?: number;
  /** Seed of the fold assignment. Default: 1. */
  seed?: number;
  /** Permute the rows before cutting folds (false: contiguous blocks, e.g. for time series). Default: true. */
  shuffle?: boolean;
  /** Options of every fold's fit (epochs, batchSize, callbacks such as earlyStopping…). Default: {}. */
  fitOptions?: FitOptions;
  /** Called after each fold is scored (progress reports). */
  onFold?: (result: FoldResult) => void;
}

/** The score of one fold. */
export interface FoldResult {
  /** 0-based fold index. */
  fold: number;
  /** Rows trained on / held out. */
  trainRows: number;
  testRows: number;
  /** evaluate() on the held-out fold: loss (with the penalty) and accuracy when compiled with it. */
  loss: number;
  accuracy?: number;
  /** Epochs actually run (early stopping may end a fold early). */
  epochs: number;
  /** Wall time of the fold (fit + evaluate) in seconds. */
  seconds: number;
  /**
   * Set when the fold's fit ended in a DivergenceError: its message. The fold's loss (and accuracy)
   * are then NaN, so the means are NaN and search ranks the candidate last.
   */
  diverged?: string;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation over the folds (k − 1 in the denominator). */
  std: number;
}

export interface CrossValidationResult {
  k: number;
  folds: FoldResult[];
  loss: MeanStd;
  /** Present when the models report accuracy. */
  accuracy?: MeanStd;
  /** 'sample' (k − 1): how std is computed. */
  std: 'sample';
  /** Folds whose training diverged (their scores are NaN). */
  diverged: number;
}

/** A row-major view of any Input, without knowing the model yet. */
export interface Rows {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Reads x (number[][] or { data, shape }) as rows; the model checks values and widths later. */
export function asRows(x: Input | Labels, what = 'x'): Rows {
  if (x !== null && typeof x === 'object' && 'shape' in x && 'data' in x) {
    const shape = x.shape;
    const rows = shape[0]!;
    const cols = shape.length === 1 ? 1 : shape[1]!;
    if (shape.length > 2 || x.data.length !== rows * cols) {
      throw new Error(`${what}: data has ${x.data.length} values but shape [${[...shape].join(', ')}] needs ${rows * cols}.`);
    }
    return { data: x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>), rows, cols };
  }
  if (Array.isArray(x) && (x.length === 0 || Array.isArray(x[0]) || ArrayBuffer.isView(x[0]))) {
    const rows = x.length;
    const cols = rows ? (x[0] as ArrayLike<number>).length : 0;
    const data = new Float32Array(rows * cols);
    (x as ArrayLike<number>[]).forEach((r, i) => {
      if (r.length !== cols)
        throw new Error(`${what}[${i}] has ${r.length} values but ${what}[0] has ${cols}: rows must all have the same length.`);
      data.set(r, i * cols);
    });
    return { data, rows, cols };
  }
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const v = x as ArrayLike<number>;
    return { data: Float32Array.from(v), rows: v.length, cols: 1 };
  }
  throw new Error(`${what} must be number[][], class labels or { data, shape: [rows, columns] }, got ${typeof x}.`);
}

/** Rows `idx` of x as a { data, shape } matrix. */
export function takeRows(x: Rows, idx: Int32Array): { data: Float32Array; shape: [number, number] } {
  const out = new Float32Array(idx.length * x.cols);
  for (let i = 0; i < idx.length; i++) out.set(x.data.subarray(idx[i]! * x.cols, (idx[i]! + 1) * x.cols), i * x.cols);
  return { data: out, shape: [idx.length, x.cols] };
}

/** Rows `idx` of y, keeping class labels as class labels (number[]) and target rows as a matrix. */
export function takeLabels(y: Labels, yRows: Rows, idx: Int32Array): Labels {
  const isClassVector = (Array.isArray(y) && !Array.isArray(y[0])) || ArrayBuffer.isView(y);
  if (isClassVector) return Array.from(idx, (i) => yRows.data[i]!);
  return takeRows(yRows, idx);
}

/** Mean and sample std (k − 1) of a list. */
export function meanStd(values: number[]): MeanStd {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: k > 1 ? Math.sqrt(ss / (k - 1)) : 0 };
}

/**
 * Trains `model` on the fold's training rows and scores it on its test rows. A fit that diverges
 * (DivergenceError) gives a fold with NaN scores and the reason, instead of failing the whole run.
 */
async function scoreFold(
  model: TrainableModel,
  fold: number,
  X: Rows,
  Y: Rows,
  y: Labels,
  train: Int32Array,
  test: Int32Array,
  fitOptions: FitOptions,
): Promise<FoldResult> {
  const r: FoldResult = { fold, trainRows: train.length, testRows: test.length, loss: Number.NaN, epochs: 0, seconds: 0 };
  try {
    const history = await model.fit(takeRows(X, train), takeLabels(y, Y, train), fitOptions);
    r.epochs = history.epoch.length;
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    r.diverged = e.message;
    r.epochs = e.history?.epoch.length ?? e.epoch;
    if (model.compiled && model.metrics?.includes('accuracy')) r.accuracy = Number.NaN;
    return r;
  }
  const score = model.evaluate(takeRows(X, test), takeLabels(y, Y, test));
  r.loss = score.loss;
  if (score.accuracy !== undefined) r.accuracy = score.accuracy;
  return r;
}

/**
 * Trains and scores one fresh model per fold; see the module comment. `buildModel(fold)` returns a
 * compiled model (a new one each call: weights must not leak between folds); each is disposed after
 * scoring.
 */
export async function crossValidate(
  buildModel: (fold: number) => TrainableModel | Promise<TrainableModel>,
  x: Input,
  y: Labels,
  options: CrossValidateOptions = {},
): Promise<CrossValidationResult> {
  if (typeof buildModel !== 'function') {
    throw new Error('crossValidate: buildModel must be a function (fold) => compiled model, called once per fold.');
  }
  const X = asRows(x, 'x');
  const Y = asRows(y, 'y');
  if (Y.rows !== X.rows) throw new Error(`crossValidate: x has ${X.rows} rows but y has ${Y.rows}; they must match.`);
  const k = options.k ?? 5;
  checkK(k, X.rows, 'crossValidate');
  const folds = kFoldIndices(X.rows, k, options.seed ?? 1, options.shuffle ?? true);
  const results: FoldResult[] = [];
  const seen = new Set<TrainableModel>();
  for (let i = 0; i < k; i++) {
    const t0 = performance.now();
    const model = await buildModel(i);
    if (!model || typeof (model as TrainableModel).fit !== 'function' || !(model as TrainableModel).compiled) {
      throw new Error('crossValidate: buildModel must return a compiled model (call model.compile({ loss, optimizer }) in it).');
    }
    if (seen.has(model)) throw new Error('crossValidate: buildModel returned the same model twice; build a fresh model for every fold.');
    seen.add(model);
    try {
      const test = folds[i]!;
      const train = complement(X.rows, test);
      const r = await scoreFold(model, i, X, Y, y, train, test, options.fitOptions ?? {});
      r.seconds = (performance.now() - t0) / 1000;
      results.push(r);
      options.onFold?.(r);
    } finally {
      model.dispose();
    }
  }
  const out: CrossValidationResult = {
    k,
    folds: results,
    loss: meanStd(results.map((r) => r.loss)),
    std: 'sample',
    diverged: results.filter((r) => r.diverged !== undefined).length,
  };
  if (results.every((r) => r.accuracy !== undefined)) out.accuracy = meanStd(results.map((r) => r.accuracy!));
  return out;
}
