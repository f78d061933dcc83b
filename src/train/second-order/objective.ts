/**
 * The regularized training objective the second-order methods minimise, evaluated in row chunks
 * through one training plan, and the moves between θ (padded, in the model) and packed vectors:
 *
 *   C(θ) = (1/N)·Σ_r ℓ(a_r, y_r) + Σ_tensors (λ'/2)·‖w‖²,   ∇C = (1/N)·Σ_r ∇ℓ_r + λ'·w,
 *
 * with λ' = λ/n the tensors' `l2` set by fit (biases have none). L1 is refused by every method.
 */
import type { Network } from '../../network/network.js';
import type { CurvatureEngine } from './curvature.js';

/** Rows in the heap: x [rows × inputs], y [rows × outputs]. */
export interface Rows {
  x: number;
  y: number;
  rows: number;
}

export class Objective {
  readonly P: number;
  readonly model: Network;

  constructor(readonly engine: CurvatureEngine) {
    this.model = engine.model;
    this.P = engine.P;
  }

  /** Runs `each(x, y, m)` over the rows in chunks of the engine's capacity. */
  private chunks(d: Rows, each: (x: number, y: number, m: number) => void): void {
    const cap = this.engine.capacity;
    const nin = this.model.inputUnits,
      nout = this.model.outputUnits;
    for (let r0 = 0; r0 < d.rows; r0 += cap) {
      const m = Math.min(cap, d.rows - r0);
      each(d.x + 4 * r0 * nin, d.y + 4 * r0 * nout, m);
    }
  }

  /** C(θ) on the rows (penalty included), and the correct predictions when `count`. */
  cost(d: Rows, count = false): { loss: number; correct: number } {
    const m = this.model;
    const plan = this.engine.plan;
    let sum = 0;
    let correct = 0;
    this.chunks(d, (x, y, rows) => {
      const a = m.forward(plan, x, rows, true);
      sum += m.lossOf(plan, y, rows);
      if (count) correct += m.countCorrect(a, y, rows);
    });
    return { loss: sum / d.rows + m.penalty(), correct };
  }

  /** g = ∇C(θ) on the rows, packed; returns C(θ). */
  gradient(d: Rows, g: number): number {
    const m = this.model;
    const { k, heap } = m.backend;
    heap.f32.fill(0, g >>> 2, (g >>> 2) + this.P);
    let sum = 0;
    this.chunks(d, (x, y, rows) => {
      sum += this.engine.linearize(x, y, rows);
      const w = rows / d.rows;
      m.tensors.forEach((t, i) => {
        k.axpy_f32(w, t.grad, g + 4 * this.engine.offsets[i]!, t.size);
      });
    });
    this.addL2('theta', g, 1);
    return sum / d.rows + m.penalty();
  }

  /** out += s·λ'⊙v on the weight tensors (the penalty's curvature), v and out packed. */
  addL2(v: number | 'theta', out: number, s: number): void {
    const m = this.model;
    const k = m.backend.k;
    m.tensors.forEach((t, i) => {
      if (t.l2 === 0) return;
      const src = v === 'theta' ? t.param : v + 4 * this.engine.offsets[i]!;
      k.axpy_f32(s * t.l2, src, out + 4 * this.engine.offsets[i]!, t.size);
    });
  }

  /** dst ← θ (packed). */
  readTheta(dst: number): void {
    const k = this.model.backend.k;
    this.model.tensors.forEach((t, i) => {
      k.copy_f32(t.param, dst + 4 * this.engine.offsets[i]!, t.size);
    });
  }

  /** θ ← src (packed). */
  writeTheta(src: number): void {
    const k = this.model.backend.k;
    this.model.tensors.forEach((t, i) => {
      k.copy_f32(src + 4 * this.engine.offsets[i]!, t.param, t.size);
    });
  }

  /** θ ← θ + alpha·src (packed). */
  addTheta(alpha: number, src: number): void {
    const k = this.model.backend.k;
    this.model.tensors.forEach((t, i) => {
      k.axpy_f32(alpha, src + 4 * this.engine.offsets[i]!, t.param, t.size);
    });
  }

  /** Whether some weight tensor has an L1 coefficient (refused: not smooth). */
  static hasL1(model: Network): boolean {
    return model.tensors.some((t) => t.l1 > 0);
  }
}
