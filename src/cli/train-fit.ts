/** `simdnn train`: the final model trained on the training split, with its plan, progress and per-epoch health. */
import type { EarlyStopping, HealthReport, History, Sequential } from '../index.js';
import { Progress } from './progress.js';
import type { ModelSpec } from './train-model.js';
import { earlyStop, fitOptions, type TrainRun } from './train-run.js';

/** A trained model and how its training went. */
export interface Trained {
  model: Sequential;
  history: History;
  trainSeconds: number;
  samplesPerSecond: number;
  /** The early-stopping callback of --early-stopping, after the fit. */
  earlyStopping?: EarlyStopping;
}

/** Prints the model summary and one line of the training settings (not with --quiet). */
export function printPlan(run: TrainRun, model: Sequential, chosen: ModelSpec): void {
  if (run.flags.quiet) return;
  const { epochs, seed, validationSplit, patience } = run.flags;
  const { train: tr, test: te } = run.data;
  process.stdout.write(`${model.summary()}\n`);
  process.stdout.write(
    `Training on ${tr.x.shape[0]} samples, testing on ${te.x.shape[0]}: ` +
      `${epochs} epochs, ${optimizerLine(run, model, chosen)}` +
      `${chosen.l2 ? `, L2 λ ${chosen.l2}` : ''}${chosen.l1 ? `, L1 λ ${chosen.l1}` : ''}${chosen.dropout ? `, dropout ${chosen.dropout}` : ''}` +
      `${validationSplit ? `, validation split ${validationSplit}` : ''}${patience !== undefined ? `, early stopping (patience ${patience})` : ''}, seed ${seed}` +
      `${standardised(run)}\n`,
  );
}

/** The standardisation part of the plan line: what was standardised, if anything. */
function standardised(run: TrainRun): string {
  const st = run.data.csv?.standardize;
  if (!st) return '';
  return st.y ? "; inputs and target standardised (the test loss is in the target's units)" : '; inputs standardised';
}

/** The optimizer part of the plan line: batch size, type, learning rate and momentum, or full batch for second order. */
function optimizerLine(run: TrainRun, model: Sequential, chosen: ModelSpec): string {
  const c = model.optimizer.config as { type: string; learningRate?: number; momentum?: number };
  if ('fitEpoch' in model.optimizer) return `optimizer ${chosen.optimizer} (full batch)`;
  return `batch ${run.flags.batchSize}, ${c.type} lr ${c.learningRate}${c.momentum !== undefined && c.type !== 'adam' ? ` momentum ${c.momentum}` : ''}`;
}

/** Fits the model on the training split with a progress bar (or lines), health lines with --diagnostics, and Ctrl-C handling. */
export async function fitWithProgress(run: TrainRun, model: Sequential): Promise<Trained> {
  const { flags, data } = run;
  const { quiet, diagnostics, epochs, batchSize, validationSplit } = flags;
  const tr = data.train;
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
  const stopper = earlyStop(flags);
  try {
    history = await model.fit(tr.x, run.yTrain, {
      ...fitOptions(flags),
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
            if (diagnostics && !quiet && logs.diagnostics) process.stderr.write(`${healthLine(logs.diagnostics as HealthReport)}\n`);
          },
        },
      ],
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const samplesPerSecond = (nTrain * history.epoch.length) / Math.max(trainSeconds, 1e-9);
  return { model, history, trainSeconds, samplesPerSecond, earlyStopping: stopper[0] as EarlyStopping | undefined };
}

/** One stderr line per epoch with --diagnostics: per layer ‖∇W‖, ‖ΔW‖/‖W‖, dead or saturated share. */
function healthLine(r: HealthReport): string {
  const e = (v: number): string => (Number.isFinite(v) ? v.toExponential(1) : String(v));
  const layers = r.layers.map((l) => {
    const extra =
      l.dead !== undefined
        ? ` dead ${(100 * l.dead).toFixed(0)}%`
        : l.saturated !== undefined
          ? ` sat ${(100 * l.saturated).toFixed(0)}%`
          : '';
    return `L${l.layer} ‖∇‖ ${e(l.gradNorm)} Δ/w ${e(l.updateRatio)}${extra}`;
  });
  return `  health: ${layers.join(' | ')} | first/last ${e(r.gradRatio)}`;
}
