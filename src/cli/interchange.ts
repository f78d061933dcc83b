/**
 * Models in other formats for the CLI: what `export` writes besides the network, and how `import`
 * and `predict` read an .onnx file or a TF.js model.json back.
 *
 * An exported model stands on its own: the standardisation of training (dataset.json) is folded
 * into the weights, so ONNX Runtime or TF.js fed the raw CSV features computes what
 * `simdnn predict` prints. With z = (x − μ)/σ per input column, the first layer's
 * z·W + b = x·W' + b' with W'ᵢⱼ = Wᵢⱼ/σᵢ and b'ⱼ = bⱼ − Σᵢ μᵢ·W'ᵢⱼ; a regression's standardised
 * target y = ŷ·σ_y + μ_y folds into a linear last layer: W'ᵢⱼ = Wᵢⱼ·σ_yⱼ, b'ⱼ = bⱼ·σ_yⱼ + μ_yⱼ.
 * The rest of dataset.json (label, label type, feature columns, class names) and the loss travel
 * in the file's own metadata: ONNX metadata_props key `simdnn.dataset`, TF.js model.json
 * `userDefinedMetadata.simdnn` (JSON both times). `import` writes them back as dataset.json.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { fromOnnx, fromTfjs, type Sequential } from '../index.js';
import { decodeModel } from '../io/onnx/messages.js';
import { getLoss } from '../registries/losses.js';
import type { ColumnScaler, Standardization } from './scaler.js';
import type { DatasetInfo } from './shared.js';

/** The ONNX metadata_props key (and TF.js userDefinedMetadata key `simdnn`) of the dataset info. */
export const ONNX_DATASET_KEY = 'simdnn.dataset';
export const TFJS_METADATA_KEY = 'simdnn';

/** What travels with an exported model: dataset.json without the (folded) standardisation, plus the loss. */
export interface InterchangeInfo extends Omit<DatasetInfo, 'standardize'> {
  loss?: string;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The dataset info of a saved model as it travels in an exported file. */
export function interchangeInfo(info: DatasetInfo, model: Sequential): InterchangeInfo {
  const out: InterchangeInfo = { loss: model.loss.name };
  if (typeof info.label === 'string') out.label = info.label;
  if (info.labelType === 'class' || info.labelType === 'value') out.labelType = info.labelType;
  if (isStrings(info.columns)) out.columns = info.columns;
  if (isStrings(info.classes)) out.classes = info.classes;
  return out;
}

/** The fields of an exported file's metadata that are well-formed; anything else is dropped. */
export function parseInterchangeInfo(raw: unknown): InterchangeInfo {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return {};
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const o = v as Record<string, unknown>;
  const out: InterchangeInfo = {};
  if (typeof o.label === 'string') out.label = o.label;
  if (o.labelType === 'class' || o.labelType === 'value') out.labelType = o.labelType;
  if (isStrings(o.columns)) out.columns = o.columns;
  if (isStrings(o.classes)) out.classes = o.classes;
  if (typeof o.loss === 'string') {
    try {
      out.loss = getLoss(o.loss).name;
    } catch {
      // a loss this version does not know: keep the importer's default
    }
  }
  return out;
}

/**
 * Folds the standardisation into the model's weights (see the top of this file). The input scaler
 * needs a dense or maxout first layer (with a bias unless every mean is 0), the target scaler a
 * linear dense last layer with a bias; anything else is an error naming the layer.
 */
export function foldStandardization(model: Sequential, scalers: Partial<Standardization>, regression: boolean, source: string): void {
  const w = model.getWeights();
  const layers = model.layers;
  if (scalers.x) {
    const first = layers[0]!;
    const c = first.getConfig();
    if (first.type !== 'dense' && first.type !== 'maxout') {
      throw new Error(`${source}: cannot fold the standardisation into a first layer of type '${first.type}'`);
    }
    const s: ColumnScaler = scalers.x;
    const kernel = w[0]!;
    const bias = c.useBias === false ? undefined : w[1];
    const n = model.inputUnits;
    const width = kernel.length / n;
    if (!bias && s.mean.some((m) => m !== 0)) {
      throw new Error(`${source}: the first layer has no bias, so the standardisation (mean ≠ 0) cannot be folded into it`);
    }
    for (let j = 0; j < width; j++) {
      let shift = 0;
      for (let i = 0; i < n; i++) {
        const k = kernel[i * width + j]! / s.std[i]!;
        kernel[i * width + j] = k;
        shift += s.mean[i]! * k;
      }
      if (bias) bias[j] = bias[j]! - shift;
    }
  }
  if (scalers.y && regression) {
    const li = layers.length - 1;
    const last = layers[li]!;
    const c = last.getConfig();
    if (last.type !== 'dense' || c.activation !== 'linear' || c.useBias === false) {
      throw new Error(`${source}: the target's standardisation folds into a linear dense last layer with a bias only`);
    }
    const at = layers.slice(0, li).reduce((a, l) => a + l.param.length, 0);
    const kernel = w[at]!;
    const bias = w[at + 1]!;
    const s = scalers.y;
    const width = bias.length;
    for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! * s.std[i % width]!;
    for (let j = 0; j < width; j++) bias[j] = bias[j]! * s.std[j]! + s.mean[j]!;
  }
  model.setWeights(w);
}

/** The model's metrics and loss once the metadata names them (fromOnnx/fromTfjs compile with mse). */
function recompile(model: Sequential, info: InterchangeInfo): void {
  if (info.loss === undefined) return;
  model.compile({ loss: info.loss, optimizer: 'sgd', metrics: info.labelType === 'class' ? ['accuracy'] : [] });
}

export const isOnnxPath = (path: string): boolean => path.toLowerCase().endsWith('.onnx');
export const isJsonPath = (path: string): boolean => path.toLowerCase().endsWith('.json');

/** An .onnx file: the model and the dataset info of its metadata ({} when it has none). */
export async function readOnnxFile(path: string): Promise<{ model: Sequential; info: InterchangeInfo }> {
  const bytes = new Uint8Array(await readFile(path));
  const model = fromOnnx(bytes);
  let info: InterchangeInfo = {};
  try {
    info = parseInterchangeInfo(decodeModel(bytes).metadata.find((e) => e.key === ONNX_DATASET_KEY)?.value);
  } catch {
    // fromOnnx read the file, so its metadata decodes; a failure here only loses the metadata
  }
  recompile(model, info);
  return { model, info };
}

/**
 * A TF.js layers model.json: the weight files its manifest names are read from its directory
 * (relative paths inside it only).
 */
export async function readTfjsFile(path: string): Promise<{ model: Sequential; info: InterchangeInfo }> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${path} is not a TF.js layers model.json (it has no weightsManifest)`);
  }
  const dir = dirname(path);
  const weights: Record<string, Uint8Array> = {};
  for (const group of json.weightsManifest as { paths?: unknown }[]) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      const rel = String(p);
      if (isAbsolute(rel) || normalize(rel).split(/[\\/]/).includes('..') || /^[a-z]+:/i.test(rel)) {
        throw new Error(`${path}: weight file '${rel}' is not a path inside ${dir}; simdnn reads weights next to model.json only`);
      }
      try {
        weights[rel] = new Uint8Array(await readFile(join(dir, rel)));
      } catch (e) {
        throw new Error(`cannot read the weights '${rel}' named in ${path}: ${(e as Error).message}`);
      }
    }
  }
  const meta = json.userDefinedMetadata as Record<string, unknown> | undefined;
  const info = parseInterchangeInfo(meta && typeof meta === 'object' ? meta[TFJS_METADATA_KEY] : undefined);
  const model = fromTfjs(json, weights);
  recompile(model, info);
  return { model, info };
}
