/**
 * The forward half of the network core: a stack of built layers over one flat parameter vector θ
 * in the backend's heap — the θ layout, the plans (buffers per batch capacity), the forward pass,
 * weights in and out. Inference needs nothing more (`InferenceModel` runs on this directly); the
 * training network (network.ts: ∇θ, loss, backward, regularization) extends it, so both run the
 * same forward code.
 *
 *   forward   a⁰ = x,  aˡ = layerˡ(aˡ⁻¹)
 */
import type { Backend } from '../kernels/backend.js';
import { warmForTraining } from '../kernels/warmup.js';
import type { Layer, ParamSpec } from '../layers/layer.js';
import { allocPlan, freePlan, type Plan } from './plan.js';

/** Where one tensor lives in θ. */
export interface ParamInfo {
  /** Index of its layer. */
  layer: number;
  spec: ParamSpec;
  /** Element offset in θ (tensors start 16-float aligned). */
  offset: number;
  size: number;
}

export class ForwardNetwork {
  /** θ: all parameters, contiguous (each tensor 16-float aligned). */
  readonly theta: number;
  /** Parameters without the alignment padding. */
  readonly paramCount: number;
  readonly params: readonly ParamInfo[];
  readonly inputUnits: number;
  private readonly plans = new Map<string, Plan>();
  /** θ's length in floats, each tensor padded to 16 (∇θ has the same layout). */
  readonly thetaFloats: number;
  protected disposed = false;

  /**
   * Builds the layers for `inputUnits` inputs, allocates θ in be's heap and, when `initialWeights`
   * (θ flattened, as setFlatWeights takes it) is given, sets θ to those values. Otherwise θ is the
   * caller's to fill: `initWeights(net)` (network/init-weights.ts) draws it from `seed` with each
   * tensor's initializer. Loaders never draw weights they would overwrite at once (≈ 100k draws
   * for 784-128-10, most of a cold loadModel), and the initializers' math stays out of the
   * inference entry.
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
    this.thetaFloats = Math.max(offset, 16);
    this.theta = backend.heap.allocF32(this.thetaFloats);
    for (const l of layers) l.param = [];
    for (const p of this.params) layers[p.layer]!.param.push(this.theta + 4 * p.offset);
    if (initialWeights?.length === this.paramCount) this.setFlatWeights(initialWeights);
  }

  get outputUnits(): number {
    return this.layers[this.layers.length - 1]!.outUnits;
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
   * The kernels a one-row forward pass calls, by name, from a dry run through a kernel table that
   * records each call and computes nothing (the layers' own code runs as in predictOne). Allocates
   * the one-row plan, as the first predictOne would.
   */
  oneRowKernels(): Set<string> {
    const plan = this.plans.get('i1') ?? this.plan(1, false);
    const names = new Set<string>();
    // (An empty target: a wasm exports object is frozen, and a proxy of it must return its values.)
    const record = new Proxy({} as Backend['k'], {
      get: (_, name) => {
        names.add(String(name));
        return () => 0;
      },
    });
    const dry: Backend = { ...this.backend, k: record };
    let a = plan.x;
    for (let i = 0; i < this.layers.length; i++) a = this.layers[i]!.forward(dry, plan.layers[i]!, a, 1, false, 0);
    return names;
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

  /** Replaces every parameter tensor (in layer order: kernel, bias, …); shapes must match `params`. */
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

  /** Frees θ and every plan. The network is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const [k, p] of [...this.plans]) this.dropPlan(k, p);
    this.backend.heap.free(this.theta);
    this.disposed = true;
  }
}
