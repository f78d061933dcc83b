/** `simdnn train`: data loading, the model from the flags, k-fold / search / early stopping, progress, JSON output. */
import {
  sequential, dense, dropout, sgd, momentum, nesterov, adam, newton, levenbergMarquardt, hessianFree,
  earlyStopping, crossValidate, search, parseSearchSpec, formatSearchTable,
  type History, type Optimizer, type EpochTrainer, type Sequential, type Layer, type Callbacks, type FitOptions, type EarlyStopping,
  type FoldResult, type HealthReport, type Params, type SearchSpace,
} from '../index.js';
import { activationNames } from '../registries/activations.js';
import { getInitializer } from '../registries/initializers.js';
import { loadMnist } from '../data/mnist.js';
import { readCsv, type CsvTable } from '../data/csv.js';
import { writeFileAtomic } from '../io/files.js';
import { UsageError, lossName, num, oneOf, str, type Values } from './args.js';
import { DATASET_FILE, TRAIN_DEFAULTS } from './defaults.js';
import { Progress } from './progress.js';
import { formatNumber, initBackend, isCsvData, pct, pickLabel, simdLabel, splitRows, type Io, type Split } from './shared.js';

async function loadTrainData(values: Values, seed: number, io: Io): Promise<Split> {
  const data = str(values, 'data') ?? TRAIN_DEFAULTS.data;
  if (!isCsvData(data)) {
    if (str(values, 'label') !== undefined) io.note('--label is ignored with --data mnist');
    const { train, test } = await loadMnist();
    return { train: { x: train.x, labels: train.labels }, test: { x: test.x, labels: test.labels } };
  }
  const labelType = oneOf(values, 'label-type', ['auto', 'class', 'value'] as const, 'auto');
  const label = await pickLabel(data, str(values, 'label'), undefined, io);
  const t: CsvTable = await readCsv(data, { label, labelType });
  const { train, test } = splitRows(t, seed, data);
  return {
    train,
    test,
    classes: t.classes,
    csv: { label, labelType: t.labels ? 'class' : 'value', columns: t.columns, classes: t.classes },
  };
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

/** Everything `simdnn train` builds a model from; search candidates override some of it. */
interface ModelSpec {
  hidden: number[];
  activations: string[];
  init?: string;
  optimizer: string;
  lr?: number;
  momentum: number;
  l1: number;
  l2: number;
  dropout: number;
}

/**
 * The optimizers of --optimizer: name → factory from the flags. lr undefined means the
 * optimizer's own default (sgd/momentum/nesterov: TRAIN_DEFAULTS.lr; adam: 0.001).
 */
export const CLI_OPTIMIZERS: Record<string, (o: { lr?: number; momentum: number }) => Optimizer | EpochTrainer> = {
  sgd: (o) => sgd({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  momentum: (o) => momentum({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  nesterov: (o) => nesterov({ learningRate: o.lr ?? TRAIN_DEFAULTS.lr, momentum: o.momentum }),
  adam: (o) => adam({ learningRate: o.lr ?? 0.001 }),
  // Second-order methods take whole (full-batch) epochs; --lr and --momentum do not apply.
  newton: () => newton(),
  lm: () => levenbergMarquardt(),
  hf: () => hessianFree(),
};

/** Output layer for a loss and the kind of label: activation and width. */
function outputFor(
  loss: string, flag: string | undefined, isClass: boolean, classes: number, targets: number, label: string | undefined,
): { act: string; units: number } {
  if (!isClass) {
    if (loss === 'categoricalCrossentropy' || loss === 'binaryCrossentropy' || loss === 'hinge') {
      throw new UsageError(
        `--loss ${flag ?? loss} needs class labels, but column '${label}' was read as numeric values; use --loss mse or quadratic, or --label-type class`,
      );
    }
    return { act: 'linear', units: targets };
  }
  const k = Math.max(classes, 2);
  switch (loss) {
    case 'categoricalCrossentropy':
      return { act: 'softmax', units: k };
    case 'binaryCrossentropy':
      return { act: 'sigmoid', units: k === 2 ? 1 : k };
    case 'hinge':
      return { act: 'linear', units: k === 2 ? 1 : k };
    default:
      return { act: 'sigmoid', units: k };
  }
}

function fmtParams(p: Params): string {
  return Object.entries(p).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : v}`).join(' ');
}

export async function train(values: Values): Promise<void> {
  const quiet = values.quiet === true;
  const json = values.json === true;
  const io: Io = { quiet, note: (m) => quiet || process.stderr.write(`note: ${m}\n`) };

  // Every flag is checked before any data is read or kernel compiled.
  const lrFlag = str(values, 'lr') === undefined ? undefined : num(values, 'lr', TRAIN_DEFAULTS.lr, { min: 0, minExclusive: true });
  const momentumValue = num(values, 'momentum', TRAIN_DEFAULTS.momentum, { min: 0, max: 1, maxExclusive: true });
  const batchSize = num(values, 'batch-size', TRAIN_DEFAULTS.batchSize, { integer: true, min: 1 });
  const epochs = num(values, 'epochs', TRAIN_DEFAULTS.epochs, { integer: true, min: 1 });
  const seed = num(values, 'seed', TRAIN_DEFAULTS.seed, { integer: true, min: 0, max: 4294967295 });
  const optimizerName = oneOf(values, 'optimizer', Object.keys(CLI_OPTIMIZERS), TRAIN_DEFAULTS.optimizer);
  oneOf(values, 'label-type', ['auto', 'class', 'value'] as const, 'auto');
  oneOf(values, 'backend', ['auto', 'wasm', 'js'] as const, 'auto');
  const l1 = num(values, 'l1', 0, { min: 0 });
  const l2 = num(values, 'l2', 0, { min: 0 });
  const dropoutRate = num(values, 'dropout', 0, { min: 0, max: 1, maxExclusive: true });
  const initFlag = str(values, 'init');
  if (initFlag !== undefined) {
    try {
      getInitializer(initFlag);
    } catch (e) {
      throw new UsageError(`--init: ${(e as Error).message}`);
    }
  }
  const patience = str(values, 'early-stopping') === undefined ? undefined : num(values, 'early-stopping', 0, { integer: true, min: 0 });
  const splitDefault = patience === undefined ? 0 : 0.1;
  const validationSplit = num(values, 'validation-split', splitDefault, { min: 0, max: 1, maxExclusive: true });
  if (patience !== undefined && validationSplit === 0) {
    throw new UsageError('--early-stopping watches the validation loss: give --validation-split a fraction > 0 (default 0.1)');
  }
  const kfold = str(values, 'kfold') === undefined ? undefined : num(values, 'kfold', 0, { integer: true, min: 2 });
  const searchFlag = str(values, 'search');
  let space: SearchSpace | undefined;
  if (searchFlag !== undefined) {
    try {
      space = parseSearchSpec(searchFlag);
    } catch (e) {
      throw new UsageError(`--search: ${(e as Error).message}`);
    }
  }
  const trials = str(values, 'trials') === undefined ? undefined : num(values, 'trials', 10, { integer: true, min: 1 });
  if (trials !== undefined && space === undefined) throw new UsageError('--trials sets the number of random-search candidates: use it with --search');
  if (space && trials === undefined && Object.values(space).some((v) => !Array.isArray(v))) {
    throw new UsageError('--search: a range (a..b) is drawn from by random search: add --trials <n>');
  }
  if (kfold !== undefined && space === undefined && str(values, 'save') !== undefined) {
    throw new UsageError('--kfold alone only scores the settings (k models, none kept): drop --save, or train without --kfold');
  }
  const diagnostics = values.diagnostics === true;
  const hidden = parseLayers(str(values, 'layers'));
  const actFlag = (str(values, 'activation') ?? TRAIN_DEFAULTS.activation).split(',').map((a) => a.trim());
  const known = activationNames();
  for (const a of actFlag) {
    if (!known.includes(a)) throw new UsageError(`--activation: unknown activation '${a}'; use one of: ${known.join(', ')}`);
  }
  if (actFlag.length !== 1 && actFlag.length !== hidden.length) {
    throw new UsageError(
      `--activation lists ${actFlag.length} activations but --layers has ${hidden.length} hidden layer${hidden.length === 1 ? '' : 's'}; give one for all or one per layer`,
    );
  }
  if (space?.hidden && actFlag.length > 1) {
    throw new UsageError('--search over hidden sizes needs one --activation for all layers (the layer count varies)');
  }
  const lossFlag = str(values, 'loss');
  const requestedLoss = lossFlag === undefined ? undefined : lossName(lossFlag);
  const saveDir = str(values, 'save');

  const backend = await initBackend(values);
  const data = await loadTrainData(values, seed, io);
  const { train: tr, test: te } = data;
  const isClass = tr.labels !== undefined;
  const loss = requestedLoss ?? (isClass ? 'categoricalCrossentropy' : 'meanSquaredError');
  const nIn = tr.x.shape[1];
  const out = outputFor(loss, lossFlag, isClass, data.classes?.length ?? 10, isClass ? 0 : tr.targets!.shape[1], data.csv?.label);
  const yTrain = (isClass ? tr.labels : tr.targets)!;
  const yTest = (isClass ? te.labels : te.targets)!;

  const base: ModelSpec = {
    hidden, activations: actFlag, init: initFlag, optimizer: optimizerName, lr: lrFlag, momentum: momentumValue, l1, l2, dropout: dropoutRate,
  };
  /** Base settings overridden by a search candidate. */
  const withParams = (p: Params): ModelSpec => ({
    ...base,
    hidden: p.hidden === undefined ? base.hidden : Array.isArray(p.hidden) ? p.hidden : [p.hidden],
    lr: (p.learningRate as number | undefined) ?? base.lr,
    l1: (p.l1 as number | undefined) ?? base.l1,
    l2: (p.l2 as number | undefined) ?? base.l2,
    dropout: (p.dropout as number | undefined) ?? base.dropout,
    momentum: (p.momentum as number | undefined) ?? base.momentum,
  });
  const build = (s: ModelSpec): Sequential => {
    try {
      const layers: Layer[] = [];
      s.hidden.forEach((units, i) => {
        layers.push(dense({
          units,
          activation: s.activations.length === 1 ? s.activations[0] : s.activations[i],
          ...(s.init ? { kernelInitializer: s.init } : {}),
          ...(i === 0 ? { inputShape: [nIn] } : {}),
        }));
        if (s.dropout > 0) layers.push(dropout({ rate: s.dropout }));
      });
      layers.push(dense({
        units: out.units,
        activation: out.act,
        ...(s.init ? { kernelInitializer: s.init } : {}),
        ...(s.hidden.length === 0 ? { inputShape: [nIn] } : {}),
      }));
      const model = sequential(layers, { seed });
      model.compile({
        loss,
        optimizer: CLI_OPTIMIZERS[s.optimizer]!({ lr: s.lr, momentum: s.momentum }),
        metrics: isClass ? ['accuracy'] : [],
        ...(s.l1 > 0 || s.l2 > 0 ? { regularization: { l1: s.l1, l2: s.l2 } } : {}),
      });
      return model;
    } catch (e) {
      throw new UsageError((e as Error).message, 'train');
    }
  };
  const earlyStop = (): Callbacks[] =>
    patience === undefined ? [] : [earlyStopping({ monitor: 'valLoss', patience, restoreBestWeights: true })];
  const fitOptions = (): FitOptions => ({
    epochs, batchSize, shuffle: true, seed, yieldEvery: 'auto', validationSplit, callbacks: earlyStop(),
  });

  // ── k-fold scoring and hyper-parameter search (scored on the training split only) ──
  let chosen = base;
  let searchJson: unknown;
  if (space || kfold !== undefined) {
    const k = kfold ?? 3;
    const nTrain = tr.x.shape[0];
    if (k > nTrain) throw new UsageError(`--kfold ${k} needs at least ${k} training rows, but there are ${nTrain}; use --kfold ≤ ${nTrain}`);
    const foldLine = (f: FoldResult): void => {
      if (!quiet) {
        process.stderr.write(
          `  fold ${f.fold + 1}/${k}: ${f.accuracy !== undefined ? `accuracy ${pct(f.accuracy)}, ` : ''}loss ${formatNumber(f.loss)} ` +
            `(${f.epochs} epochs, ${f.seconds.toFixed(1)} s)\n`,
        );
      }
    };
    if (space) {
      const strategy = trials === undefined ? 'grid' : 'random';
      if (!quiet) process.stdout.write(`Searching (${strategy}${trials ? `, ${trials} trials` : ''}) over ${Object.keys(space).join(', ')}, ${k}-fold on ${nTrain} training rows\n`);
      const result = await search((p) => build(withParams(p)), tr.x, yTrain, {
        space, strategy, trials, seed, k, fitOptions: fitOptions(),
        onTrial: (t) => {
          if (!quiet) {
            process.stderr.write(
              `  ${fmtParams(t.params)}: ${t.accuracy ? `accuracy ${pct(t.accuracy.mean)} ± ${pct(t.accuracy.std)}, ` : ''}` +
                `loss ${formatNumber(t.loss.mean)} ± ${formatNumber(t.loss.std)} (${t.seconds.toFixed(1)} s)\n`,
            );
          }
        },
      });
      if (!quiet) process.stdout.write(formatSearchTable(result) + `\nbest: ${fmtParams(result.best.params)} (std over folds: sample, k − 1)\n`);
      chosen = withParams(result.best.params);
      searchJson = {
        strategy: result.strategy, metric: result.metric, k, best: result.best.params,
        trials: result.ranked.map((t) => ({ params: t.params, loss: t.loss, accuracy: t.accuracy ?? null, seconds: Number(t.seconds.toFixed(3)) })),
      };
    } else {
      if (!quiet) process.stdout.write(`${k}-fold cross-validation on ${nTrain} training rows\n`);
      const cv = await crossValidate(() => build(base), tr.x, yTrain, { k, seed, fitOptions: fitOptions(), onFold: foldLine });
      process.stdout.write(
        `${k}-fold: ` + (cv.accuracy ? `accuracy ${pct(cv.accuracy.mean)} ± ${pct(cv.accuracy.std)}, ` : '') +
          `loss ${formatNumber(cv.loss.mean)} ± ${formatNumber(cv.loss.std)} (mean ± sample std over folds)\n`,
      );
      if (json) {
        process.stdout.write(JSON.stringify({
          k, loss: cv.loss, accuracy: cv.accuracy ?? null, std: cv.std,
          folds: cv.folds.map((f) => ({ ...f, seconds: Number(f.seconds.toFixed(3)) })),
          backend: backend.name, simd: backend.simd,
        }) + '\n');
      }
      return;
    }
  }

  // ── the final model: train on the training split, score on the test split ──
  const model = build(chosen);
  const optimizerLine = (() => {
    const c = model.optimizer.config as { type: string; learningRate?: number; momentum?: number };
    if ('fitEpoch' in model.optimizer) return `optimizer ${chosen.optimizer} (full batch)`;
    return `batch ${batchSize}, ${c.type} lr ${c.learningRate}${c.momentum !== undefined && c.type !== 'adam' ? ` momentum ${c.momentum}` : ''}`;
  })();
  if (!quiet) {
    process.stdout.write(model.summary() + '\n');
    process.stdout.write(
      `Training on ${tr.x.shape[0]} samples, testing on ${te.x.shape[0]}: ` +
        `${epochs} epochs, ${optimizerLine}` +
        `${chosen.l2 ? `, L2 λ ${chosen.l2}` : ''}${chosen.l1 ? `, L1 λ ${chosen.l1}` : ''}${chosen.dropout ? `, dropout ${chosen.dropout}` : ''}` +
        `${validationSplit ? `, validation split ${validationSplit}` : ''}${patience !== undefined ? `, early stopping (patience ${patience})` : ''}, seed ${seed}\n`,
    );
  }

  const nTrain = tr.x.shape[0] - Math.floor(tr.x.shape[0] * validationSplit);
  const progress = new Progress(!quiet, process.stderr.isTTY === true, epochs, Math.ceil(nTrain / Math.min(batchSize, nTrain)));
  let current = 0;
  const t0 = performance.now();
  let history: History;
  // Ctrl-C mid-epoch: put the cursor back before leaving (cli-progress hides it).
  const onInterrupt = (): void => {
    progress.stop();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const stopper = earlyStop();
  try {
    history = await model.fit(tr.x, yTrain, {
      ...fitOptions(),
      ...(diagnostics ? { diagnostics: { onWarning: (m: string) => quiet || process.stderr.write(`warning: ${m}\n`) } } : {}),
      callbacks: [
        ...stopper,
        {
          onEpochBegin(epoch) {
            current = epoch;
            progress.epochBegin(epoch);
          },
          onBatchEnd(batch, logs) {
            progress.batchEnd(current, batch, logs);
          },
          onEpochEnd(epoch, logs) {
            progress.epochEnd(epoch, logs);
            if (diagnostics && !quiet && logs.diagnostics) process.stderr.write(healthLine(logs.diagnostics as HealthReport) + '\n');
          },
        },
      ],
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const epochsRun = history.epoch.length;
  const samplesPerSecond = (nTrain * epochsRun) / Math.max(trainSeconds, 1e-9);
  const es = stopper[0] as EarlyStopping | undefined;
  if (es && !quiet) {
    process.stdout.write(
      (es.stoppedEpoch >= 0 ? `early stopping after epoch ${es.stoppedEpoch + 1}` : 'no early stop') +
        `; restored the weights of epoch ${es.bestEpoch + 1} (validation loss ${formatNumber(es.best)})\n`,
    );
  }

  const result = model.evaluate(te.x, yTest);
  const testAccuracy = result.accuracy;
  const lossLabel = loss === 'categoricalCrossentropy' ? 'cross-entropy' : loss === 'meanSquaredError' ? 'mse' : loss;
  process.stdout.write(
    (testAccuracy !== undefined ? `test accuracy ${pct(testAccuracy)}, ` : '') +
      `test loss ${formatNumber(result.loss)} (${lossLabel}, ${te.x.shape[0]} samples)\n`,
  );
  if (!quiet) {
    process.stdout.write(
      `trained ${epochsRun} epochs in ${trainSeconds.toFixed(1)} s, ${Math.round(samplesPerSecond)} samples/s ` +
        `on ${backend.name} (${simdLabel(backend.simd)})\n`,
    );
  }

  if (saveDir !== undefined) {
    await model.save(saveDir);
    if (data.csv) {
      const { join } = await import('node:path');
      await writeFileAtomic(join(saveDir, DATASET_FILE), JSON.stringify(data.csv, null, 2) + '\n');
    }
    if (!quiet) process.stdout.write(`saved the model to ${saveDir}\n`);
  }

  if (json) {
    process.stdout.write(
      JSON.stringify({
        testAccuracy: testAccuracy ?? null,
        testLoss: result.loss,
        epochs: epochsRun,
        trainSeconds: Number(trainSeconds.toFixed(3)),
        samplesPerSecond: Math.round(samplesPerSecond),
        backend: backend.name,
        simd: backend.simd,
        history: history.logs.map((l, i) => ({ epoch: history.epoch[i], ...l })),
        ...(es ? { earlyStopping: { stoppedEpoch: es.stoppedEpoch, bestEpoch: es.bestEpoch, best: es.best } } : {}),
        ...(searchJson ? { search: searchJson } : {}),
      }) + '\n',
    );
  }
}

/** One stderr line per epoch with --diagnostics: per layer ‖∇W‖, ‖ΔW‖/‖W‖, dead or saturated share. */
function healthLine(r: HealthReport): string {
  const e = (v: number): string => (Number.isFinite(v) ? v.toExponential(1) : String(v));
  const layers = r.layers.map((l) => {
    const extra = l.dead !== undefined ? ` dead ${(100 * l.dead).toFixed(0)}%` : l.saturated !== undefined ? ` sat ${(100 * l.saturated).toFixed(0)}%` : '';
    return `L${l.layer} ‖∇‖ ${e(l.gradNorm)} Δ/w ${e(l.updateRatio)}${extra}`;
  });
  return `  health: ${layers.join(' | ')} | first/last ${e(r.gradRatio)}`;
}
