/** `simdnn predict <dir> <file.csv>`: one prediction per CSV row from a saved model. */
import { loadModel } from '../index.js';
import { readCsv, readCsvColumns } from '../data/csv.js';
import { str, type Values } from './args.js';
import { checkColumns, datasetInfo, formatNumber, initBackend } from './shared.js';

export async function predict(values: Values, [dir, file]: string[]): Promise<void> {
  await initBackend(values);
  const model = await loadModel(dir);
  const info = await datasetInfo(dir);
  let label = str(values, 'label');
  if (label === undefined && info.label !== undefined && (await readCsvColumns(file)).includes(info.label)) label = info.label;
  // Read the ignored column as classes so that any value is accepted there.
  const t = await readCsv(file, { label, labelType: 'class' });
  checkColumns(
    t.x,
    model.inputUnits,
    file,
    label === undefined && t.x.shape[1] === model.inputUnits + 1 ? '; pass --label <column> to ignore a label column' : '',
  );
  const out = model.predict(t.x);
  const [n, k] = out.shape;
  const lines: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row = out.data.subarray(r * k, (r + 1) * k);
    if (values.values === true || k === 1) lines[r] = Array.from(row, formatNumber).join(',');
    else {
      let best = 0;
      for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
      lines[r] = String(best);
    }
  }
  process.stdout.write(lines.join('\n') + (n ? '\n' : ''));
}
