/** `simdnn train`: every flag read and checked, before any data is read or kernel compiled. */
import type { SearchSpace } from '../index.js';
import { activationNames } from '../registries/activations.js';
import { getInitializer } from '../registries/initializers.js';
import { UsageError, lossName, num, oneOf, optionalNum, str, type Values } from './args.js';
import { BACKENDS, EARLY_STOPPING_VALIDATION_SPLIT, LABEL_TYPES, LAYER_ACTIVATIONS, MAX_SEED, TRAIN_DEFAULTS } from './defaults.js';
import { parseSearchSpec } from './search-spec.js';
import { CLI_OPTIMIZERS, type ModelSpec } from './train-model.js';

/** The checked flags of one `simdnn train` run. */
export interface TrainFlags {
  quiet: boolean;
  json: boolean;
  batchSize: number;
  epochs: number;
  seed: number;
  /** --early-stopping: epochs without a better validation loss; undefined = off. */
  patience?: number;
  validationSplit: number;
  /** --kfold: folds; undefined = no cross-validation (search: SEARCH_DEFAULT_KFOLD). */
  kfold?: number;
  /** --search: the space; undefined = no search. */
  space?: SearchSpace;
  /** --trials: random search with this many candidates; undefined = grid. */
  trials?: number;
  diagnostics: boolean;
  /** --loss as given (for messages) and its canonical name; undefined = by the kind of label. */
  lossFlag?: string;
  loss?: string;
  save?: string;
  /** CSV inputs and regression targets standardised (off with --no-standardize). */
  standardize: boolean;
  /** The model settings of the flags (search candidates override some). */
  model: ModelSpec;
}

/** Reads and checks every flag of `simdnn train`, in a fixed order (the first bad one is reported). */
export function readTrainFlags(values: Values): TrainFlags {
  const lr = optionalNum(values, 'lr', { min: 0, minExclusive: true });
  const momentum = num(values, 'momentum', TRAIN_DEFAULTS.momentum, { min: 0, max: 1, maxExclusive: true });
  const batchSize = num(values, 'batch-size', TRAIN_DEFAULTS.batchSize, { integer: true, min: 1 });
  const epochs = num(values, 'epochs', TRAIN_DEFAULTS.epochs, { integer: true, min: 1 });
  const seed = num(values, 'seed', TRAIN_DEFAULTS.seed, { integer: true, min: 0, max: MAX_SEED });
  const optimizer = oneOf(values, 'optimizer', Object.keys(CLI_OPTIMIZERS), TRAIN_DEFAULTS.optimizer);
  oneOf(values, 'label-type', LABEL_TYPES, TRAIN_DEFAULTS.labelType);
  oneOf(values, 'backend', BACKENDS, TRAIN_DEFAULTS.backend);
  const l1 = num(values, 'l1', TRAIN_DEFAULTS.l1, { min: 0 });
  const l2 = num(values, 'l2', TRAIN_DEFAULTS.l2, { min: 0 });
  const dropout = num(values, 'dropout', TRAIN_DEFAULTS.dropout, { min: 0, max: 1, maxExclusive: true });
  const init = checkInit(str(values, 'init'));
  const { patience, validationSplit } = readEarlyStopping(values);
  const kfold = optionalNum(values, 'kfold', { integer: true, min: 2 });
  const { space, trials } = readSearch(values);
  if (kfold !== undefined && space === undefined && str(values, 'save') !== undefined) {
    throw new UsageError('--kfold alone only scores the settings (k models, none kept): drop --save, or train without --kfold');
  }
  const hidden = parseLayers(str(values, 'layers'));
  const activations = readActivations(str(values, 'activation'), hidden.length);
  if (space?.hidden && activations.length > 1) {
    throw new UsageError('--search over hidden sizes needs one --activation for all layers (the layer count varies)');
  }
  const pieces = num(values, 'pieces', TRAIN_DEFAULTS.pieces, { integer: true, min: 2 });
  if (str(values, 'pieces') !== undefined && !activations.includes('maxout')) {
    throw new UsageError('--pieces sets the linear pieces of maxout layers: use it with --activation maxout');
  }
  const lossFlag = str(values, 'loss');
  return {
    quiet: values.quiet === true,
    json: values.json === true,
    batchSize,
    epochs,
    seed,
    patience,
    validationSplit,
    kfold,
    space,
    trials,
    diagnostics: values.diagnostics === true,
    lossFlag,
    loss: lossFlag === undefined ? undefined : lossName(lossFlag),
    save: str(values, 'save'),
    standardize: values['no-standardize'] !== true,
    model: { hidden, activations, pieces, init, optimizer, lr, momentum, l1, l2, dropout },
  };
}

/** --init: a known initializer name, or undefined (each layer's default). */
function checkInit(flag: string | undefined): string | undefined {
  if (flag !== undefined) {
    try {
      getInitializer(flag);
    } catch (e) {
      throw new UsageError(`--init: ${(e as Error).message}`);
    }
  }
  return flag;
}

/** --early-stopping and --validation-split: early stopping watches a held-out fraction (default 0.1 with it). */
function readEarlyStopping(values: Values): { patience?: number; validationSplit: number } {
  const patience = optionalNum(values, 'early-stopping', { integer: true, min: 0 });
  const splitDefault = patience === undefined ? TRAIN_DEFAULTS.validationSplit : EARLY_STOPPING_VALIDATION_SPLIT;
  const validationSplit = num(values, 'validation-split', splitDefault, { min: 0, max: 1, maxExclusive: true });
  if (patience !== undefined && validationSplit === 0) {
    throw new UsageError(
      `--early-stopping watches the validation loss: give --validation-split a fraction > 0 (default ${EARLY_STOPPING_VALIDATION_SPLIT})`,
    );
  }
  return { patience, validationSplit };
}

/** --search and --trials: the space, and the number of random draws (ranges need them). */
function readSearch(values: Values): { space?: SearchSpace; trials?: number } {
  const flag = str(values, 'search');
  let space: SearchSpace | undefined;
  if (flag !== undefined) {
    try {
      space = parseSearchSpec(flag);
    } catch (e) {
      throw new UsageError(`--search: ${(e as Error).message}`);
    }
  }
  const trials = optionalNum(values, 'trials', { integer: true, min: 1 });
  if (trials !== undefined && space === undefined)
    throw new UsageError('--trials sets the number of random-search candidates: use it with --search');
  if (space && trials === undefined && Object.values(space).some((v) => !Array.isArray(v))) {
    throw new UsageError('--search: a range (a..b) is drawn from by random search: add --trials <n>');
  }
  return { space, trials };
}

/** Hidden widths from --layers (or a search candidate): positive integers, or none. */
function parseLayers(flag: string | undefined): number[] {
  if (flag === undefined) return TRAIN_DEFAULTS.layers;
  const s = flag.trim();
  if (s === '' || s === 'none') return [];
  return s.split(',').map((p) => {
    const u = Number(p.trim());
    if (p.trim() === '' || !Number.isInteger(u) || u < 1) {
      throw new UsageError(`--layers must be positive integers separated by commas (e.g. 128,64), got '${flag}'`);
    }
    return u;
  });
}

/** --activation: known names (the registry's, and the layers prelu and maxout), one for all hidden layers or one per layer. */
function readActivations(flag: string | undefined, layers: number): string[] {
  const names = (flag ?? TRAIN_DEFAULTS.activation).split(',').map((a) => a.trim());
  const known = [...activationNames(), ...LAYER_ACTIVATIONS];
  for (const a of names) {
    if (!known.includes(a)) throw new UsageError(`--activation: unknown activation '${a}'; use one of: ${known.join(', ')}`);
  }
  if (names.length !== 1 && names.length !== layers) {
    throw new UsageError(
      `--activation lists ${names.length} activations but --layers has ${layers} hidden layer${layers === 1 ? '' : 's'}; give one for all or one per layer`,
    );
  }
  return names;
}
