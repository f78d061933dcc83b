/**
 * Model ⇄ (spec, weights). The spec is JSON (format, version, layer configs, compile settings,
 * the weight tensors' names and shapes); the weights are θ as little-endian float32, in the order
 * of the spec's `weights` list. The same pair is what `save` writes as model.json + weights.bin.
 */
import type { Backend } from '../kernels/backend.js';
import { layerFromConfig } from '../layers/index.js';
import type { LayerConfig } from '../layers/layer.js';
import { Sequential } from '../model.js';
import { optimizerFromConfig } from '../train/optimizers.js';

export const FORMAT = 'simdnn-model';
export const FORMAT_VERSION = 1;

export interface ModelSpec {
  format: typeof FORMAT;
  version: number;
  name: string;
  seed: number;
  inputUnits: number;
  layers: LayerConfig[];
  compile?: {
    loss: string;
    optimizer: { type: string; [k: string]: unknown };
    metrics: string[];
    /** Model-wide L1/L2 λ (course convention), when compiled with one. */
    regularization?: { l1: number; l2: number };
  };
  weights: { layer: number; name: string; shape: number[] }[];
  /**
   * FNV-1a hash of the weight bytes: model.json and weights.bin are each replaced atomically, and
   * this ties the pair together, so a crash between the two renames is detected on load.
   */
  weightsChecksum?: string;
}

/** 32-bit FNV-1a over bytes, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The model as a JSON-able spec plus its weights (an ArrayBuffer of float32). */
export function toJSON(model: Sequential): { spec: ModelSpec; weights: ArrayBuffer } {
  model.assertBuilt();
  if (!littleEndian) throw new Error('toJSON: big-endian hosts are not supported.');
  const spec: ModelSpec = {
    format: FORMAT,
    version: FORMAT_VERSION,
    name: model.name,
    seed: model.seed,
    inputUnits: model.inputUnits,
    layers: model.layers.map((l) => l.getConfig()),
    weights: model.params.map((p) => ({ layer: p.layer, name: p.spec.name, shape: p.spec.shape })),
  };
  if (model.compiled) {
    spec.compile = { loss: model.loss.name, optimizer: JSON.parse(JSON.stringify(model.optimizer.config)), metrics: [...model.metrics] };
    if (model.regularization) spec.compile.regularization = { ...model.regularization };
  }
  const flat = model.getFlatWeights();
  const weights = flat.buffer.slice(flat.byteOffset, flat.byteOffset + flat.byteLength) as ArrayBuffer;
  spec.weightsChecksum = fnv1a(new Uint8Array(weights));
  return { spec, weights };
}

/** Rebuilds a model from toJSON's output; compiled again when the spec has compile settings. */
export function fromJSON(spec: unknown, weights: ArrayBuffer | ArrayBufferView, options: { backend?: Backend } = {}): Sequential {
  const s = spec as Partial<ModelSpec>;
  if (!s || typeof s !== 'object' || s.format !== FORMAT) {
    throw new Error(`fromJSON: not a simdnn model (expected format '${FORMAT}', got ${JSON.stringify(s?.format)}).`);
  }
  if (s.version !== FORMAT_VERSION) {
    throw new Error(`fromJSON: model format version ${s.version} is not supported (this simdnn reads version ${FORMAT_VERSION}).`);
  }
  if (!Array.isArray(s.layers) || s.layers.length === 0) throw new Error('fromJSON: the spec has no layers.');
  const layers = s.layers.map((c, i) => {
    const cfg = i === 0 && s.inputUnits ? { ...c, inputShape: [s.inputUnits] } : c;
    return layerFromConfig(cfg);
  });
  const model = new Sequential(layers, { seed: s.seed ?? 1, name: s.name ?? 'sequential', backend: options.backend });
  const c = s.compile ?? { loss: 'meanSquaredError', optimizer: { type: 'sgd' }, metrics: [] };
  model.compile({ loss: c.loss, optimizer: optimizerFromConfig(c.optimizer), metrics: c.metrics, regularization: c.regularization });
  const bytes = weights instanceof ArrayBuffer ? weights : weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  if (bytes.byteLength !== model.paramCount * 4) {
    model.dispose();
    throw new Error(
      `fromJSON: the weights have ${bytes.byteLength} bytes but the spec describes ${model.paramCount} parameters ` +
        `(${model.paramCount * 4} bytes): weights.bin does not belong to this model.json, or is truncated.`,
    );
  }
  if (s.weightsChecksum !== undefined && s.weightsChecksum !== fnv1a(new Uint8Array(bytes))) {
    model.dispose();
    throw new Error('fromJSON: the weights do not match the checksum in the spec: weights.bin belongs to another save, or is damaged.');
  }
  const flat = new Float32Array(bytes.slice(0));
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i]!)) {
      model.dispose();
      throw new Error(`fromJSON: weight ${i} is ${flat[i]}: the weights are corrupt.`);
    }
  }
  model.setFlatWeights(flat);
  return model;
}

/** Writes model.json and weights.bin into `dir` atomically (Node only). */
export async function saveModel(model: Sequential, dir: string): Promise<void> {
  const { spec, weights } = toJSON(model);
  const { writeModelFiles } = await import('./files.js');
  await writeModelFiles(dir, spec, new Uint8Array(weights));
}

/** Reads a model saved with `save` (Node only). */
export async function loadModel(dir: string, options: { backend?: Backend } = {}): Promise<Sequential> {
  const { readModelFiles } = await import('./files.js');
  const { spec, weights } = await readModelFiles(dir);
  try {
    return fromJSON(spec, weights, options);
  } catch (e) {
    throw new Error(`loadModel: ${dir} is corrupt: ${(e as Error).message}`);
  }
}
