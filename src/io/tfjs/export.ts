/**
 * simdnn → TF.js layers format. `toTfjs(model)` reads the model's spec and weights (`toJSON`) and
 * writes the Keras `Sequential` topology TF.js's `loadLayersModel` reads:
 *
 *   dense   → Dense   { units, activation (the registry's names.tfjs), use_bias }  kernel [in × out], bias [out]
 *   dropout → Dropout { rate }                                                    no weights
 *   prelu   → PReLU   { shared_axes: null }                                       alpha [in]
 *
 * The first layer carries `batch_input_shape: [null, inputUnits]`. simdnn and Keras store a dense
 * kernel the same way (row-major [in × out]), so the weight bytes are θ as saved, in layer order.
 * Maxout has no TF.js layer, and an activation TF.js's Dense lacks has no faithful translation:
 * both are refused with the fix rather than written as something that computes another function.
 *
 * Not carried over: kernelRegularizer (simdnn's λ/n convention has no TF.js counterpart without
 * the training-set size) and dropout seeds (TF.js draws its masks differently anyway).
 */
import type { LayerConfig } from '../../layers/layer.js';
import { getActivation } from '../../registries/activations.js';
import type { InitializerSpec } from '../../registries/initializers.js';
import type { ModelSpec } from '../serialize.js';
import {
  initializerToTfjs,
  TFJS_FORMAT,
  TFJS_GENERATED_BY,
  TFJS_WEIGHTS_FILE,
  tfjsActivationNames,
  type TfjsLayerJson,
  type TfjsModelJson,
  type TfjsTopology,
} from './format.js';

/** What `toTfjs` needs of a model: its spec and weights (a compiled `Sequential` has both). */
export interface TfjsExportable {
  toJSON(): { spec: ModelSpec; weights: ArrayBuffer };
}

/** `tf.io.ModelArtifacts` of the model, plus the same as a `model.json` (weights in `weightData`). */
export interface TfjsExport {
  format: typeof TFJS_FORMAT;
  generatedBy: string;
  convertedBy: null;
  modelTopology: TfjsTopology;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  /** θ as little-endian float32, in the order of `weightSpecs`: the bytes of weights.bin. */
  weightData: ArrayBuffer;
  /** The model.json form: write it next to `weightData` saved as weights.bin. */
  modelJson: TfjsModelJson & { modelTopology: TfjsTopology };
}

const WHERE = 'toTfjs';

/** Keras layer names must be unique in a model: the simdnn name if set and free, else `<type>_<i>`. */
function layerNames(layers: LayerConfig[]): string[] {
  const used = new Set<string>();
  return layers.map((l, i) => {
    let name = typeof l.name === 'string' && l.name !== '' ? l.name : `${l.type}_${i}`;
    if (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    return name;
  });
}

function denseJson(l: LayerConfig, i: number, name: string): TfjsLayerJson {
  const act = getActivation(l.activation as string);
  const tfjs = act.names?.tfjs;
  if (tfjs === undefined) {
    const fix =
      act.name === 'leakyRelu'
        ? "use dense({ units, activation: 'linear' }) followed by prelu() (TF.js PReLU, a learned slope)"
        : 'use one of those activations';
    throw new Error(
      `${WHERE}: layers[${i}] (dense '${name}') uses activation '${act.name}', which TF.js's Dense does not have ` +
        `(it accepts ${tfjsActivationNames().join(', ')}); ${fix}, then train again before exporting.`,
    );
  }
  // An activation with a parameter (ELU's α): TF.js's Dense applies it with the default only.
  if (act.alpha !== undefined && l.alpha !== undefined && l.alpha !== act.alpha) {
    throw new Error(
      `${WHERE}: layers[${i}] (dense '${name}') uses ${act.name} with alpha ${String(l.alpha)}, but TF.js's Dense ` +
        `applies ${act.name} with alpha ${act.alpha} only; use the default alpha to export this layer.`,
    );
  }
  return {
    class_name: 'Dense',
    config: {
      units: l.units,
      activation: tfjs,
      use_bias: l.useBias,
      kernel_initializer: initializerToTfjs(l.kernelInitializer as InitializerSpec, 'glorotUniform'),
      bias_initializer: initializerToTfjs(l.biasInitializer as InitializerSpec, 'zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      name,
      trainable: true,
    },
  };
}

function layerJson(l: LayerConfig, i: number, name: string): TfjsLayerJson {
  switch (l.type) {
    case 'dense':
      return denseJson(l, i, name);
    case 'dropout':
      return { class_name: 'Dropout', config: { rate: l.rate, noise_shape: null, seed: null, name, trainable: true } };
    case 'prelu':
      return {
        class_name: 'PReLU',
        config: {
          alpha_initializer: initializerToTfjs(l.alphaInitializer as InitializerSpec, 'zeros'),
          alpha_regularizer: null,
          alpha_constraint: null,
          shared_axes: null,
          name,
          trainable: true,
        },
      };
    case 'maxout':
      throw new Error(
        `${WHERE}: layers[${i}] is a maxout layer, which TF.js has no layer for; ` +
          'replace it with dense({ units, activation }) (or dense + prelu()) and train again to export the model.',
      );
    default:
      throw new Error(
        `${WHERE}: layers[${i}] is a '${l.type}' layer, which the TF.js export does not know; it writes dense, dropout and prelu.`,
      );
  }
}

/**
 * The model in the TF.js layers format: `tf.loadLayersModel(tf.io.fromMemory(artifacts))` reads it,
 * and `modelJson` + `weightData` are the model.json and weights.bin of `tf.loadLayersModel(url)`.
 * Throws, naming the layer and the fix, for maxout and for activations TF.js lacks.
 */
export function toTfjs(model: TfjsExportable): TfjsExport {
  if (model === null || typeof model !== 'object' || typeof model.toJSON !== 'function') {
    throw new Error(`${WHERE}: expected a compiled simdnn model (sequential([...]) after compile()).`);
  }
  const { spec, weights } = model.toJSON();
  const names = layerNames(spec.layers);
  const layers = spec.layers.map((l, i) => layerJson(l, i, names[i]!));
  layers[0]!.config = { ...layers[0]!.config, batch_input_shape: [null, spec.inputUnits], dtype: 'float32' };
  const weightSpecs = spec.weights.map((t) => ({
    name: `${names[t.layer]}/${t.name}`,
    shape: [...t.shape],
    dtype: 'float32' as const,
  }));
  const modelTopology: TfjsTopology = { class_name: 'Sequential', config: { name: spec.name, layers } };
  const head = { format: TFJS_FORMAT, generatedBy: TFJS_GENERATED_BY, convertedBy: null } as const;
  return {
    ...head,
    modelTopology,
    weightSpecs,
    weightData: weights,
    modelJson: {
      ...head,
      modelTopology: JSON.parse(JSON.stringify(modelTopology)) as TfjsTopology,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: weightSpecs.map((w) => ({ ...w, shape: [...w.shape] })) }],
    },
  };
}
