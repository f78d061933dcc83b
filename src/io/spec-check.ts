/**
 * The full check of a model spec (model.json), run before anything is allocated for it.
 *
 * Every field is checked for its type and range, every name against its registry, the declared
 * sizes against each other (inputUnits, units, the `weights` tensor list against what the layers
 * imply) and against size limits; the caller then checks the weight bytes against the result
 * (`decodeWeights`) — all before the model's θ exists in the heap. Errors name the field by its
 * path (`layers[1].activation`) in the shared voice of src/validate.ts:
 *
 *   `<where>: <field> must be <expected>, got <value>.`     `<where>: <field> is missing; it must be <expected>.`
 *
 * Hand-written rather than a schema library (valibot, zod): the package may not take a runtime
 * dependency for this, the spec is small and fixed, and most checks are not about shapes but about
 * names in our own registries and sizes that depend on each other, which a schema would only wrap.
 *
 * Saved layers are read strictly: a field `getConfig` always writes (a dense layer's `activation`,
 * `useBias`, initializers) must be present — a missing one is an error, never the constructor's
 * default — and a field no layer writes is an error too (a misspelt key is not silently dropped).
 */
import { layerFromConfig, type Layer, type LayerConfig } from '../layers/index.js';
import { activationNames, getActivation } from '../registries/activations.js';
import { initializerSpec } from '../registries/initializer-names.js';
import { shown } from '../validate.js';
import { FORMAT, FORMAT_VERSION, type ModelSpec } from './serialize.js';
import { ENGINE_TEXT } from '../validate.js';

/**
 * The most parameters a loaded model may have: 50 million float32, i.e. 200 MB for θ and as much
 * again for ∇θ (plus optimizer state). A file asking for more is damaged or beyond what a wasm32
 * heap holds comfortably; it is refused before anything is allocated.
 */
export const MAX_PARAMS = 50_000_000;
/** The widest layer (units, units × pieces, inputUnits) a loaded model may have: 2²⁰. */
export const MAX_UNITS = 1 << 20;
/** The most layers a loaded model may have. */
export const MAX_LAYERS = 10_000;

/** Bytes as a short human figure (1.2 GB). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** What the check hands back: the spec typed, its layers (plain objects, nothing allocated), their size. */
export interface CheckedSpec {
  spec: ModelSpec;
  /** The layers, constructed from their configs (the first with inputShape [inputUnits]). */
  layers: Layer[];
  /** Parameters the layers declare (= the weight floats expected). */
  paramCount: number;
}

/**
 * What the façade knows and io/ does not (train/ is io/'s sibling): the losses, optimizers and
 * metrics of the saved compile settings. The architecture (format, layers, sizes, weight list) is
 * always checked in full; `compile` only as far as these say — the inference entry
 * (src/infer.ts) passes none of the registries: it checks the compile settings' structure and
 * metric names only, since a model that never computes a loss or takes a step does not need the
 * loss or optimizer registries (and a model compiled with a registered custom loss still serves).
 */
export interface SpecCheckOptions {
  /** Checks `compile.loss` against the loss registry (throws "unknown loss …"); names lists them. */
  loss?: { check: (name: string) => void; names: () => string[] };
  /** Checks `compile.optimizer` (throws with a message when it is not a valid config). */
  optimizer?: (config: { type: string; [k: string]: unknown }) => void;
  /** Metric names compile accepts. */
  metrics?: readonly string[];
}

const TOP_KEYS = ['format', 'version', 'name', 'seed', 'inputUnits', 'layers', 'compile', 'weights', 'weightsChecksum', 'weightsFile'];
const COMPILE_KEYS = ['loss', 'optimizer', 'metrics', 'regularization'];
const TENSOR_KEYS = ['layer', 'name', 'shape'];

interface LayerSchema {
  required: string[];
  optional: string[];
}
/** Fields of the saved layer configs (what each layer's getConfig writes). */
const LAYER_SCHEMAS: Record<string, LayerSchema> = {
  dense: {
    required: ['type', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
    optional: ['alpha', 'kernelRegularizer', 'inputShape', 'name'],
  },
  maxout: {
    required: ['type', 'units', 'pieces', 'useBias', 'kernelInitializer', 'biasInitializer'],
    optional: ['kernelRegularizer', 'inputShape', 'name'],
  },
  prelu: { required: ['type', 'alphaInitializer'], optional: ['inputShape', 'name'] },
  dropout: { required: ['type', 'rate'], optional: ['seed', 'inputShape', 'name'] },
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/** A message that carries no engine text: only ours (kept) or, for anything else, a generic one. */
function cleanMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return ENGINE_TEXT.test(m) ? 'it is not a valid value' : m.replace(/\.$/, '');
}

/** The checker of one spec: `where` prefixes every message ('fromJSON', 'loadModel: dir/model.json'). */
class Check {
  constructor(readonly where: string) {}

  fail(path: string, expected: string, v: unknown): never {
    if (v === undefined) throw new Error(`${this.where}: ${path} is missing; it must be ${expected}.`);
    throw new Error(`${this.where}: ${path} must be ${expected}, got ${shown(v)}.`);
  }
  error(text: string): never {
    throw new Error(`${this.where}: ${text}`);
  }
  /** Runs a registry check, rewording its error as one about `path`. */
  wrap<T>(path: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new Error(`${this.where}: ${path}: ${cleanMessage(e)}.`);
    }
  }
  object(path: string, v: unknown, example: string): Record<string, unknown> {
    if (!isObject(v)) this.fail(path, `an object like ${example}`, v);
    return v;
  }
  keys(path: string, o: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.error(`${path ? `${path}.` : ''}${k} is not a field here; expected only ${known.join(', ')}.`);
    }
  }
  int(path: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `an integer in [${min}, ${max}]`, v);
    return v;
  }
  finite(path: string, v: unknown, min = -Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      this.fail(path, min === -Infinity ? 'a finite number' : `a finite number ≥ ${min}`, v);
    return v;
  }
  string(path: string, v: unknown): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }
  bool(path: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v;
  }
  units(path: string, v: unknown): number {
    return this.int(path, v, 1, MAX_UNITS);
  }
  initializer(path: string, v: unknown): void {
    const expected = "an initializer name such as 'glorotUniform' or { name: 'constant', value }";
    if (typeof v === 'string') {
      if (v === 'constant') this.fail(path, `${expected} (constant needs a value)`, v);
      this.wrap(path, () => initializerSpec(v));
      return;
    }
    if (!isObject(v)) this.fail(path, expected, v);
    this.keys(path, v, ['name', 'value']);
    const name = this.string(`${path}.name`, v.name);
    if (name === 'constant') this.finite(`${path}.value`, v.value);
    else {
      if (v.value !== undefined) this.error(`${path}.value is only allowed with name 'constant'.`);
      if (name !== 'constant') this.wrap(`${path}.name`, () => initializerSpec(name));
    }
  }
  regularization(path: string, v: unknown): void {
    const r = this.object(path, v, '{ l1: 0, l2: 5 }');
    this.keys(path, r, ['l1', 'l2']);
    if (r.l1 !== undefined) this.finite(`${path}.l1`, r.l1, 0);
    if (r.l2 !== undefined) this.finite(`${path}.l2`, r.l2, 0);
  }
  /** `<subject> <n> parameters<more> (… for θ and ∇θ), more than MAX_PARAMS …: too large to load.` */
  tooLarge(subject: string, n: number, more: string): never {
    this.error(
      `${subject} ${n} parameters${more} (${formatBytes(n * 8)} for θ and ∇θ), more than MAX_PARAMS = ${MAX_PARAMS} ` +
        `(${formatBytes(MAX_PARAMS * 8)}): the file is damaged or the model is too large to load.`,
    );
  }
  inputShape(path: string, v: unknown): number[] {
    if (!Array.isArray(v) || v.length !== 1) this.fail(path, `[features] with an integer in [1, ${MAX_UNITS}]`, v);
    this.units(`${path}[0]`, v[0]);
    return v as number[];
  }
}

/** Checks a saved layer config of a built-in type (strict: every field, no unknown ones). */
function checkLayer(c: Check, path: string, l: Record<string, unknown>, schema: LayerSchema): void {
  c.keys(path, l, [...schema.required, ...schema.optional]);
  const at = (k: string): string => `${path}.${k}`;
  for (const k of schema.required) {
    if (l[k] === undefined) {
      if (k === 'activation')
        c.fail(at(k), `one of ${quoted(activationNames())} (a saved dense layer always names its activation)`, undefined);
      c.fail(at(k), 'present (a saved layer always has it)', undefined);
    }
  }
  const type = l.type as string;
  if (type === 'dense' || type === 'maxout') {
    c.units(at('units'), l.units);
    c.bool(at('useBias'), l.useBias);
    c.initializer(at('kernelInitializer'), l.kernelInitializer);
    c.initializer(at('biasInitializer'), l.biasInitializer);
    if (l.kernelRegularizer !== undefined) c.regularization(at('kernelRegularizer'), l.kernelRegularizer);
  }
  if (type === 'dense') {
    const names = activationNames();
    if (typeof l.activation !== 'string' || !names.includes(l.activation)) {
      // Aliases ('softmax_xent'?) are accepted where the registry accepts them; anything else is named.
      if (typeof l.activation !== 'string') c.fail(at('activation'), `one of ${quoted(names)}`, l.activation);
      const a = l.activation;
      c.wrap(at('activation'), () => getActivation(a));
    }
    if (l.alpha !== undefined) c.finite(at('alpha'), l.alpha);
  }
  if (type === 'maxout') c.int(at('pieces'), l.pieces, 2, MAX_UNITS);
  if (type === 'prelu') c.initializer(at('alphaInitializer'), l.alphaInitializer);
  if (type === 'dropout') {
    if (typeof l.rate !== 'number' || !(l.rate >= 0 && l.rate < 1)) c.fail(at('rate'), 'a number in [0, 1)', l.rate);
    if (l.seed !== undefined) c.int(at('seed'), l.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
  if (l.inputShape !== undefined) c.inputShape(at('inputShape'), l.inputShape);
  if (l.name !== undefined) c.string(at('name'), l.name);
}

/**
 * Checks a spec completely and builds its layers (plain objects: nothing allocated). Throws an
 * Error naming `where`, the field path and the expectation; returns the typed spec, the layers and
 * the parameter count the weights must have.
 */
export function checkModelSpec(spec: unknown, where: string, options: SpecCheckOptions = {}): CheckedSpec {
  const c: Check = new Check(where);
  if (!isObject(spec) || spec.format !== FORMAT) {
    c.error(`not a simdnn model (expected format '${FORMAT}', got ${isObject(spec) ? shown(spec.format ?? null) : shown(spec)}).`);
  }
  if (spec.version !== FORMAT_VERSION) {
    c.error(`model format version ${shown(spec.version ?? null)} is not supported (this simdnn reads version ${FORMAT_VERSION}).`);
  }
  c.keys('', spec, TOP_KEYS);
  c.string('name', spec.name);
  c.int('seed', spec.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const inputUnits = c.units('inputUnits', spec.inputUnits);
  if (spec.weightsChecksum !== undefined && (typeof spec.weightsChecksum !== 'string' || !/^[0-9a-f]{8}$/.test(spec.weightsChecksum))) {
    c.fail('weightsChecksum', '8 hex digits', spec.weightsChecksum);
  }
  if (spec.weightsFile !== undefined) c.string('weightsFile', spec.weightsFile);

  // Layers: each config on its own, then the sizes they imply together.
  if (!Array.isArray(spec.layers) || spec.layers.length === 0 || spec.layers.length > MAX_LAYERS) {
    c.fail('layers', `a list of 1 to ${MAX_LAYERS} layer configs`, spec.layers);
  }
  const layers: Layer[] = [];
  let width = inputUnits;
  let paramCount = 0;
  const implied: { layer: number; name: string; shape: number[] }[] = [];
  spec.layers.forEach((raw, i) => {
    const path = `layers[${i}]`;
    const l = c.object(path, raw, "{ type: 'dense', units: 10, … }");
    const schema = typeof l.type === 'string' && Object.hasOwn(LAYER_SCHEMAS, l.type) ? LAYER_SCHEMAS[l.type] : undefined;
    if (schema) checkLayer(c, path, l, schema);
    else if (typeof l.type !== 'string') c.fail(`${path}.type`, `one of ${quoted(Object.keys(LAYER_SCHEMAS))}`, l.type);
    if (i === 0 && l.inputShape !== undefined && (l.inputShape as number[])[0] !== inputUnits) {
      c.error(`${path}.inputShape is ${shown(l.inputShape)} but inputUnits is ${inputUnits}; the two must agree.`);
    }
    // Sizes before anything is built: a layer's width and its parameters, against the limits.
    const units = l.units as number | undefined;
    const out = units ?? width;
    const cols = schema ? (l.type === 'maxout' ? out * (l.pieces as number) : l.type === 'prelu' || l.type === 'dropout' ? 0 : out) : 0;
    if (cols > MAX_UNITS) c.error(`${path} is ${cols} columns wide (units × pieces), more than MAX_UNITS = ${MAX_UNITS}.`);
    const layerParams = l.type === 'prelu' ? width : cols * width + (l.useBias === true ? cols : 0);
    if (paramCount + layerParams > MAX_PARAMS) c.tooLarge(`${path} brings the model to`, paramCount + layerParams, ' or more');
    const cfg = (i === 0 ? { ...l, inputShape: [inputUnits] } : l) as LayerConfig;
    const layer = c.wrap(schema ? path : `${path}.type`, () => layerFromConfig(cfg));
    const specs = c.wrap(path, () => layer.build(width, { index: i, seed: spec.seed as number }));
    for (const p of specs) {
      implied.push({ layer: i, name: p.name, shape: p.shape });
      paramCount += p.shape.reduce((a, b) => a * b, 1);
    }
    if (paramCount > MAX_PARAMS) c.tooLarge('the layers declare', paramCount, '');
    if (!Number.isInteger(layer.outUnits) || layer.outUnits < 1 || layer.outUnits > MAX_UNITS) {
      c.error(`${path} gives ${shown(layer.outUnits)} outputs; expected an integer in [1, ${MAX_UNITS}].`);
    }
    width = layer.outUnits;
    layers.push(layer);
  });

  // The weight tensor list must be exactly what the layers imply.
  if (!Array.isArray(spec.weights)) c.fail('weights', 'the list of weight tensors { layer, name, shape }', spec.weights);
  if (spec.weights.length !== implied.length) {
    c.error(`weights lists ${spec.weights.length} tensors but the layers have ${implied.length}: model.json is damaged.`);
  }
  spec.weights.forEach((raw, j) => {
    const path = `weights[${j}]`;
    const t = c.object(path, raw, "{ layer: 0, name: 'kernel', shape: [784, 128] }");
    c.keys(path, t, TENSOR_KEYS);
    const want = implied[j]!;
    if (t.layer !== want.layer) c.fail(`${path}.layer`, `${want.layer}`, t.layer);
    if (t.name !== want.name) c.fail(`${path}.name`, `'${want.name}' (layer ${want.layer})`, t.name);
    const shape = t.shape;
    if (!Array.isArray(shape) || shape.length !== want.shape.length || shape.some((d, k) => d !== want.shape[k])) {
      c.fail(`${path}.shape`, `${shown(want.shape)} (what layers[${want.layer}] implies)`, shape);
    }
  });

  if (spec.compile !== undefined) checkCompile(c, spec.compile, options);
  return { spec: spec as unknown as ModelSpec, layers, paramCount };
}

function checkCompile(c: Check, v: unknown, options: SpecCheckOptions): void {
  const o = c.object('compile', v, "{ loss: 'mse', optimizer: { type: 'sgd' }, metrics: [] }");
  c.keys('compile', o, COMPILE_KEYS);
  const losses = options.loss;
  if (typeof o.loss !== 'string') c.fail('compile.loss', losses ? `one of ${quoted(losses.names())}` : 'a loss name', o.loss);
  const loss = o.loss;
  if (losses) c.wrap('compile.loss', () => losses.check(loss));
  const opt = c.object('compile.optimizer', o.optimizer, "{ type: 'sgd', learningRate: 0.01 }");
  if (typeof opt.type !== 'string') c.fail('compile.optimizer.type', 'an optimizer name such as sgd', opt.type);
  if (options.optimizer) {
    const check = options.optimizer;
    c.wrap('compile.optimizer', () => check(opt as { type: string }));
  }
  const known = options.metrics ?? ['accuracy', 'acc'];
  if (!Array.isArray(o.metrics) || o.metrics.length > 16) c.fail('compile.metrics', `a list of metrics (${quoted(known)})`, o.metrics);
  o.metrics.forEach((m, i) => {
    if (typeof m !== 'string' || !known.includes(m)) c.fail(`compile.metrics[${i}]`, `one of ${quoted(known)}`, m);
  });
  if (o.regularization !== undefined) c.regularization('compile.regularization', o.regularization);
}
