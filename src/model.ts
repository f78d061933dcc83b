/**
 * The network: a sequential stack of layers over one flat parameter vector θ (and gradient ∇θ)
 * in the backend's heap. Layer specs are plain data, so save/load and `summary` all read the same
 * config. Buffers are planned once per batch capacity (`Plan`); a training step allocates nothing.
 *
 * One training step on a batch (x, y) of `rows` rows:
 *   forward   a⁰ = x,  aˡ = layerˡ(aˡ⁻¹)
 *   loss      C = (1/rows)·Σ loss(aᴸ, y), with δᴸ = ∂C/∂zᴸ (fused) or ∂C/∂aᴸ
 *   backward  δˡ⁻¹ = layerˡ.backward(δˡ), writing ∂C/∂θ
 *   update    θ ← optimizer(θ, ∂C/∂θ)
 */
import { getBackend, type Backend } from './kernels/backend.js';
import { getInitializer } from './initializers.js';
import { Layer, type LayerBuffers, type ParamSpec } from './layers/layer.js';
import { getLoss, type LossDef } from './losses.js';
import { Rng } from './random.js';
import { optimizerFromConfig, type Optimizer, type ParamTensor } from './train/optimizers.js';
import { toMatrix, toTargets, type Input, type Labels } from './data/prepare.js';
import { fit, type EpochTrainer, type FitOptions, type History } from './train/fit.js';
import { checkRegularization, type Regularization } from './train/regularizers.js';
import { saveModel, toJSON, type ModelSpec } from './io/serialize.js';

export interface SequentialOptions {
  /** Seed of the weight initialisation (and the default shuffle seed). Default: 1. */
  seed?: number;
  /** Backend to run on. Default: the one set by the last `init()`. */
  backend?: Backend;
  /** Model name for summaries. Default: 'sequential'. */
  name?: string;
}

export interface CompileOptions {
  /**
   * Loss name: 'categoricalCrossentropy' (softmax), 'binaryCrossentropy' (sigmoid), 'meanSquaredError',
   * 'quadratic', 'hinge' (aliases 'crossentropy', 'bce', 'mse', …). Must fit the output activation.
   */
  loss: string;
  /** Optimizer. Default: sgd() with learning rate 0.01. */
  optimizer?: Optimizer | string;
  /** Metrics to report besides the loss: ['accuracy'] or []. Default: []. */
  metrics?: string[];
  /**
   * L1/L2 weight decay of every weight tensor (not biases), course convention: penalty
   * (λ₁/n)Σ|w| + (λ₂/2n)Σw² with n the training-set size of fit (see train/regularizers.ts).
   * A layer's own kernelRegularizer replaces it for that layer. Default: none.
   */
  regularization?: Regularization;
}

/** Buffers for batches of up to `rows` rows. */
export interface Plan {
  rows: number;
  training: boolean;
  layers: LayerBuffers[];
  /** Input rows [rows × in] (gathered batch, or the single sample of predictOne). */
  x: number;
  /** Target rows [rows × out]. */
  y: number;
  /** Loss gradient scratch for evaluation plans (training plans use the last layer's own). */
  lossGrad: number;
}

export interface ParamInfo {
  layer: number;
  spec: ParamSpec;
  /** Element offset in θ. */
  offset: number;
  size: number;
}

export class Sequential {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** Set to true from a callback to stop `fit` after the current batch. */
  stopTraining = false;

  private be_?: Backend;
  private requestedBackend?: Backend;
  private built = false;
  /** θ: all parameters, contiguous. */
  theta = 0;
  /** ∇θ, laid out like θ. */
  gradTheta = 0;
  paramCount = 0;
  params: ParamInfo[] = [];
  loss_?: LossDef;
  lossFused = false;
  optimizer_?: Optimizer;
  optState: number[] = [];
  tensors: ParamTensor[] = [];
  step = 0;
  metrics: string[] = [];
  /** Model-wide L1/L2 λ from compile (undefined: none). */
  regularization?: Required<Regularization>;
  /** n of the course's λ/n: the training-set size of the last fit (0 before any fit). */
  regularizationSamples = 0;
  private plans = new Map<string, Plan>();
  private disposed = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    this.seed = options.seed ?? 1;
    if (!Number.isInteger(this.seed)) throw new Error(`sequential: seed must be an integer, got ${options.seed}.`);
    this.name = options.name ?? 'sequential';
    this.requestedBackend = options.backend;
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (before compile). */
  add(layer: Layer): this {
    if (this.built) throw new Error('add: the model is already compiled; add layers before compile().');
    if (!(layer instanceof Layer)) throw new Error('add: expected a layer such as dense({ units: 10 }).');
    this.layers.push(layer);
    return this;
  }

  get backend(): Backend {
    if (!this.be_) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
    return this.be_;
  }
  get inputUnits(): number {
    return this.layers[0]?.inUnits ?? 0;
  }
  get outputUnits(): number {
    return this.layers[this.layers.length - 1]?.outUnits ?? 0;
  }
  get loss(): LossDef {
    if (!this.loss_) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
    return this.loss_;
  }
  get optimizer(): Optimizer {
    if (!this.optimizer_) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
    return this.optimizer_;
  }
  get compiled(): boolean {
    return this.built && this.loss_ !== undefined;
  }

  /**
   * Fixes loss, optimizer and metrics; on the first call also builds the layers, allocates θ and
   * initialises it from `seed`. Refuses a loss that does not fit the output activation.
   */
  compile(options: CompileOptions): this {
    this.assertAlive();
    if (!options || typeof options !== 'object') throw new Error("compile: expected options like { loss: 'categoricalCrossentropy' }.");
    const loss = getLoss(options.loss);
    const optimizer = options.optimizer === undefined ? optimizerFromConfig('sgd')
      : typeof options.optimizer === 'string' ? optimizerFromConfig(options.optimizer) : options.optimizer;
    if (!optimizer || typeof optimizer.step !== 'function') {
      throw new Error('compile: optimizer must be an optimizer such as sgd({ learningRate: 0.1 }) or its name.');
    }
    const metrics = options.metrics ?? [];
    for (const m of metrics) {
      if (m !== 'accuracy' && m !== 'acc') throw new Error(`compile: unknown metric '${m}'; use 'accuracy'.`);
    }
    if (this.layers.length === 0) throw new Error('compile: the model has no layers; add dense({ units, inputShape }) first.');
    const regularization = checkRegularization('compile: regularization', options.regularization);
    const lastLayer = this.layers[this.layers.length - 1]!;
    const outAct = lastLayer.outputActivation();
    if (outAct === undefined) {
      throw new Error(`compile: a ${lastLayer.type} layer cannot be the output layer; end the model with a dense layer.`);
    }
    if (loss.requires && !loss.requires.includes(outAct)) {
      throw new Error(`compile: loss '${loss.name}' does not fit output activation '${outAct}': ${loss.requiresWhy}.`);
    }
    // The output width is known before build for every layer with units; prelu/dropout keep their input's.
    const why = loss.check?.(outAct, this.declaredOutputUnits());
    if (why) throw new Error(`compile: loss '${loss.name}' does not fit output activation '${outAct}': ${why}.`);
    if (!this.built) this.build();
    // Optimizers that cannot serve this model (second-order: dropout, hinge, L1, size) say why here.
    (optimizer as Partial<EpochTrainer>).checkModel?.(this, loss, regularization);
    this.loss_ = loss;
    this.lossFused = loss.fusedWith !== undefined && loss.fusedWith === outAct;
    if (this.optimizer_ !== optimizer) {
      for (const p of this.optState) this.backend.heap.free(p);
      this.optimizer_ = optimizer;
      this.optState = optimizer.createState(this.backend, this.tensors);
      this.step = 0;
    }
    this.metrics = metrics.map((m) => (m === 'acc' ? 'accuracy' : m));
    this.regularization = regularization;
    this.applyRegularization(this.regularizationSamples);
    return this;
  }

  /** Output width without building: the last layer with a `units` option (prelu/dropout keep it). */
  private declaredOutputUnits(): number {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const u = (this.layers[i] as unknown as { units?: unknown }).units;
      if (typeof u === 'number') return u;
    }
    return this.layers[0]!.declaredInputUnits() ?? 0;
  }

  /**
   * Sets every tensor's decay coefficients λ' = λ/n for a training set of n samples (fit calls
   * this): a tensor's own λ (kernelRegularizer) or else the model-wide one, on weights only.
   */
  applyRegularization(n: number): void {
    this.regularizationSamples = n;
    this.params.forEach((p, i) => {
      const t = this.tensors[i]!;
      const l1 = p.spec.decay ? p.spec.l1 ?? this.regularization?.l1 ?? 0 : 0;
      const l2 = p.spec.decay ? p.spec.l2 ?? this.regularization?.l2 ?? 0 : 0;
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
    const k = this.be_!.k;
    for (const t of this.tensors) if (t.l1 !== 0 || t.l2 !== 0) s += k.l1l2_penalty_f32(t.param, t.size, t.l1, t.l2);
    return s;
  }

  /** Labels → target rows for this model's output and loss (hinge maps 0/1 labels to ∓1). */
  targets(y: Labels, rows: number, what = 'y'): Float32Array {
    const loss = this.loss;
    const nout = this.outputUnits;
    const t = toTargets(loss.prepareLabels ? loss.prepareLabels(y, nout) : y, rows, nout, what);
    return loss.prepareTargets ? loss.prepareTargets(t, rows, nout) : t;
  }

  /** Builds layer shapes, allocates θ/∇θ and initialises θ. */
  private build(): void {
    const be = this.requestedBackend ?? getBackend();
    const inUnits = this.layers[0]!.declaredInputUnits();
    if (inUnits === undefined) {
      throw new Error('compile: the first layer needs inputShape, e.g. dense({ units: 128, inputShape: [784] }).');
    }
    let width = inUnits;
    const specs: { layer: number; spec: ParamSpec }[] = [];
    this.layers.forEach((l, i) => {
      for (const spec of l.build(width, { index: i, seed: this.seed })) specs.push({ layer: i, spec });
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
    this.be_ = be;
    this.theta = be.heap.allocF32(Math.max(offset, 16));
    this.gradTheta = be.heap.allocF32(Math.max(offset, 16));
    for (const l of this.layers) {
      l.param = [];
      l.grad = [];
    }
    for (const p of this.params) {
      this.layers[p.layer]!.param.push(this.theta + 4 * p.offset);
      this.layers[p.layer]!.grad.push(this.gradTheta + 4 * p.offset);
    }
    this.tensors = this.params.map((p) => ({
      param: this.theta + 4 * p.offset,
      grad: this.gradTheta + 4 * p.offset,
      size: p.size,
      l2: 0,
      l1: 0,
    }));
    this.initWeights();
    this.built = true;
  }

  /** (Re-)initialises every tensor from `seed` with its layer's initializers. */
  initWeights(seed = this.seed): void {
    const rng = new Rng(seed);
    for (const p of this.params) {
      const values = new Float32Array(p.size);
      getInitializer(p.spec.init).fill(values, p.spec.fanIn, p.spec.fanOut, rng);
      this.be_!.heap.writeF32(this.theta + 4 * p.offset, values);
    }
  }

  /** Buffers for `rows`-row batches, cached by capacity and mode. */
  plan(rows: number, training: boolean): Plan {
    const key = `${training ? 't' : 'i'}${rows}`;
    let plan = this.plans.get(key);
    if (plan) return plan;
    const be = this.backend;
    // Training plans stay cached; drop other inference plans first so evaluate/predict with many
    // different sizes do not accumulate memory (predictOne's 1-row plan is kept).
    if (!training) {
      for (const [k, p] of this.plans) {
        if (k[0] === 'i' && p.rows !== 1) this.freePlan(k, p);
      }
    }
    const layers = this.layers.map((l, i) => l.alloc(be, rows, training, i > 0));
    plan = {
      rows,
      training,
      layers,
      x: be.heap.allocF32(rows * this.inputUnits),
      y: be.heap.allocF32(rows * this.outputUnits),
      lossGrad: be.heap.allocF32(rows * this.outputUnits),
    };
    this.plans.set(key, plan);
    return plan;
  }

  private freePlan(key: string, p: Plan): void {
    const be = this.backend;
    p.layers.forEach((b, i) => this.layers[i]!.free(be, b));
    be.heap.free(p.x);
    be.heap.free(p.y);
    be.heap.free(p.lossGrad);
    this.plans.delete(key);
  }

  /** Forward pass over `rows` rows at x; returns the pointer of the output activation. */
  forward(plan: Plan, x: number, rows: number, training: boolean): number {
    const be = this.be_!;
    let a = x;
    for (let i = 0; i < this.layers.length; i++) a = this.layers[i]!.forward(be, plan.layers[i]!, a, rows, training, this.step);
    return a;
  }

  /**
   * Loss of the forward pass just run, summed over rows, and δ of the output layer. Returns the loss
   * sum; δ lands in the last layer's dz (fused) or da buffer (training plan) or plan.lossGrad.
   */
  lossOf(plan: Plan, y: number, rows: number): number {
    const last = plan.layers[plan.layers.length - 1]!;
    const grad = plan.training ? (this.lossFused ? last.dz! : last.da!) : plan.lossGrad;
    return this.loss.compute(this.be_!.k, { z: last.z!, a: last.a!, y, grad }, rows, this.outputUnits, this.lossFused);
  }

  /** Backward pass after `lossOf` on a training plan: fills ∇θ with the batch-mean gradient. */
  backward(plan: Plan, x: number, rows: number): void {
    const be = this.be_!;
    const n = this.layers.length;
    const last = plan.layers[n - 1]!;
    let d = this.lossFused ? last.dz! : last.da!;
    let pre = this.lossFused;
    for (let i = n - 1; i >= 0; i--) {
      const input = i === 0 ? x : plan.layers[i - 1]!.out;
      d = this.layers[i]!.backward(be, plan.layers[i]!, input, d, rows, i > 0, pre);
      pre = false;
    }
  }

  /**
   * Correct predictions among `rows` rows whose outputs are at a: argmax for several outputs; for
   * one output, a > threshold agreeing with y > threshold (0.5, or the loss's own: 0 for hinge).
   */
  countCorrect(a: number, y: number, rows: number): number {
    const k = this.be_!.k;
    if (this.outputUnits > 1) return k.count_correct_f32(a, y, rows, this.outputUnits);
    const th = this.loss_?.threshold ?? 0.5;
    if (th === 0.5) return k.count_correct_binary_f32(a, y, rows);
    const f = this.be_!.heap.f32;
    let c = 0;
    for (let r = 0; r < rows; r++) if (f[(a >> 2) + r]! > th === f[(y >> 2) + r]! > th) c++;
    return c;
  }

  /** Trains on (x, y) with mini-batch SGD over shuffled epochs; see FitOptions for every option. */
  fit(x: Input, y: Labels, options: FitOptions = {}): Promise<History> {
    return fit(this, x, y, options);
  }

  /**
   * Loss (mean over samples, plus the regularization penalty as in training) and, when compiled
   * with it, accuracy on (x, y). Dropout is off. The penalty's n is the training-set size of the
   * last fit (or, before any fit, the rows of x).
   */
  evaluate(x: Input, y: Labels, options: { batchSize?: number } = {}): { loss: number; accuracy?: number } {
    this.assertCompiled();
    const X = toMatrix(x, this.inputUnits, 'x');
    const Y = this.targets(y, X.rows, 'y');
    if (this.regularizationSamples === 0) {
      this.applyRegularization(X.rows);
      try {
        return this.evaluateRaw(X.data, Y, X.rows, options.batchSize);
      } finally {
        this.applyRegularization(0);
      }
    }
    return this.evaluateRaw(X.data, Y, X.rows, options.batchSize);
  }

  /** evaluate on already validated row-major arrays. */
  evaluateRaw(x: Float32Array, y: Float32Array, rows: number, batchSize = 256): { loss: number; accuracy?: number } {
    const be = this.backend;
    const chunk = Math.min(rows, Math.max(1, batchSize | 0));
    const plan = this.plan(chunk, false);
    let lossSum = 0;
    let correct = 0;
    const nin = this.inputUnits;
    const nout = this.outputUnits;
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = Math.min(chunk, rows - r0);
      be.heap.f32.set(x.subarray(r0 * nin, (r0 + m) * nin), plan.x >> 2);
      be.heap.f32.set(y.subarray(r0 * nout, (r0 + m) * nout), plan.y >> 2);
      const a = this.forward(plan, plan.x, m, false);
      lossSum += this.lossOf(plan, plan.y, m);
      if (this.metrics.includes('accuracy')) correct += this.countCorrect(a, plan.y, m);
    }
    const out: { loss: number; accuracy?: number } = { loss: lossSum / rows + (this.regularized ? this.penalty() : 0) };
    if (this.metrics.includes('accuracy')) out.accuracy = correct / rows;
    return out;
  }

  /**
   * Loss and backprop gradient ∂C₀/∂θ of the batch-mean loss on (x, y) — the data loss, without the
   * regularization penalty (the optimizer applies that as weight decay) — without updating θ (for
   * gradient checks and second-order methods). Gradients come back per tensor, like getWeights().
   */
  gradients(x: Input, y: Labels): { loss: number; grads: Float32Array[] } {
    this.assertCompiled();
    const X = toMatrix(x, this.inputUnits, 'x');
    const Y = this.targets(y, X.rows, 'y');
    const plan = this.plan(X.rows, true);
    const be = this.backend;
    be.heap.f32.set(X.data, plan.x >> 2);
    be.heap.f32.set(Y, plan.y >> 2);
    this.forward(plan, plan.x, X.rows, true);
    const loss = this.lossOf(plan, plan.y, X.rows) / X.rows;
    this.backward(plan, plan.x, X.rows);
    const grads = this.params.map((p) => be.heap.readF32(this.gradTheta + 4 * p.offset, p.size));
    return { loss, grads };
  }

  /** Outputs for every row of x, as a row-major matrix [rows × outputs]. */
  predict(x: Input, options: { batchSize?: number } = {}): { data: Float32Array; shape: [number, number] } {
    this.assertBuilt();
    const X = toMatrix(x, this.inputUnits, 'x');
    const be = this.backend;
    const chunk = Math.min(X.rows, Math.max(1, (options.batchSize ?? 256) | 0));
    const plan = this.plan(chunk, false);
    const nin = this.inputUnits;
    const nout = this.outputUnits;
    const out = new Float32Array(X.rows * nout);
    for (let r0 = 0; r0 < X.rows; r0 += chunk) {
      const m = Math.min(chunk, X.rows - r0);
      be.heap.f32.set(X.data.subarray(r0 * nin, (r0 + m) * nin), plan.x >> 2);
      const a = this.forward(plan, plan.x, m, false);
      out.set(be.heap.f32.subarray(a >> 2, (a >> 2) + m * nout), r0 * nout);
    }
    return { data: out, shape: [X.rows, nout] };
  }

  /**
   * Outputs for one sample: the fast path for serving (no validation beyond the length, no
   * allocation when `out` is given). Non-finite inputs give non-finite outputs.
   */
  predictOne(x: ArrayLike<number>, out?: Float32Array): Float32Array {
    const plan = this.plans.get('i1') ?? (this.assertBuilt(), this.plan(1, false));
    if (x.length !== this.inputUnits) {
      throw new Error(`predictOne: x has ${x.length} values but the model expects ${this.inputUnits}.`);
    }
    const f = this.be_!.heap.f32;
    f.set(x, plan.x >> 2);
    const a = this.forward(plan, plan.x, 1, false) >> 2;
    const nout = this.outputUnits;
    const res = out ?? new Float32Array(nout);
    // forward never allocates, so f is still the live view.
    for (let j = 0; j < nout; j++) res[j] = f[a + j]!;
    return res;
  }

  /** Copies of every parameter tensor, in layer order (kernel, bias, …). */
  getWeights(): Float32Array[] {
    this.assertBuilt();
    return this.params.map((p) => this.backend.heap.readF32(this.theta + 4 * p.offset, p.size));
  }

  /** Replaces every parameter tensor; shapes must match getWeights(). */
  setWeights(weights: ArrayLike<number>[]): void {
    this.assertBuilt();
    if (weights.length !== this.params.length) {
      throw new Error(`setWeights: expected ${this.params.length} tensors, got ${weights.length}.`);
    }
    weights.forEach((w, i) => {
      const p = this.params[i]!;
      if (w.length !== p.size) {
        throw new Error(`setWeights: tensor ${i} (${p.spec.name} of layer ${p.layer}) needs ${p.size} values, got ${w.length}.`);
      }
      this.backend.heap.writeF32(this.theta + 4 * p.offset, w);
    });
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
    this.setWeights(this.params.map((p) => {
      const w = flat.subarray(o, o + p.size);
      o += p.size;
      return w;
    }));
  }

  /** The model as { spec, weights } (JSON-able spec, float32 weights); see fromJSON. */
  toJSON(): { spec: ModelSpec; weights: ArrayBuffer } {
    return toJSON(this);
  }

  /** Saves model.json + weights.bin into dir, atomically (Node). */
  save(dir: string): Promise<void> {
    return saveModel(this, dir);
  }

  /** A table of layers, output widths and parameter counts. */
  summary(): string {
    const rows: string[][] = [['Layer', 'Output', 'Params', 'Activation']];
    this.layers.forEach((l, i) => {
      const n = this.built ? this.params.filter((p) => p.layer === i).reduce((s, p) => s + p.size, 0) : NaN;
      rows.push([`${i} ${l.type}`, this.built ? `[batch, ${l.outUnits}]` : '?', this.built ? String(n) : '?', l.outputActivation() ?? '']);
    });
    const w = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
    const line = (r: string[]): string => r.map((c, j) => c.padEnd(w[j]!)).join('  ');
    const sep = '─'.repeat(w.reduce((a, b) => a + b + 2, -2));
    const out = [`Model: ${this.name}`, sep, line(rows[0]!), sep, ...rows.slice(1).map(line), sep];
    if (this.built) out.push(`Total params: ${this.paramCount}`, `Input: [batch, ${this.inputUnits}]`);
    if (this.loss_) out.push(`Loss: ${this.loss_.name}${this.lossFused ? ' (fused with the output activation)' : ''}`);
    if (this.be_) out.push(`Backend: ${this.be_.name} (${this.be_.simd})`);
    return out.join('\n');
  }

  /** Frees every buffer of this model in the backend's heap. The model is unusable afterwards. */
  dispose(): void {
    if (this.disposed || !this.be_) {
      this.disposed = true;
      return;
    }
    for (const [k, p] of [...this.plans]) this.freePlan(k, p);
    for (const p of this.optState) this.be_.heap.free(p);
    this.be_.heap.free(this.theta);
    this.be_.heap.free(this.gradTheta);
    this.disposed = true;
  }

  assertAlive(): void {
    if (this.disposed) throw new Error('this model was disposed.');
  }
  assertBuilt(): void {
    this.assertAlive();
    if (!this.built) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
  }
  assertCompiled(): void {
    this.assertBuilt();
    if (!this.loss_) throw new Error('the model is not compiled yet: call model.compile({ loss, optimizer }) first.');
  }
}

/** A sequential model (Keras `tf.sequential`). */
export function sequential(layers: Layer[] = [], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}
