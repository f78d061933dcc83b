/**
 * The TF.js layers format as simdnn reads and writes it: the shapes of `tf.io.ModelArtifacts` and
 * of a `model.json`, the activation names TF.js's Dense accepts, and the initializers both sides
 * know. Plain data and lookups only (no Node built-ins: this runs in browsers too).
 *
 * Reference: tfjs-layers `keras_format/` (the Keras JSON TF.js serialises), `models.ts`
 * (`loadLayersModel` reads `modelTopology.model_config` when a Keras model was converted by
 * `tensorflowjs_converter`, the bare Sequential config when TF.js saved it).
 */
import { activationNames, getActivation } from '../../registries/activations.js';
import type { InitializerSpec } from '../../registries/initializers.js';

/** `format` of a layers model (a graph model says 'graph-model'). */
export const TFJS_FORMAT = 'layers-model';
/** What simdnn writes as `generatedBy`. */
export const TFJS_GENERATED_BY = 'simdnn';
/** The file name `toTfjs`'s model.json points its weights at. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** One weight tensor of a layers model: `<layer name>/<kernel|bias|alpha>`, shape, dtype. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** Set on quantized weights (tensorflowjs_converter --quantize_*): not read by simdnn. */
  quantization?: unknown;
}

/** A Keras layer config as TF.js serialises it: `{ class_name, config }`. */
export interface TfjsLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** The Keras `Sequential` topology (TF.js form; a converted Keras model wraps it in `model_config`). */
export interface TfjsTopology {
  class_name: 'Sequential';
  config: { name: string; layers: TfjsLayerJson[] };
  [key: string]: unknown;
}

/** The `tf.io.ModelArtifacts` of a layers model: what `tf.io.fromMemory` and save handlers pass. */
export interface TfjsArtifacts {
  modelTopology: TfjsTopology | Record<string, unknown>;
  weightSpecs: TfjsWeightSpec[];
  /** Little-endian float32 in the order of `weightSpecs` (TF.js 4 may pass shards as a list). */
  weightData: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  [key: string]: unknown;
}

/** A `model.json` of a layers model: the topology and where the weight bytes are. */
export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: TfjsTopology | Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  [key: string]: unknown;
}

/** The simdnn activation of a TF.js / Keras activation name, looked up in the registry's `names.tfjs`. */
export function activationFromTfjs(name: string): string | undefined {
  for (const n of activationNames()) {
    if (getActivation(n).names?.tfjs === name) return n;
  }
  return undefined;
}

/** simdnn's activations that TF.js's Dense accepts, as TF.js names them. */
export function tfjsActivationNames(): string[] {
  return activationNames()
    .map((n) => getActivation(n).names?.tfjs)
    .filter((n): n is string => n !== undefined);
}

type KerasInitializer = { class_name: string; config: Record<string, unknown> };

const varianceScaling = (scale: number, mode: string, distribution: string): KerasInitializer => ({
  class_name: 'VarianceScaling',
  config: { scale, mode, distribution, seed: null },
});

/**
 * simdnn initializers as Keras configs (what TF.js re-creates when it re-initialises a layer;
 * loading weights never uses them). TF.js's 'normal' distribution is a truncated normal.
 */
const INITIALIZERS_OUT: Record<string, KerasInitializer> = {
  glorotUniform: varianceScaling(1, 'fan_avg', 'uniform'),
  glorotNormal: varianceScaling(1, 'fan_avg', 'normal'),
  heUniform: varianceScaling(2, 'fan_in', 'uniform'),
  heNormal: varianceScaling(2, 'fan_in', 'normal'),
  lecunNormal: varianceScaling(1, 'fan_in', 'normal'),
  // U(±1/√fan_in) = VarianceScaling(1/3, fan_in, uniform): limit √(3·scale/fan_in).
  uniformFanIn: varianceScaling(1 / 3, 'fan_in', 'uniform'),
  standardNormal: { class_name: 'RandomNormal', config: { mean: 0, stddev: 1, seed: null } },
  zeros: { class_name: 'Zeros', config: {} },
  ones: { class_name: 'Ones', config: {} },
};

/**
 * A simdnn initializer as a Keras config; one TF.js does not know (a user-registered one) becomes
 * `fallback` — it matters only if TF.js re-initialises the layer, never for the saved weights.
 */
export function initializerToTfjs(spec: InitializerSpec, fallback: 'glorotUniform' | 'zeros'): KerasInitializer {
  if (typeof spec === 'object' && spec.name === 'constant') return { class_name: 'Constant', config: { value: spec.value } };
  const name = typeof spec === 'string' ? spec : spec.name;
  const out = Object.hasOwn(INITIALIZERS_OUT, name) ? INITIALIZERS_OUT[name]! : INITIALIZERS_OUT[fallback]!;
  return JSON.parse(JSON.stringify(out)) as KerasInitializer;
}

/**
 * A Keras initializer config (TF.js or Python Keras spelling) as a simdnn initializer, or
 * undefined when simdnn has no exact counterpart (the caller then keeps its default: the weights
 * are loaded anyway; this is only what a re-initialisation would draw from).
 */
export function initializerFromTfjs(v: unknown): InitializerSpec | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as { class_name?: unknown; config?: Record<string, unknown> | null };
  const c = o.config ?? {};
  switch (o.class_name) {
    case 'Zeros':
    case 'zeros':
      return 'zeros';
    case 'Ones':
    case 'ones':
      return 'ones';
    case 'Constant':
      return typeof c.value === 'number' && Number.isFinite(c.value) ? { name: 'constant', value: c.value } : undefined;
    case 'GlorotUniform':
      return 'glorotUniform';
    case 'GlorotNormal':
      return 'glorotNormal';
    case 'HeUniform':
      return 'heUniform';
    case 'HeNormal':
      return 'heNormal';
    case 'LecunNormal':
      return 'lecunNormal';
    case 'VarianceScaling': {
      const key = `${c.scale}/${c.mode}/${c.distribution}`;
      for (const [name, init] of Object.entries(INITIALIZERS_OUT)) {
        const ic = init.config;
        if (init.class_name === 'VarianceScaling' && key === `${ic.scale}/${ic.mode}/${ic.distribution}`) return name;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
