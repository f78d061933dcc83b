/**
 * Labels → target rows [rows × outputs] (fit, evaluate): class indices, target values, one-hot or
 * target rows, checked once at the API boundary. Split from data/prepare.ts (the inputs), so that
 * the inference path, which never sees labels, does not carry it.
 */
import { checkNumbers, described, firstNonFinite, isMatrixLike, type Labels, type Matrix, type MatrixLike } from './prepare.js';

/** A flat array of per-row labels (not rows): number[] or any numeric typed array. */
function isFlat(y: unknown): boolean {
  if (ArrayBuffer.isView(y)) return !(y instanceof DataView);
  return Array.isArray(y) && (y.length === 0 || !(Array.isArray(y[0]) || ArrayBuffer.isView(y[0])));
}

/**
 * Converts labels to target rows [rows × outputs]. A flat array holds one label per row: class
 * indices become one-hot rows (or the 0/1 value itself for a single sigmoid output); with one output
 * and `values` (a loss that fits real-valued targets, e.g. meanSquaredError) the numbers are the
 * targets themselves. Target rows are checked for width and finiteness.
 */
export function toTargets(y: Labels, rows: number, outputs: number, what = 'y', values = false): Float32Array {
  if (isFlat(y)) {
    const labels = y as ArrayLike<unknown>;
    if (labels.length !== rows) throw new Error(`x has ${rows} rows but ${what} has ${labels.length} labels.`);
    const classes = outputs === 1 ? 2 : outputs;
    for (let r = 0; r < rows; r++) {
      const v = labels[r];
      if (typeof v !== 'number') {
        throw new Error(
          `${what}[${r}] is ${described(v)}: labels must be numbers — class indices 0…${classes - 1}` +
            `${outputs === 1 && values ? ' or target values' : ''}, or target rows; map class names to indices first ` +
            '(parseCsv does this for a label column).',
        );
      }
    }
    const nums = labels as ArrayLike<number>;
    if (outputs === 1 && values) {
      const t = Float32Array.from(nums);
      const bad = firstNonFinite(t);
      if (bad >= 0) throw new Error(`non-finite value in ${what} at row ${bad}: ${nums[bad]}.`);
      return t;
    }
    const t = new Float32Array(rows * outputs);
    for (let r = 0; r < rows; r++) {
      const c = nums[r]!;
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        throw new Error(`label ${c} at row ${r} is out of range for ${classes} classes: expected an integer in [0, ${classes}).`);
      }
      if (outputs === 1) t[r] = c;
      else t[r * outputs + c] = 1;
    }
    return t;
  }
  if (!isMatrixLike(y) && !Array.isArray(y)) {
    throw new Error(`${what} must be class indices (number[] / Int32Array) or target rows (number[][] / { data, shape }).`);
  }
  if (!isMatrixLike(y) && Array.isArray(y) && (y as unknown[]).length !== rows) {
    throw new Error(`x has ${rows} rows but ${what} has ${(y as unknown[]).length}.`);
  }
  if (isMatrixLike(y) && y.shape[0] !== rows) {
    throw new Error(`x has ${rows} rows but ${what} has ${y.shape[0]}.`);
  }
  const m = toMatrixLoose(y as number[][] | MatrixLike, what);
  if (m.cols !== outputs) {
    throw new Error(`${what} has ${m.cols} columns but the model has ${outputs} outputs; give one column per output (or class indices).`);
  }
  const bad = firstNonFinite(m.data);
  if (bad >= 0) throw new Error(`non-finite value in ${what} at row ${Math.floor(bad / m.cols)}, column ${bad % m.cols}.`);
  return m.data;
}

function toMatrixLoose(y: number[][] | MatrixLike, what: string): Matrix {
  if (isMatrixLike(y)) {
    const [rows, cols] = y.shape as [number, number];
    if (y.shape.length !== 2 || y.data.length !== rows * cols) {
      throw new Error(`${what}: shape [${[...y.shape].join(', ')}] does not match ${y.data.length} values.`);
    }
    if (!ArrayBuffer.isView(y.data)) checkNumbers(y.data as ArrayLike<unknown>, -1, `${what}.data`);
    return { data: y.data instanceof Float32Array ? y.data : Float32Array.from(y.data as ArrayLike<number>), rows, cols };
  }
  const rows = y.length;
  const cols = rows > 0 ? (y[0] as number[]).length : 0;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = y[r]!;
    if (!Array.isArray(row) || row.length !== cols) {
      throw new Error(`${what}[${r}] has ${Array.isArray(row) ? row.length : 'no'} values but ${what}[0] has ${cols}.`);
    }
    checkNumbers(row, r, what);
    for (let j = 0; j < cols; j++) data[r * cols + j] = row[j]!;
  }
  return { data, rows, cols };
}
