/**
 * Runs the book's MNIST experiments (examples/nielsen/experiments.ts) and writes
 * examples/nielsen/results.md (and results.json, the per-epoch curves).
 *
 *   node --import tsx examples/nielsen/run.ts                 every experiment
 *   node --import tsx examples/nielsen/run.ts ch1-30 ch3-l2   some of them
 *   node --import tsx examples/nielsen/run.ts --epochs 5      a shorter run (not written to results)
 *   options: --seed n (default 1), --backend wasm|js (default wasm)
 *
 * Each run prints the book's figure, the measured test accuracy of the final network, the best
 * validation accuracy (and its epoch), and the wall time of the training. Re-running some
 * experiments updates only their rows.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { init, loadMnist, type Backend } from '../../src/index.js';
import { EXPERIMENTS, experiment, type Experiment } from './experiments.js';

interface Result {
  name: string;
  title: string;
  book?: number;
  bookNote: string;
  epochs: number;
  batchSize: number;
  seed: number;
  testAccuracy: number;
  /** Best per-epoch test accuracy (how chapter 1 quotes its figures: network.py scores the test set every epoch). */
  bestTest: number;
  bestTestEpoch: number;
  /** Test accuracy after every epoch. */
  test: number[];
  bestValidation: number;
  bestEpoch: number;
  /** Validation accuracy after every epoch. */
  validation: number[];
  trainSeconds: number;
  backend: string;
  date: string;
}

const here = import.meta.dirname;
const jsonPath = join(here, 'results.json');
const mdPath = join(here, 'results.md');

export async function runExperiment(
  e: Experiment,
  data: Awaited<ReturnType<typeof nielsenSplit>>,
  opts: { epochs?: number; seed?: number; log?: (s: string) => void } = {},
): Promise<Omit<Result, 'backend' | 'date'>> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? e.epochs;
  const model = e.build(seed);
  const log = opts.log ?? (() => {});
  try {
    const test: number[] = [];
    let evalSeconds = 0;
    const t0 = performance.now();
    const h = await model.fit(data.train.x, data.train.labels, {
      epochs,
      batchSize: e.batchSize,
      seed,
      validationData: [data.validation.x, data.validation.labels],
      yieldEvery: 'never',
      callbacks: {
        onEpochEnd(epoch, logs) {
          const t = performance.now();
          test.push(model.evaluate(data.test.x, data.test.labels).accuracy!);
          evalSeconds += (performance.now() - t) / 1000;
          log(
            `  epoch ${String(epoch + 1).padStart(2)}: validation ${(100 * logs.valAccuracy!).toFixed(2)} %, ` +
              `test ${(100 * test.at(-1)!).toFixed(2)} %  (${logs.seconds.toFixed(1)} s)`,
          );
        },
      },
    });
    // Wall time of the training with its validation passes, without the extra per-epoch test scoring.
    const trainSeconds = (performance.now() - t0) / 1000 - evalSeconds;
    const validation = h.history.valAccuracy!;
    const best = Math.max(...validation);
    const bestTest = Math.max(...test);
    return {
      name: e.name,
      title: e.title,
      book: e.book,
      bookNote: e.bookNote,
      epochs,
      batchSize: e.batchSize,
      seed,
      testAccuracy: test.at(-1)!,
      bestTest,
      bestTestEpoch: test.indexOf(bestTest) + 1,
      test,
      bestValidation: best,
      bestEpoch: validation.indexOf(best) + 1,
      validation,
      trainSeconds,
    };
  } finally {
    model.dispose();
  }
}

/** The book's split: training images 0…49,999 train, 50,000…59,999 validate; the test images test. */
export async function nielsenSplit() {
  const { train, test } = await loadMnist();
  const n = 50_000;
  const part = (from: number, to: number) => ({
    x: { data: train.x.data.subarray(from * 784, to * 784), shape: [to - from, 784] as [number, number] },
    labels: train.labels.subarray(from, to),
  });
  return { train: part(0, n), validation: part(n, 60_000), test: { x: test.x, labels: test.labels } };
}

const pct = (v: number | undefined): string => (v === undefined ? '—' : `${(100 * v).toFixed(2)} %`);

function writeResults(results: Result[], backend: Backend): void {
  const order = EXPERIMENTS.map((e) => e.name);
  results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    "# Nielsen's MNIST experiments with simdnn",
    '',
    'Written by `node --import tsx examples/nielsen/run.ts` (see README.md for the protocol). "Test" is the',
    'final network (after all epochs) on the 10,000 test images; "best test" is the best epoch on them, the way',
    'chapter 1 quotes its figures (network.py scores the test set every epoch); "best validation" is the best',
    'epoch on the 10,000 validation images (chapter 3 monitors those). Wall time is the training (all epochs,',
    'validation passes included), one thread.',
    '',
    `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, simdnn ${backend.name} (${backend.simd}).`,
    '',
    '| experiment | network | book | simdnn test (final) | best test (epoch) | best validation (epoch) | epochs × batch | wall time |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.title} | ${pct(r.book)} | **${pct(r.testAccuracy)}** | ` +
        `${r.bestTest === undefined ? '—' : `${pct(r.bestTest)} (${r.bestTestEpoch})`} | ${pct(r.bestValidation)} (${r.bestEpoch}) | ` +
        `${r.epochs} × ${r.batchSize} | ${r.trainSeconds.toFixed(1)} s |`,
    ),
    '',
    `Book figures: ${results.map((r) => `${r.name}: ${r.bookNote}`).join('; ')}.`,
    '',
    '## Validation accuracy per epoch (%)',
    '',
    `| epoch | ${results.map((r) => r.name).join(' | ')} |`,
    `|---:|${results.map(() => '---:').join('|')}|`,
    ...Array.from(
      { length: Math.max(...results.map((r) => r.validation.length)) },
      (_, i) =>
        `| ${i + 1} | ${results.map((r) => (r.validation[i] === undefined ? '' : (100 * r.validation[i]!).toFixed(2))).join(' | ')} |`,
    ),
    '',
  ];
  writeFileSync(mdPath, lines.join('\n'));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { epochs: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' } },
  });
  const names = positionals.length === 0 || positionals.includes('all') ? EXPERIMENTS.map((e) => e.name) : positionals;
  const list = names.map(experiment);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1))
    throw new Error(`--epochs must be a positive integer, got '${values.epochs}'.`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'.`);
  const which = values.backend ?? 'wasm';
  if (which !== 'wasm' && which !== 'js') throw new Error(`--backend must be wasm or js, got '${which}'.`);
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // baseline SIMD then
  }
  const backend = await init({ backend: which });
  const data = await nielsenSplit();
  const official = epochs === undefined;
  const previous: Result[] = official && existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Result[]) : [];
  for (const e of list) {
    console.log(`${e.name}: ${e.title}, ${epochs ?? e.epochs} epochs, batch ${e.batchSize}`);
    const r = await runExperiment(e, data, { epochs, seed, log: console.log });
    console.log(
      `${e.name}: book ${pct(r.book)}  simdnn test ${pct(r.testAccuracy)} (best ${pct(r.bestTest)}, epoch ${r.bestTestEpoch})  ` +
        `best validation ${pct(r.bestValidation)} ` +
        `(epoch ${r.bestEpoch})  ${r.trainSeconds.toFixed(1)} s\n`,
    );
    if (official) {
      const full: Result = { ...r, backend: `${backend.name} (${backend.simd})`, date: new Date().toISOString().slice(0, 10) };
      const i = previous.findIndex((p) => p.name === e.name);
      if (i >= 0) previous[i] = full;
      else previous.push(full);
      writeResults(previous, backend);
    }
  }
  if (official) console.log(`wrote ${mdPath}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((e) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  });
}
