/**
 * simdnn: neural-network training for TypeScript with WebAssembly SIMD kernels.
 *
 *   await init();
 *   const model = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }),
 *                             dense({ units: 10, activation: 'softmax' })]);
 *   model.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), metrics: ['accuracy'] });
 *   await model.fit(x, labels, { epochs: 5, batchSize: 32 });
 */
export {
  init,
  getBackend,
  setBackend,
  type Backend,
  type InitOptions,
  type SimdLevel,
  type WarmUp,
  type WasmSource,
} from './kernels/backend.js';
export { Heap } from './kernels/heap.js';
export type { Kernels } from './kernels/kernels.js';
export { Sequential, sequential, type SequentialOptions, type CompileOptions, type Metric } from './sequential.js';
export { Network, type ParamInfo, type ParamTensor, type Plan } from './network/network.js';
export { Dense, dense, type DenseOptions, Layer, type LayerConfig, registerLayer, layerFromConfig } from './layers/index.js';
export {
  PReLU,
  prelu,
  type PReLUOptions,
  Maxout,
  maxout,
  type MaxoutOptions,
  Dropout,
  dropout,
  type DropoutOptions,
} from './layers/index.js';
export {
  activationNames,
  getActivation,
  registerActivation,
  SATURATION_THRESHOLD,
  type ActivationDef,
  type ActivationName,
  type BuiltinActivation,
} from './registries/activations.js';
export { lossNames, getLoss, registerLoss, type LossDef, type LossBuffers, type LossName, type BuiltinLoss } from './registries/losses.js';
export {
  initializerNames,
  getInitializer,
  registerInitializer,
  constant,
  type InitializerSpec,
  type InitializerConfig,
} from './registries/initializers.js';
export {
  sgd,
  optimizerFromConfig,
  registerOptimizer,
  type Optimizer,
  type SgdOptions,
  type OptimizerConfig,
  type OptimizerName,
  type BuiltinOptimizer,
} from './train/optimizers.js';
export { momentum, nesterov, adam, type MomentumOptions, type AdamOptions } from './train/optimizers.js';
export { step, exponential, cosine, scheduleFromConfig, type Schedule, type ScheduleConfig } from './train/schedules.js';
export type { Regularization } from './registries/regularizers.js';
export {
  newton,
  levenbergMarquardt,
  hessianFree,
  hessian,
  hessianVectorProduct,
  gaussNewtonVectorProduct,
  type NewtonOptions,
  type LevenbergMarquardtOptions,
  type HessianFreeOptions,
  type HessianOptions,
} from './train/second-order/index.js';
// History comes from logs.ts, not fit.ts: fit.ts (the training loop) is loaded by the first fit().
export { History, type FitModel, type Callbacks, type EpochLogs, type BatchLogs, type TrainContext } from './train/logs.js';
export type { FitOptions } from './train/fit.js';
export type { EpochTrainer, EpochContext, EpochResult } from './train/epoch-trainer.js';
export { Session } from './train/session.js';
export { earlyStopping, type EarlyStopping, type EarlyStoppingOptions } from './train/callbacks.js';
export {
  crossValidate,
  kFoldIndices,
  type TrainableModel,
  type CrossValidateOptions,
  type CrossValidationResult,
  type FoldResult,
  type MeanStd,
} from './train/crossval.js';
export {
  search,
  gridSearch,
  randomSearch,
  type SearchOptions,
  type SearchSpace,
  type SearchRange,
  type SearchResult,
  type Trial,
  type Params,
  type ParamValue,
} from './train/search.js';
export { trainingHealth, type TrainingHealthOptions, type HealthReport, type LayerHealth } from './train/health.js';
export { DivergenceError } from './train/divergence.js';
export {
  gradientCheck,
  type GradientCheckOptions,
  type GradientCheckResult,
  type LayerGradientCheck,
  type TensorGradientCheck,
} from './train/gradient-check.js';
export { classifier, regressor, type ClassifierOptions, type RegressorOptions, type PresetOptions } from './presets.js';
export { fromJSON, fromOnnx, saveModel, loadModel, type LoadModelOptions } from './model-io.js';
export { listModels, removeModel } from './io/stores/manage.js';
export type { ModelTarget, SaveOptions, StoredModelInfo } from './io/stores/index.js';
export { toOnnx, type ToOnnxOptions, type OnnxExportable } from './io/onnx/export.js';
export type { ModelSpec } from './io/serialize.js';
export { toTfjs, type TfjsExport, type TfjsArtifacts, type TfjsModelJson, type TfjsWeightsInput } from './io/tfjs/index.js';
export { fromTfjs, type FromTfjsOptions } from './tfjs.js';
export { MAX_PARAMS, MAX_UNITS, MAX_LAYERS } from './io/spec-check.js';
export { Rng } from './random.js';
export type { Input, Labels, MatrixLike } from './data/prepare.js';
export { tensor2d, type Tensor2D } from './data/tensor.js';
export { parseIdx, type IdxArray, type IdxData } from './data/idx.js';
export { readIdx } from './data/idx-file.js';
export { loadMnist, type Mnist, type MnistOptions, type MnistSplit } from './data/mnist.js';
export { parseCsv, type CsvOptions, type CsvTable } from './data/csv.js';
export { readCsv } from './data/csv-file.js';
export { fitInWorker, DEFAULT_BATCH_LOG_EVERY, type FitInWorkerOptions, type FitJob } from './worker/fit-in-worker.js';
