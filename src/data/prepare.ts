/**
 * The API boundary for data: every x that enters fit/evaluate/predict passes through here once,
 * is checked cheaply, and comes out as a row-major Float32Array (labels: data/targets.ts, which
 * the inference path does not need). Errors name the problem, where it is, and the expected value.
 */

/** A row-major matrix: `data` holds shape[0]·shape[1] floats. */
export interface MatrixLike {
  data: Float32Array | Float64Array | ArrayLike<number>;
  shape: readonly number[];
}

/** Inputs: rows of numbers, or a row-major matrix with its shape. */
export type Input = number[][] | MatrixLike;
/**
 * Labels: class indices (one per row; integral values of any numeric array), target values of a
 * one-output regression (one per row), or target / one-hot rows.
 */
export type Labels = number[] | Int32Array | Uint8Array | Uint16Array | Float32Array | Float64Array | number[][] | MatrixLike;

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export function isMatrixLike(v: unknown): v is MatrixLike {
  return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v;
}

/**
 * Converts and validates x; `cols` is the width the model expects. `checkFinite` false skips the
 * NaN/±∞ scan, for a caller that scans the rows itself (predict does, chunk by chunk, in wasm).
 */
export function toMatrix(x: Input, cols: number, what = 'x', checkFinite = true): Matrix {
  let m: Matrix;
  if (isMatrixLike(x)) {
    const shape = x.shape;
    if (!Array.isArray(shape) && !(shape && typeof shape.length === 'number')) {
      throw new Error(`${what}.shape must be [rows, columns], got ${String(shape)}.`);
    }
    if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${what}.shape must be [rows, columns] of non-negative integers, got [${[...shape].join(', ')}].`);
    }
    const [rows, c] = shape as [number, number];
    if (x.data.length !== rows * c) {
      throw new Error(`${what}.data has ${x.data.length} values but shape [${rows}, ${c}] needs ${rows * c}.`);
    }
    if (!ArrayBuffer.isView(x.data)) checkNumbers(x.data as ArrayLike<unknown>, -1, `${what}.data`);
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>);
    m = { data, rows, cols: c };
  } else if (Array.isArray(x)) {
    const rows = x.length;
    const c = rows > 0 && Array.isArray(x[0]) ? x[0].length : 0;
    const data = new Float32Array(rows * c);
    for (let r = 0; r < rows; r++) {
      const row = x[r];
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
        throw new Error(`${what}[${r}] is not an array: ${what} must be number[][] or { data, shape }.`);
      }
      if (row.length !== c)
        throw new Error(`${what}[${r}] has ${row.length} values but ${what}[0] has ${c}: rows must all have the same length.`);
      if (!ArrayBuffer.isView(row)) checkNumbers(row, r, what);
      for (let j = 0; j < c; j++) data[r * c + j] = row[j] as number;
    }
    m = { data, rows, cols: c };
  } else {
    throw new Error(`${what} must be number[][] or { data: Float32Array, shape: [rows, columns] }, got ${typeof x}.`);
  }
  if (m.rows === 0) throw new Error(`${what} is empty: at least one row is needed.`);
  if (m.cols !== cols) {
    throw new Error(`${what} has ${m.cols} columns but the model expects ${cols}.`);
  }
  const bad = checkFinite ? firstNonFinite(m.data) : -1;
  if (bad >= 0) throw nonFiniteError(m.data[bad]!, bad, m.cols, what);
  return m;
}

/**
 * The error for the non-finite value v at flat index i of a matrix with `cols` columns (toMatrix,
 * and predict, which scans each chunk in the kernels instead: `toMatrix(x, cols, what, false)`).
 */
export function nonFiniteError(v: number, i: number, cols: number, what = 'x'): Error {
  return new Error(
    `${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} in ${what} at row ${Math.floor(i / cols)}, ` +
      `column ${i % cols}: clean or impute the data first.`,
  );
}

/** How a value that is not a number is described: `the string 'a'`, `null`, `the boolean true`. */
export function described(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return v === '' ? 'an empty string' : `the string '${v.length > 20 ? `${v.slice(0, 17)}...` : v}'`;
  return `${typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : `the ${typeof v}`}${typeof v === 'object' ? '' : ` ${String(v)}`}`;
}

/**
 * Refuses anything but numbers in a row (row ≥ 0) or a flat array (row −1): strings, booleans,
 * null and '' would otherwise be coerced silently (null and '' to 0).
 */
export function checkNumbers(a: ArrayLike<unknown>, row: number, what: string): void {
  for (let j = 0; j < a.length; j++) {
    const v = a[j];
    if (typeof v === 'number') continue;
    const at = row >= 0 ? `${what}[${row}][${j}] (row ${row}, column ${j})` : `${what}[${j}]`;
    throw new Error(`${at} is ${described(v)}: inputs must be numbers; parse or encode the column first (parseCsv reads numeric columns).`);
  }
}

/** Index of the first NaN/±Infinity, or −1. */
export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v - v !== 0) return i; // NaN − NaN and ∞ − ∞ are NaN
  }
  return -1;
}
