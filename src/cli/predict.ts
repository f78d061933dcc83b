/** `simdnn predict <dir|file.onnx> <file.csv>`: one prediction per CSV row from a saved model or an .onnx file. */
import { stat } from 'node:fs/promises';
import { loadModel, type Sequential } from '../index.js';
import { readCsv, readCsvColumns } from '../data/csv-file.js';
import { UsageError, oneOf, str, type Values } from './args.js';
import { PREDICT_OUTPUTS } from './defaults.js';
import { isOnnxPath, readOnnxFile } from './interchange.js';
import { scale, unscale } from './scaler.js';
import { alignColumns, checkColumnNames, cliIo, datasetInfo, formatNumber, initBackend, scalersOf, type DatasetInfo } from './shared.js';

type Output = (typeof PREDICT_OUTPUTS)[number];

export async function predict(values: Values, [dir, file]: string[]): Promise<void> {
  const output = readOutput(values);
  const io = cliIo(false);
  await initBackend(values);
  const { model, info } = await readModel(dir);
  const scalers = scalersOf(info, model.inputUnits, model.outputUnits, dir);
  const classifier = isClassifier(info, model);
  if (!classifier && output !== undefined && output !== 'probabilities') {
    throw new UsageError(`--output ${output} is for classifiers; this model predicts numeric values (printed as they are)`);
  }
  const header = await readCsvColumns(file);
  let label = str(values, 'label');
  if (label === undefined && info.label !== undefined && header.includes(info.label)) label = info.label;
  const features = header.filter((c) => c !== label);
  const hint = label === undefined && features.length === model.inputUnits + 1 ? '; pass --label <column> to ignore a label column' : '';
  checkColumnNames(features, info, model.inputUnits, file, hint);
  // Read the ignored column as classes so that any value is accepted there.
  const t = await readCsv(file, { label, labelType: 'class' });
  let x = alignColumns(t, info, model.inputUnits, file, io, hint);
  // The inputs as in training (standardised with the training split's mean and std, when it was).
  if (scalers.x) x = scale(x, scalers.x);
  let out = model.predict(x);
  // A regression trained on standardised targets: back to the target's units.
  if (!classifier && scalers.y) out = unscale(out, scalers.y);
  const [n, k] = out.shape;
  const how: Output = classifier ? (output ?? 'labels') : 'probabilities';
  const names = how === 'labels' && info.classes?.length === Math.max(k, 2) ? info.classes : undefined;
  // One output for two classes (bce: a sigmoid probability; hinge: a signed score): class 1 above the threshold.
  const threshold = model.loss.name === 'hinge' ? 0 : 0.5;
  const lines: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row = out.data.subarray(r * k, (r + 1) * k);
    if (how === 'probabilities') lines[r] = Array.from(row, formatNumber).join(',');
    else {
      let best = 0;
      if (k === 1) best = row[0] > threshold ? 1 : 0;
      else for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
      lines[r] = names ? names[best] : String(best);
    }
  }
  process.stdout.write(lines.join('\n') + (n ? '\n' : ''));
}

/**
 * A saved model directory with its dataset.json, or an .onnx file with the dataset info of its
 * metadata (`simdnn export` writes it; the standardisation is folded into the weights there).
 */
async function readModel(path: string): Promise<{ model: Sequential; info: DatasetInfo }> {
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile && isOnnxPath(path)) return readOnnxFile(path);
  return { model: await loadModel(path), info: await datasetInfo(path) };
}

/** --output (and the older --values, the same as --output probabilities); undefined = the default for the model. */
function readOutput(values: Values): Output | undefined {
  const output = str(values, 'output') === undefined ? undefined : oneOf(values, 'output', PREDICT_OUTPUTS, 'labels');
  if (values.values === true) {
    if (output !== undefined && output !== 'probabilities') throw new UsageError(`--values is --output probabilities; drop one of them`);
    return 'probabilities';
  }
  return output;
}

/**
 * Whether the model predicts classes: as dataset.json says (train --save on a CSV), else by its
 * width (several outputs: classes, as for MNIST; one output: a value).
 */
function isClassifier(info: DatasetInfo, model: Sequential): boolean {
  if (info.labelType !== undefined) return info.labelType === 'class';
  return model.outputUnits > 1;
}
