/**
 * Optimizers: plain data configs (saved with the model) plus a step over every parameter tensor.
 * State (velocities, moments) belongs to the model that was compiled with the optimizer, laid out
 * like the parameters, so one optimizer object can be shared by several models.
 */
import type { Backend } from '../kernels/backend.js';

/** One parameter tensor as the optimizer sees it. */
export interface ParamTensor {
  /** Pointer to the values. */
  param: number;
  /** Pointer to ∂C/∂param of the current batch (batch mean). */
  grad: number;
  /** Number of elements. */
  size: number;
  /** L2 coefficient λ' applied as weight decay to this tensor (0 for biases). */
  l2: number;
  /** L1 coefficient applied as weight decay to this tensor (0 for biases). */
  l1: number;
}

export interface SgdConfig {
  type: 'sgd';
  learningRate: number;
  momentum: number;
}

export type OptimizerConfig = SgdConfig;

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Allocates per-tensor state; returns one pointer (or 0) per tensor. */
  createState(be: Backend, tensors: readonly ParamTensor[]): number[];
  /** Applies one update to every tensor. `t` is the 1-based step count. */
  step(be: Backend, tensors: readonly ParamTensor[], state: readonly number[], t: number): void;
}

export interface SgdOptions {
  /** Step size η. Default: 0.01 (as Keras). */
  learningRate?: number;
  /** Momentum coefficient μ in [0, 1). Default: 0 (plain SGD). */
  momentum?: number;
}

/**
 * Stochastic gradient descent with (optional) momentum and L2 weight decay:
 *   v ← μ·v − η·(∂C/∂w + λ·w),   w ← w + v.
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  const learningRate = options.learningRate ?? 0.01;
  const momentum = options.momentum ?? 0;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new Error(`sgd: learningRate must be a positive number, got ${options.learningRate}.`);
  }
  if (!(Number.isFinite(momentum) && momentum >= 0 && momentum < 1)) {
    throw new Error(`sgd: momentum must be in [0, 1), got ${options.momentum}.`);
  }
  const config: SgdConfig = { type: 'sgd', learningRate, momentum };
  return {
    config,
    createState: (be, tensors) => tensors.map((t) => be.heap.allocF32(t.size)),
    step(be, tensors, state) {
      const k = be.k;
      for (let i = 0; i < tensors.length; i++) {
        const t = tensors[i]!;
        k.sgd_f32(t.param, t.grad, state[i]!, t.size, learningRate, momentum, t.l2);
      }
    },
  };
}

const factories: Record<string, (c: any) => Optimizer> = {
  sgd: (c: SgdConfig) => sgd(c),
};

/** Re-creates an optimizer from its config (load), or by name with defaults (CLI). */
export function optimizerFromConfig(c: { type: string; [k: string]: unknown } | string): Optimizer {
  const cfg = typeof c === 'string' ? { type: c } : c;
  const f = factories[cfg.type];
  if (!f) throw new Error(`unknown optimizer '${cfg.type}'; use one of: ${Object.keys(factories).join(', ')}.`);
  return f(cfg);
}

export function registerOptimizer(type: string, factory: (c: any) => Optimizer): void {
  factories[type] = factory;
}
