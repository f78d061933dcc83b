/** `simdnn train`: what one run works with (flags, data, task, backend) and the fit options of its flags. */
import { earlyStopping, type Backend, type Callbacks, type FitOptions } from '../index.js';
import type { Tensor2D } from '../data/tensor.js';
import type { Io, Split } from './shared.js';
import type { TrainFlags } from './train-flags.js';
import { outputFor, type ModelSpec, type Task } from './train-model.js';

/** Classes of --data mnist (its labels carry no class names). */
const MNIST_CLASSES = 10;

/** One `simdnn train` run: the checked flags, the loaded data and what it fixes about the model. */
export interface TrainRun {
  flags: TrainFlags;
  io: Io;
  backend: Backend;
  data: Split;
  task: Task;
  /** Class indices or targets of the training and the test split. */
  yTrain: Int32Array | Tensor2D;
  yTest: Int32Array | Tensor2D;
  /** The model settings of the flags. */
  base: ModelSpec;
}

/** The run of the flags on the data: loss (by the kind of label unless --loss), output layer, labels. */
export function prepareRun(flags: TrainFlags, io: Io, backend: Backend, data: Split): TrainRun {
  const { train: tr, test: te } = data;
  const isClass = tr.labels !== undefined;
  const loss = flags.loss ?? (isClass ? 'categoricalCrossentropy' : 'meanSquaredError');
  const out = outputFor(
    loss,
    flags.lossFlag,
    isClass,
    data.classes?.length ?? MNIST_CLASSES,
    isClass ? 0 : tr.targets!.shape[1],
    data.csv?.label,
  );
  return {
    flags,
    io,
    backend,
    data,
    task: { nIn: tr.x.shape[1], out, loss, isClass, seed: flags.seed },
    yTrain: (isClass ? tr.labels : tr.targets)!,
    yTest: (isClass ? te.labels : te.targets)!,
    base: flags.model,
  };
}

/** The early-stopping callback of --early-stopping (a new one per call), or none. */
export function earlyStop(flags: TrainFlags): Callbacks[] {
  return flags.patience === undefined ? [] : [earlyStopping({ monitor: 'valLoss', patience: flags.patience, restoreBestWeights: true })];
}

/** The fit options of the flags: epochs, batch size, seeded shuffle, validation split, early stopping. */
export function fitOptions(flags: TrainFlags): FitOptions {
  const { epochs, batchSize, seed, validationSplit } = flags;
  return { epochs, batchSize, shuffle: true, seed, yieldEvery: 'auto', validationSplit, callbacks: earlyStop(flags) };
}
