/** Layer registry: config `type` → constructor, for fromJSON / loadModel. */
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import type { Layer, LayerConfig } from './layer.js';
import { Maxout, type MaxoutOptions } from './maxout.js';
import { PReLU, type PReLUOptions } from './prelu.js';

const factories = new Map<string, (c: LayerConfig) => Layer>([
  ['dense', (c) => new Dense(c as unknown as DenseOptions)],
  ['prelu', (c) => new PReLU(c as unknown as PReLUOptions)],
  ['maxout', (c) => new Maxout(c as unknown as MaxoutOptions)],
  ['dropout', (c) => new Dropout(c as unknown as DropoutOptions)],
]);

export function registerLayer(type: string, factory: (c: LayerConfig) => Layer): void {
  factories.set(type, factory);
}

export function layerFromConfig(c: LayerConfig): Layer {
  const f = factories.get(c?.type);
  if (!f) throw new Error(`unknown layer type '${String(c?.type)}'; known: ${[...factories.keys()].join(', ')}.`);
  return f(c);
}

export { Dense, dense, type DenseOptions } from './dense.js';
export { PReLU, prelu, type PReLUOptions, PRELU_INITIAL_SLOPE } from './prelu.js';
export { Maxout, maxout, type MaxoutOptions } from './maxout.js';
export { Dropout, dropout, type DropoutOptions } from './dropout.js';
export { Layer, type LayerConfig, type ParamSpec, type LayerBuffers, type BuildContext } from './layer.js';
