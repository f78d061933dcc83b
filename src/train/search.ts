/**
 * Hyper-parameter search scored by k-fold cross-validation (train/crossval.ts): every candidate
 * setting θ_h (learning rate η, hidden size, λ, dropout rate p, …) gets
 *
 *   score(θ_h) = mean over the k folds of the held-out accuracy (higher is better)
 *                or of the held-out loss (lower is better)
 *
 * and the best candidate is returned with the table of all. All candidates use the same folds
 * (the same seed), so their differences are not fold luck.
 *
 *   grid    every combination of the listed values (the space must be lists only)
 *   random  `trials` draws, each parameter independently: uniform over a list, or from a range
 *           { min, max } — uniform, or log-uniform with scale 'log' (the usual choice for η and λ,
 *           Bergstra & Bengio 2012), rounded with integer: true
 */
import type { Input, Labels } from '../data/prepare.js';
import { Rng } from '../random.js';
import type { FitOptions } from './fit.js';
import { crossValidate, type CrossValidationResult, type MeanStd, type TrainableModel } from './crossval.js';
import { anyInteger, positiveInteger } from '../validate.js';

/** A continuous range for random search. */
export interface SearchRange {
  min: number;
  max: number;
  /** 'linear' (uniform) or 'log' (log-uniform; needs min > 0). Default: 'linear'. */
  scale?: 'linear' | 'log';
  /** Round draws to integers. Default: false. */
  integer?: boolean;
}

/** A value of a parameter: a number, or a list of numbers (e.g. hidden layer widths [64, 32]). */
export type ParamValue = number | number[];

/**
 * Parameter name → the values to try (a list) or a range (random search only). The names are
 * yours: the model builder receives them. The conventional ones are learningRate, hidden, l2, l1,
 * dropout (what the CLI's --search understands).
 */
export type SearchSpace = Record<string, ParamValue[] | SearchRange>;

/** One candidate: parameter name → value. */
export type Params = Record<string, ParamValue>;

export interface SearchOptions {
  /** What to search over. Required. */
  space: SearchSpace;
  /** 'grid' or 'random'. Default: 'grid' when every parameter is a list, else 'random'. */
  strategy?: 'grid' | 'random';
  /** Candidates drawn by random search. Default: 10. */
  trials?: number;
  /** Seed of the random draws and of the folds. Default: 1. */
  seed?: number;
  /** Folds of the cross-validation of every candidate. Default: 3. */
  k?: number;
  /** fit options of every fold (epochs, batchSize, callbacks…). Default: {}. */
  fitOptions?: FitOptions;
  /** What ranks the candidates: 'accuracy' (max), 'loss' (min), or 'auto' = accuracy when the models report it. Default: 'auto'. */
  metric?: 'auto' | 'accuracy' | 'loss';
  /** Largest grid accepted (a guard against typos in big spaces). Default: 1000. */
  maxCandidates?: number;
  /** Called after each candidate is scored. */
  onTrial?: (trial: Trial) => void;
}

/** One scored candidate. */
export interface Trial {
  /** 0-based position in the order tried. */
  index: number;
  params: Params;
  /** Mean ± sample std of the held-out loss over the folds. */
  loss: MeanStd;
  accuracy?: MeanStd;
  /** The ranked metric's mean (accuracy or loss). */
  score: number;
  /** Wall time of its k fits, in seconds. */
  seconds: number;
  crossValidation: CrossValidationResult;
  /** Folds whose training diverged: the score is then NaN and the candidate ranks last. */
  diverged: number;
}

export interface SearchResult {
  strategy: 'grid' | 'random';
  metric: 'accuracy' | 'loss';
  /** The best candidate (ties: the first tried). */
  best: Trial;
  /** Every candidate in the order tried. */
  trials: Trial[];
  /** Every candidate, best first. */
  ranked: Trial[];
}

function isRange(v: unknown): v is SearchRange {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkSpace(space: SearchSpace): string[] {
  if (space === null || typeof space !== 'object' || Array.isArray(space)) {
    throw new Error('search: space must map parameter names to lists or ranges, e.g. { learningRate: [0.01, 0.1], hidden: [32, 64] }.');
  }
  const names = Object.keys(space);
  if (names.length === 0) throw new Error('search: space is empty; give at least one parameter, e.g. { learningRate: [0.01, 0.1] }.');
  for (const name of names) {
    const v = space[name];
    if (Array.isArray(v)) {
      if (v.length === 0) throw new Error(`search: '${name}' has an empty list of values; give at least one.`);
      for (const x of v) {
        const ok =
          typeof x === 'number' ? Number.isFinite(x) : Array.isArray(x) && x.every((e) => typeof e === 'number' && Number.isFinite(e));
        if (!ok) throw new Error(`search: '${name}' has the value ${JSON.stringify(x)}; values are finite numbers or lists of numbers.`);
      }
    } else if (isRange(v)) {
      const { min, max, scale = 'linear' } = v;
      if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
        throw new Error(`search: the range of '${name}' needs finite min < max, got ${JSON.stringify(v)}.`);
      }
      if (scale !== 'linear' && scale !== 'log')
        throw new Error(`search: the range of '${name}' has scale '${String(scale)}'; use 'linear' or 'log'.`);
      if (scale === 'log' && min <= 0) throw new Error(`search: the log range of '${name}' needs min > 0, got ${min}.`);
    } else {
      throw new Error(`search: '${name}' must be a list of values or a range { min, max }, got ${JSON.stringify(v)}.`);
    }
  }
  return names;
}

/** Every combination of the lists, the first parameter varying slowest. */
export function gridCandidates(space: SearchSpace): Params[] {
  const names = checkSpace(space);
  let out: Params[] = [{}];
  for (const name of names) {
    const v = space[name]!;
    if (!Array.isArray(v)) {
      throw new Error(`search: '${name}' is a range; a grid needs lists of values (or use strategy 'random').`);
    }
    out = out.flatMap((p) => v.map((x) => ({ ...p, [name]: x })));
  }
  return out;
}

/** `trials` independent draws from the space (see the module comment). */
export function randomCandidates(space: SearchSpace, trials: number, seed = 1): Params[] {
  const names = checkSpace(space);
  positiveInteger('search', 'trials', trials);
  const rng = new Rng(seed);
  const out: Params[] = [];
  for (let t = 0; t < trials; t++) {
    const p: Params = {};
    for (const name of names) {
      const v = space[name]!;
      if (Array.isArray(v)) p[name] = v[rng.int(v.length)]!;
      else {
        const u = rng.uniform();
        let x = v.scale === 'log' ? Math.exp(Math.log(v.min) + u * (Math.log(v.max) - Math.log(v.min))) : v.min + u * (v.max - v.min);
        if (v.integer) x = Math.round(x);
        else x = Number(x.toPrecision(4));
        p[name] = x;
      }
    }
    out.push(p);
  }
  return out;
}

/**
 * Scores every candidate of the space with k-fold cross-validation and returns the best with the
 * table of all. `buildModel(params, fold)` returns a fresh compiled model for that candidate.
 */
export async function search(
  buildModel: (params: Params, fold: number) => TrainableModel | Promise<TrainableModel>,
  x: Input,
  y: Labels,
  options: SearchOptions,
): Promise<SearchResult> {
  if (typeof buildModel !== 'function') {
    throw new Error('search: buildModel must be a function (params, fold) => compiled model.');
  }
  if (!options || typeof options !== 'object')
    throw new Error('search: expected options with a space, e.g. { space: { learningRate: [0.01, 0.1] } }.');
  const names = checkSpace(options.space);
  const strategy = options.strategy ?? (names.every((n) => Array.isArray(options.space[n])) ? 'grid' : 'random');
  if (strategy !== 'grid' && strategy !== 'random')
    throw new Error(`search: strategy must be 'grid' or 'random', got '${String(strategy)}'.`);
  const metricOpt = options.metric ?? 'auto';
  if (!['auto', 'accuracy', 'loss'].includes(metricOpt))
    throw new Error(`search: metric must be 'auto', 'accuracy' or 'loss', got '${String(metricOpt)}'.`);
  const seed = anyInteger('search', 'seed', options.seed ?? 1);
  const candidates = strategy === 'grid' ? gridCandidates(options.space) : randomCandidates(options.space, options.trials ?? 10, seed);
  const maxCandidates = options.maxCandidates ?? 1000;
  if (candidates.length > maxCandidates) {
    throw new Error(
      `search: the grid has ${candidates.length} candidates (more than maxCandidates = ${maxCandidates}); shrink the lists or use strategy 'random' with trials.`,
    );
  }
  const k = options.k ?? 3;
  const trials: Trial[] = [];
  let metric: 'accuracy' | 'loss' | undefined = metricOpt === 'auto' ? undefined : metricOpt;
  for (let i = 0; i < candidates.length; i++) {
    const params = candidates[i]!;
    const t0 = performance.now();
    const cv = await crossValidate((fold) => buildModel(params, fold), x, y, { k, seed, fitOptions: options.fitOptions });
    metric ??= cv.accuracy ? 'accuracy' : 'loss';
    if (metric === 'accuracy' && !cv.accuracy) {
      throw new Error("search: metric 'accuracy' needs models compiled with metrics: ['accuracy'].");
    }
    const trial: Trial = {
      index: i,
      params,
      loss: cv.loss,
      score: metric === 'accuracy' ? cv.accuracy!.mean : cv.loss.mean,
      seconds: (performance.now() - t0) / 1000,
      crossValidation: cv,
      diverged: cv.diverged,
    };
    if (cv.accuracy) trial.accuracy = cv.accuracy;
    trials.push(trial);
    options.onTrial?.(trial);
  }
  const sign = metric === 'accuracy' ? -1 : 1;
  // NaN scores (diverged candidates) rank last; ties keep the order tried.
  const key = (t: Trial): number => (Number.isNaN(t.score) ? Infinity : sign * t.score);
  const ranked = [...trials].sort((a, b) => key(a) - key(b) || a.index - b.index);
  return { strategy, metric: metric!, best: ranked[0]!, trials, ranked };
}

/** Grid search: every combination of the space's lists (see search). */
export function gridSearch(
  buildModel: (params: Params, fold: number) => TrainableModel | Promise<TrainableModel>,
  x: Input,
  y: Labels,
  options: Omit<SearchOptions, 'strategy' | 'trials'>,
): Promise<SearchResult> {
  return search(buildModel, x, y, { ...options, strategy: 'grid' });
}

/** Random search: `trials` draws from the space (see search). */
export function randomSearch(
  buildModel: (params: Params, fold: number) => TrainableModel | Promise<TrainableModel>,
  x: Input,
  y: Labels,
  options: Omit<SearchOptions, 'strategy'>,
): Promise<SearchResult> {
  return search(buildModel, x, y, { ...options, strategy: 'random' });
}
