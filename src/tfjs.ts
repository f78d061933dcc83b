/**
 * TF.js layers models into simdnn: `fromTfjs` reads `tf.io.ModelArtifacts` (what `tf.io.fromMemory`
 * takes and a save handler receives) or a parsed model.json with its weight bytes, and returns a
 * compiled `Sequential` that predicts as the TF.js model did and trains on from there.
 *
 * As `fromJSON`: the TF.js JSON becomes a simdnn spec (io/tfjs), that spec gets the full check of
 * any model.json (io/spec-check.ts: names, sizes, limits) and only then is θ allocated; a compile
 * the model refuses frees what it allocated. (The export, `toTfjs`, lives in io/tfjs: it needs no
 * façade.) Browser-safe: no Node built-in is reachable from here.
 */
import { readTfjs, type TfjsArtifacts, type TfjsModelJson, type TfjsWeightsInput } from './io/tfjs/index.js';
import { checkModelSpec } from './io/spec-check.js';
import type { Backend } from './kernels/backend.js';
import type { LossName } from './registries/losses.js';
import { assemble, COMPILE_CHECK } from './model-io.js';
import type { Metric, Sequential } from './sequential.js';
import { userError } from './validate.js';
import type { EpochTrainer } from './train/epoch-trainer.js';
import type { Optimizer } from './train/optimizers.js';

/** Default loss of a model read from TF.js (the JSON TF.js saves carries none we could trust to fit). */
export const DEFAULT_TFJS_LOSS = 'meanSquaredError';
/** Default optimizer of a model read from TF.js. */
export const DEFAULT_TFJS_OPTIMIZER = 'sgd';

export interface FromTfjsOptions {
  /** Loss to compile with. Default: 'meanSquaredError'. */
  loss?: LossName;
  /** Optimizer or epoch trainer (or its name). Default: sgd(). */
  optimizer?: Optimizer | EpochTrainer | string;
  /** Metrics: ['accuracy'] or []. Default: []. */
  metrics?: Metric[];
  /** Seed of the model (dropout masks). Default: 1. */
  seed?: number;
  /** Model name. Default: the TF.js model's name. */
  name?: string;
  /** Backend to run on. Default: the one set by the last `init()`. */
  backend?: Backend;
}

const WHERE = 'fromTfjs';

const ours = (e: unknown): Error => userError(e, WHERE, 'the model could not be read; the file is damaged');

/**
 * A compiled simdnn model from a TF.js layers model: `fromTfjs(artifacts)` or
 * `fromTfjs(modelJson, weights)` (weights: the bytes of the manifest's files, as one buffer, a list
 * in manifest order, or a map file name → bytes). Sequential models of InputLayer, Dense, Dropout
 * and PReLU are read, as TF.js saves them and as `tensorflowjs_converter` writes Keras models.
 * Compiled with `options` (default: meanSquaredError, sgd). Unknown layers, activations and
 * mismatched weights are errors naming them.
 */
export function fromTfjs(
  model: TfjsArtifacts | TfjsModelJson | object,
  weights?: TfjsWeightsInput | FromTfjsOptions,
  options: FromTfjsOptions = {},
): Sequential {
  // fromTfjs(artifacts, options): the second argument is options when it is neither bytes nor a map of them.
  let w = weights as TfjsWeightsInput | undefined;
  let o = options;
  const isOptions =
    weights !== undefined &&
    !(weights instanceof ArrayBuffer) &&
    !ArrayBuffer.isView(weights) &&
    !Array.isArray(weights) &&
    (model as Record<string, unknown>)?.weightsManifest === undefined;
  if (isOptions) {
    o = weights as FromTfjsOptions;
    w = undefined;
  }
  let checked: ReturnType<typeof checkModelSpec>;
  let flat: Float32Array;
  try {
    const read = readTfjs(model, w, { seed: o.seed, name: o.name }, WHERE);
    checked = checkModelSpec(read.spec, WHERE, COMPILE_CHECK);
    flat = read.weights;
  } catch (e) {
    throw ours(e);
  }
  const s = checked.spec;
  return assemble(
    checked.layers,
    { seed: s.seed, name: s.name, backend: o.backend },
    { loss: o.loss ?? DEFAULT_TFJS_LOSS, optimizer: o.optimizer ?? DEFAULT_TFJS_OPTIMIZER, metrics: o.metrics ?? [] },
    (m) => m.setFlatWeights(flat),
    ours,
  );
}
