/**
 * TF.js layers format → a simdnn model spec and its weights (nothing allocated in the heap: the
 * façade's `fromTfjs` checks the spec like any model.json and only then builds the model).
 *
 * Two JSON dialects are read, as TF.js's `loadLayersModel` reads them:
 *   - saved by TF.js (`model.save`): `modelTopology` is the Sequential config itself, the first
 *     layer carries `batch_input_shape` (or an InputLayer comes first);
 *   - converted from Keras by `tensorflowjs_converter`: `modelTopology.model_config` holds the
 *     Sequential config (next to `keras_version`, `backend`, `training_config`), the input comes
 *     from an `InputLayer` (`batch_input_shape`, Keras 3: `batch_shape`), Keras 3 adds `module` /
 *     `registered_name` and writes `dtype` as a policy object; legacy Keras writes the layer list
 *     directly as the Sequential's `config`.
 * Layers: InputLayer, Dense (activation by the registry's `names.tfjs`), Dropout, PReLU
 * (shared_axes null). Weights are matched by name (`<layer>/<kernel|bias|alpha>`, any scope
 * prefix, a `:0` suffix dropped), falling back to manifest order, and checked against the shapes
 * the layers imply. Anything else is refused with an error naming it.
 */
import type { LayerConfig } from '../../layers/layer.js';
import { shown } from '../../validate.js';
import { FORMAT, FORMAT_VERSION, type ModelSpec } from '../serialize.js';
import { MAX_LAYERS, MAX_UNITS } from '../spec-check.js';
import { activationFromTfjs, initializerFromTfjs, TFJS_FORMAT, tfjsActivationNames } from './format.js';

/** The weight bytes of a model.json: one buffer (all shards in manifest order), a list of shards, or a map path → bytes. */
export type TfjsWeightsInput =
  | ArrayBuffer
  | ArrayBufferView
  | (ArrayBuffer | ArrayBufferView)[]
  | Record<string, ArrayBuffer | ArrayBufferView>;

/** The layer classes simdnn reads. */
export const TFJS_LAYERS = ['InputLayer', 'Dense', 'Dropout', 'PReLU'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Bytes per element of the dtypes a manifest may hold (to find where each tensor starts). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, uint16: 2 };

class Reader {
  constructor(readonly where: string) {}
  error(text: string): never {
    throw new Error(`${this.where}: ${text}`);
  }
  fail(path: string, expected: string, v: unknown): never {
    if (v === undefined) this.error(`${path} is missing; it must be ${expected}.`);
    this.error(`${path} must be ${expected}, got ${shown(v)}.`);
  }
  /** A width: an integer in [1, MAX_UNITS]. */
  units(path: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_UNITS) this.fail(path, `an integer in [1, ${MAX_UNITS}]`, v);
    return v;
  }
  /** A batch input shape [null, features] (the batch size may also be a number). */
  inputShape(path: string, v: unknown): number {
    if (!Array.isArray(v) || v.length !== 2 || (v[0] !== null && typeof v[0] !== 'number')) {
      this.fail(path, '[null, features] (simdnn reads rows of features; images and sequences need a Flatten TF.js does not write here)', v);
    }
    return this.units(`${path}[1]`, v[1]);
  }
}

/** The input width a layer config declares (`batch_input_shape`, Keras 3 `batch_shape`, TF.js `input_shape`), if any. */
function declaredInput(r: Reader, path: string, c: Record<string, unknown>): number | undefined {
  if (c.batch_input_shape != null) return r.inputShape(`${path}.batch_input_shape`, c.batch_input_shape);
  if (c.batch_shape != null) return r.inputShape(`${path}.batch_shape`, c.batch_shape);
  if (c.input_shape != null) {
    const s = c.input_shape;
    if (!Array.isArray(s) || s.length !== 1) r.fail(`${path}.input_shape`, '[features]', s);
    return r.units(`${path}.input_shape[0]`, s[0]);
  }
  return undefined;
}

/** float32 (TF.js string, Keras 3 DTypePolicy object) or absent; anything else is refused. */
function checkDtype(r: Reader, path: string, v: unknown): void {
  if (v == null || v === 'float32') return;
  if (isObject(v) && isObject(v.config) && v.config.name === 'float32') return;
  r.fail(path, "'float32' (simdnn computes in float32)", v);
}

/** The Sequential's layer list, from either dialect. */
function topologyLayers(r: Reader, topology: unknown): { name: string; layers: unknown[] } {
  if (!isObject(topology)) r.fail('modelTopology', 'a Keras model config { class_name: "Sequential", config }', topology);
  const t = isObject(topology.model_config) ? topology.model_config : topology;
  const at = t === topology ? 'modelTopology' : 'modelTopology.model_config';
  if (t.class_name !== 'Sequential') {
    const what = t.class_name === 'Model' || t.class_name === 'Functional' ? ' (a functional model)' : '';
    r.error(
      `${at}.class_name is ${shown(t.class_name)}${what}; simdnn reads Sequential models only (a stack of Dense, Dropout and PReLU layers).`,
    );
  }
  const c = t.config;
  if (Array.isArray(c)) return { name: 'sequential', layers: c };
  if (!isObject(c) || !Array.isArray(c.layers)) r.fail(`${at}.config.layers`, 'the list of layer configs', isObject(c) ? c.layers : c);
  return { name: typeof c.name === 'string' && c.name !== '' ? c.name : 'sequential', layers: c.layers };
}

/** What a TF.js layer becomes: a simdnn layer config and the weights it takes, by Keras name. */
interface Converted {
  config: LayerConfig;
  /** Keras layer name (weights are `<name>/<param>`). */
  name: string;
  /** Expected weights, in θ order, with their shapes. */
  params: { name: string; shape: number[] }[];
  outUnits: number;
}

function convertLayer(r: Reader, path: string, cls: string, c: Record<string, unknown>, width: number, name: string): Converted {
  switch (cls) {
    case 'Dense': {
      const units = r.units(`${path}.config.units`, c.units);
      const act = c.activation ?? 'linear';
      const actName = typeof act === 'string' ? act : isObject(act) && typeof act.class_name === 'string' ? act.class_name : undefined;
      const activation = actName === undefined ? undefined : activationFromTfjs(actName);
      if (activation === undefined) {
        r.error(
          `${path} (Dense '${name}') has activation ${shown(actName ?? act)}, which simdnn cannot read; ` +
            `use one of ${tfjsActivationNames().join(', ')} (or a linear Dense followed by PReLU).`,
        );
      }
      const useBias = c.use_bias ?? true;
      if (typeof useBias !== 'boolean') r.fail(`${path}.config.use_bias`, 'true or false', useBias);
      const config: LayerConfig = {
        type: 'dense',
        units,
        activation,
        useBias,
        kernelInitializer: initializerFromTfjs(c.kernel_initializer) ?? 'glorotUniform',
        biasInitializer: initializerFromTfjs(c.bias_initializer) ?? 'zeros',
        name,
      };
      const params = [{ name: 'kernel', shape: [width, units] }];
      if (useBias) params.push({ name: 'bias', shape: [units] });
      return { config, name, params, outUnits: units };
    }
    case 'Dropout': {
      const rate = c.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) r.fail(`${path}.config.rate`, 'a number in [0, 1)', rate);
      if (c.noise_shape != null)
        r.error(`${path} (Dropout '${name}') has a noise_shape; simdnn drops each value on its own (noise_shape null).`);
      return { config: { type: 'dropout', rate, name }, name, params: [], outUnits: width };
    }
    case 'PReLU': {
      const shared = c.shared_axes;
      if (shared != null && !(Array.isArray(shared) && shared.length === 0)) {
        r.error(
          `${path} (PReLU '${name}') shares its slope over axes ${shown(shared)}; simdnn learns one slope per unit (shared_axes null).`,
        );
      }
      const config: LayerConfig = {
        type: 'prelu',
        alphaInitializer: initializerFromTfjs(c.alpha_initializer) ?? { name: 'constant', value: 0.25 },
        name,
      };
      return { config, name, params: [{ name: 'alpha', shape: [width] }], outUnits: width };
    }
    default:
      return r.error(
        `${path} is a ${shown(cls)} layer, which simdnn cannot read; it reads ${TFJS_LAYERS.join(', ')}` +
          (cls === 'Maxout' ? '' : ` (rebuild the model from those, e.g. an Activation layer as the Dense's activation)`) +
          '.',
      );
  }
}

/** A weight spec's name without a `:0` suffix. */
const bareName = (n: string): string => n.replace(/:\d+$/, '');

function bytesOf(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** The weight specs and bytes of artifacts (`weightSpecs` + `weightData`) or of a model.json (`weightsManifest` + weights). */
function weightSource(
  r: Reader,
  input: Record<string, unknown>,
  weights: TfjsWeightsInput | undefined,
): { specs: unknown[]; bytes: Uint8Array } {
  const isBytes = (v: unknown): v is ArrayBuffer | ArrayBufferView => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  if (input.weightsManifest !== undefined) {
    const m = input.weightsManifest;
    if (!Array.isArray(m)) r.fail('weightsManifest', 'a list of { paths, weights } groups', m);
    const specs: unknown[] = [];
    const paths: string[] = [];
    m.forEach((g, i) => {
      if (!isObject(g) || !Array.isArray(g.weights) || !Array.isArray(g.paths))
        r.fail(`weightsManifest[${i}]`, 'a group { paths, weights }', g);
      specs.push(...g.weights);
      for (const p of g.paths) paths.push(String(p));
    });
    const w = weights ?? (input.weightData as TfjsWeightsInput | undefined);
    if (w === undefined) r.error(`the weights are missing: pass the bytes of ${paths.join(', ')} as the second argument.`);
    if (isBytes(w)) return { specs, bytes: bytesOf(w) };
    if (Array.isArray(w)) {
      if (!w.every(isBytes)) r.error('the weights must be ArrayBuffers or typed arrays (one per file of weightsManifest, in order).');
      return { specs, bytes: concat(w.map(bytesOf)) };
    }
    if (isObject(w)) {
      const parts = paths.map((p) => {
        const b = Object.hasOwn(w, p) ? w[p] : undefined;
        if (!isBytes(b)) r.error(`the weights have no bytes for '${p}' (named in weightsManifest); pass { '${p}': ArrayBuffer, … }.`);
        return bytesOf(b);
      });
      return { specs, bytes: concat(parts) };
    }
    return r.fail('weights', 'an ArrayBuffer, a list of them (one per weights file) or a map file name → ArrayBuffer', w);
  }
  if (!Array.isArray(input.weightSpecs))
    r.fail('weightSpecs', 'the list of weight tensors { name, shape, dtype } (or a model.json with weightsManifest)', input.weightSpecs);
  const data = weights ?? input.weightData;
  if (isBytes(data)) return { specs: input.weightSpecs, bytes: bytesOf(data) };
  if (Array.isArray(data) && data.every(isBytes)) return { specs: input.weightSpecs, bytes: concat(data.map(bytesOf)) };
  return r.fail('weightData', 'an ArrayBuffer of the weights (or a list of them)', data);
}

/** A weight spec checked, with where its bytes start. */
interface Located {
  name: string;
  shape: number[];
  dtype: string;
  quantized: boolean;
  offset: number;
  count: number;
}

function locate(r: Reader, specs: unknown[], byteLength: number): Located[] {
  let offset = 0;
  const out = specs.map((raw, j) => {
    const path = `weightSpecs[${j}]`;
    if (!isObject(raw) || typeof raw.name !== 'string') r.fail(path, 'a weight { name, shape, dtype }', raw);
    const shape = raw.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) r.fail(`${path}.shape`, 'a list of sizes', shape);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const quantization = raw.quantization;
    const dtype = isObject(quantization) && typeof quantization.dtype === 'string' ? quantization.dtype : (raw.dtype ?? 'float32');
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype))
      r.fail(`${path}.dtype`, `one of ${Object.keys(DTYPE_BYTES).join(', ')}`, dtype);
    const l: Located = {
      name: bareName(raw.name),
      shape: shape as number[],
      dtype: String(raw.dtype ?? 'float32'),
      quantized: quantization != null,
      offset,
      count,
    };
    offset += count * DTYPE_BYTES[dtype]!;
    return l;
  });
  if (offset !== byteLength) {
    r.error(
      `the weights have ${byteLength} bytes but the weight list describes ${offset}: ` +
        'the weights file does not belong to this model.json, or a shard is missing or truncated.',
    );
  }
  return out;
}

/**
 * Reads a TF.js layers model (artifacts, or a model.json with its weight bytes) into a simdnn
 * spec (no compile settings) and θ as float32 in the spec's tensor order. Throws, naming the
 * field, layer or weight, on anything simdnn cannot represent exactly.
 */
export function readTfjs(
  input: unknown,
  weights: TfjsWeightsInput | undefined,
  options: { seed?: number; name?: string } = {},
  where = 'fromTfjs',
): { spec: ModelSpec; weights: Float32Array } {
  const r: Reader = new Reader(where);
  if (!isObject(input))
    r.fail('the model', 'TF.js model artifacts { modelTopology, weightSpecs, weightData } or a parsed model.json', input);
  if (input.format !== undefined && input.format !== TFJS_FORMAT) {
    r.error(`format is ${shown(input.format)}; simdnn reads '${TFJS_FORMAT}' models (tf.LayersModel), not graph models (tf.GraphModel).`);
  }
  const top = topologyLayers(r, input.modelTopology);
  if (top.layers.length === 0 || top.layers.length > MAX_LAYERS + 1)
    r.fail('the Sequential', `1 to ${MAX_LAYERS} layers`, top.layers.length);

  // Layers, with the width flowing through them.
  let inputUnits: number | undefined;
  let width = 0;
  const converted: Converted[] = [];
  const usedNames = new Set<string>();
  top.layers.forEach((raw, i) => {
    const path = `layers[${i}]`;
    if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
      r.fail(path, 'a layer config { class_name, config }', raw);
    }
    const cls = raw.class_name;
    const c = raw.config;
    checkDtype(r, `${path}.config.dtype`, c.dtype);
    const declared = declaredInput(r, `${path}.config`, c);
    if (cls === 'InputLayer') {
      if (i !== 0) r.error(`${path} is an InputLayer but not the first layer.`);
      if (declared === undefined) r.error(`${path} (InputLayer) has no batch_input_shape [null, features].`);
      inputUnits = width = declared;
      return;
    }
    if (inputUnits === undefined) {
      if (declared === undefined) {
        r.error(
          `${path}: the input width is unknown: the first layer has no batch_input_shape [null, features] and no InputLayer precedes it.`,
        );
      }
      inputUnits = width = declared;
    } else if (declared !== undefined && converted.length === 0 && declared !== inputUnits) {
      r.error(`${path} declares ${declared} inputs but the InputLayer ${inputUnits}.`);
    }
    const name = typeof c.name === 'string' && c.name !== '' ? c.name : `${cls.toLowerCase()}_${i}`;
    if (usedNames.has(name)) r.error(`${path}: the layer name '${name}' is used twice; Keras layer names are unique within a model.`);
    usedNames.add(name);
    const conv = convertLayer(r, path, cls, c, width, name);
    width = conv.outUnits;
    converted.push(conv);
  });
  if (converted.length === 0) r.error('the Sequential has no layer besides its InputLayer.');

  // Weights: by name where the names say it, else by manifest order; shapes must match.
  const source = weightSource(r, input, weights);
  const located = locate(r, source.specs, source.bytes.byteLength);
  const used = new Set<number>();
  let next = 0;
  const picked: { layer: number; name: string; shape: number[]; from: Located }[] = [];
  converted.forEach((conv, li) => {
    for (const p of conv.params) {
      const want = `${conv.name}/${p.name}`;
      let k = located.findIndex((w, j) => !used.has(j) && (w.name === want || w.name.endsWith(`/${want}`)));
      if (k < 0) {
        while (next < located.length && used.has(next)) next++;
        k = next;
        const w = located[k];
        if (w === undefined || !(w.name === p.name || w.name.endsWith(`/${p.name}`))) {
          r.error(
            `no weight '${want}' for layers[${li}] (${conv.config.type} '${conv.name}')` +
              (w ? `; the next weight in the manifest is '${w.name}'.` : '; the weight list ends before it.'),
          );
        }
      }
      const w = located[k]!;
      used.add(k);
      if (w.shape.length !== p.shape.length || w.shape.some((d, j) => d !== p.shape[j])) {
        r.error(`weight '${w.name}' has shape ${shown(w.shape)} but layer '${conv.name}' needs ${shown(p.shape)} for its ${p.name}.`);
      }
      if (w.quantized || w.dtype !== 'float32') {
        r.error(
          `weight '${w.name}' is ${w.quantized ? 'quantized' : w.dtype}; simdnn reads float32 weights (convert without --quantize_* options).`,
        );
      }
      picked.push({ layer: li, name: p.name, shape: p.shape, from: w });
    }
  });
  const left = located.filter((_, j) => !used.has(j));
  // Optimizer state saved with the model (TF.js includeOptimizer) is not θ: skipped. Anything else is a mismatch.
  const hasTraining = input.trainingConfig != null || (isObject(input.modelTopology) && input.modelTopology.training_config != null);
  if (left.length > 0 && !hasTraining) {
    r.error(
      `weight ${shown(left[0]!.name)} belongs to no layer of the model (${left.length} unused): the weights do not match this topology.`,
    );
  }

  const total = picked.reduce((n, p) => n + p.from.count, 0);
  const flat = new Float32Array(total);
  const view = new DataView(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
  let o = 0;
  for (const p of picked) {
    for (let e = 0; e < p.from.count; e++) {
      const v = view.getFloat32(p.from.offset + e * 4, true);
      if (!Number.isFinite(v)) r.error(`weight '${p.from.name}' element ${e} is ${v}: the weights are corrupt.`);
      flat[o++] = v;
    }
  }
  const layers = converted.map((c) => c.config);
  layers[0] = { ...layers[0]!, inputShape: [inputUnits!] };
  const spec: ModelSpec = {
    format: FORMAT,
    version: FORMAT_VERSION,
    name: options.name ?? top.name,
    seed: options.seed ?? 1,
    inputUnits: inputUnits!,
    layers,
    weights: picked.map((p) => ({ layer: p.layer, name: p.name, shape: p.shape })),
  };
  return { spec, weights: flat };
}
