/**
 * Curvature of a whole data set, chunk by chunk, and the public entry points:
 *   H·v and G·v (Pearlmutter R-operator, see curvature.ts), and the exact Hessian
 *   H = [H·e₁ … H·e_P] assembled from P Hessian-vector products (symmetrised as (H + Hᵀ)/2).
 * All of the batch-mean loss C = (1/N)·Σ_r ℓ_r, vectors in packed order (getFlatWeights).
 */
import { toMatrix, type Input, type Labels } from '../../data/prepare.js';
import type { Network } from '../../network/network.js';
import { targetsFor } from '../../network/targets.js';
import { CurvatureEngine } from './curvature.js';
import type { Rows } from './objective.js';
import { checkMatrixSize, checkSupport, DEFAULT_MAX_PARAMS, integer } from './support.js';

/** Rows per chunk of the curvature passes. */
export const CHUNK_ROWS = 1024;

/**
 * out = M·v summed over the rows in chunks (M = H or G of the batch-mean loss), v, out, tmp packed
 * P floats. The engine is re-linearized chunk by chunk.
 */
export function curvatureProduct(
  engine: CurvatureEngine,
  d: Rows,
  kind: 'hessian' | 'gaussNewton',
  v: number,
  out: number,
  tmp: number,
): void {
  const { k, heap } = engine.be;
  const P = engine.P;
  const nin = engine.model.inputUnits,
    nout = engine.model.outputUnits;
  if (d.rows <= engine.capacity) {
    engine.linearize(d.x, d.y, d.rows);
    if (kind === 'hessian') engine.hessianVector(v, out);
    else engine.gaussNewtonVector(v, out);
    return;
  }
  heap.f32.fill(0, out >>> 2, (out >>> 2) + P);
  for (let r0 = 0; r0 < d.rows; r0 += engine.capacity) {
    const m = Math.min(engine.capacity, d.rows - r0);
    engine.linearize(d.x + 4 * r0 * nin, d.y + 4 * r0 * nout, m);
    if (kind === 'hessian') engine.hessianVector(v, tmp);
    else engine.gaussNewtonVector(v, tmp);
    k.axpy_f32(m / d.rows, tmp, out, P);
  }
}

/**
 * H [P × P] (row-major, symmetric) of the batch-mean loss on the rows, from P Hessian-vector
 * products: row j = (H·e_j)ᵀ, then H ← (H + Hᵀ)/2. `v` and `tmp` are P-float scratch.
 */
export function assembleHessian(engine: CurvatureEngine, d: Rows, H: number, v: number, tmp: number): void {
  const { k, heap } = engine.be;
  const P = engine.P;
  const nin = engine.model.inputUnits,
    nout = engine.model.outputUnits;
  heap.f32.fill(0, H >>> 2, (H >>> 2) + P * P);
  heap.f32.fill(0, v >>> 2, (v >>> 2) + P);
  for (let r0 = 0; r0 < d.rows; r0 += engine.capacity) {
    const m = Math.min(engine.capacity, d.rows - r0);
    engine.linearize(d.x + 4 * r0 * nin, d.y + 4 * r0 * nout, m);
    for (let j = 0; j < P; j++) {
      heap.f32[(v >>> 2) + j] = 1;
      engine.hessianVector(v, tmp);
      heap.f32[(v >>> 2) + j] = 0;
      k.axpy_f32(m / d.rows, tmp, H + 4 * j * P, P);
    }
  }
  const f = heap.f32;
  const h = H >>> 2;
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (f[h + i * P + j]! + f[h + j * P + i]!);
      f[h + i * P + j] = s;
      f[h + j * P + i] = s;
    }
  }
}

/** A compiled model (a Sequential): what the public curvature functions take. */
export interface CompiledModel {
  readonly network: Network;
}

/** The model's network, compiled with a loss (the `network` getter throws before compile). */
function compiledNetwork(where: string, model: CompiledModel): Network {
  const net = model?.network;
  if (!net?.hasLoss) throw new Error(`${where}: the model is not compiled yet: call model.compile({ loss, optimizer }) first.`);
  return net;
}

/** Copies (x, y) into the heap, runs `body` with an engine over them, frees everything. */
function withData<T>(where: string, model: Network, x: Input, y: Labels, exact: boolean, body: (e: CurvatureEngine, d: Rows) => T): T {
  checkSupport(where, model, model.loss, exact);
  const X = toMatrix(x, model.inputUnits, 'x');
  const Y = targetsFor(model, y, X.rows, 'y');
  const heap = model.backend.heap;
  const xp = heap.allocF32(X.data.length);
  const yp = heap.allocF32(Y.length);
  const engine = new CurvatureEngine(model, Math.min(X.rows, CHUNK_ROWS));
  try {
    heap.f32.set(X.data, xp >>> 2);
    heap.f32.set(Y, yp >>> 2);
    return body(engine, { x: xp, y: yp, rows: X.rows });
  } finally {
    engine.dispose();
    heap.free(xp);
    heap.free(yp);
  }
}

function product(
  where: string,
  kind: 'hessian' | 'gaussNewton',
  model: CompiledModel,
  x: Input,
  y: Labels,
  v: ArrayLike<number>,
): Float32Array {
  return withData(where, compiledNetwork(where, model), x, y, kind === 'hessian', (engine, d) => {
    const P = engine.P;
    if (v.length !== P) throw new Error(`${where}: v has ${v.length} values but the model has ${P} parameters.`);
    const heap = engine.be.heap;
    const vp = heap.allocF32(P),
      out = heap.allocF32(P),
      tmp = heap.allocF32(P);
    try {
      heap.f32.set(v, vp >>> 2);
      curvatureProduct(engine, d, kind, vp, out, tmp);
      return heap.readF32(out, P);
    } finally {
      for (const p of [vp, out, tmp]) heap.free(p);
    }
  });
}

/**
 * H·v: the Hessian of the batch-mean loss (no regularization) on (x, y) times v, by the
 * R-operator, in the packed order of getFlatWeights().
 */
export function hessianVectorProduct(model: CompiledModel, x: Input, y: Labels, v: ArrayLike<number>): Float32Array {
  return product('hessianVectorProduct', 'hessian', model, x, y, v);
}

/**
 * G·v = Jᵀ·H_loss·J·v: the Gauss–Newton matrix of the batch-mean loss on (x, y) times v (J the
 * Jacobian of the output — pre-activation for the fused softmax/sigmoid cross-entropies, the
 * activation for squared losses — with respect to θ), packed order.
 */
export function gaussNewtonVectorProduct(model: CompiledModel, x: Input, y: Labels, v: ArrayLike<number>): Float32Array {
  return product('gaussNewtonVectorProduct', 'gaussNewton', model, x, y, v);
}

export interface HessianOptions {
  /** Largest parameter count P for which the P × P matrix is formed. Default: 4,000 (64 MB). */
  maxParams?: number;
}

/**
 * The exact Hessian [P × P] (row-major, packed parameter order) of the batch-mean loss on (x, y),
 * assembled from P Hessian-vector products. Refuses P above maxParams, stating the memory needed.
 */
export function hessian(model: CompiledModel, x: Input, y: Labels, options: HessianOptions = {}): Float32Array {
  const maxParams = integer('hessian', 'maxParams', options.maxParams ?? DEFAULT_MAX_PARAMS, 1);
  const net = compiledNetwork('hessian', model);
  checkMatrixSize('hessian', 'the Hessian', net.paramCount, maxParams);
  return withData('hessian', net, x, y, true, (engine, d) => {
    const P = engine.P;
    const heap = engine.be.heap;
    const H = heap.allocF32(P * P),
      v = heap.allocF32(P),
      tmp = heap.allocF32(P);
    try {
      assembleHessian(engine, d, H, v, tmp);
      return heap.readF32(H, P * P);
    } finally {
      for (const p of [H, v, tmp]) heap.free(p);
    }
  });
}
