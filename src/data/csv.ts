/**
 * CSV tables of numbers → Tensor2D, with an optional named label column.
 *
 * Splitting the text into records (quotes, embedded delimiters, CRLF, BOM) is csv-rows.ts; this
 * module checks the table and turns it into features and labels. The first row is the header
 * (required). Feature cells must be finite numbers; errors name the file line, the column and the
 * offending value. Pure: runs in browsers, workers and edge runtimes (reading files: csv-file.ts).
 */
import { csvRows, type CsvRecord } from './csv-rows.js';
import type { Tensor2D } from './tensor.js';

export interface CsvOptions {
  /**
   * Name of the label column. Every other column is a feature. Default: none — every column is a
   * feature and no labels are returned (the shape of input for `predict`).
   */
  label?: string;
  /**
   * How to read the label column. Default: 'auto'.
   * - 'class': categories; the distinct values are sorted (numerically when all are numbers,
   *   otherwise as strings) and mapped to indices 0…k−1 → `labels` and `classes`.
   * - 'value': numbers (regression) → `targets`, shape [n, 1].
   * - 'auto': 'class' when some value is not a number, or when all are integers with at most
   *   `AUTO_MAX_CLASSES` distinct values and fewer distinct values than half the rows; else 'value'.
   */
  labelType?: 'auto' | 'class' | 'value';
  /** Field delimiter. Default: ',' — or ';' / tab when the header contains one of them and no ','. */
  delimiter?: string;
  /** Name used in error messages (readCsv passes the path). Default: 'CSV'. */
  source?: string;
}

export interface CsvTable {
  /** Feature columns, row-major, shape [rows, columns.length]. */
  x: Tensor2D;
  /** Class indices (label column read as classes). */
  labels?: Int32Array;
  /** Numeric targets, shape [rows, 1] (label column read as values). */
  targets?: Tensor2D;
  /** Names of the feature columns, in order. */
  columns: string[];
  /** Class names; `labels[i]` indexes into this. */
  classes?: string[];
}

/** 'auto' treats integer labels as classes only up to this many distinct values. */
export const AUTO_MAX_CLASSES = 50;

/** A cell as a finite number, or undefined. Empty cells are not numbers (Number('') would be 0). */
function toNumber(cell: string): number | undefined {
  if (cell === '') return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

function guessDelimiter(text: string): string {
  const nl = text.search(/\r?\n/);
  const header = nl < 0 ? text : text.slice(0, nl);
  if (header.includes(',')) return ',';
  if (header.includes('\t')) return '\t';
  if (header.includes(';')) return ';';
  return ',';
}

/** The records of `text`, with errors prefixed by the source name. */
function records(text: string, delimiter: string, src: string, maxRecords?: number): CsvRecord[] {
  if (typeof text !== 'string') throw new Error(`${src}: expected the CSV text as a string, got ${typeof text}`);
  try {
    return csvRows(text, { delimiter, maxRecords });
  } catch (e) {
    throw new Error(`${src}: ${(e as Error).message}`);
  }
}

/**
 * Parses CSV text. See `CsvOptions` for the label rules. Async for compatibility (nothing in it
 * waits).
 *
 * @example
 * const { x, labels, classes } = await parseCsv(text, { label: 'species' });
 */
export async function parseCsv(text: string, options: CsvOptions = {}): Promise<CsvTable> {
  const src = options.source ?? 'CSV';
  const labelType = options.labelType ?? 'auto';
  if (!['auto', 'class', 'value'].includes(labelType)) {
    throw new Error(`${src}: unknown labelType '${String(labelType)}'; use 'auto', 'class' or 'value'`);
  }
  const rows = records(text, options.delimiter ?? guessDelimiter(String(text)), src);
  if (rows.length === 0) throw new Error(`${src}: empty file; a header row naming the columns is required`);

  const header = rows[0].cells;
  const seen = new Set<string>();
  for (let c = 0; c < header.length; c++) {
    const h = header[c];
    if (h === '') throw new Error(`${src}: header column ${c + 1} has no name`);
    if (seen.has(h)) throw new Error(`${src}: header names column '${h}' twice`);
    seen.add(h);
  }
  const body = rows.slice(1);
  if (body.length === 0) throw new Error(`${src}: no data rows after the header`);

  let labelCol = -1;
  if (options.label !== undefined) {
    labelCol = header.indexOf(options.label);
    if (labelCol < 0) {
      throw new Error(`${src}: no column named '${options.label}'; the columns are: ${header.map((h) => `'${h}'`).join(', ')}`);
    }
  }
  const featureCols: number[] = [];
  for (let c = 0; c < header.length; c++) if (c !== labelCol) featureCols.push(c);
  if (featureCols.length === 0) throw new Error(`${src}: no feature columns besides the label '${options.label}'`);

  const n = body.length;
  const f = featureCols.length;
  const x = new Float32Array(n * f);
  for (let r = 0; r < n; r++) {
    const { cells: record, line } = body[r];
    for (let j = 0; j < f; j++) {
      const c = featureCols[j];
      const cell = record[c];
      const v = toNumber(cell);
      if (v === undefined) {
        const what = cell === '' ? 'is empty' : `'${cell}' is not a number`;
        throw new Error(`${src}: row ${line}, column '${header[c]}': ${what}; feature columns must be numeric`);
      }
      x[r * f + j] = v;
    }
  }

  const table: CsvTable = { x: { data: x, shape: [n, f] }, columns: featureCols.map((c) => header[c]) };
  if (labelCol < 0) return table;

  const raw = body.map((row) => row.cells[labelCol]);
  for (let r = 0; r < n; r++) {
    if (raw[r] === '') throw new Error(`${src}: row ${body[r].line}, label column '${options.label}' is empty`);
  }
  const nums = raw.map(toNumber);
  const allNumeric = nums.every((v) => v !== undefined);

  let asClass: boolean;
  if (labelType === 'class') asClass = true;
  else if (labelType === 'value') asClass = false;
  else if (!allNumeric) asClass = true;
  else {
    const allInt = nums.every((v) => Number.isInteger(v));
    const distinct = new Set(nums).size;
    asClass = allInt && distinct <= AUTO_MAX_CLASSES && distinct < n / 2;
  }

  if (!asClass) {
    const t = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const v = nums[r];
      if (v === undefined) {
        throw new Error(
          `${src}: row ${body[r].line}, label column '${options.label}': '${raw[r]}' is not a number ` +
            `(labels read as values must be numeric; use labelType 'class' for categories)`,
        );
      }
      t[r] = v;
    }
    table.targets = { data: t, shape: [n, 1] };
    return table;
  }

  // Classes: numeric labels are keyed by their value (so "1" and "1.0" are one class) and sorted
  // numerically; anything else is sorted as strings.
  const keys = allNumeric ? nums.map((v) => String(v)) : raw;
  const distinct = [...new Set(keys)];
  if (allNumeric) distinct.sort((a, b) => Number(a) - Number(b));
  else distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((k, i) => [k, i]));
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) labels[r] = index.get(keys[r])!;
  table.labels = labels;
  table.classes = distinct;
  return table;
}

/** The column names of the header row of CSV text. */
export async function csvColumns(text: string, options: { delimiter?: string; source?: string } = {}): Promise<string[]> {
  const src = options.source ?? 'CSV';
  const rows = records(text, options.delimiter ?? guessDelimiter(String(text)), src, 1);
  if (rows.length === 0) throw new Error(`${src}: empty file; a header row naming the columns is required`);
  return rows[0].cells;
}
