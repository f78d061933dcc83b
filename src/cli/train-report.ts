/** `simdnn train`: the result of the final model — early stop, test score, speed, --save and the --json line. */
import type { Sequential } from '../index.js';
import { writeFileAtomic } from '../io/files.js';
import { DATASET_FILE } from './defaults.js';
import { lossInTargetUnits } from './scaler.js';
import { formatNumber, pct, simdLabel } from './shared.js';
import type { Trained } from './train-fit.js';
import type { TrainRun } from './train-run.js';

/** The test split's score of the trained model. */
type EvaluateResult = ReturnType<Sequential['evaluate']>;

/** Reports a trained model: early stop, test score and speed; saves it with --save; prints the JSON with --json. */
export async function report(run: TrainRun, trained: Trained, searchJson: unknown): Promise<void> {
  printEarlyStop(run, trained);
  const test = printTestScore(run, trained);
  printSpeed(run, trained);
  if (run.flags.save !== undefined) await save(run, trained);
  if (run.flags.json) printJson(run, trained, test, searchJson);
}

/** With --early-stopping: the epoch it stopped after (if it did) and the epoch whose weights were restored. */
function printEarlyStop(run: TrainRun, { earlyStopping: es }: Trained): void {
  if (es && !run.flags.quiet) {
    process.stdout.write(
      (es.stoppedEpoch >= 0 ? `early stopping after epoch ${es.stoppedEpoch + 1}` : 'no early stop') +
        `; restored the weights of epoch ${es.bestEpoch + 1} (validation loss ${formatNumber(es.best)})\n`,
    );
  }
}

/**
 * Evaluates the model on the test split and prints its accuracy (for classes) and loss; always
 * printed, also with --quiet. A regression on standardised targets: the loss in the target's units.
 */
function printTestScore(run: TrainRun, { model }: Trained): EvaluateResult {
  const te = run.data.test;
  const y = run.data.csv?.standardize?.y;
  const inUnits = run.data.testTargetsInUnits;
  const result = y && inUnits ? { loss: lossInTargetUnits(model, te.x, inUnits, y) } : model.evaluate(te.x, run.yTest);
  const loss = run.task.loss;
  const lossLabel = loss === 'categoricalCrossentropy' ? 'cross-entropy' : loss === 'meanSquaredError' ? 'mse' : loss;
  process.stdout.write(
    (result.accuracy !== undefined ? `test accuracy ${pct(result.accuracy)}, ` : '') +
      `test loss ${formatNumber(result.loss)} (${lossLabel}, ${te.x.shape[0]} samples)\n`,
  );
  return result;
}

/** Epochs run, wall time, samples per second and the backend (not with --quiet). */
function printSpeed(run: TrainRun, { history, trainSeconds, samplesPerSecond }: Trained): void {
  if (run.flags.quiet) return;
  const { backend } = run;
  process.stdout.write(
    `trained ${history.epoch.length} epochs in ${trainSeconds.toFixed(1)} s, ${Math.round(samplesPerSecond)} samples/s ` +
      `on ${backend.name} (${simdLabel(backend.simd)})\n`,
  );
}

/** --json: the result as one JSON line (test score, speed, backend, per-epoch history, early stop, search). */
function printJson(run: TrainRun, trained: Trained, test: EvaluateResult, searchJson: unknown): void {
  const { backend } = run;
  const { history, trainSeconds, samplesPerSecond, earlyStopping: es } = trained;
  process.stdout.write(
    `${JSON.stringify({
      testAccuracy: test.accuracy ?? null,
      testLoss: test.loss,
      epochs: history.epoch.length,
      trainSeconds: Number(trainSeconds.toFixed(3)),
      samplesPerSecond: Math.round(samplesPerSecond),
      backend: backend.name,
      simd: backend.simd,
      history: history.logs.map((l, i) => ({ epoch: history.epoch[i], ...l })),
      ...(es ? { earlyStopping: { stoppedEpoch: es.stoppedEpoch, bestEpoch: es.bestEpoch, best: es.best } } : {}),
      ...(searchJson ? { search: searchJson } : {}),
    })}\n`,
  );
}

/** --save: the model, and next to it how the CSV was read (DATASET_FILE) for evaluate and predict. */
async function save(run: TrainRun, { model }: Trained): Promise<void> {
  const dir = run.flags.save!;
  await model.save(dir);
  if (run.data.csv) {
    const { join } = await import('node:path');
    await writeFileAtomic(join(dir, DATASET_FILE), `${JSON.stringify(run.data.csv, null, 2)}\n`);
  }
  if (!run.flags.quiet) process.stdout.write(`saved the model to ${dir}\n`);
}
