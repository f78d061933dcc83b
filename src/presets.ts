/**
 * Task presets: the output layer and loss the course pairs with each task, around hidden layers of
 * your choice, returned compiled.
 *
 *   classifier, 2 classes   one sigmoid unit + binary cross-entropy   P(class 1) = σ(z), δ = a − y
 *   classifier, ≥ 3 classes softmax over the classes + categorical cross-entropy (δ = a − y)
 *   regressor               linear outputs + mean squared error
 *
 * Defaults (every option can be overridden):
 *   hidden            [64]: one hidden layer of 64 units ([] for none: logistic / linear regression)
 *   activation        'relu'
 *   kernelInitializer 'heNormal' for ReLU-family hidden layers (relu, leakyRelu, elu, softplus, abs),
 *                     'glorotUniform' for the others and for the output layer; biases zeros
 *   optimizer         adam({ learningRate: 0.001 }) (Kingma & Ba's defaults: robust without tuning)
 *   dropout           0 (none): with p > 0 a dropout layer follows every hidden layer
 *   regularization    none: { l1, l2 } in the course's λ/n convention (train/regularizers.ts)
 *   metrics           ['accuracy'] for classifiers, [] for regressors
 */
import { dense, dropout as dropoutLayer, type Layer } from './layers/index.js';
import { sequential, type Metric, type Sequential } from './sequential.js';
import { adam, type Optimizer } from './train/optimizers.js';
import type { InitializerSpec } from './registries/initializers.js';
import type { Regularization } from './registries/regularizers.js';
import type { Backend } from './kernels/backend.js';
import { fraction, positiveInteger } from './validate.js';

/** Hidden activations for which He initialization is the fitting default. */
const RELU_FAMILY = ['relu', 'leakyRelu', 'elu', 'softplus', 'abs'];

export interface PresetOptions {
  /** Input features. Required; a positive integer. */
  inputs: number;
  /** Hidden layer widths. Default: [64]. */
  hidden?: number[];
  /** Activation of every hidden layer, or one per layer. Default: 'relu'. */
  activation?: string | string[];
  /** Initializer of the hidden kernels. Default: 'heNormal' for ReLU-family activations, else 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Dropout rate p ∈ [0, 1) after every hidden layer (0: no dropout layers). Default: 0. */
  dropout?: number;
  /** L1/L2 of every kernel, course convention (λ/n). Default: none. */
  regularization?: Regularization;
  /** Optimizer. Default: adam({ learningRate: 0.001 }). */
  optimizer?: Optimizer | string;
  /** Seed of the initialization (and default shuffle). Default: 1. */
  seed?: number;
  /** Backend. Default: the one of the last init(). */
  backend?: Backend;
}

export interface ClassifierOptions extends PresetOptions {
  /** Number of classes, an integer ≥ 2. Required. */
  classes: number;
}

export interface RegressorOptions extends PresetOptions {
  /** Number of target values per row. Default: 1. */
  outputs?: number;
}

function hiddenLayers(where: string, o: PresetOptions): Layer[] {
  if (o === null || typeof o !== 'object')
    throw new Error(`${where}: expected options like { inputs: 784${where === 'classifier' ? ', classes: 10' : ''} }.`);
  const inputs = positiveInteger(where, 'inputs', o.inputs);
  const hidden = o.hidden ?? [64];
  if (!Array.isArray(hidden)) throw new Error(`${where}: hidden must be a list of layer widths such as [128, 64], got ${String(hidden)}.`);
  hidden.forEach((u, i) => {
    positiveInteger(where, `hidden[${i}]`, u);
  });
  const acts = o.activation ?? 'relu';
  if (Array.isArray(acts) && acts.length !== hidden.length) {
    throw new Error(
      `${where}: activation lists ${acts.length} names but hidden has ${hidden.length} layers; give one for all or one per layer.`,
    );
  }
  const rate = fraction(where, 'dropout', o.dropout ?? 0);
  const layers: Layer[] = [];
  hidden.forEach((units, i) => {
    const activation = Array.isArray(acts) ? acts[i]! : acts;
    const kernelInitializer = o.kernelInitializer ?? (RELU_FAMILY.includes(activation) ? 'heNormal' : 'glorotUniform');
    layers.push(dense({ units, activation, kernelInitializer, ...(i === 0 ? { inputShape: [inputs] } : {}) }));
    if (rate > 0) layers.push(dropoutLayer({ rate }));
  });
  return layers;
}

function compiled(layers: Layer[], o: PresetOptions, loss: string, metrics: Metric[]): Sequential {
  const model = sequential(layers, { seed: o.seed, backend: o.backend });
  model.compile({ loss, optimizer: o.optimizer ?? adam({ learningRate: 0.001 }), metrics, regularization: o.regularization });
  return model;
}

/**
 * A compiled classifier: 2 classes → one sigmoid unit + 'binaryCrossentropy' (labels 0/1);
 * more → `classes` softmax units + 'categoricalCrossentropy' (labels 0…classes−1 or one-hot).
 */
export function classifier(options: ClassifierOptions): Sequential {
  const layers = hiddenLayers('classifier', options);
  const classes = options.classes;
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2) {
    throw new Error(
      `classifier: classes must be an integer ≥ 2, got ${String(classes)}; for numeric targets use regressor({ inputs, outputs }).`,
    );
  }
  const binary = classes === 2;
  layers.push(
    dense({
      units: binary ? 1 : classes,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelInitializer: 'glorotUniform',
      ...(layers.length === 0 ? { inputShape: [options.inputs] } : {}),
    }),
  );
  return compiled(layers, options, binary ? 'binaryCrossentropy' : 'categoricalCrossentropy', ['accuracy']);
}

/** A compiled regressor: `outputs` linear units + 'meanSquaredError'. */
export function regressor(options: RegressorOptions): Sequential {
  const layers = hiddenLayers('regressor', options);
  const outputs = positiveInteger('regressor', 'outputs', options.outputs ?? 1);
  layers.push(
    dense({
      units: outputs,
      activation: 'linear',
      kernelInitializer: 'glorotUniform',
      ...(layers.length === 0 ? { inputShape: [options.inputs] } : {}),
    }),
  );
  return compiled(layers, options, 'meanSquaredError', []);
}
