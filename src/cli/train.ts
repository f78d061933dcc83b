/**
 * `simdnn train`, step by step: the flags (train-flags.ts), the data, the run (train-run.ts), then
 * one of three modes — k-fold scoring or a search (train-score.ts), or plain training (with early
 * stopping when asked) — and for a trained model its fit (train-fit.ts) and report (train-report.ts).
 */
import { loadMnist } from '../data/mnist.js';
import type { CsvTable } from '../data/csv.js';
import { readCsv } from '../data/csv-file.js';
import { oneOf, str, type Values } from './args.js';
import { LABEL_TYPES, TRAIN_DEFAULTS } from './defaults.js';
import { fitScaler, scale } from './scaler.js';
import { cliIo, initBackend, isCsvData, pickLabel, splitRows, type Io, type Split } from './shared.js';
import { readTrainFlags, type TrainFlags } from './train-flags.js';
import { buildModel } from './train-model.js';
import { prepareRun } from './train-run.js';
import { scoreKFold, searchBest } from './train-score.js';
import { fitWithProgress, printPlan } from './train-fit.js';
import { report } from './train-report.js';

/** `simdnn train`: checks the flags, loads the data, then scores (--kfold), or trains (after --search: the best) and reports. */
export async function train(values: Values): Promise<void> {
  // Every flag is checked before any data is read or kernel compiled.
  const flags = readTrainFlags(values);
  const io = cliIo(flags.quiet);
  const backend = await initBackend(values);
  const run = prepareRun(flags, io, backend, await loadTrainData(values, flags, io));

  const mode = runMode(flags);
  if (mode === 'kfold') return scoreKFold(run);
  const { chosen, searchJson } = mode === 'search' ? await searchBest(run) : { chosen: run.base, searchJson: undefined };

  const model = buildModel(chosen, run.task);
  printPlan(run, model, chosen);
  const trained = await fitWithProgress(run, model);
  await report(run, trained, searchJson);
}

/**
 * What the run does: 'kfold' scores the settings (--kfold alone, no model kept); 'search' scores the
 * candidates of --search, then trains the best; 'fit' trains the flags' settings (early stopping is
 * part of the fit).
 */
function runMode(flags: TrainFlags): 'fit' | 'kfold' | 'search' {
  if (flags.space) return 'search';
  return flags.kfold !== undefined ? 'kfold' : 'fit';
}

/**
 * The training and test split: MNIST's, or a seeded split of the CSV rows with how the CSV was read;
 * a CSV's inputs (and numeric targets) standardised with the training split's statistics unless
 * --no-standardize.
 */
async function loadTrainData(values: Values, flags: TrainFlags, io: Io): Promise<Split> {
  const data = str(values, 'data') ?? TRAIN_DEFAULTS.data;
  if (!isCsvData(data)) {
    if (str(values, 'label') !== undefined) io.note('--label is ignored with --data mnist');
    if (!flags.standardize) io.note('--no-standardize is for CSV data; MNIST is never standardised (pixels in [0, 1])');
    const { train, test } = await loadMnist();
    return { train: { x: train.x, labels: train.labels }, test: { x: test.x, labels: test.labels } };
  }
  const labelType = oneOf(values, 'label-type', LABEL_TYPES, TRAIN_DEFAULTS.labelType);
  const label = await pickLabel(data, str(values, 'label'), undefined, io);
  const t: CsvTable = await readCsv(data, { label, labelType });
  const { train, test } = splitRows(t, flags.seed, data);
  const split: Split = {
    train,
    test,
    classes: t.classes,
    csv: { label, labelType: t.labels ? 'class' : 'value', columns: t.columns, classes: t.classes },
  };
  if (!flags.standardize) return split;
  const x = fitScaler(train.x);
  train.x = scale(train.x, x);
  test.x = scale(test.x, x);
  split.csv!.standardize = { x };
  if (train.targets && test.targets) {
    const y = fitScaler(train.targets);
    split.testTargetsInUnits = test.targets;
    train.targets = scale(train.targets, y);
    test.targets = scale(test.targets, y);
    split.csv!.standardize.y = y;
  }
  return split;
}
