/**
 * `Sequential`: the Keras-like façade. It collects layer specs, and on compile builds the network
 * core (network/network.ts: θ, plans, forward / loss / backward) and binds the optimizer to it
 * (train/session.ts); fit, evaluate, predict and save delegate to train/, the network and io/.
 * Nothing below imports this file.
 */
import { toMatrix, type Input, type Labels } from './data/prepare.js';
import { checkSample } from './data/sample.js';
import { encodeModel, type ModelSpec } from './io/serialize.js';
import type { ModelTarget, SaveOptions } from './io/stores/index.js';
import { getBackend, type Backend } from './kernels/backend.js';
import { Layer } from './layers/layer.js';
import { Network } from './network/network.js';
import { getLoss, type LossDef, type LossName } from './registries/losses.js';
import { checkRegularization, type Regularization } from './registries/regularizers.js';
import type { EpochTrainer } from './train/epoch-trainer.js';
import type { FitOptions, History } from './train/fit.js';
import { optimizerFromConfig, type Optimizer, type OptimizerName } from './train/optimizers.js';
import { Session } from './train/session.js';
import { anyInteger, oneOf } from './validate.js';
import { evaluateRows, predictRows } from './network/batches.js';
import { initWeights } from './network/init-weights.js';
import { targetsFor } from './network/targets.js';

/** Default seed of the weight initialisation (and, plus one, of fit's shuffle). */
export const DEFAULT_SEED = 1;
/** Default model name. */
export const DEFAULT_NAME = 'sequential';
/** Default optimizer of compile. */
export const DEFAULT_OPTIMIZER = 'sgd';
/** Default rows per chunk of evaluate and predict. */
export const DEFAULT_EVAL_BATCH_SIZE = 256;
/** Metrics compile accepts ('acc' is Keras's short name of 'accuracy'). */
export const METRICS = ['accuracy', 'acc'] as const;
export type Metric = (typeof METRICS)[number];

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
  loss: LossName;
  /**
   * Optimizer (sgd, momentum, nesterov, adam), epoch trainer (newton, levenbergMarquardt,
   * hessianFree) or its name. Default: sgd() with learning rate 0.01.
   */
  optimizer?: Optimizer | EpochTrainer | OptimizerName;
  /** Metrics to report besides the loss: ['accuracy'] or []. Default: []. */
  metrics?: Metric[];
  /**
   * L1/L2 weight decay of every weight tensor (not biases), course convention: penalty
   * (λ₁/n)Σ|w| + (λ₂/2n)Σw² with n the training-set size of fit (see registries/regularizers.ts).
   * A layer's own kernelRegularizer replaces it for that layer. Default: none.
   */
  regularization?: Regularization;
}

const NOT_COMPILED = 'the model is not compiled yet: call model.compile({ loss, optimizer }) first.';

export class Sequential {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** Set to true from a callback to stop `fit` after the current batch. */
  stopTraining = false;
  private net?: Network;
  private session_?: Session;
  private metrics_: string[] = [];
  private regularization_?: Required<Regularization>;
  private readonly requestedBackend?: Backend;
  /** θ to build the network with instead of drawing it (set by the loaders before compile). */
  private initialWeights?: Float32Array;
  private disposed = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    this.seed = anyInteger('sequential', 'seed', options.seed ?? DEFAULT_SEED);
    this.name = options.name ?? DEFAULT_NAME;
    this.requestedBackend = options.backend;
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (before compile). */
  add(layer: Layer): this {
    if (this.net) throw new Error('add: the model is already compiled; add layers before compile().');
    if (!(layer instanceof Layer)) throw new Error('add: expected a layer such as dense({ units: 10 }).');
    this.layers.push(layer);
    return this;
  }

  /** The network core (θ, plans, forward / backward); exists once compiled. */
  get network(): Network {
    if (!this.net) throw new Error(NOT_COMPILED);
    return this.net;
  }
  /** The optimizer bound to this model (its state and step count); exists once compiled. */
  get session(): Session {
    if (!this.session_) throw new Error(NOT_COMPILED);
    return this.session_;
  }
  get backend(): Backend {
    return this.network.backend;
  }
  get inputUnits(): number {
    return this.layers[0]?.inUnits ?? 0;
  }
  get outputUnits(): number {
    return this.layers[this.layers.length - 1]?.outUnits ?? 0;
  }
  get loss(): LossDef {
    return this.network.loss;
  }
  get optimizer(): Optimizer | EpochTrainer {
    return this.session.optimizer;
  }
  /** Metrics compile fixed (['accuracy'] or []). */
  get metrics(): readonly string[] {
    return this.metrics_;
  }
  /** The model-wide L1/L2 λ of compile, if any. */
  get regularization(): Required<Regularization> | undefined {
    return this.regularization_;
  }
  get compiled(): boolean {
    return this.session_ !== undefined;
  }
  /** Parameters (alignment padding excluded); 0 before compile. */
  get paramCount(): number {
    return this.net?.paramCount ?? 0;
  }

  /**
   * Fixes loss, optimizer and metrics; on the first call also builds the network, allocates θ and
   * initialises it from `seed`. Refuses a loss that does not fit the output activation, and an
   * optimizer that cannot serve the model, before allocating anything.
   */
  compile(options: CompileOptions): this {
    this.assertAlive();
    if (!options || typeof options !== 'object') throw new Error("compile: expected options like { loss: 'categoricalCrossentropy' }.");
    const loss = getLoss(options.loss);
    const o = options.optimizer ?? DEFAULT_OPTIMIZER;
    const optimizer = typeof o === 'string' ? optimizerFromConfig(o) : o;
    if (!optimizer || (optimizer.kind !== 'step' && optimizer.kind !== 'epoch')) {
      throw new Error('compile: optimizer must be an optimizer such as sgd({ learningRate: 0.1 }) or its name.');
    }
    const metrics = (options.metrics ?? []).map((m) => oneOf('compile', 'a metric', m, METRICS));
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
    const fresh = !this.net;
    const net = this.net ?? this.build();
    let session = this.session_;
    try {
      // Epoch trainers that cannot serve this model (dropout, hinge, L1, size) say why here.
      if (optimizer.kind === 'epoch') optimizer.checkModel(net, loss, regularization);
      if (session?.optimizer !== optimizer) session = new Session(optimizer, net);
    } catch (e) {
      // A refused compile leaves nothing allocated behind.
      if (fresh) {
        net.dispose();
        this.net = undefined;
      }
      throw e;
    }
    net.setLoss(loss);
    if (session !== this.session_) {
      this.session_?.dispose();
      this.session_ = session;
    }
    this.metrics_ = metrics.map((m) => (m === 'acc' ? 'accuracy' : m));
    this.regularization_ = regularization;
    net.setRegularization(regularization);
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

  private build(): Network {
    const inUnits = this.layers[0]!.declaredInputUnits();
    if (inUnits === undefined) {
      throw new Error('compile: the first layer needs inputShape, e.g. dense({ units: 128, inputShape: [784] }).');
    }
    const flat = this.initialWeights;
    const net = new Network(this.requestedBackend ?? getBackend(), this.layers, inUnits, this.seed, flat);
    if (flat?.length !== net.paramCount) initWeights(net);
    this.net = net;
    this.initialWeights = undefined;
    return net;
  }

  /**
   * @internal Loaders: the flat θ the network is built with at compile (instead of the seeded
   * initializers they would overwrite anyway). Ignored unless its length matches.
   */
  useInitialWeights(flat: Float32Array): void {
    this.initialWeights = flat;
  }

  /** Trains on (x, y) with mini-batch SGD over shuffled epochs; see FitOptions for every option. */
  fit(x: Input, y: Labels, options: FitOptions = {}): Promise<History> {
    try {
      this.assertCompiled();
    } catch (e) {
      return Promise.reject(e);
    }
    // The training loop (and its health checks, callbacks, divergence guard) loads on the first fit,
    // so an inference-only bundle (init + fromJSON + predictOne) does not carry it.
    return import('./train/fit.js').then((training) => training.fit(this, x, y, options));
  }

  /**
   * Loss (mean over samples, plus the regularization penalty as in training) and, when compiled
   * with it, accuracy on (x, y). Dropout is off. The penalty's n is the training-set size of the
   * last fit (or, before any fit, the rows of x).
   */
  evaluate(x: Input, y: Labels, options: { batchSize?: number } = {}): { loss: number; accuracy?: number } {
    this.assertCompiled();
    const net = this.network;
    const X = toMatrix(x, net.inputUnits, 'x');
    const Y = targetsFor(net, y, X.rows, 'y');
    const withAcc = this.metrics_.includes('accuracy');
    const run = (): { loss: number; accuracy?: number } => {
      const r = evaluateRows(net, X.data, Y, X.rows, options.batchSize ?? DEFAULT_EVAL_BATCH_SIZE, withAcc);
      return withAcc ? { loss: r.loss, accuracy: r.correct / X.rows } : { loss: r.loss };
    };
    if (net.regularizationSamples !== 0) return run();
    net.applyRegularization(X.rows);
    try {
      return run();
    } finally {
      net.applyRegularization(0);
    }
  }

  /**
   * Loss and backprop gradient ∂C₀/∂θ of the batch-mean loss on (x, y) — the data loss, without the
   * regularization penalty (the optimizer applies that as weight decay) — without updating θ (for
   * gradient checks and second-order methods). Gradients come back per tensor, like getWeights().
   */
  gradients(x: Input, y: Labels): { loss: number; grads: Float32Array[] } {
    this.assertCompiled();
    const net = this.network;
    const X = toMatrix(x, net.inputUnits, 'x');
    const Y = targetsFor(net, y, X.rows, 'y');
    const plan = net.plan(X.rows, true);
    const heap = net.backend.heap;
    heap.f32.set(X.data, plan.x >>> 2);
    heap.f32.set(Y, plan.y >>> 2);
    net.forward(plan, plan.x, X.rows, true, this.session.step);
    const loss = net.lossOf(plan, plan.y, X.rows) / X.rows;
    net.backward(plan, plan.x, X.rows);
    return { loss, grads: net.getGradients() };
  }

  /** Outputs for every row of x, as a row-major matrix [rows × outputs]. */
  predict(x: Input, options: { batchSize?: number } = {}): { data: Float32Array; shape: [number, number] } {
    this.assertBuilt();
    const net = this.network;
    // The NaN/±∞ scan runs in predictRows, chunk by chunk in wasm, not over all of x in JS.
    const X = toMatrix(x, net.inputUnits, 'x', false);
    return {
      data: predictRows(net, X.data, X.rows, options.batchSize ?? DEFAULT_EVAL_BATCH_SIZE, true),
      shape: [X.rows, net.outputUnits],
    };
  }

  /**
   * Outputs for one sample: the fast path for serving (no validation beyond the length, no
   * allocation when `out` is given). Non-finite inputs give non-finite outputs.
   */
  predictOne(x: ArrayLike<number>, out?: Float32Array): Float32Array {
    const net = this.net;
    if (!net || this.disposed) this.assertBuilt();
    checkSample(x, net!.inputUnits, out, net!.outputUnits);
    return net!.predictOne(x, out ?? new Float32Array(net!.outputUnits));
  }

  /** Copies of every parameter tensor, in layer order (kernel, bias, …). */
  getWeights(): Float32Array[] {
    this.assertBuilt();
    return this.network.getWeights();
  }

  /** Replaces every parameter tensor; shapes must match getWeights(). */
  setWeights(weights: ArrayLike<number>[]): void {
    this.assertBuilt();
    this.network.setWeights(weights);
  }

  /** θ flattened (no alignment padding), as saved in weights.bin. */
  getFlatWeights(): Float32Array {
    this.assertBuilt();
    return this.network.getFlatWeights();
  }

  setFlatWeights(flat: Float32Array): void {
    this.assertBuilt();
    this.network.setFlatWeights(flat);
  }

  /** The model as { spec, weights } (JSON-able spec, float32 weights); see fromJSON. */
  toJSON(): { spec: ModelSpec; weights: ArrayBuffer } {
    this.assertBuilt();
    const net = this.network;
    return encodeModel({
      name: this.name,
      seed: this.seed,
      inputUnits: net.inputUnits,
      layers: this.layers.map((l) => l.getConfig()),
      compile:
        this.session_ && net.hasLoss
          ? { loss: net.loss.name, optimizer: this.session_.optimizer.config, metrics: this.metrics_, regularization: this.regularization_ }
          : undefined,
      tensors: net.params.map((p) => ({ layer: p.layer, name: p.spec.name, shape: p.spec.shape })),
      weights: net.getFlatWeights(),
    });
  }

  /**
   * Saves the model (its spec and weights) to `target`: `'indexeddb://name'`,
   * `'localstorage://name'`, `'downloads://name'` (browsers), an `'http(s)://…'` URL (a multipart
   * POST), or a directory path / `'file://'` URL (Node: model.json + weights.bin, committed by one
   * rename). A save that fails keeps the model saved there before. Options: `overwrite` (default
   * true) and `requestInit` (http); see SaveOptions.
   */
  async save(target: ModelTarget, options: SaveOptions = {}): Promise<void> {
    const { spec, weights } = this.toJSON();
    // Loaded when saving, so the stores stay out of inference-only bundles that split chunks.
    const { saveArtifacts } = await import('./io/stores/index.js');
    await saveArtifacts(target, { spec, weights: new Uint8Array(weights) }, options);
  }

  /** A table of layers, output widths and parameter counts. */
  summary(): string {
    const net = this.net;
    const rows: string[][] = [['Layer', 'Output', 'Params', 'Activation']];
    this.layers.forEach((l, i) => {
      rows.push([
        `${i} ${l.type}`,
        net ? `[batch, ${l.outUnits}]` : '?',
        net ? String(net.layerParamCount(i)) : '?',
        l.outputActivation() ?? '',
      ]);
    });
    const w = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
    const line = (r: string[]): string => r.map((c, j) => c.padEnd(w[j]!)).join('  ');
    const sep = '─'.repeat(w.reduce((a, b) => a + b + 2, -2));
    const out = [`Model: ${this.name}`, sep, line(rows[0]!), sep, ...rows.slice(1).map(line), sep];
    if (net) out.push(`Total params: ${net.paramCount}`, `Input: [batch, ${net.inputUnits}]`);
    if (net?.hasLoss) out.push(`Loss: ${net.loss.name}${net.lossFused ? ' (fused with the output activation)' : ''}`);
    if (net) out.push(`Backend: ${net.backend.name} (${net.backend.simd})`);
    return out.join('\n');
  }

  /** Frees every buffer of this model in the backend's heap. The model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.session_?.dispose();
    this.net?.dispose();
    this.disposed = true;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('this model was disposed.');
  }
  private assertBuilt(): void {
    this.assertAlive();
    if (!this.net) throw new Error(NOT_COMPILED);
  }
  private assertCompiled(): void {
    this.assertBuilt();
    if (!this.session_ || !this.net!.hasLoss) throw new Error(NOT_COMPILED);
  }
}

/** A sequential model (Keras `tf.sequential`). */
export function sequential(layers: Layer[] = [], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}
