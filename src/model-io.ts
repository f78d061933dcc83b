/**
 * Models in and out of the façade: `fromJSON` rebuilds a `Sequential` from a spec and its weights,
 * `loadModel` / `saveModel` read and write a model in any store (io/stores/: a directory in Node,
 * IndexedDB, localStorage, downloads, http).
 *
 * Loading checks everything before it allocates anything: the whole spec (io/spec-check.ts: every
 * field, name and size, the weight tensor list against the layers) and then the weight bytes
 * (length, checksum, finite values). Only then is the model built and compiled, which allocates θ
 * in the backend's heap; a compile that refuses the model (an epoch trainer over its parameter
 * cap) frees what it allocated. Every error names where it comes from and the field; an unexpected
 * one is reworded so no engine text ("Cannot read properties of undefined …") reaches the caller.
 */
import { layerFromConfig } from './layers/index.js';
import { onnxToLayers } from './io/onnx/import.js';
import { checkModel, fromJsonArgs, reworded } from './io/checked-model.js';
import { openModelDirect } from './io/files-direct.js';
import { fnv1a } from './io/fnv1a.js';
import type { SpecCheckOptions } from './io/spec-check.js';
import type { LoadOptions, ModelTarget, SaveOptions } from './io/stores/index.js';
import { loadArtifacts } from './io/stores/loader.js';
import { getLoss, lossNames } from './registries/losses.js';
import type { Backend } from './kernels/backend.js';
import type { Layer } from './layers/layer.js';
import { METRICS, Sequential, type CompileOptions, type Metric, type SequentialOptions } from './sequential.js';
import { optimizerFromConfig, type Optimizer } from './train/optimizers.js';
import type { EpochTrainer } from './train/epoch-trainer.js';

/**
 * The saved compile settings checked against the registries (loss, optimizer config, metrics):
 * the main entry builds a model that trains, so a file it could not compile is refused here.
 */
export const COMPILE_CHECK: SpecCheckOptions = { loss: { check: getLoss, names: lossNames }, metrics: METRICS };

/** Rebuilds a model from toJSON's output; compiled again when the spec has compile settings. */
export function fromJSON(spec: unknown, weights: ArrayBuffer | ArrayBufferView, options?: { backend?: Backend }): Sequential;
/** Rebuilds a model from `JSON.parse(JSON.stringify(model))` (or `model.toJSON()` itself). */
export function fromJSON(json: { spec: unknown; weights: unknown }, options?: { backend?: Backend }): Sequential;
export function fromJSON(a: unknown, b?: unknown, c?: { backend?: Backend }): Sequential {
  const { spec, weights, options } = fromJsonArgs(a, b, c);
  return rebuild(spec, weights, options, 'fromJSON', 'fromJSON');
}

/**
 * Builds and compiles a model from checked layers, then sets its weights; a compile or weights the
 * model refuses free what it allocated. The one place where a loaded model meets the heap.
 * `initialWeights` (θ flattened), when given, is what the network is built with, so that it does
 * not draw random weights only to overwrite them.
 */
export function assemble(
  layers: Layer[],
  init: SequentialOptions,
  compile: CompileOptions,
  setWeights: (m: Sequential) => void,
  onError: (e: unknown) => Error,
  initialWeights?: Float32Array,
): Sequential {
  const model = new Sequential(layers, init);
  if (initialWeights) model.useInitialWeights(initialWeights);
  try {
    model.compile(compile);
    setWeights(model);
  } catch (e) {
    model.dispose();
    throw onError(e);
  }
  return model;
}

function rebuild(
  spec: unknown,
  weights: ArrayBuffer | ArrayBufferView,
  options: { backend?: Backend },
  specWhere: string,
  weightsWhere: string,
  checksum?: string,
  owned = false,
): Sequential {
  // 1. Everything that needs no heap: the spec, the optimizer config, the weight bytes.
  let optimizer: Optimizer | EpochTrainer | undefined;
  const checked = checkModel(
    spec,
    weights,
    specWhere,
    weightsWhere,
    {
      ...COMPILE_CHECK,
      optimizer: (c) => {
        optimizer = optimizerFromConfig(c);
      },
    },
    checksum,
    owned,
  );
  const s = checked.spec;
  const c = s.compile;
  const flat = checked.weights;
  // 2. Build and compile (allocates θ); anything refused here is freed again.
  return assemble(
    checked.layers,
    { seed: s.seed, name: s.name, backend: options.backend },
    {
      loss: c?.loss ?? 'meanSquaredError',
      optimizer: optimizer ?? 'sgd',
      metrics: (c?.metrics ?? []) as Metric[],
      regularization: c?.regularization,
    },
    // θ is built from flat (initialWeights): nothing to set again.
    () => undefined,
    (e) => reworded(e, specWhere),
    flat,
  );
}

/** `model.save(target, options)`: see Sequential.save and ModelTarget. */
export function saveModel(model: Sequential, target: ModelTarget, options?: SaveOptions): Promise<void> {
  return model.save(target, options);
}

/** Options of `loadModel`. */
export interface LoadModelOptions extends LoadOptions {
  /** The backend the model runs on (default: the one `init()` chose). */
  backend?: Backend;
}

/**
 * Reads a model saved with `save` from `target`: `'indexeddb://name'`, `'localstorage://name'`,
 * an `'http(s)://…/model.json'` URL (its weights fetched next to it), or a directory path /
 * `'file://'` URL (Node). Checks the spec and the weight bytes fully before allocating anything.
 */
export async function loadModel(target: ModelTarget, options: LoadModelOptions = {}): Promise<Sequential> {
  const { backend, ...storeOptions } = (options ?? {}) as LoadModelOptions;
  // A model directory in Node: read at once and synchronously, without the stores
  // (io/files-direct.ts); anything unusual falls through to the stores' read.
  const d = Object.keys(storeOptions).length === 0 ? openModelDirect(target) : undefined;
  if (d) {
    const bytes = new Uint8Array(d.byteLength);
    const read = d.readInto(bytes, fnv1a);
    if (read !== undefined) {
      return rebuild(d.spec, bytes, { backend }, `loadModel: ${d.specPath}`, `loadModel: ${read}`, d.checksum || undefined, true);
    }
  }
  const { spec, weights, specWhere, weightsWhere, weightsChecksum } = await loadArtifacts(target, storeOptions);
  return rebuild(spec, weights, { backend }, `loadModel: ${specWhere}`, `loadModel: ${weightsWhere}`, weightsChecksum, true);
}

/**
 * Reads an ONNX MLP (Gemm or MatMul + Add, the registry's activations, PRelu, Flatten/Reshape of
 * the input; simdnn's own maxout export) into a compiled `Sequential` (loss meanSquaredError,
 * optimizer sgd: compile again to train). Checks the whole file before allocating; any other op
 * is refused with the op and the node named, damaged bytes with the byte offset.
 */
export function fromOnnx(bytes: ArrayBuffer | ArrayBufferView, options: { backend?: Backend } = {}): Sequential {
  const where = 'fromOnnx';
  let u8: Uint8Array;
  if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else if (ArrayBuffer.isView(bytes)) u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else throw new Error(`${where}: expected the bytes of an .onnx file (Uint8Array or ArrayBuffer), got ${typeof bytes}.`);
  let imported: ReturnType<typeof onnxToLayers>;
  let layers: ReturnType<typeof layerFromConfig>[];
  try {
    imported = onnxToLayers(u8);
    layers = imported.layers.map((c) => layerFromConfig(c));
  } catch (e) {
    throw reworded(e, where);
  }
  return assemble(
    layers,
    { name: imported.name || undefined, backend: options.backend },
    { loss: 'meanSquaredError', optimizer: 'sgd' },
    (m) => m.setWeights(imported.weights),
    (e) => reworded(e, where),
  );
}
