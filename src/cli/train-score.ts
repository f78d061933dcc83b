/** `simdnn train --kfold / --search`: settings scored by k-fold cross-validation on the training split. */
import { crossValidate, search, type FoldResult, type Params } from '../index.js';
import { UsageError } from './args.js';
import { SEARCH_DEFAULT_KFOLD } from './defaults.js';
import { formatSearchTable } from './search-spec.js';
import { formatNumber, pct } from './shared.js';
import { buildModel, withParams, type ModelSpec } from './train-model.js';
import { fitOptions, type TrainRun } from './train-run.js';

/** The folds of the run (--kfold, or SEARCH_DEFAULT_KFOLD with --search), checked against the training rows. */
function foldsOf(run: TrainRun): number {
  const k = run.flags.kfold ?? SEARCH_DEFAULT_KFOLD;
  const nTrain = run.data.train.x.shape[0];
  if (k > nTrain) throw new UsageError(`--kfold ${k} needs at least ${k} training rows, but there are ${nTrain}; use --kfold ≤ ${nTrain}`);
  return k;
}

/** --kfold alone: scores the flags' settings fold by fold, prints mean ± std (and the JSON with --json); keeps no model. */
export async function scoreKFold(run: TrainRun): Promise<void> {
  const k = foldsOf(run);
  const { flags, data, backend } = run;
  const quiet = flags.quiet;
  const nTrain = data.train.x.shape[0];
  const foldLine = (f: FoldResult): void => {
    if (!quiet) {
      process.stderr.write(
        `  fold ${f.fold + 1}/${k}: ${f.accuracy !== undefined ? `accuracy ${pct(f.accuracy)}, ` : ''}loss ${formatNumber(f.loss)} ` +
          `(${f.epochs} epochs, ${f.seconds.toFixed(1)} s)\n`,
      );
    }
  };
  if (!quiet) process.stdout.write(`${k}-fold cross-validation on ${nTrain} training rows\n`);
  const cv = await crossValidate(() => buildModel(run.base, run.task), data.train.x, run.yTrain, {
    k,
    seed: flags.seed,
    fitOptions: fitOptions(flags),
    onFold: foldLine,
  });
  process.stdout.write(
    `${k}-fold: ` +
      (cv.accuracy ? `accuracy ${pct(cv.accuracy.mean)} ± ${pct(cv.accuracy.std)}, ` : '') +
      `loss ${formatNumber(cv.loss.mean)} ± ${formatNumber(cv.loss.std)} (mean ± sample std over folds)\n`,
  );
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({
        k,
        loss: cv.loss,
        accuracy: cv.accuracy ?? null,
        std: cv.std,
        folds: cv.folds.map((f) => ({ ...f, seconds: Number(f.seconds.toFixed(3)) })),
        backend: backend.name,
        simd: backend.simd,
      })}\n`,
    );
  }
}

/** --search: scores every candidate by k-fold, prints the ranked table; resolves to the best settings and the search's JSON. */
export async function searchBest(run: TrainRun): Promise<{ chosen: ModelSpec; searchJson: unknown }> {
  const k = foldsOf(run);
  const { flags, data } = run;
  const { quiet, trials, seed } = flags;
  const space = flags.space!;
  const nTrain = data.train.x.shape[0];
  const strategy = trials === undefined ? 'grid' : 'random';
  if (!quiet)
    process.stdout.write(
      `Searching (${strategy}${trials ? `, ${trials} trials` : ''}) over ${Object.keys(space).join(', ')}, ${k}-fold on ${nTrain} training rows\n`,
    );
  const result = await search((p) => buildModel(withParams(run.base, p), run.task), data.train.x, run.yTrain, {
    space,
    strategy,
    trials,
    seed,
    k,
    fitOptions: fitOptions(flags),
    onTrial: (t) => {
      if (!quiet) {
        process.stderr.write(
          `  ${fmtParams(t.params)}: ${t.accuracy ? `accuracy ${pct(t.accuracy.mean)} ± ${pct(t.accuracy.std)}, ` : ''}` +
            `loss ${formatNumber(t.loss.mean)} ± ${formatNumber(t.loss.std)} (${t.seconds.toFixed(1)} s)\n`,
        );
      }
    },
  });
  if (!quiet)
    process.stdout.write(`${formatSearchTable(result)}\nbest: ${fmtParams(result.best.params)} (std over folds: sample, k − 1)\n`);
  return {
    chosen: withParams(run.base, result.best.params),
    searchJson: {
      strategy: result.strategy,
      metric: result.metric,
      k,
      best: result.best.params,
      trials: result.ranked.map((t) => ({
        params: t.params,
        loss: t.loss,
        accuracy: t.accuracy ?? null,
        seconds: Number(t.seconds.toFixed(3)),
      })),
    },
  };
}

/** A candidate's parameters on one line: `learningRate=0.05 hidden=64x32`. */
function fmtParams(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : v}`)
    .join(' ');
}
