/** `simdnn evaluate <dir>`: scores a saved model on MNIST or a CSV file. */
import { loadModel } from '../index.js';
import { loadMnist } from '../data/mnist.js';
import type { CsvTable } from '../data/csv.js';
import { readCsv, readCsvColumns } from '../data/csv-file.js';
import type { Tensor2D } from '../data/tensor.js';
import { str, type Values } from './args.js';
import { DEFAULT_DATA } from './defaults.js';
import { lossInTargetUnits, scale } from './scaler.js';
import {
  alignColumns,
  checkColumnNames,
  checkColumns,
  cliIo,
  datasetInfo,
  formatNumber,
  initBackend,
  isCsvData,
  pct,
  pickLabel,
  scalersOf,
  type DatasetInfo,
} from './shared.js';

/**
 * Class indices for a CSV label column read at evaluation time. The training classes (saved in
 * dataset.json by `train --save`) define the mapping; without them, integer labels in
 * [0, outputs) are taken as indices, and anything else is sorted as in training.
 */
function classIndices(t: CsvTable, info: DatasetInfo, outputs: number, path: string, label: string): Int32Array {
  const classes = t.classes!;
  const names = Int32Array.from(t.labels!);
  if (info.classes) {
    const index = new Map(info.classes.map((c, i) => [c, i]));
    return names.map((l) => {
      const i = index.get(classes[l]);
      if (i === undefined) {
        throw new Error(`${path}: label '${classes[l]}' in column '${label}' was not a class in training (${info.classes!.join(', ')})`);
      }
      return i;
    });
  }
  const asInts = classes.map(Number);
  if (asInts.every((v) => Number.isInteger(v) && v >= 0 && v < outputs)) return names.map((l) => asInts[l]);
  if (classes.length !== outputs) {
    throw new Error(`${path}: column '${label}' has ${classes.length} classes but the model has ${outputs} outputs`);
  }
  return names;
}

export async function evaluate(values: Values, [dir]: string[]): Promise<void> {
  const quiet = values.quiet === true;
  const io = cliIo(quiet);
  const data = str(values, 'data') ?? DEFAULT_DATA;
  const backend = await initBackend(values);
  const model = await loadModel(dir);
  let x: Tensor2D;
  let y: Int32Array | Tensor2D;
  let r: { loss: number; accuracy?: number };
  if (!isCsvData(data)) {
    const { test } = await loadMnist({ trainLimit: 0 });
    x = test.x;
    y = test.labels;
    checkColumns(x, model.inputUnits, data);
    r = model.evaluate(x, y);
  } else {
    const info = await datasetInfo(dir);
    const scalers = scalersOf(info, model.inputUnits, model.outputUnits, dir);
    const label = await pickLabel(data, str(values, 'label'), info.label, io);
    const labelType = info.labelType ?? (model.outputUnits === 1 ? 'value' : 'class');
    const header = await readCsvColumns(data);
    if (header.includes(label))
      checkColumnNames(
        header.filter((c) => c !== label),
        info,
        model.inputUnits,
        data,
      );
    const t = await readCsv(data, { label, labelType });
    x = alignColumns(t, info, model.inputUnits, data, io);
    // The inputs as in training (standardised with the training split's mean and std, when it was).
    if (scalers.x) x = scale(x, scalers.x);
    y = t.labels ? classIndices(t, info, model.outputUnits, data, label) : t.targets!;
    // A regression trained on standardised targets: its loss in the target's own units.
    r = scalers.y && !t.labels ? { loss: lossInTargetUnits(model, x, y as Tensor2D, scalers.y) } : model.evaluate(x, y);
  }
  process.stdout.write(
    `${r.accuracy !== undefined ? `accuracy ${pct(r.accuracy)}, ` : ''}loss ${formatNumber(r.loss)} (${x.shape[0]} samples)\n`,
  );
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({ loss: r.loss, accuracy: r.accuracy ?? null, samples: x.shape[0], backend: backend.name, simd: backend.simd })}\n`,
    );
  }
}
