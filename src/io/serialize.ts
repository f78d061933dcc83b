/**
 * Model ⇄ (spec, weights). The spec is JSON (format, version, layer configs, compile settings,
 * the weight tensors' names and shapes); the weights are θ as little-endian float32, in the order
 * of the spec's `weights` list. The same pair is what `save` writes as model.json + weights.bin.
 */
import type { LayerConfig } from '../layers/layer.js';
import { fnv1a } from './fnv1a.js';

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
   * FNV-1a hash of the weight bytes: ties model.json to its weights file, so a weights file of
   * another save (or a damaged one) is detected on load.
   */
  weightsChecksum?: string;
  /** The weights file this spec was saved with (set by the directory store; see io/files.ts). */
  weightsFile?: string;
}

export { fnv1a };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** What a model is made of, as the façade hands it to `encodeModel`. */
export interface ModelParts {
  name: string;
  seed: number;
  inputUnits: number;
  layers: LayerConfig[];
  compile?: { loss: string; optimizer: { type: string }; metrics: readonly string[]; regularization?: { l1: number; l2: number } };
  tensors: { layer: number; name: string; shape: number[] }[];
  /** θ flattened, in the order of `tensors`. */
  weights: Float32Array;
}

/** The model as a JSON-able spec plus its weights (an ArrayBuffer of little-endian float32). */
export function encodeModel(m: ModelParts): { spec: ModelSpec; weights: ArrayBuffer } {
  if (!littleEndian) throw new Error('toJSON: big-endian hosts are not supported.');
  const spec: ModelSpec = {
    format: FORMAT,
    version: FORMAT_VERSION,
    name: m.name,
    seed: m.seed,
    inputUnits: m.inputUnits,
    layers: m.layers,
    weights: m.tensors,
  };
  if (m.compile) {
    spec.compile = { loss: m.compile.loss, optimizer: JSON.parse(JSON.stringify(m.compile.optimizer)), metrics: [...m.compile.metrics] };
    if (m.compile.regularization) spec.compile.regularization = { ...m.compile.regularization };
  }
  const flat = m.weights;
  const weights = flat.buffer.slice(flat.byteOffset, flat.byteOffset + flat.byteLength) as ArrayBuffer;
  spec.weightsChecksum = fnv1a(new Uint8Array(weights));
  // JSON.stringify(model) would turn the ArrayBuffer into {} and lose the weights: this buffer says
  // how to write itself, and fromJSON reads that form back (see decodeJsonWeights).
  Object.defineProperty(weights, 'toJSON', { value: () => ({ encoding: WEIGHTS_ENCODING, data: toBase64(new Uint8Array(weights)) }) });
  return { spec, weights };
}

/** How `JSON.stringify` writes a model's weights: little-endian float32 bytes in base64. */
export const WEIGHTS_ENCODING = 'float32le-base64';

/** Bytes → base64, without Node's Buffer (browsers, workers, edge runtimes). */
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * The weights of `JSON.parse(JSON.stringify(model))`: `{ encoding: 'float32le-base64', data }` back
 * to bytes. Anything else is returned as it is, for decodeWeights to check (and name).
 */
export function decodeJsonWeights(w: unknown, where: string): unknown {
  const o = w as { encoding?: unknown; data?: unknown } | null;
  if (!o || typeof o !== 'object' || o.encoding !== WEIGHTS_ENCODING) return w;
  if (typeof o.data !== 'string') throw new Error(`${where}: weights.data must be a base64 string, got ${typeof o.data}.`);
  let bin: string;
  try {
    bin = atob(o.data);
  } catch {
    throw new Error(`${where}: weights.data is not valid base64.`);
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * The weights of a spec as float32 values: `paramCount` of them, matching the spec's checksum,
 * all finite. Throws naming what does not fit. `checksum`: the FNV-1a of these bytes when the
 * caller has computed it already (a store that checked the file's consistency); not computed
 * twice. The result is a copy of the bytes (the caller's buffer may be anything, even a view of a
 * heap that grows while the model is built) — or, when the bytes are `owned` (read by a store,
 * seen by nobody else) and 4-byte aligned, a view of them: the weights are copied once, into θ.
 */
export function decodeWeights(
  spec: ModelSpec,
  weights: ArrayBuffer | ArrayBufferView,
  paramCount: number,
  where = 'fromJSON',
  checksum?: string,
  owned = false,
): Float32Array {
  if (!(weights instanceof ArrayBuffer) && !ArrayBuffer.isView(weights)) {
    throw new Error(`${where}: the weights must be an ArrayBuffer or a typed array of little-endian float32, got ${typeof weights}.`);
  }
  const bytes =
    weights instanceof ArrayBuffer ? new Uint8Array(weights) : new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
  if (bytes.byteLength !== paramCount * 4) {
    throw new Error(
      `${where}: the weights have ${bytes.byteLength} bytes but the spec describes ${paramCount} parameters ` +
        `(${paramCount * 4} bytes): weights.bin does not belong to this model.json, or is truncated.`,
    );
  }
  if (spec.weightsChecksum !== undefined && spec.weightsChecksum !== (checksum ?? fnv1a(bytes))) {
    throw new Error(`${where}: the weights do not match the checksum in the spec: weights.bin belongs to another save, or is damaged.`);
  }
  const flat =
    owned && bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, paramCount)
      : new Float32Array(bytes.slice().buffer);
  // Three native scans (includes uses SameValueZero, so it finds NaN): a JS loop over every weight
  // runs in the interpreter at a cold start and was most of loadModel's time. Only a corrupt file
  // pays for the loop that finds the first bad index (v − v is NaN exactly for NaN and ±∞).
  if (flat.includes(Number.NaN) || flat.includes(Number.POSITIVE_INFINITY) || flat.includes(Number.NEGATIVE_INFINITY)) {
    const i = flat.findIndex((v) => v - v !== 0);
    throw new Error(`${where}: weight ${i} is ${flat[i]}: the weights are corrupt.`);
  }
  return flat;
}
