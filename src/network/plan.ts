/**
 * A plan: every buffer one forward/backward pass over batches of up to `rows` rows needs, allocated
 * once in the backend's heap and reused by every step (no allocation per step).
 */
import type { Backend } from '../kernels/backend.js';
import type { Layer, LayerBuffers } from '../layers/layer.js';

/** Buffers for batches of up to `rows` rows. */
export interface Plan {
  rows: number;
  training: boolean;
  layers: LayerBuffers[];
  /** Input rows [rows × in] (gathered batch, or the single sample of predictOne). */
  x: number;
  /** Target rows [rows × out]. */
  y: number;
  /** Loss gradient scratch for evaluation plans (training plans use the last layer's own). */
  lossGrad: number;
}

export function allocPlan(be: Backend, layers: readonly Layer[], rows: number, training: boolean, inputs: number, outputs: number): Plan {
  return {
    rows,
    training,
    layers: layers.map((l, i) => l.alloc(be, rows, training, i > 0)),
    x: be.heap.allocF32(rows * inputs),
    y: be.heap.allocF32(rows * outputs),
    lossGrad: be.heap.allocF32(rows * outputs),
  };
}

export function freePlan(be: Backend, layers: readonly Layer[], p: Plan): void {
  p.layers.forEach((b, i) => {
    layers[i]!.free(be, b);
  });
  be.heap.free(p.x);
  be.heap.free(p.y);
  be.heap.free(p.lossGrad);
}
