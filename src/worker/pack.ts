/**
 * The calling side's checks and packing for `fitInWorker`: every option and every array is checked
 * here, with fit's own messages, before a worker is started; the data then leaves as row-major
 * Float32Arrays whose buffers are transferred with the message.
 *
 * Copies: x given as number[][] (or any non-Float32 array) is converted once — that conversion is
 * the copy that travels. x given as a Float32Array (`{ data, shape }`) is copied once, unless
 * `transfer: true`, which hands the caller's own buffer to the worker (the caller's array is then
 * detached: length 0). Targets (y) likewise, after the model's loss prepared them (one-hot rows).
 */
import { toMatrix, type Input, type Labels } from '../data/prepare.js';
import type { Sequential } from '../sequential.js';
import { targetsFor } from '../network/targets.js';
import { earlyStopping } from '../train/callbacks.js';
import { trainingHealth } from '../train/health.js';
import { anyInteger, boolean, fail, fraction, knownKeys, oneOf, positiveInteger } from '../validate.js';
import type { PackedMatrix, WorkerFitOptions } from './protocol.js';

const WHERE = 'fitInWorker';

/** The data-only fit options, checked as fit checks them. */
export function checkFitOptions(o: WorkerFitOptions): WorkerFitOptions {
  const out: WorkerFitOptions = {};
  if (o.epochs !== undefined) out.epochs = positiveInteger(WHERE, 'epochs', o.epochs);
  if (o.batchSize !== undefined) out.batchSize = positiveInteger(WHERE, 'batchSize', o.batchSize);
  if (o.shuffle !== undefined) out.shuffle = boolean(WHERE, 'shuffle', o.shuffle);
  if (o.seed !== undefined) out.seed = anyInteger(WHERE, 'seed', o.seed);
  if (o.validationSplit !== undefined) out.validationSplit = fraction(WHERE, 'validationSplit', o.validationSplit);
  if (o.divergence !== undefined) out.divergence = oneOf(WHERE, 'divergence', o.divergence, ['throw', 'warn', 'off'] as const);
  if (o.diagnostics !== undefined && o.diagnostics !== false) {
    if (typeof o.diagnostics === 'object' && o.diagnostics !== null) {
      for (const [k, v] of Object.entries(o.diagnostics)) {
        if (typeof v === 'function') {
          throw new Error(
            `${WHERE}: diagnostics.${k} is a function, which cannot cross into a worker; read the reports in onEpochEnd's logs.diagnostics.`,
          );
        }
      }
    }
    trainingHealth(o.diagnostics === true ? {} : o.diagnostics); // throws on a bad option
    out.diagnostics = o.diagnostics;
  }
  if (o.earlyStopping !== undefined) {
    earlyStopping(o.earlyStopping); // throws on a bad option
    out.earlyStopping = { ...o.earlyStopping };
  }
  return out;
}

/** Whether `a` shares its memory with something the caller passed in (`given`, or `given.data`). */
function callerOwns(a: Float32Array, given: unknown): boolean {
  const g = given as { data?: unknown } | null;
  const views = [given, g && typeof g === 'object' ? g.data : undefined];
  return views.some((v) => ArrayBuffer.isView(v) && v.buffer === a.buffer);
}

/**
 * The matrix as it will travel: `a` itself when it is a fresh conversion or when the caller lets
 * its buffer go (`transfer`, and the array spans the whole buffer); otherwise one copy.
 */
function packed(a: Float32Array, rows: number, cols: number, given: unknown, transfer: boolean): PackedMatrix {
  const own = callerOwns(a, given);
  const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
  const data = !own || (transfer && whole) ? a : a.slice();
  return { data, shape: [rows, cols] };
}

/** x and y, checked with fit's messages, prepared by the model's loss, packed for the worker. */
export function packData(model: Sequential, x: Input, y: Labels, transfer: boolean, what = ''): { x: PackedMatrix; y: PackedMatrix } {
  const net = model.network;
  const X = toMatrix(x, net.inputUnits, `${what}x`);
  const Y = targetsFor(net, y, X.rows, `${what}y`);
  return { x: packed(X.data, X.rows, X.cols, x, transfer), y: packed(Y, X.rows, net.outputUnits, y, transfer) };
}

/** fit's check that validationSplit leaves rows on both sides. */
export function checkSplit(rows: number, split: number | undefined): void {
  if (!split) return;
  const nVal = Math.floor(rows * split);
  if (nVal < 1 || nVal >= rows) {
    throw new Error(
      `${WHERE}: validationSplit ${split} of ${rows} rows leaves ${nVal} validation and ${rows - nVal} training rows; both need at least one.`,
    );
  }
}

/** The buffers to transfer, each once (x and y may share one). */
export function transferList(...matrices: (PackedMatrix | undefined)[]): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const m of matrices) if (m) set.add(m.data.buffer as ArrayBuffer);
  return [...set];
}

/** Refuses options fitInWorker does not take, naming what to use instead. */
export function refuseUnsupported(o: object): void {
  const r = o as Record<string, unknown>;
  if (r.callbacks !== undefined) {
    throw new Error(
      `${WHERE}: callback objects cannot cross into a worker. Use onEpochEnd / onBatchEnd for logs and ` +
        "earlyStopping: { monitor: 'valLoss', patience: 3 } for early stopping (the options of earlyStopping()).",
    );
  }
  if (r.yieldEvery !== undefined) {
    throw new Error(`${WHERE}: yieldEvery does not apply: the worker yields on its own, and the calling thread is never blocked.`);
  }
  for (const k of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (r[k] !== undefined && typeof r[k] !== 'function') fail(WHERE, k, 'a function', r[k]);
  }
}

/** Every option fitInWorker knows. */
export const FIT_IN_WORKER_KEYS = [
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationSplit',
  'validationData',
  'diagnostics',
  'divergence',
  'earlyStopping',
  'onEpochEnd',
  'onBatchEnd',
  'batchLogEvery',
  'transfer',
  'worker',
  'init',
  'callbacks',
  'yieldEvery',
] as const;

/** Refuses an unknown option (a typo) with the list of known ones. */
export function checkKeys(o: object): void {
  knownKeys(WHERE, o, FIT_IN_WORKER_KEYS);
}
