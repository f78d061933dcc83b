/**
 * Learning-rate schedules: η as a function of the training position, attached to an optimizer with
 * its `schedule` option, e.g. `sgd({ learningRate: 0.1, schedule: cosine({ epochs: 30 }) })`.
 * A schedule is plain data (saved inside the optimizer's config) plus `rate`.
 *
 * The position is the epoch (0-based, constant within an epoch; the default) or the update step
 * (0-based count of updates before this one) when `per: 'step'`. Epochs count from 0 in every
 * `fit` call; steps continue across fit calls (the model's step counter). With η₀ the optimizer's
 * learningRate:
 *   step:         η = η₀ · factor^⌊pos / every⌋
 *   exponential:  η = η₀ · rate^pos
 *   cosine:       η = min + ½(η₀ − min)(1 + cos(π·min(pos, T)/T))   (Loshchilov & Hutter 2017, no restarts)
 */
import { integer, nonNegativeNumber } from '../validate.js';

/** What a schedule's position counts. */
export type ScheduleUnit = 'epoch' | 'step';

export type ScheduleConfig =
  | { type: 'step'; every: number; factor: number; per: ScheduleUnit }
  | { type: 'exponential'; rate: number; per: ScheduleUnit }
  | { type: 'cosine'; period: number; min: number; per: ScheduleUnit };

export interface Schedule {
  readonly config: ScheduleConfig;
  /** η at update `step` (0-based) in epoch `epoch` (0-based), given the base rate η₀. */
  rate(base: number, step: number, epoch: number): number;
}

function checkUnit(where: string, per: unknown): ScheduleUnit {
  const u = per ?? 'epoch';
  if (u !== 'epoch' && u !== 'step') throw new Error(`${where}: per must be 'epoch' or 'step', got ${String(per)}.`);
  return u;
}

function checkFraction(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
    throw new Error(`${where}: ${name} must be in (0, 1] (the factor η is multiplied by), got ${String(v)}.`);
  }
  return v;
}

export interface StepOptions {
  /** Epochs (or steps, with per: 'step') between drops. Required; an integer ≥ 1. */
  every: number;
  /** Multiplier applied at each drop, in (0, 1]. Default: 0.5. */
  factor?: number;
  /** Position unit. Default: 'epoch'. */
  per?: ScheduleUnit;
}

/** Step decay: η = η₀ · factor^⌊pos / every⌋ (e.g. halve η every 10 epochs). */
export function step(options: StepOptions): Schedule {
  const where = 'step schedule';
  if (!options || !Number.isInteger(options.every) || options.every < 1) {
    throw new Error(`${where}: every must be an integer ≥ 1, got ${String(options?.every)}; e.g. step({ every: 10, factor: 0.5 }).`);
  }
  const config = {
    type: 'step' as const,
    every: options.every,
    factor: checkFraction(where, 'factor', options.factor ?? 0.5),
    per: checkUnit(where, options.per),
  };
  const { every, factor, per } = config;
  return { config, rate: (base, s, e) => base * factor ** Math.floor((per === 'step' ? s : e) / every) };
}

export interface ExponentialOptions {
  /** Multiplier per epoch (or per step), in (0, 1]. Required. */
  rate: number;
  /** Position unit. Default: 'epoch'. */
  per?: ScheduleUnit;
}

/** Exponential decay: η = η₀ · rate^pos. */
export function exponential(options: ExponentialOptions): Schedule {
  const where = 'exponential schedule';
  const config = { type: 'exponential' as const, rate: checkFraction(where, 'rate', options?.rate), per: checkUnit(where, options?.per) };
  const { rate, per } = config;
  return { config, rate: (base, s, e) => base * rate ** (per === 'step' ? s : e) };
}

export interface CosineOptions {
  /** Length T of the decay in epochs (give this or `steps`). */
  epochs?: number;
  /** Length T of the decay in update steps (give this or `epochs`). */
  steps?: number;
  /** The rate reached at T and kept afterwards, ≥ 0 and ≤ the optimizer's learningRate. Default: 0. */
  min?: number;
}

/** Cosine decay from η₀ to `min` over T epochs or steps, then constant. */
export function cosine(options: CosineOptions): Schedule {
  const where = 'cosine schedule';
  const hasE = options?.epochs !== undefined;
  const hasS = options?.steps !== undefined;
  if (hasE === hasS) throw new Error(`${where}: give exactly one of epochs or steps, e.g. cosine({ epochs: 30 }).`);
  const period = (hasE ? options.epochs : options.steps) as number;
  integer(where, hasE ? 'epochs' : 'steps', period, 1);
  const min = nonNegativeNumber(where, 'min', options.min ?? 0);
  return cosineFrom({ type: 'cosine', period, min, per: hasE ? 'epoch' : 'step' });
}

function cosineFrom(config: Extract<ScheduleConfig, { type: 'cosine' }>): Schedule {
  const { period, min, per } = config;
  return {
    config,
    rate: (base, s, e) => min + 0.5 * (base - min) * (1 + Math.cos((Math.PI * Math.min(per === 'step' ? s : e, period)) / period)),
  };
}

/** Re-creates a schedule from its config (load). */
export function scheduleFromConfig(c: ScheduleConfig): Schedule {
  if (!c || typeof c !== 'object') throw new Error(`unknown schedule ${JSON.stringify(c)}; use step, exponential or cosine.`);
  switch (c.type) {
    case 'step':
      return step(c);
    case 'exponential':
      return exponential(c);
    case 'cosine':
      return cosine(c.per === 'step' ? { steps: c.period, min: c.min } : { epochs: c.period, min: c.min });
    default:
      throw new Error(`unknown schedule '${String((c as { type: unknown }).type)}'; use step, exponential or cosine.`);
  }
}
