/**
 * Models in and out of the façade: `fromJSON` rebuilds a `Sequential` from a spec and its weights
 * (io/serialize.ts checks both), `loadModel` / `saveModel` read and write model.json + weights.bin
 * in a directory (Node; io/files.ts, loaded only when called).
 */
import { decodeSpec, decodeWeights } from './io/serialize.js';
import type { Backend } from './kernels/backend.js';
import { layerFromConfig } from './layers/index.js';
import { Sequential } from './sequential.js';
import { optimizerFromConfig } from './train/optimizers.js';

/** Rebuilds a model from toJSON's output; compiled again when the spec has compile settings. */
export function fromJSON(spec: unknown, weights: ArrayBuffer | ArrayBufferView, options: { backend?: Backend } = {}): Sequential {
  const s = decodeSpec(spec);
  const layers = s.layers.map((c, i) => {
    const cfg = i === 0 && s.inputUnits ? { ...c, inputShape: [s.inputUnits] } : c;
    return layerFromConfig(cfg);
  });
  const model = new Sequential(layers, { seed: s.seed ?? 1, name: s.name ?? 'sequential', backend: options.backend });
  const c = s.compile ?? { loss: 'meanSquaredError', optimizer: { type: 'sgd' }, metrics: [] };
  model.compile({
    loss: c.loss,
    optimizer: optimizerFromConfig(c.optimizer),
    metrics: c.metrics as ('accuracy' | 'acc')[],
    regularization: c.regularization,
  });
  try {
    model.setFlatWeights(decodeWeights(s, weights, model.paramCount));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Writes model.json and weights.bin into `dir` atomically (Node only). */
export function saveModel(model: Sequential, dir: string): Promise<void> {
  return model.save(dir);
}

/** Reads a model saved with `save` (Node only). */
export async function loadModel(dir: string, options: { backend?: Backend } = {}): Promise<Sequential> {
  const { readModelFiles } = await import('./io/files.js');
  const { spec, weights } = await readModelFiles(dir);
  try {
    return fromJSON(spec, weights, options);
  } catch (e) {
    throw new Error(`loadModel: ${dir} is corrupt: ${(e as Error).message}`);
  }
}
