/** `simdnn evaluate <dir>`: scores a saved model on MNIST or a CSV file. */
import { loadModel } from '../index.js';
import { loadMnist } from '../data/mnist.js';
import { readCsv, type CsvTable } from '../data/csv.js';
import type { Tensor2D } from '../data/tensor.js';
import { str, type Values } from './args.js';
import { DEFAULT_DATA } from './defaults.js';
import { checkColumns, cliIo, datasetInfo, formatNumber, initBackend, isCsvData, pct, pickLabel, type DatasetInfo } from './shared.js';

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
  if (!isCsvData(data)) {
    const { test } = await loadMnist({ trainLimit: 0 });
    x = test.x;
    y = test.labels;
  } else {
    const info = await datasetInfo(dir);
    const label = await pickLabel(data, str(values, 'label'), info.label, io);
    const labelType = info.labelType ?? (model.outputUnits === 1 ? 'value' : 'class');
    const t = await readCsv(data, { label, labelType });
    x = t.x;
    y = t.labels ? classIndices(t, info, model.outputUnits, data, label) : t.targets!;
  }
  checkColumns(x, model.inputUnits, data);
  const r = model.evaluate(x, y);
  process.stdout.write(
    `${r.accuracy !== undefined ? `accuracy ${pct(r.accuracy)}, ` : ''}loss ${formatNumber(r.loss)} (${x.shape[0]} samples)\n`,
  );
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({ loss: r.loss, accuracy: r.accuracy ?? null, samples: x.shape[0], backend: backend.name, simd: backend.simd })}\n`,
    );
  }
}
