/**
 * Optimizers: plain data configs (saved with the model) plus a step over every parameter tensor.
 * State (velocities, moments) belongs to the model that was compiled with the optimizer, laid out
 * like the parameters, so one optimizer object can be shared by several models.
 */
import type { Backend } from '../kernels/backend.js';
import type { ParamTensor } from '../network/network.js';
import { fraction, positiveNumber } from '../validate.js';
import type { EpochTrainer } from './epoch-trainer.js';
import { scheduleFromConfig, type Schedule, type ScheduleConfig } from './schedules.js';

export type { ParamTensor } from '../network/network.js';

interface ScheduledConfig {
  /** Learning-rate schedule (see train/schedules.ts); absent for a constant rate. */
  schedule?: ScheduleConfig;
}

export interface SgdConfig extends ScheduledConfig {
  type: 'sgd';
  learningRate: number;
  momentum: number;
}

export interface MomentumConfig extends ScheduledConfig {
  type: 'momentum' | 'nesterov';
  learningRate: number;
  momentum: number;
}

export interface AdamConfig extends ScheduledConfig {
  type: 'adam';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig;

/**
 * A first-order optimizer: fit runs mini-batches and calls `step` after each one. (The
 * second-order methods are `EpochTrainer`s instead: they take whole epochs.)
 */
export interface Optimizer {
  readonly kind: 'step';
  readonly config: OptimizerConfig;
  /** Allocates per-tensor state; returns one pointer (or 0) per tensor. */
  createState(be: Backend, tensors: readonly ParamTensor[]): number[];
  /**
   * Applies one update to every tensor. `t` is the 1-based step count, `epoch` the 0-based epoch
   * (for per-epoch learning-rate schedules; default 0).
   */
  step(be: Backend, tensors: readonly ParamTensor[], state: readonly number[], t: number, epoch?: number): void;
  /** The learning rate η the update of step t (1-based) in `epoch` uses, after the schedule. */
  learningRateAt(t: number, epoch?: number): number;
}

export interface SgdOptions {
  /** Step size η. Default: 0.01 (as Keras). */
  learningRate?: number;
  /** Momentum coefficient μ in [0, 1). Default: 0 (plain SGD). */
  momentum?: number;
  /** Learning-rate schedule: step(…), exponential(…) or cosine(…). Default: none (constant η). */
  schedule?: Schedule;
}

/** Default step size η of sgd, momentum and nesterov (as Keras). */
export const DEFAULT_SGD_LEARNING_RATE = 0.01;
/** Default momentum μ of momentum() and nesterov(). */
export const DEFAULT_MOMENTUM = 0.9;
/** Default step size η of adam (Kingma & Ba, Keras). */
export const DEFAULT_ADAM_LEARNING_RATE = 0.001;
/** Adam's defaults: β₁, β₂ and ε (Keras's ε; the paper uses 1e-8). */
export const DEFAULT_ADAM_BETA1 = 0.9;
export const DEFAULT_ADAM_BETA2 = 0.999;
export const DEFAULT_ADAM_EPSILON = 1e-7;

const checkRate = (where: string, v: unknown): number => positiveNumber(where, 'learningRate', v);
const checkUnitInterval = (where: string, name: string, v: unknown): number => fraction(where, name, v);

/** Accepts a schedule object or (on load) its config; returns the schedule and its config. */
function checkSchedule(where: string, lr: number, s: Schedule | ScheduleConfig | undefined): Schedule | undefined {
  if (s === undefined) return undefined;
  const sched = 'rate' in s && typeof s.rate === 'function' ? (s as Schedule) : scheduleFromConfig(s as ScheduleConfig);
  if (sched.config.type === 'cosine' && sched.config.min > lr) {
    throw new Error(`${where}: the cosine schedule's min ${sched.config.min} is above the learningRate ${lr}; min must be ≤ learningRate.`);
  }
  return sched;
}

/** η of step t (1-based) in `epoch`: the schedule's rate at position (t − 1, epoch), or lr. */
function rateFn(lr: number, schedule: Schedule | undefined): (t: number, epoch?: number) => number {
  return schedule ? (t, epoch = 0) => schedule.rate(lr, t - 1, epoch) : () => lr;
}

function withSchedule<C extends OptimizerConfig>(config: C, schedule: Schedule | undefined): C {
  if (schedule) config.schedule = { ...schedule.config };
  return config;
}

/**
 * Stochastic gradient descent with (optional) classical momentum and weight decay:
 *   v ← μ·v − η·(∂C/∂w + λ₂'·w + λ₁'·sgn w),   w ← w + v,
 * with λ' = λ/n from the regularization (train/regularizers.ts); with μ = 0 this is exactly the
 * course's w ← (1 − ηλ/n)·w − η·∂C₀/∂w (L2) and w ← w − (ηλ/n)·sgn(w) − η·∂C₀/∂w (L1).
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  const learningRate = checkRate('sgd', options.learningRate ?? DEFAULT_SGD_LEARNING_RATE);
  const momentum = checkUnitInterval('sgd', 'momentum', options.momentum ?? 0);
  const schedule = checkSchedule('sgd', learningRate, options.schedule);
  return momentumOptimizer(withSchedule<SgdConfig>({ type: 'sgd', learningRate, momentum }, schedule), schedule);
}

export interface MomentumOptions {
  /** Step size η. Default: 0.01. */
  learningRate?: number;
  /** Momentum coefficient μ in [0, 1). Default: 0.9. */
  momentum?: number;
  /** Learning-rate schedule. Default: none (constant η). */
  schedule?: Schedule;
}

/**
 * SGD with classical (Polyak) momentum, the course's "momentum-based gradient descent":
 *   v ← μ·v − η·∇C,   w ← w + v     (∇C including the weight decay, as in sgd).
 */
export function momentum(options: MomentumOptions = {}): Optimizer {
  const learningRate = checkRate('momentum', options.learningRate ?? DEFAULT_SGD_LEARNING_RATE);
  const mu = checkUnitInterval('momentum', 'momentum', options.momentum ?? DEFAULT_MOMENTUM);
  const schedule = checkSchedule('momentum', learningRate, options.schedule);
  return momentumOptimizer(withSchedule<MomentumConfig>({ type: 'momentum', learningRate, momentum: mu }, schedule), schedule);
}

/**
 * Nesterov accelerated gradient in the form of Sutskever et al. (2013) / Keras, which needs only the
 * gradient at the current weights:
 *   v ← μ·v − η·∇C,   w ← w + μ·v − η·∇C     (∇C including the weight decay).
 */
export function nesterov(options: MomentumOptions = {}): Optimizer {
  const learningRate = checkRate('nesterov', options.learningRate ?? DEFAULT_SGD_LEARNING_RATE);
  const mu = checkUnitInterval('nesterov', 'momentum', options.momentum ?? DEFAULT_MOMENTUM);
  const schedule = checkSchedule('nesterov', learningRate, options.schedule);
  return momentumOptimizer(withSchedule<MomentumConfig>({ type: 'nesterov', learningRate, momentum: mu }, schedule), schedule);
}

/** The sgd / momentum / nesterov family: one velocity buffer per tensor. */
function momentumOptimizer(config: SgdConfig | MomentumConfig, schedule: Schedule | undefined): Optimizer {
  const mu = config.momentum;
  const nag = config.type === 'nesterov';
  const learningRateAt = rateFn(config.learningRate, schedule);
  return {
    kind: 'step',
    config,
    learningRateAt,
    createState: (be, tensors) => tensors.map((t) => be.heap.allocF32(t.size)),
    step(be, tensors, state, t, epoch = 0) {
      const k = be.k;
      const lr = learningRateAt(t, epoch);
      for (let i = 0; i < tensors.length; i++) {
        const p = tensors[i]!;
        if (nag) k.nesterov_f32(p.param, p.grad, state[i]!, p.size, lr, mu, p.l1, p.l2);
        else if (p.l1 !== 0) k.sgd_l1l2_f32(p.param, p.grad, state[i]!, p.size, lr, mu, p.l1, p.l2);
        else k.sgd_f32(p.param, p.grad, state[i]!, p.size, lr, mu, p.l2);
      }
    },
  };
}

export interface AdamOptions {
  /** Step size η. Default: 0.001 (Kingma & Ba, Keras). */
  learningRate?: number;
  /** Decay of the first-moment average, in [0, 1). Default: 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default: 0.999. */
  beta2?: number;
  /** ε added to √v̂, > 0. Default: 1e-7 (Keras; the paper uses 1e-8). */
  epsilon?: number;
  /** Learning-rate schedule. Default: none (constant η). */
  schedule?: Schedule;
}

/**
 * Adam (Kingma & Ba 2015), bias-corrected, for step t = 1, 2, …:
 *   g ← ∇C (+ λ₂'·w + λ₁'·sgn w: L1/L2 are *coupled*, added to the gradient before the moments, as
 *        Keras's kernel_regularizer does with Adam — not AdamW's decoupled decay)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),   w ← w − η·m̂ / (√v̂ + ε).
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const where = 'adam';
  const learningRate = checkRate(where, options.learningRate ?? DEFAULT_ADAM_LEARNING_RATE);
  const beta1 = checkUnitInterval(where, 'beta1', options.beta1 ?? DEFAULT_ADAM_BETA1);
  const beta2 = checkUnitInterval(where, 'beta2', options.beta2 ?? DEFAULT_ADAM_BETA2);
  const epsilon = positiveNumber(where, 'epsilon', options.epsilon ?? DEFAULT_ADAM_EPSILON);
  const schedule = checkSchedule(where, learningRate, options.schedule);
  const config = withSchedule<AdamConfig>({ type: 'adam', learningRate, beta1, beta2, epsilon }, schedule);
  const learningRateAt = rateFn(learningRate, schedule);
  return {
    kind: 'step',
    config,
    learningRateAt,
    // m and v of a tensor share one buffer: m at the pointer, v right after it.
    createState: (be, tensors) => tensors.map((t) => be.heap.allocF32(2 * t.size)),
    step(be, tensors, state, t, epoch = 0) {
      const k = be.k;
      const lr = learningRateAt(t, epoch);
      const c1 = 1 / (1 - beta1 ** t);
      const c2 = 1 / (1 - beta2 ** t);
      for (let i = 0; i < tensors.length; i++) {
        const p = tensors[i]!;
        const m = state[i]!;
        k.adam_f32(p.param, p.grad, m, m + 4 * p.size, p.size, lr, beta1, beta2, epsilon, c1, c2, p.l1, p.l2);
      }
    },
  };
}

// Configs carry their schedule as data; the factories accept it (checkSchedule rebuilds it).
// biome-ignore lint/suspicious/noExplicitAny: each factory takes its own config type (SgdConfig, AdamConfig, …).
const factories: Record<string, (c: any) => Optimizer | EpochTrainer> = {
  sgd: (c: SgdConfig) => sgd(c as SgdOptions),
  momentum: (c: MomentumConfig) => momentum(c as MomentumOptions),
  nesterov: (c: MomentumConfig) => nesterov(c as MomentumOptions),
  adam: (c: AdamConfig) => adam(c as AdamOptions),
};

/**
 * Names of the built-in optimizers and epoch trainers (the second-order ones are registered by
 * train/second-order/index.ts), as a type: editors complete them and show them in errors.
 */
export type BuiltinOptimizer = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'newton' | 'levenbergMarquardt' | 'hessianFree';
/** An optimizer name: a built-in one, or any name given to `registerOptimizer`. */
export type OptimizerName = BuiltinOptimizer | (string & {});

/** Re-creates an optimizer from its config (load), or by name with defaults (CLI). */
export function optimizerFromConfig(c: { type: string; [k: string]: unknown } | string): Optimizer | EpochTrainer {
  const cfg = typeof c === 'string' ? { type: c } : c;
  if (cfg === null || typeof cfg !== 'object' || typeof cfg.type !== 'string') {
    throw new Error(`optimizer: expected a config like { type: 'sgd', learningRate: 0.01 } or a name, got ${JSON.stringify(c)}.`);
  }
  const f = Object.hasOwn(factories, cfg.type) ? factories[cfg.type] : undefined;
  if (!f) throw new Error(`unknown optimizer '${cfg.type}'; use one of: ${Object.keys(factories).join(', ')}.`);
  return f(cfg);
}

/** Registers an optimizer (or epoch trainer) factory by config type, for load and the CLI. */
// biome-ignore lint/suspicious/noExplicitAny: a registered factory takes its own config type.
export function registerOptimizer(type: string, factory: (c: any) => Optimizer | EpochTrainer): void {
  factories[type] = factory;
}
