/**
 * A model file checked and decoded, before anything is allocated for it: the spec in full
 * (io/spec-check.ts), then the weight bytes (length, checksum, finite values). Shared by the main
 * entry's `fromJSON` / `loadModel` (which build a `Sequential`) and the inference entry's (which
 * build an `InferenceModel`): the same checks and the same errors in both.
 */
import type { Layer } from '../layers/layer.js';
import { userError } from '../validate.js';
import { decodeJsonWeights, decodeWeights, type ModelSpec } from './serialize.js';
import { checkModelSpec, type CheckedSpec, type SpecCheckOptions } from './spec-check.js';

/** A spec and its weights that passed every check: the layers are built (plain objects), θ is not. */
export interface CheckedModel {
  spec: ModelSpec;
  layers: Layer[];
  /** θ flattened, `paramCount` finite floats. */
  weights: Float32Array;
}

/** A load error in the library's words: an unexpected one never shows engine text. */
export const reworded = (e: unknown, where: string): Error => userError(e, where, 'the model could not be rebuilt; the file is damaged');

/**
 * Checks `spec` and decodes `weights` against it; every error names `specWhere` (or `weightsWhere`
 * for the bytes). `checksum`: the FNV-1a of `weights` when the store has computed it already (it
 * is then not computed again). `owned`: the bytes were read by a store for this load alone (the
 * weights may be a view of them).
 */
export function checkModel(
  spec: unknown,
  weights: ArrayBuffer | ArrayBufferView,
  specWhere: string,
  weightsWhere: string,
  options: SpecCheckOptions,
  checksum?: string,
  owned = false,
): CheckedModel {
  try {
    const checked = checkModelSpec(spec, specWhere, options);
    const flat = decodeWeights(checked.spec, weights, checked.paramCount, weightsWhere, checksum, owned);
    return { spec: checked.spec, layers: checked.layers, weights: flat };
  } catch (e) {
    throw reworded(e, specWhere);
  }
}

/**
 * checkModel in two halves, for weights read straight into θ (io/files-direct.ts): the spec, in
 * full, before anything is allocated…
 */
export function checkSpec(spec: unknown, specWhere: string, options: SpecCheckOptions): CheckedSpec {
  try {
    return checkModelSpec(spec, specWhere, options);
  } catch (e) {
    throw reworded(e, specWhere);
  }
}

/**
 * …then the weight bytes where they were read (θ's flat bytes: length, checksum, finite values),
 * with checkModel's errors. `checksum`: the FNV-1a of `bytes`, when the reader has checked it.
 */
export function checkWeightsInPlace(
  checked: CheckedSpec,
  bytes: Uint8Array,
  specWhere: string,
  weightsWhere: string,
  checksum?: string,
): void {
  try {
    decodeWeights(checked.spec, bytes, checked.paramCount, weightsWhere, checksum, true);
  } catch (e) {
    throw reworded(e, specWhere);
  }
}

/** An options object ({ backend }), as opposed to weights in any form. */
function isOptions(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || v instanceof ArrayBuffer || ArrayBuffer.isView(v) || Array.isArray(v)) return false;
  return Object.keys(v).every((k) => k === 'backend');
}

/**
 * The arguments of `fromJSON`: `(spec, weights, options?)` or `({ spec, weights }, options?)` —
 * the object of `model.toJSON()` or of `JSON.parse(JSON.stringify(model))` (base64 weights).
 */
export function fromJsonArgs<O extends object>(
  a: unknown,
  b: unknown,
  c: O | undefined,
): { spec: unknown; weights: ArrayBuffer; options: O } {
  const j = a as { spec?: unknown; weights?: unknown } | null;
  const whole = !!j && typeof j === 'object' && 'spec' in j && 'weights' in j && (b === undefined || isOptions(b));
  if (whole) return { spec: j.spec, weights: decodeJsonWeights(j.weights, 'fromJSON') as ArrayBuffer, options: (b as O) ?? ({} as O) };
  if (b === undefined) {
    throw new Error('fromJSON: expected (spec, weights) or the { spec, weights } of model.toJSON() / JSON.parse(JSON.stringify(model)).');
  }
  return { spec: a, weights: decodeJsonWeights(b, 'fromJSON') as ArrayBuffer, options: c ?? ({} as O) };
}
