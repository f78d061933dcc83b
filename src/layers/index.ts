/** Layer registry: config `type` → constructor, for fromJSON / loadModel. */
import { Dense, type DenseOptions } from './dense.js';
import type { Layer, LayerConfig } from './layer.js';

const factories = new Map<string, (c: LayerConfig) => Layer>([['dense', (c) => new Dense(c as unknown as DenseOptions)]]);

export function registerLayer(type: string, factory: (c: LayerConfig) => Layer): void {
  factories.set(type, factory);
}

export function layerFromConfig(c: LayerConfig): Layer {
  const f = factories.get(c?.type);
  if (!f) throw new Error(`unknown layer type '${String(c?.type)}'; known: ${[...factories.keys()].join(', ')}.`);
  return f(c);
}

export { Dense, dense, type DenseOptions } from './dense.js';
export { Layer, type LayerConfig, type ParamSpec, type LayerBuffers } from './layer.js';
