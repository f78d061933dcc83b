/**
 * The messages between `fitInWorker` (the calling thread) and the worker script (worker.ts), and
 * the port both sides talk through. Everything here is structured-cloneable data; the big arrays
 * (x, y, weights, optimizer state) travel as transferred ArrayBuffers, never copied by the clone.
 *
 *   caller → worker   { type: 'fit', … }   one job: model, data, options
 *                     { type: 'stop' }     stop after the current batch
 *   worker → caller   { type: 'batch' } …  every batchLogEvery-th batch (when the caller listens)
 *                     { type: 'epoch' } …  every epoch, in order
 *                     { type: 'done' }     weights and optimizer state back
 *                  or { type: 'error' }    what went wrong, as text the caller rethrows
 */
import type { InitOptions, SimdLevel } from '../kernels/types.js';
import type { BatchLogs, EpochLogs } from '../train/logs.js';
import type { EarlyStoppingOptions } from '../train/callbacks.js';
import type { TrainingHealthOptions } from '../train/health.js';
import type { HealthReport } from '../train/health-report.js';

/** A row-major matrix whose buffer is handed over (transferred) with the message. */
export interface PackedMatrix {
  data: Float32Array;
  shape: [number, number];
}

/** The fit options that are data (no functions, no callback objects). */
export interface WorkerFitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  diagnostics?: boolean | TrainingHealthOptions;
  divergence?: 'throw' | 'warn' | 'off';
  /** The built-in early stopping, by its options (the callback object cannot cross threads). */
  earlyStopping?: EarlyStoppingOptions;
}

export interface FitMessage {
  type: 'fit';
  /** What the worker passes to `init` (the caller's backend kind and SIMD level, or the caller's own). */
  init: InitOptions;
  /** The backend the caller's model runs on: the worker refuses to train on another (results would differ). */
  expect: { backend: 'wasm' | 'js'; simd: SimdLevel } | undefined;
  /** model.toJSON(): spec (with compile settings) and θ. */
  spec: unknown;
  weights: ArrayBuffer;
  /** Optimizer state: the session's step count t and a copy of each state block. */
  step: number;
  state: ArrayBuffer[];
  x: PackedMatrix;
  /** Targets as the caller's model prepared them ([rows × outputs]); preparing them again is the identity. */
  y: PackedMatrix;
  validationData?: [PackedMatrix, PackedMatrix];
  options: WorkerFitOptions;
  /** Send the logs of every n-th batch of an epoch (batch % n === 0); 0: no batch logs. */
  batchLogEvery: number;
}

export interface StopMessage {
  type: 'stop';
}

export type ToWorker = FitMessage | StopMessage;

export interface BatchMessage {
  type: 'batch';
  epoch: number;
  batch: number;
  logs: BatchLogs;
}

export interface EpochMessage {
  type: 'epoch';
  epoch: number;
  logs: EpochLogs;
}

export interface DoneMessage {
  type: 'done';
  weights: ArrayBuffer;
  step: number;
  state: ArrayBuffer[];
  /** n of the weight decay λ/n the fit applied (the caller's network applies the same). */
  regularizationSamples: number;
}

export interface ErrorMessage {
  type: 'error';
  name: string;
  message: string;
  /** For a DivergenceError: the layer, the epoch and the health report. */
  divergence?: { layer: number; epoch: number; report?: HealthReport };
}

export type FromWorker = BatchMessage | EpochMessage | DoneMessage | ErrorMessage;

/** Where node.ts's bootstrap leaves the adapted parentPort for worker.ts (Node has no `self`). */
export const NODE_PORT = '__simdnnWorkerPort';

/**
 * One end of the conversation, the same shape on every platform: a browser Worker / worker
 * scope, or a Node worker_threads Worker / parentPort (node.ts adapts those).
 */
export interface Port<In, Out> {
  post(message: Out, transfer?: Transferable[]): void;
  /** Calls `handler` with each message's data; returns a function that stops listening. */
  listen(handler: (data: In) => void): () => void;
}

/** A started worker as the calling side drives it, whatever the platform. */
export interface WorkerHandle {
  port: Port<FromWorker, ToWorker>;
  /** Calls `handler` once if the worker fails outside a job (script error, crash, exit). */
  onFailure(handler: (error: Error) => void): void;
  /** Ends the worker (only one this library started); a no-op for a worker the caller made. */
  terminate(): void;
}
