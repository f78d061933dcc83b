/**
 * A training session: one optimizer (or epoch trainer) bound to one network — its state buffers
 * in the heap (velocities, moments, damping) and the count t of updates so far. The model owns one
 * per compile; `fit` drives it.
 */
import type { Network } from '../network/network.js';
import type { EpochTrainer } from './epoch-trainer.js';
import type { Optimizer } from './optimizers.js';

export class Session {
  /** Updates applied so far (t of the optimizers, 1-based once training starts). */
  step = 0;
  /** State pointers, laid out as the optimizer's createState returned them. */
  readonly state: readonly number[];

  constructor(
    readonly optimizer: Optimizer | EpochTrainer,
    readonly network: Network,
  ) {
    this.state = optimizer.createState(network.backend, network.tensors);
  }

  /** θ ← optimizer(θ, ∇θ): one update with the gradient the network's last backward wrote. */
  update(epoch: number): void {
    if (this.optimizer.kind !== 'step') throw new Error(`${this.optimizer.config.type} takes whole epochs: train with model.fit().`);
    this.step++;
    this.optimizer.step(this.network.backend, this.network.tensors, this.state, this.step, epoch);
  }

  /** η of the next update (1 for epoch trainers, which choose their own steps). */
  learningRate(epoch = 0): number {
    return this.optimizer.kind === 'step' ? this.optimizer.learningRateAt(Math.max(this.step, 1), epoch) : 1;
  }

  /** Frees the state buffers. */
  dispose(): void {
    for (const p of this.state) if (p) this.network.backend.heap.free(p);
  }
}
