/**
 * simdnn/infer: load a saved model and predict, nothing else — a small first download for pages
 * and edge functions that only serve predictions.
 *
 *   import { init, loadModel } from 'simdnn/infer';
 *   await init();
 *   const model = await loadModel('indexeddb://digits'); // or a directory, file:// or https://…/model.json
 *   const probabilities = model.predictOne(pixels);
 *
 * The same model files and targets as the main entry (`simdnn`), the same checks and errors, the
 * same forward code; `fromJSON` / `loadModel` return an `InferenceModel` (predict, predictOne)
 * instead of a `Sequential`. `init` is the main entry's, except that by default it warms up no
 * kernel: each loaded model runs its own forward pass once instead (inference-io.ts).
 */
export { init } from './inference-io.js';
export {
  getBackend,
  setBackend,
  type Backend,
  type InitOptions,
  type SimdLevel,
  type WarmUp,
  type WasmSource,
} from './kernels/backend.js';
export { InferenceModel, DEFAULT_PREDICT_BATCH_SIZE } from './inference-model.js';
export { fromJSON, loadModel, type LoadModelOptions } from './inference-io.js';
export type { ModelTarget } from './io/stores/types.js';
export type { ModelSpec } from './io/serialize.js';
export type { Input, MatrixLike } from './data/prepare.js';
export type { LayerConfig } from './layers/layer.js';
