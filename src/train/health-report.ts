/** What the health probe measures per layer, and the report each epoch's `logs.diagnostics` holds (see train/health.ts). */

/** One layer's health (layers with parameters only). */
export interface LayerHealth {
  /** Index in model.layers. */
  layer: number;
  /** e.g. 'dense 784→100 relu'. */
  name: string;
  /** The layer's activation, if it has one. */
  activation?: string;
  /** ‖∂C₀/∂θₗ‖₂ on the probe batch. */
  gradNorm: number;
  /** ‖θₗ‖₂. */
  weightNorm: number;
  /** gradNorm / weightNorm (Infinity when ‖θₗ‖ = 0). */
  relGrad: number;
  /** ‖Δθₗ‖₂ / ‖θₗ‖₂ of the last optimizer step (of the whole epoch for epoch-wise optimizers). */
  updateRatio: number;
  /** ReLU layers: fraction of units inactive (a = 0) on every probe row. */
  dead?: number;
  /** sigmoid/tanh/hardTanh layers: fraction of probe activations in the saturated tails. */
  saturated?: number;
}

/** What `logs.diagnostics` holds after each epoch. */
export interface HealthReport {
  /** 0-based epoch. */
  epoch: number;
  /** Rows of the probe batch. */
  probeRows: number;
  /** Batch-mean data loss on the probe batch at the epoch's final weights. */
  probeLoss: number;
  /** 'lastStep': updateRatio is the epoch's last step; 'epoch': the whole epoch (epoch-wise optimizers). */
  update: 'lastStep' | 'epoch';
  /**
   * relGrad of the earliest layer / relGrad of the last layer (raw gradNorms when a ‖θ‖ is 0);
   * NaN with fewer than 2 layers. The vanishing warning fires at ≤ 1/vanishFactor.
   */
  gradRatio: number;
  layers: LayerHealth[];
  /** Warnings raised this epoch (every epoch the condition holds). */
  warnings: string[];
  /** Epoch 0 only: the probe at the initial weights, before the first step (epoch −1). */
  initial?: HealthReport;
}
