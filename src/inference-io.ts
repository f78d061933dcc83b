/**
 * The inference entry's `fromJSON` and `loadModel`: the same files, targets and checks as the main
 * entry's (io/checked-model.ts, io/stores/), building an `InferenceModel` instead of a
 * `Sequential`. The saved compile settings are checked for their structure and metric names only
 * (io/spec-check.ts, SpecCheckOptions): the loss and optimizer registries are training code, and a
 * model compiled with a registered custom loss or optimizer must still load for serving.
 */
import { loadDirect } from './inference-direct.js';
import { checkModel, fromJsonArgs, reworded, type CheckedModel } from './io/checked-model.js';
import { loadArtifacts } from './io/stores/loader.js';
import type { LoadOptions, ModelTarget } from './io/stores/types.js';
import { getBackend, initWith, type Backend, type InitOptions } from './kernels/backend.js';
import { inferenceBuild } from './kernels/inference-build.js';
import { ForwardNetwork } from './network/forward.js';
import { InferenceModel } from './inference-model.js';

/** Metric names a saved model may list (as the main entry's compile accepts). */
const METRICS = ['accuracy', 'acc'];

/** Options of the inference entry's `loadModel`. */
export interface LoadModelOptions extends LoadOptions {
  /** The backend the model runs on (default: the one `init()` chose). */
  backend?: Backend;
}

/** Backends made by this entry's `init()` with the default warm-up: each model warms its own path. */
const warmPerModel = new WeakSet<Backend>();

/**
 * As the main entry's `init` (see InitOptions), with two differences. On one thread it loads the
 * forward kernels only (simdnn-infer.wasm or simdnn-infer-relaxed.wasm, a third of the full
 * module): the backend loads models and predicts, and the main entry refuses to train on it —
 * a process that also trains calls the main entry's `init()`, which serves this entry too.
 * (`init({ threads })` and `init({ wasm })` load what they name, as in the main entry.)
 * And another default warm-up: none at init, and
 * each model built on this backend runs its forward pass once on zeros (a one-row predictOne
 * through exactly its own kernels) — what its first prediction needs, and nothing else. The
 * default 'inference' warm-up of the main entry runs every forward kernel 20 times, a few ms that
 * a process which loads one model and predicts pays before its first answer. An explicit
 * `warmUp` is honoured as in the main entry.
 */
export async function init(options: InitOptions = {}): Promise<Backend> {
  const plain = options !== null && typeof options === 'object';
  const b = await initWith(plain ? { ...options, warmUp: options.warmUp ?? 'none' } : options, inferenceBuild);
  if (plain && options.warmUp === undefined) warmPerModel.add(b);
  return b;
}

/** Allocates θ for a checked model (the one place it meets the heap) and sets the file's weights. */
function build(m: CheckedModel, backend: Backend | undefined, where: string): InferenceModel {
  let net: ForwardNetwork | undefined;
  try {
    net = new ForwardNetwork(backend ?? getBackend(), m.layers, m.spec.inputUnits, m.spec.seed, m.weights);
    return ready(net, m.spec.name);
  } catch (e) {
    net?.dispose();
    throw reworded(e, where);
  }
}

/** The model over a network whose θ is set, its forward pass run once when this entry's init asked. */
function ready(net: ForwardNetwork, name: string): InferenceModel {
  if (warmPerModel.has(net.backend)) net.predictOne(new Float32Array(net.inputUnits), new Float32Array(net.outputUnits));
  return new InferenceModel(net, name);
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
 * `'file://'` URL (Node). Checks the spec fully before allocating anything, and the weight bytes
 * before the model exists: in Node, weights of up to 16 MiB (DIRECT_READ_MAX_BYTES) are read
 * synchronously straight into the model's θ and checked there (a failed check frees θ again);
 * everything else is read into a buffer and checked before θ is allocated.
 */
export async function loadModel(target: ModelTarget, options: LoadModelOptions = {}): Promise<InferenceModel> {
  const { backend, ...storeOptions } = (options ?? {}) as LoadModelOptions;
  const direct = Object.keys(storeOptions).length === 0 ? loadDirect(target, backend, METRICS) : undefined;
  if (direct) {
    try {
      return ready(direct.net, direct.name);
    } catch (e) {
      direct.net.dispose();
      throw reworded(e, `loadModel: ${String(target)}`);
    }
  }
  const a = await loadArtifacts(target, storeOptions);
  const specWhere = `loadModel: ${a.specWhere}`;
  const checked = checkModel(a.spec, a.weights, specWhere, `loadModel: ${a.weightsWhere}`, { metrics: METRICS }, a.weightsChecksum, true);
  return build(checked, backend, specWhere);
}
