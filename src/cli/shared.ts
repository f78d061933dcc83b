/** Helpers shared by the commands: datasets and the seeded test split, label columns, number formatting, backend start-up, the saved-model dataset sidecar. */
import { init } from '../index.js';
import { Rng } from '../random.js';
import { readCsvColumns } from '../data/csv-file.js';
import type { Tensor2D } from '../data/tensor.js';
import { readJsonIfExists } from '../io/files.js';
import { UsageError, oneOf, type Values } from './args.js';
import { BACKENDS, CSV_TEST_FRACTION, DATASET_FILE, TRAIN_DEFAULTS } from './defaults.js';
import { checkScaler, type ColumnScaler, type Standardization } from './scaler.js';

// ───────────────────────────── shared helpers ─────────────────────────────

export interface Dataset {
  x: Tensor2D;
  /** Class indices … */
  labels?: Int32Array;
  /** … or numeric targets. */
  targets?: Tensor2D;
}

export interface Split {
  train: Dataset;
  test: Dataset;
  classes?: string[];
  /** How the CLI read the CSV (saved next to the model). */
  csv?: DatasetInfo & { label: string; labelType: 'class' | 'value'; columns: string[] };
  /** With standardised regression targets: the test split's targets in their own units (test.targets are standardised). */
  testTargetsInUnits?: Tensor2D;
}

export interface Io {
  quiet: boolean;
  note(msg: string): void;
}

/** Notes go to stderr as `note: …`, except with --quiet. */
export function cliIo(quiet: boolean): Io {
  return { quiet, note: (m) => quiet || process.stderr.write(`note: ${m}\n`) };
}

function rowsOf(t: Tensor2D, idx: Int32Array): Tensor2D {
  const cols = t.shape[1];
  const out = new Float32Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) out.set(t.data.subarray(idx[i] * cols, (idx[i] + 1) * cols), i * cols);
  return { data: out, shape: [idx.length, cols] };
}

function subset(d: Dataset, idx: Int32Array): Dataset {
  const out: Dataset = { x: rowsOf(d.x, idx) };
  if (d.labels) out.labels = Int32Array.from(idx, (i) => d.labels![i]);
  if (d.targets) out.targets = rowsOf(d.targets, idx);
  return out;
}

/** Seeded 80/20 split: a shuffled permutation, the first 20 % of it is the test split. */
export function splitRows(d: Dataset, seed: number, source: string): { train: Dataset; test: Dataset } {
  const n = d.x.shape[0];
  if (n < 2) throw new Error(`${source} has ${n} data row; at least 2 are needed to hold out a test split`);
  const nTest = Math.max(1, Math.round(n * CSV_TEST_FRACTION));
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  return { train: subset(d, train), test: subset(d, test) };
}

export function isCsvData(data: string): boolean {
  return data.toLowerCase() !== 'mnist';
}

/** Chooses the CSV label column: --label, else the given default, else the last column. */
export async function pickLabel(path: string, label: string | undefined, fallback: string | undefined, io: Io): Promise<string> {
  if (label !== undefined) return label;
  const cols = await readCsvColumns(path);
  if (fallback !== undefined && cols.includes(fallback)) return fallback;
  const last = cols[cols.length - 1];
  io.note(`using the last column '${last}' of ${path} as the label (choose another with --label <column>)`);
  return last;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

export function pct(v: number | undefined): string {
  return v === undefined ? '—' : `${(100 * v).toFixed(2)}%`;
}

export function simdLabel(simd: string): string {
  return simd === 'relaxed' ? 'relaxed SIMD' : simd === 'simd' ? 'SIMD' : 'no SIMD';
}

export async function initBackend(values: Values) {
  const backend = oneOf(values, 'backend', BACKENDS, TRAIN_DEFAULTS.backend);
  return init({ backend });
}

/** The dataset.json sidecar of a saved model: how `simdnn train` read the training CSV. */
export interface DatasetInfo {
  /** The label column. */
  label?: string;
  /** Classes or numeric targets. */
  labelType?: 'class' | 'value';
  /** The feature columns, in the model's input order. */
  columns?: string[];
  /** Class names; output j of a classifier is classes[j]. */
  classes?: string[];
  /** The standardisation of the inputs (and of a regression's target); absent: none (--no-standardize, or a model saved before it existed). */
  standardize?: Standardization;
}

export async function datasetInfo(dir: string): Promise<DatasetInfo> {
  const { join } = await import('node:path');
  const info = await readJsonIfExists(join(dir, DATASET_FILE));
  return info && typeof info === 'object' ? (info as DatasetInfo) : {};
}

/** The checked scalers of a saved model's dataset.json (undefined when it has none). */
export function scalersOf(info: DatasetInfo, inputUnits: number, outputUnits: number, dir: string): Partial<Standardization> {
  const st = info.standardize;
  if (st === undefined || st === null) return {};
  const source = `${dir}/${DATASET_FILE}`;
  const out: { x: ColumnScaler; y?: ColumnScaler } = { x: checkScaler(st.x, inputUnits, 'the inputs', source) };
  if (st.y !== undefined && st.y !== null) out.y = checkScaler(st.y, outputUnits, 'the target', source);
  return out;
}

/**
 * A CSV's feature columns (its header without the label) checked by name against the training
 * columns of dataset.json, when it has them; run on the header, before any cell is read. A different
 * number of columns is a data error (exit 1) naming the missing and unknown columns; the same number
 * with other names is a usage error (exit 2) naming them. The same names in another order pass
 * (alignColumns re-orders them).
 */
export function checkColumnNames(have: string[], info: DatasetInfo, expected: number, source: string, hint = ''): void {
  const trained = info.columns;
  if (!Array.isArray(trained) || trained.length !== expected) return;
  const missing = trained.filter((c) => !have.includes(c));
  const unknown = have.filter((c) => !trained.includes(c));
  if (!missing.length && !unknown.length) return;
  const list = (cs: string[]): string => cs.map((c) => `'${c}'`).join(', ');
  const names =
    `${missing.length ? `missing ${list(missing)}` : ''}${missing.length && unknown.length ? '; ' : ''}` +
    `${unknown.length ? `unknown ${list(unknown)}` : ''}`;
  const training = `the model was trained on ${list(trained)}${info.label !== undefined ? ` (label '${info.label}')` : ''}`;
  if (have.length !== expected) {
    throw new Error(`${source} has ${have.length} feature columns but the model expects ${expected}${hint} (${names}; ${training})`);
  }
  throw new UsageError(`${source}: the feature columns do not match the model's: ${names}; ${training}`);
}

/**
 * The CSV's features in the model's input order: checked by name (checkColumnNames) when dataset.json
 * has the training columns, and the same columns in another order re-ordered by name (with a note);
 * else checked by count.
 */
export function alignColumns(
  t: { x: Tensor2D; columns: string[] },
  info: DatasetInfo,
  expected: number,
  source: string,
  io: Io,
  hint = '',
): Tensor2D {
  checkColumnNames(t.columns, info, expected, source, hint);
  checkColumns(t.x, expected, source, hint);
  const trained = info.columns;
  const have = t.columns;
  if (!Array.isArray(trained) || trained.length !== expected || have.every((c, j) => c === trained[j])) return t.x;
  io.note(`${source}: columns re-ordered by name to the training order ${trained.map((c) => `'${c}'`).join(', ')}`);
  const [n, cols] = t.x.shape;
  const from = trained.map((c) => have.indexOf(c));
  const out = new Float32Array(n * cols);
  for (let r = 0; r < n; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = t.x.data[r * cols + from[j]];
  return { data: out, shape: [n, cols] };
}

export function checkColumns(x: Tensor2D, expected: number, source: string, hint = ''): void {
  if (x.shape[1] !== expected) {
    throw new Error(`${source} has ${x.shape[1]} feature columns but the model expects ${expected}${hint}`);
  }
}
