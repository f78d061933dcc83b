/**
 * Whole data sets through the network in chunks of `batchSize` rows, on one inference plan:
 * the loss (with the regularization penalty) and correct count of evaluate and of fit's
 * validation, and the outputs of predict. Dropout is off.
 */
import { nonFiniteError } from '../data/prepare.js';
import type { ForwardNetwork } from './forward.js';
import type { Network } from './network.js';

/**
 * Loss (mean over rows, plus the regularization penalty) and the correct count on already
 * validated row-major arrays, in chunks of `batchSize` rows. Dropout is off.
 */
export function evaluateRows(
  net: Network,
  x: Float32Array,
  y: Float32Array,
  rows: number,
  batchSize: number,
  count: boolean,
): { loss: number; correct: number } {
  const heap = net.backend.heap;
  const chunk = Math.min(rows, Math.max(1, batchSize | 0));
  const plan = net.plan(chunk, false);
  let lossSum = 0;
  let correct = 0;
  const nin = net.inputUnits;
  const nout = net.outputUnits;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    heap.f32.set(x.subarray(r0 * nin, (r0 + m) * nin), plan.x >>> 2);
    heap.f32.set(y.subarray(r0 * nout, (r0 + m) * nout), plan.y >>> 2);
    const a = net.forward(plan, plan.x, m, false);
    lossSum += net.lossOf(plan, plan.y, m);
    if (count) correct += net.countCorrect(a, plan.y, m);
  }
  return { loss: lossSum / rows + (net.regularized ? net.penalty() : 0), correct };
}

/**
 * Outputs for every row of x (row-major, width checked), in chunks of `batchSize` rows, into `out`
 * (rows × outputs; allocated when not given). With `checkFinite` each chunk is scanned for NaN and
 * ±∞ by the find_nonfinite_f32 kernel right after it is copied into the heap (while it is in cache:
 * about a tenth of the JS scan of toMatrix), and the first one found is reported as toMatrix would.
 * No allocation per chunk: one plan, one output array. Chunk size: predict's default of 256 rows
 * (784-128-10: 128 to 512 rows measured alike, within noise; 1024 about 5 % slower as the chunk
 * leaves L2 between the copy and the GEMM's packing).
 */
export function predictRows(
  net: ForwardNetwork,
  x: Float32Array,
  rows: number,
  batchSize: number,
  checkFinite = false,
  out: Float32Array = new Float32Array(rows * net.outputUnits),
): Float32Array {
  const be = net.backend;
  const heap = be.heap;
  const chunk = Math.min(rows, Math.max(1, batchSize | 0));
  const plan = net.plan(chunk, false);
  const nin = net.inputUnits;
  const nout = net.outputUnits;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    heap.f32.set(x.subarray(r0 * nin, (r0 + m) * nin), plan.x >>> 2);
    if (checkFinite) {
      const bad = be.k.find_nonfinite_f32(plan.x, m * nin);
      if (bad >= 0) throw nonFiniteError(x[r0 * nin + bad]!, r0 * nin + bad, nin, 'x');
    }
    const a = net.forward(plan, plan.x, m, false);
    out.set(heap.f32.subarray(a >>> 2, (a >>> 2) + m * nout), r0 * nout);
  }
  return out;
}
