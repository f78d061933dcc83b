/**
 * Gradient check: backprop's ∂C₀/∂θ against central finite differences of the model's own loss,
 *
 *   g_fd(θᵢ) = (C₀(θ + hᵢ·eᵢ) − C₀(θ − hᵢ·eᵢ)) / (2hᵢ),
 *
 * computed by perturbing θᵢ in the heap and re-running the model's forward pass and loss kernel
 * (training mode, so a dropout layer keeps the mask of the current step). C₀ is the batch-mean
 * data loss (no regularization penalty: the optimizers apply that as weight decay).
 *
 * f32 limits the accuracy: θᵢ ± ε is rounded to f32 (hᵢ is the step actually taken), and the
 * forward pass runs in f32. To keep the loss itself from adding rounding, C₀ is summed row by row
 * in float64 (each row's loss from the model's loss kernel). The default ε = 3e−3 balances the
 * f32 noise of the difference (≈ 1e−7·C₀/ε) against the truncation error O(ε²) and the chance of
 * stepping over a kink (measured on small nets: ε = 3e−3 gave the smallest errors overall).
 *
 * Kinks (ReLU at 0, maxout's argmax switching, hinge's margin): where θ ± ε crosses one, the central
 * difference is meaningless. An element whose one-sided slopes (C₊ − C₀)/h and (C₀ − C₋)/h differ
 * by more than KINK_TOLERANCE (5 %) of the larger (or of the floor below) is left out and counted
 * in `kinks`.
 *
 * Per element the relative error is
 *
 *   rᵢ = |g_bp − g_fd| / max(|g_bp|, |g_fd|, floor),    floor = 1e−2 · max_j |g_fd,j| over the model
 *
 * (elements below 1 % of the model's largest gradient are compared at that scale, where f32 noise
 * would otherwise dominate). Reported per layer: the maximum rᵢ and the norm-wise error
 * ‖g_bp − g_fd‖ / max(‖g_bp‖, ‖g_fd‖) over the checked elements. A correct backprop gives
 * max rᵢ ≲ 1e−2 on smooth nets in f32 and a few 1e−2 near kinks; a wrong one gives O(0.1–1).
 */
import type { Network } from '../network/network.js';
import { positiveInteger, positiveNumber } from '../validate.js';
import { toMatrix, type Input, type Labels } from '../data/prepare.js';
import { Rng } from '../random.js';

/** One-sided slopes differing by more than this fraction mark a kink (see the module comment). */
export const KINK_TOLERANCE = 0.05;
/** Elements are compared at no less than this fraction of the largest |g_fd| (see the module comment). */
export const FLOOR = 1e-2;

export interface GradientCheckOptions {
  /** Finite-difference step ε (before f32 rounding of θ ± ε). Default: 3e-3. */
  epsilon?: number;
  /** Elements checked per tensor (a seeded sample of larger tensors; all of smaller ones). Default: 64. */
  maxPerTensor?: number;
  /** Seed of the sample. Default: 1. */
  seed?: number;
}

export interface TensorGradientCheck {
  /** Index in model.layers. */
  layer: number;
  /** 'kernel', 'bias', 'alpha', … */
  tensor: string;
  /** Elements compared. */
  checked: number;
  /** Elements left out because ±ε crossed a kink (see the module comment). */
  kinks: number;
  maxRelativeError: number;
  /** ‖g_bp − g_fd‖ / max(‖g_bp‖, ‖g_fd‖) over the checked elements. */
  normRelativeError: number;
}

export interface LayerGradientCheck {
  layer: number;
  /** e.g. 'dense 5→7 tanh'. */
  name: string;
  checked: number;
  kinks: number;
  maxRelativeError: number;
  /** The largest normRelativeError of its tensors. */
  normRelativeError: number;
}

export interface GradientCheckResult {
  /** Largest element-wise relative error over every checked element. */
  maxRelativeError: number;
  /** Layers with parameters, in order. */
  layers: LayerGradientCheck[];
  tensors: TensorGradientCheck[];
  /** C₀ at θ (float64 sum of the rows' losses, / rows). */
  loss: number;
  epsilon: number;
}

/** Default step ε of the central differences (f32 weights). */
export const DEFAULT_EPSILON = 3e-3;
/** Default number of weights checked per tensor. */
export const DEFAULT_MAX_PER_TENSOR = 64;

/** What gradientCheck needs of a model (a compiled Sequential): its network and its backprop gradients. */
export interface CheckedModel {
  readonly network: Network;
  gradients(x: Input, y: Labels): { loss: number; grads: Float32Array[] };
}

/** Compares backprop with central differences on (x, y); see the module comment. θ is left unchanged. */
export function gradientCheck(model: CheckedModel, x: Input, y: Labels, options: GradientCheckOptions = {}): GradientCheckResult {
  const net = model.network;
  if (!net.hasLoss) throw new Error('gradientCheck: the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
  const epsilon = positiveNumber('gradientCheck', 'epsilon', options.epsilon ?? DEFAULT_EPSILON);
  const maxPerTensor = positiveInteger('gradientCheck', 'maxPerTensor', options.maxPerTensor ?? DEFAULT_MAX_PER_TENSOR);
  const rng = new Rng(options.seed ?? 1);
  const X = toMatrix(x, net.inputUnits, 'x');
  const rows = X.rows;
  const { grads } = model.gradients(x, y);
  // gradients() left x and the targets in this plan's buffers.
  const plan = net.plan(rows, true);
  const be = net.backend;
  const nout = net.outputUnits;
  const last = plan.layers[plan.layers.length - 1]!;
  const fused = net.lossFused;
  const gradBuf = fused ? last.dz! : last.da!;
  const lossDef = net.loss;

  /** C₀ at the current θ: forward in f32, rows' losses summed in float64. */
  const loss = (): number => {
    net.forward(plan, plan.x, rows, true);
    let s = 0;
    for (let r = 0; r < rows; r++) {
      const o = 4 * r * nout;
      s += lossDef.compute(be, { z: last.z! + o, a: last.a! + o, y: plan.y + o, grad: gradBuf + o }, 1, nout, fused);
    }
    return s / rows;
  };
  const c0 = loss();

  const samples = net.params.map((p) => {
    if (p.size <= maxPerTensor) return Int32Array.from({ length: p.size }, (_, i) => i);
    const all = new Int32Array(p.size);
    for (let i = 0; i < p.size; i++) all[i] = i;
    rng.shuffle(all);
    return all.slice(0, maxPerTensor).sort();
  });
  const fwd = samples.map((x) => new Float64Array(x.length));
  const bwd = samples.map((x) => new Float64Array(x.length));
  const fd = net.params.map((p, t) => {
    const out = new Float64Array(samples[t]!.length);
    samples[t]!.forEach((j, s) => {
      const at = (net.theta >>> 2) + p.offset + j;
      const orig = be.heap.f32[at]!;
      const plus = Math.fround(orig + epsilon);
      const minus = Math.fround(orig - epsilon);
      be.heap.f32[at] = plus;
      const cPlus = loss();
      be.heap.f32[at] = minus;
      const cMinus = loss();
      be.heap.f32[at] = orig;
      out[s] = (cPlus - cMinus) / (plus - minus);
      fwd[t]![s] = (cPlus - c0) / (plus - orig);
      bwd[t]![s] = (c0 - cMinus) / (orig - minus);
    });
    return out;
  });
  let scale = 0;
  for (const f of fd) for (const v of f) scale = Math.max(scale, Math.abs(v));
  const floor = Math.max(FLOOR * scale, Number.MIN_VALUE);

  const tensors: TensorGradientCheck[] = net.params.map((p, t) => {
    const g = grads[t]!;
    let maxRel = 0;
    let d2 = 0;
    let g2 = 0;
    let f2 = 0;
    let kinks = 0;
    samples[t]!.forEach((j, s) => {
      const a = g[j]!;
      const b = fd[t]![s]!;
      const f = fwd[t]![s]!;
      const r = bwd[t]![s]!;
      if (Math.abs(f - r) > KINK_TOLERANCE * Math.max(Math.abs(f), Math.abs(r), floor)) {
        kinks++;
        return;
      }
      const diff = Math.abs(a - b);
      maxRel = Math.max(maxRel, Number.isFinite(diff) ? diff / Math.max(Math.abs(a), Math.abs(b), floor) : Infinity);
      d2 += diff * diff;
      g2 += a * a;
      f2 += b * b;
    });
    const den = Math.sqrt(Math.max(g2, f2));
    return {
      layer: p.layer,
      tensor: p.spec.name,
      checked: samples[t]!.length - kinks,
      kinks,
      maxRelativeError: maxRel,
      normRelativeError: den > 0 ? Math.sqrt(d2) / den : Math.sqrt(d2) > 0 ? Infinity : 0,
    };
  });
  const layers: LayerGradientCheck[] = [];
  for (const t of tensors) {
    let l = layers.find((e) => e.layer === t.layer);
    if (!l) {
      l = { layer: t.layer, name: net.layers[t.layer]!.describe(), checked: 0, kinks: 0, maxRelativeError: 0, normRelativeError: 0 };
      layers.push(l);
    }
    l.checked += t.checked;
    l.kinks += t.kinks;
    l.maxRelativeError = Math.max(l.maxRelativeError, t.maxRelativeError);
    l.normRelativeError = Math.max(l.normRelativeError, t.normRelativeError);
  }
  return {
    maxRelativeError: Math.max(0, ...tensors.map((t) => t.maxRelativeError)),
    layers,
    tensors,
    loss: c0,
    epsilon,
  };
}
