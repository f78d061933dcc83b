/**
 * The inference entry's `fromJSON` and `loadModel`: the same files, targets and checks as the main
 * entry's (io/checked-model.ts, io/stores/), building an `InferenceModel` instead of a
 * `Sequential`. The saved compile settings are checked for their structure and metric names only
 * (io/spec-check.ts, SpecCheckOptions): the loss and optimizer registries are training code, and a
 * model compiled with a registered custom loss or optimizer must still load for serving.
 */
import { checkModel, fromJsonArgs, reworded, type CheckedModel } from './io/checked-model.js';
import { loadArtifacts } from './io/stores/loader.js';
import type { LoadOptions, ModelTarget } from './io/stores/types.js';
import { getBackend, type Backend } from './kernels/backend.js';
import { ForwardNetwork } from './network/forward.js';
import { InferenceModel } from './inference-model.js';

/** Metric names a saved model may list (as the main entry's compile accepts). */
const METRICS = ['accuracy', 'acc'];

/** Options of the inference entry's `loadModel`. */
export interface LoadModelOptions extends LoadOptions {
  /** The backend the model runs on (default: the one `init()` chose). */
  backend?: Backend;
}

/** Allocates θ for a checked model (the one place it meets the heap) and sets the file's weights. */
function build(m: CheckedModel, backend: Backend | undefined, where: string): InferenceModel {
  try {
    const be = backend ?? getBackend();
    return new InferenceModel(new ForwardNetwork(be, m.layers, m.spec.inputUnits, m.spec.seed, m.weights), m.spec.name);
  } catch (e) {
    throw reworded(e, where);
  }
}

/** A model for inference from `model.toJSON()` of the main entry: (spec, weights). */
export function fromJSON(spec: unknown, weights: ArrayBuffer | ArrayBufferView, options?: { backend?: Backend }): InferenceModel;
/** A model for inference from `JSON.parse(JSON.stringify(model))` (or `model.toJSON()` itself). */
export function fromJSON(json: { spec: unknown; weights: unknown }, options?: { backend?: Backend }): InferenceModel;
export function fromJSON(a: unknown, b?: unknown, c?: { backend?: Backend }): InferenceModel {
  const { spec, weights, options } = fromJsonArgs(a, b, c);
  return build(checkModel(spec, weights, 'fromJSON', 'fromJSON', { metrics: METRICS }), options.backend, 'fromJSON');
}

/**
 * Reads a model saved with `save` from `target`: `'indexeddb://name'`, `'localstorage://name'`,
 * an `'http(s)://…/model.json'` URL (its weights fetched next to it), or a directory path /
 * `'file://'` URL (Node). Checks the spec and the weight bytes fully before allocating anything.
 */
export async function loadModel(target: ModelTarget, options: LoadModelOptions = {}): Promise<InferenceModel> {
  const { backend, ...storeOptions } = (options ?? {}) as LoadModelOptions;
  const a = await loadArtifacts(target, storeOptions);
  const specWhere = `loadModel: ${a.specWhere}`;
  const checked = checkModel(a.spec, a.weights, specWhere, `loadModel: ${a.weightsWhere}`, { metrics: METRICS }, a.weightsChecksum, true);
  return build(checked, backend, specWhere);
}
