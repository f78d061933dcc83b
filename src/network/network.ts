/**
 * The network core for training: the forward core (forward.ts: θ layout, plans, the forward pass,
 * weights in) plus the gradient ∇θ in the backend's heap, laid out like θ, the loss the model was
 * compiled with, the regularization, loss and backward, weights out. It imports nothing from
 * train/ or io/: the trainers and formats use this narrow surface, and `Sequential` is the
 * Keras-like façade above all of them.
 *
 * One training step on a batch (x, y) of `rows` rows (`trainStep`):
 *   forward   a⁰ = x,  aˡ = layerˡ(aˡ⁻¹)
 *   loss      C = (1/rows)·Σ loss(aᴸ, y) (+ the L1/L2 penalty), δᴸ = ∂C/∂zᴸ (fused) or ∂C/∂aᴸ
 *   backward  δˡ⁻¹ = layerˡ.backward(δˡ), writing ∂C/∂θ into ∇θ
 * The update θ ← optimizer(θ, ∇θ) belongs to the trainer (train/).
 */
import type { Backend } from '../kernels/backend.js';
import type { Layer } from '../layers/layer.js';
import type { LossDef } from '../registries/losses.js';
import type { Regularization } from '../registries/regularizers.js';
import { ForwardNetwork } from './forward.js';
import type { Plan } from './plan.js';

export type { Plan } from './plan.js';
export { ForwardNetwork, type ParamInfo } from './forward.js';

/** One parameter tensor as an optimizer sees it. */
export interface ParamTensor {
  /** Pointer to the values. */
  param: number;
  /** Pointer to ∂C/∂param of the current batch (batch mean). */
  grad: number;
  /** Number of elements. */
  size: number;
  /** L2 coefficient λ' = λ/n applied as weight decay to this tensor (0 for biases); set by fit. */
  l2: number;
  /** L1 coefficient λ' = λ/n applied as weight decay to this tensor (0 for biases); set by fit. */
  l1: number;
}

/**
 * `backend`, unless its module has the forward kernels only (simdnn/infer's build): then a clear
 * error before anything is allocated, instead of a missing kernel at the first training step.
 */
function trainable(backend: Backend): Backend {
  if (backend?.kernels === 'inference') {
    throw new Error(
      "this backend has the forward kernels only (simdnn/infer's init() loads simdnn-infer.wasm): it predicts but cannot train. " +
        "Call init() from 'simdnn' before building a model to train (that backend serves simdnn/infer's loadModel too).",
    );
  }
  return backend;
}

export class Network extends ForwardNetwork {
  /** ∇θ, laid out like θ. */
  readonly gradTheta: number;
  /** The tensors as the optimizers see them (θ, ∇θ pointers and decay coefficients). */
  readonly tensors: readonly ParamTensor[];
  private loss_?: LossDef;
  private fused = false;
  private regularization?: Required<Regularization>;
  private samples = 0;

  /** The forward core (see ForwardNetwork's constructor), plus ∇θ in be's heap. */
  constructor(backend: Backend, layers: readonly Layer[], inputUnits: number, seed: number, initialWeights?: Float32Array) {
    super(trainable(backend), layers, inputUnits, seed, initialWeights);
    this.gradTheta = backend.heap.allocF32(this.thetaFloats);
    for (const l of layers) l.grad = [];
    for (const p of this.params) layers[p.layer]!.grad.push(this.gradTheta + 4 * p.offset);
    this.tensors = this.params.map((p) => ({
      param: this.theta + 4 * p.offset,
      grad: this.gradTheta + 4 * p.offset,
      size: p.size,
      l2: 0,
      l1: 0,
    }));
  }
  /** The loss set by `setLoss` (compile). */
  get loss(): LossDef {
    if (!this.loss_) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
    return this.loss_;
  }
  get hasLoss(): boolean {
    return this.loss_ !== undefined;
  }
  /** Whether the loss writes ∂C/∂z of the output layer directly (it fuses the output activation). */
  get lossFused(): boolean {
    return this.fused;
  }

  /** Sets the loss (compile has checked that it fits the output activation). */
  setLoss(loss: LossDef): void {
    const outAct = this.layers[this.layers.length - 1]!.outputActivation();
    this.loss_ = loss;
    this.fused = loss.fusedWith !== undefined && loss.fusedWith === outAct;
  }

  /** The model-wide L1/L2 λ of compile (undefined: none); a layer's own regularizer overrides it. */
  get modelRegularization(): Required<Regularization> | undefined {
    return this.regularization;
  }
  /** n of the course's λ/n: the training-set size of the last fit (0 before any fit). */
  get regularizationSamples(): number {
    return this.samples;
  }
  setRegularization(r: Required<Regularization> | undefined): void {
    this.regularization = r;
    this.applyRegularization(this.samples);
  }

  /**
   * Sets every tensor's decay coefficients λ' = λ/n for a training set of n samples (fit calls
   * this): a tensor's own λ (kernelRegularizer) or else the model-wide one, on weights only.
   */
  applyRegularization(n: number): void {
    this.samples = n;
    this.params.forEach((p, i) => {
      const t = this.tensors[i]!;
      const l1 = p.spec.decay ? (p.spec.l1 ?? this.regularization?.l1 ?? 0) : 0;
      const l2 = p.spec.decay ? (p.spec.l2 ?? this.regularization?.l2 ?? 0) : 0;
      t.l1 = n > 0 ? l1 / n : 0;
      t.l2 = n > 0 ? l2 / n : 0;
    });
  }

  /** Whether any tensor is weight-decayed (after applyRegularization). */
  get regularized(): boolean {
    return this.tensors.some((t) => t.l1 !== 0 || t.l2 !== 0);
  }

  /**
   * The regularization penalty at the current weights: Σ_tensors (λ₂/2n)·Σw² + (λ₁/n)·Σ|w|,
   * with the n of the last applyRegularization (0 when none applies). Allocates nothing.
   */
  penalty(): number {
    let s = 0;
    const k = this.backend.k;
    for (const t of this.tensors) if (t.l1 !== 0 || t.l2 !== 0) s += k.l1l2_penalty_f32(t.param, t.size, t.l1, t.l2);
    return s;
  }

  /**
   * Loss of the forward pass just run, summed over rows, and δ of the output layer. Returns the loss
   * sum; δ lands in the last layer's dz (fused) or da buffer (training plan) or plan.lossGrad.
   */
  lossOf(plan: Plan, y: number, rows: number): number {
    const last = plan.layers[plan.layers.length - 1]!;
    const grad = plan.training ? (this.fused ? last.dz! : last.da!) : plan.lossGrad;
    return this.loss.compute(this.backend, { z: last.z!, a: last.a!, y, grad }, rows, this.outputUnits, this.fused);
  }

  /** Backward pass after `lossOf` on a training plan: fills ∇θ with the batch-mean gradient. */
  backward(plan: Plan, x: number, rows: number): void {
    const be = this.backend;
    const n = this.layers.length;
    const last = plan.layers[n - 1]!;
    let d = this.fused ? last.dz! : last.da!;
    let pre = this.fused;
    for (let i = n - 1; i >= 0; i--) {
      const input = i === 0 ? x : plan.layers[i - 1]!.out;
      d = this.layers[i]!.backward(be, plan.layers[i]!, input, d, rows, i > 0, pre);
      pre = false;
    }
  }

  /**
   * One step's gradient on the `rows` rows already in plan.x / plan.y: forward, loss, backward.
   * Returns the summed loss over the rows (the penalty counted once per row, as the reported
   * training loss does) and the correct predictions (when `count`). ∇θ holds the batch-mean gradient.
   */
  trainStep(plan: Plan, rows: number, step: number, count: boolean): { loss: number; correct: number } {
    const a = this.forward(plan, plan.x, rows, true, step);
    const loss = this.lossOf(plan, plan.y, rows) + (this.regularized ? rows * this.penalty() : 0);
    const correct = count && Number.isFinite(loss) ? this.countCorrect(a, plan.y, rows) : 0;
    if (Number.isFinite(loss)) this.backward(plan, plan.x, rows);
    return { loss, correct };
  }

  /**
   * Correct predictions among `rows` rows whose outputs are at a: argmax for several outputs; for
   * one output, a > threshold agreeing with y > threshold (0.5, or the loss's own: 0 for hinge).
   */
  countCorrect(a: number, y: number, rows: number): number {
    const k = this.backend.k;
    if (this.outputUnits > 1) return k.count_correct_f32(a, y, rows, this.outputUnits);
    const th = this.loss_?.threshold ?? 0.5;
    if (th === 0.5) return k.count_correct_binary_f32(a, y, rows);
    const f = this.backend.heap.f32;
    let c = 0;
    for (let r = 0; r < rows; r++) if (f[(a >>> 2) + r]! > th === f[(y >>> 2) + r]! > th) c++;
    return c;
  }

  /** Pointer and size of tensor i's values in θ. */
  paramView(i: number): { ptr: number; size: number } {
    const p = this.params[i]!;
    return { ptr: this.theta + 4 * p.offset, size: p.size };
  }

  /** The tensor indices of layer `layer`. */
  paramsOf(layer: number): number[] {
    const out: number[] = [];
    this.params.forEach((p, i) => {
      p.layer === layer && out.push(i);
    });
    return out;
  }

  /** Length of θ in floats, alignment padding included. */
  get thetaLength(): number {
    const last = this.params[this.params.length - 1];
    return last ? last.offset + last.size : 0;
  }

  /** Copies of every parameter tensor, in layer order (kernel, bias, …). */
  getWeights(): Float32Array[] {
    return this.params.map((p) => this.backend.heap.readF32(this.theta + 4 * p.offset, p.size));
  }

  /** θ flattened (no alignment padding), as saved in weights.bin. */
  getFlatWeights(): Float32Array {
    const out = new Float32Array(this.paramCount);
    let o = 0;
    for (const w of this.getWeights()) {
      out.set(w, o);
      o += w.length;
    }
    return out;
  }

  /** Copies of every gradient tensor of the last backward pass, like getWeights(). */
  getGradients(): Float32Array[] {
    return this.params.map((p) => this.backend.heap.readF32(this.gradTheta + 4 * p.offset, p.size));
  }

  /** Parameters of layer i (0 for layers without any). */
  layerParamCount(i: number): number {
    return this.params.filter((p) => p.layer === i).reduce((s, p) => s + p.size, 0);
  }

  /** Frees θ, ∇θ and every plan. The network is unusable afterwards. */
  override dispose(): void {
    if (!this.disposed) this.backend.heap.free(this.gradTheta);
    super.dispose();
  }
}
