/**
 * The network core: a stack of built layers over one flat parameter vector θ (and gradient ∇θ) in
 * the backend's heap, with the loss the model was compiled with. It knows the θ layout, plans the
 * buffers (`Plan`, once per batch capacity), runs forward / loss / backward, and moves weights in
 * and out. It imports nothing from train/ or io/: the trainers and formats use this narrow surface,
 * and `Sequential` is the Keras-like façade above all of them.
 *
 * One training step on a batch (x, y) of `rows` rows (`trainStep`):
 *   forward   a⁰ = x,  aˡ = layerˡ(aˡ⁻¹)
 *   loss      C = (1/rows)·Σ loss(aᴸ, y) (+ the L1/L2 penalty), δᴸ = ∂C/∂zᴸ (fused) or ∂C/∂aᴸ
 *   backward  δˡ⁻¹ = layerˡ.backward(δˡ), writing ∂C/∂θ into ∇θ
 * The update θ ← optimizer(θ, ∇θ) belongs to the trainer (train/).
 */
import type { Backend } from '../kernels/backend.js';
import type { Layer, ParamSpec } from '../layers/layer.js';
import type { LossDef } from '../registries/losses.js';
import type { Regularization } from '../registries/regularizers.js';
import { freePlan, allocPlan, type Plan } from './plan.js';
import { warmForTraining } from '../kernels/warmup.js';

export type { Plan } from './plan.js';

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

/** Where one tensor lives in θ. */
export interface ParamInfo {
  /** Index of its layer. */
  layer: number;
  spec: ParamSpec;
  /** Element offset in θ (tensors start 16-float aligned). */
  offset: number;
  size: number;
}

export class Network {
  /** θ: all parameters, contiguous (each tensor 16-float aligned). */
  readonly theta: number;
  /** ∇θ, laid out like θ. */
  readonly gradTheta: number;
  /** Parameters without the alignment padding. */
  readonly paramCount: number;
  readonly params: readonly ParamInfo[];
  /** The tensors as the optimizers see them (θ, ∇θ pointers and decay coefficients). */
  readonly tensors: readonly ParamTensor[];
  readonly inputUnits: number;
  private loss_?: LossDef;
  private fused = false;
  private regularization?: Required<Regularization>;
  private samples = 0;
  private readonly plans = new Map<string, Plan>();
  private disposed = false;

  /**
   * Builds the layers for `inputUnits` inputs, allocates θ and ∇θ in be's heap and, when
   * `initialWeights` (θ flattened, as setFlatWeights takes it) is given, sets θ to those values.
   * Otherwise θ is the caller's to fill: `initWeights(net)` (network/init-weights.ts) draws it
   * from `seed` with each tensor's initializer. Loaders never draw weights they would overwrite at
   * once (≈ 100k draws for 784-128-10, most of a cold loadModel), and the initializers' math stays
   * out of the inference entry.
   */
  constructor(
    readonly backend: Backend,
    readonly layers: readonly Layer[],
    inputUnits: number,
    readonly seed: number,
    initialWeights?: Float32Array,
  ) {
    this.inputUnits = inputUnits;
    let width = inputUnits;
    const specs: { layer: number; spec: ParamSpec }[] = [];
    layers.forEach((l, i) => {
      for (const spec of l.build(width, { index: i, seed })) specs.push({ layer: i, spec });
      width = l.outUnits;
    });
    let offset = 0;
    this.params = specs.map(({ layer, spec }) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      // Keep every tensor 16-float aligned so each starts on a cache line.
      const info = { layer, spec, offset, size };
      offset += Math.ceil(size / 16) * 16;
      return info;
    });
    this.paramCount = this.params.reduce((s, p) => s + p.size, 0);
    this.theta = backend.heap.allocF32(Math.max(offset, 16));
    this.gradTheta = backend.heap.allocF32(Math.max(offset, 16));
    for (const l of layers) {
      l.param = [];
      l.grad = [];
    }
    for (const p of this.params) {
      layers[p.layer]!.param.push(this.theta + 4 * p.offset);
      layers[p.layer]!.grad.push(this.gradTheta + 4 * p.offset);
    }
    this.tensors = this.params.map((p) => ({
      param: this.theta + 4 * p.offset,
      grad: this.gradTheta + 4 * p.offset,
      size: p.size,
      l2: 0,
      l1: 0,
    }));
    if (initialWeights?.length === this.paramCount) this.setFlatWeights(initialWeights);
  }

  get outputUnits(): number {
    return this.layers[this.layers.length - 1]!.outUnits;
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

  /** Buffers for `rows`-row batches, cached by capacity and mode. */
  plan(rows: number, training: boolean): Plan {
    const key = `${training ? 't' : 'i'}${rows}`;
    let plan = this.plans.get(key);
    if (plan) return plan;
    // Training plans stay cached; drop other inference plans first so evaluate/predict with many
    // different sizes do not accumulate memory (predictOne's 1-row plan is kept).
    if (!training) {
      for (const [k, p] of this.plans) {
        if (k[0] === 'i' && p.rows !== 1) this.dropPlan(k, p);
      }
    }
    // The training kernels are warmed when the first training batch is planned (init warms only
    // the forward ones by default): a no-op once done, and nothing with init({ warmUp: 'none' }).
    if (training) warmForTraining(this.backend);
    plan = allocPlan(this.backend, this.layers, rows, training, this.inputUnits, this.outputUnits);
    this.plans.set(key, plan);
    return plan;
  }

  private dropPlan(key: string, p: Plan): void {
    freePlan(this.backend, this.layers, p);
    this.plans.delete(key);
  }

  /**
   * Forward pass over `rows` rows at x; returns the pointer of the output activation. `step` (the
   * trainer's update count) makes dropout draw a new mask every step.
   */
  forward(plan: Plan, x: number, rows: number, training: boolean, step = 0): number {
    const be = this.backend;
    let a = x;
    for (let i = 0; i < this.layers.length; i++) a = this.layers[i]!.forward(be, plan.layers[i]!, a, rows, training, step);
    return a;
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

  /** Outputs for one sample of inputUnits values into `out` (no allocation once the plan exists). */
  predictOne(x: ArrayLike<number>, out: Float32Array): Float32Array {
    const plan = this.plans.get('i1') ?? this.plan(1, false);
    const f = this.backend.heap.f32;
    f.set(x, plan.x >>> 2);
    const a = this.forward(plan, plan.x, 1, false) >>> 2;
    // forward never allocates, so f is still the live view.
    for (let j = 0; j < out.length; j++) out[j] = f[a + j]!;
    return out;
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

  /** Replaces every parameter tensor; shapes must match getWeights(). */
  setWeights(weights: ArrayLike<number>[]): void {
    if (!Array.isArray(weights) || weights.length !== this.params.length) {
      throw new Error(
        `setWeights: expected ${this.params.length} tensors, got ${Array.isArray(weights) ? weights.length : String(weights)}.`,
      );
    }
    weights.forEach((w, i) => {
      const p = this.params[i]!;
      if (w?.length !== p.size) {
        throw new Error(`setWeights: tensor ${i} (${p.spec.name} of layer ${p.layer}) needs ${p.size} values, got ${w?.length}.`);
      }
    });
    weights.forEach((w, i) => {
      this.backend.heap.writeF32(this.theta + 4 * this.params[i]!.offset, w);
    });
  }

  /** Copies of every gradient tensor of the last backward pass, like getWeights(). */
  getGradients(): Float32Array[] {
    return this.params.map((p) => this.backend.heap.readF32(this.gradTheta + 4 * p.offset, p.size));
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

  setFlatWeights(flat: Float32Array): void {
    if (flat.length !== this.paramCount) {
      throw new Error(`setFlatWeights: expected ${this.paramCount} values, got ${flat.length}.`);
    }
    let o = 0;
    this.setWeights(
      this.params.map((p) => {
        const w = flat.subarray(o, o + p.size);
        o += p.size;
        return w;
      }),
    );
  }

  /** Parameters of layer i (0 for layers without any). */
  layerParamCount(i: number): number {
    return this.params.filter((p) => p.layer === i).reduce((s, p) => s + p.size, 0);
  }

  /** Frees θ, ∇θ and every plan. The network is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const [k, p] of [...this.plans]) this.dropPlan(k, p);
    this.backend.heap.free(this.theta);
    this.backend.heap.free(this.gradTheta);
    this.disposed = true;
  }
}
