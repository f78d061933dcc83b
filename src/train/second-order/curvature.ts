/**
 * Curvature products for a stack of dense layers, by Pearlmutter's R-operator (Pearlmutter 1994,
 * "Fast exact multiplication by the Hessian"; Schraudolph 2002 for the Gauss–Newton variant).
 *
 * For a direction v = (V_W, V_b) per layer, R{·} = ∂/∂r (·)(θ + r·v) at r = 0:
 *   forward   R{z} = R{x}·W + x·V_W + V_b,            R{a} = f'(z)⊙R{z}   (softmax: its Jacobian)
 *   output    fused loss (on z):  R{δz} = H_z·R{z};   loss on a:  R{δa} = H_a·R{a}
 *   backward  R{δz} = f'(z)⊙R{δa} + f''(z)⊙R{z}⊙δa
 *             R{∂C/∂W} = R{x}ᵀ·δz + xᵀ·R{δz},   R{∂C/∂b} = Σ_rows R{δz}
 *             R{δx} = R{δz}·Wᵀ + δz·V_Wᵀ
 * and H·v = R{∇C}. The Gauss–Newton product G·v = Jᵀ·H_out·J·v keeps the same forward (J·v = R{z}
 * of the output) and runs a plain linear backward of H_out·J·v, dropping every f'' and R{x}, V_W term;
 * it is positive semi-definite for the (loss, output) pairs served here.
 *
 * Vectors are *packed*: P floats (P = model.paramCount), tensors in model order without the
 * 16-float alignment padding of θ. The quantities of the first-order pass (z, a, δ per layer) come
 * from the model's own training plan after `linearize`.
 */
import type { Backend } from '../../kernels/backend.js';
import type { Dense } from '../../layers/dense.js';
import { getActivation } from '../../registries/activations.js';
import type { LossCurvature, LossDef } from '../../registries/losses.js';
import type { Network, Plan } from '../../network/network.js';

/** How the output loss curves: the loss registry's curvature entry (H_out times a vector). */
export type OutputCurvature = LossCurvature;

/**
 * The output curvature of the model's (loss, output activation) pair, or a thrown error saying why
 * second-order methods cannot serve it. A Hessian with respect to the logits exists only for the
 * loss's fused pairing (softmax + cross-entropy, sigmoid + binary cross-entropy).
 */
export function outputCurvature(loss: LossDef, outAct: string, where: string): OutputCurvature {
  const c = loss.curvature;
  if (!c && loss.noCurvatureWhy) throw new Error(`${where}: ${loss.noCurvatureWhy}; use meanSquaredError or a cross-entropy loss.`);
  if (!c || (c.wrt === 'logits' && loss.fusedWith !== outAct)) {
    throw new Error(
      `${where}: loss '${loss.name}' with output activation '${outAct}' has no curvature model here; ` +
        'use meanSquaredError/quadratic, categoricalCrossentropy with softmax, or binaryCrossentropy with sigmoid.',
    );
  }
  return c;
}

/** Whether the exact Hessian can be formed through an activation (it knows its R-pass, f'' included). */
export function hasSecondDerivative(activation: string): boolean {
  return getActivation(activation).rBackward !== undefined;
}

/** R-pass buffers of one layer, [capacity × units] each. */
interface RBuffers {
  rz: number;
  ra: number;
  rdz: number;
  /** R{δa} of this layer's output (written by the layer above, or the loss). */
  rda: number;
}

/** Packed offsets of the model's tensors: offsets[i] for model.params[i]; P in total. */
export function packedOffsets(model: Network): number[] {
  let o = 0;
  return model.params.map((p) => {
    const at = o;
    o += p.size;
    return at;
  });
}

export class CurvatureEngine {
  readonly be: Backend;
  readonly P: number;
  readonly capacity: number;
  readonly out: OutputCurvature;
  readonly offsets: number[];
  readonly plan: Plan;
  private readonly dense: Dense[];
  /** Packed offsets of each layer's kernel and bias (−1: none). */
  private readonly wOff: number[];
  private readonly bOff: number[];
  private readonly r: RBuffers[];
  private x = 0;
  private rows = 0;

  constructor(
    readonly model: Network,
    capacity: number,
  ) {
    this.be = model.backend;
    this.P = model.paramCount;
    this.capacity = capacity;
    this.dense = model.layers as Dense[];
    const last = this.dense[this.dense.length - 1]!;
    this.out = outputCurvature(model.loss, last.activation.name, 'curvature');
    this.offsets = packedOffsets(model);
    this.wOff = this.dense.map(() => -1);
    this.bOff = this.dense.map(() => -1);
    model.params.forEach((p, i) => {
      if (p.spec.name === 'bias') this.bOff[p.layer] = this.offsets[i]!;
      else this.wOff[p.layer] = this.offsets[i]!;
    });
    this.plan = model.plan(capacity, true);
    const h = this.be.heap;
    this.r = this.dense.map((l) => {
      const n = capacity * l.outUnits;
      const rz = h.allocF32(n);
      return { rz, ra: l.activation.identity ? rz : h.allocF32(n), rdz: h.allocF32(n), rda: h.allocF32(n) };
    });
  }

  /** Frees the R-pass buffers (the plan belongs to the model). */
  dispose(): void {
    const seen = new Set<number>();
    for (const b of this.r) {
      for (const p of [b.rz, b.ra, b.rdz, b.rda]) {
        if (seen.has(p)) continue;
        seen.add(p);
        this.be.heap.free(p);
      }
    }
    this.r.length = 0;
  }

  /**
   * First-order pass on rows x [rows × in], y [rows × out] (heap pointers, rows ≤ capacity):
   * forward, loss and backward, keeping z, a and δ of every layer for the products that follow.
   * Returns the summed loss; ∇θ (the model's) holds the batch-mean gradient.
   */
  linearize(x: number, y: number, rows: number): number {
    if (rows > this.capacity) throw new Error(`curvature: ${rows} rows exceed the capacity ${this.capacity}.`);
    const m = this.model;
    m.forward(this.plan, x, rows, true);
    const loss = m.lossOf(this.plan, y, rows);
    m.backward(this.plan, x, rows);
    this.x = x;
    this.rows = rows;
    return loss;
  }

  /** Input of layer i (a of the layer below, or x). */
  private input(i: number): number {
    return i === 0 ? this.x : this.plan.layers[i - 1]!.out;
  }
  /** δa = ∂C/∂a of layer i's output (0 for a fused output layer). */
  private deltaA(i: number): number {
    const n = this.dense.length;
    if (i < n - 1) return this.plan.layers[i + 1]!.dx!;
    return this.model.lossFused ? 0 : this.plan.layers[i]!.da!;
  }
  /** δz = ∂C/∂z of layer i, where Dense.backward left it. */
  private deltaZ(i: number): number {
    const n = this.dense.length;
    if (i === n - 1 && this.model.lossFused) return this.plan.layers[i]!.dz!;
    return this.dense[i]!.activation.identity ? this.deltaA(i) : this.plan.layers[i]!.dz!;
  }

  /** R-forward: R{z}, R{a} of every layer for the packed direction v. */
  private rForward(v: number): void {
    const { k, ws } = this.be;
    const rows = this.rows;
    this.dense.forEach((l, i) => {
      const b = this.r[i]!;
      const vW = v + 4 * this.wOff[i]!;
      const vb = this.bOff[i]! >= 0 ? v + 4 * this.bOff[i]! : 0;
      const nin = l.inUnits,
        nout = l.outUnits;
      if (i === 0) k.gemm_nn_f32(this.x, vW, b.rz, rows, nout, nin, vb, 0, ws);
      else {
        k.gemm_nn_f32(this.r[i - 1]!.ra, l.param[0]!, b.rz, rows, nout, nin, vb, 0, ws);
        k.gemm_nn_f32(this.input(i), vW, b.rz, rows, nout, nin, 0, 1, ws);
      }
      this.actBwd(i, b.rz, b.ra);
    });
  }

  /** dz = f'(z)⊙da for layer i (softmax: its Jacobian); a copy-free no-op for linear when aliased. */
  private actBwd(i: number, da: number, dz: number): void {
    const l = this.dense[i]!;
    const pl = this.plan.layers[i]!;
    l.activation.backward(this.be, pl.z!, pl.a!, da, dz, this.rows, l.outUnits, l.alpha);
  }

  /**
   * The loss's Hessian applied at the output: R{δz} of the output layer into its rdz (fused losses,
   * and the squared loss on a linear output), or R{δa} into its rda (squared loss on any other
   * activation). Returns true when rdz was written.
   */
  private outputHessian(): boolean {
    const L = this.dense.length - 1;
    const l = this.dense[L]!;
    const b = this.r[L]!;
    const a = this.plan.layers[L]!.a!;
    const rows = this.rows,
      cols = l.outUnits;
    // On the logits (fused pairing, or a linear output where z = a): R{δz} = H·R{z}.
    if (this.out.wrt === 'logits' || l.activation.identity) {
      this.out.product(this.be, a, b.rz, b.rdz, rows, cols);
      return true;
    }
    // On the outputs: R{δa} = H_a·R{a}; the activation's R-pass takes it to R{δz}.
    this.out.product(this.be, a, b.ra, b.rda, rows, cols);
    return false;
  }

  /**
   * out = H·v (exact Hessian of the batch-mean loss of the last `linearize`, without regularization),
   * v and out packed (P floats, distinct).
   */
  hessianVector(v: number, out: number): void {
    const { k, ws } = this.be;
    const rows = this.rows;
    this.rForward(v);
    let rdzWritten = this.outputHessian();
    for (let i = this.dense.length - 1; i >= 0; i--) {
      const l = this.dense[i]!;
      const b = this.r[i]!;
      const pl = this.plan.layers[i]!;
      const nin = l.inUnits,
        nout = l.outUnits;
      let rdz = b.rdz;
      if (!rdzWritten) {
        const act = l.activation;
        if (act.identity) rdz = b.rda;
        else {
          if (!act.rBackward) throw new Error(`curvature: no second derivative known for activation '${act.name}'.`);
          act.rBackward(this.be, pl.z!, pl.a!, b.rz, b.ra, this.deltaA(i), b.rda, rdz, rows, nout, l.alpha);
        }
      }
      rdzWritten = false;
      const dz = this.deltaZ(i);
      const outW = out + 4 * this.wOff[i]!;
      k.gemm_tn_f32(this.input(i), rdz, outW, nin, nout, rows, 0, ws);
      if (i > 0) k.gemm_tn_f32(this.r[i - 1]!.ra, dz, outW, nin, nout, rows, 1, ws);
      if (this.bOff[i]! >= 0) k.colsum_f32(rdz, out + 4 * this.bOff[i]!, rows, nout, 0);
      if (i > 0) {
        const below = this.r[i - 1]!;
        k.gemm_nt_f32(rdz, l.param[0]!, below.rda, rows, nin, nout, 0, ws);
        k.gemm_nt_f32(dz, v + 4 * this.wOff[i]!, below.rda, rows, nin, nout, 1, ws);
      }
    }
  }

  /**
   * out = G·v with G = Jᵀ·H_out·J the Gauss–Newton matrix of the batch-mean loss of the last
   * `linearize` (positive semi-definite), v and out packed (P floats, distinct).
   */
  gaussNewtonVector(v: number, out: number): void {
    this.rForward(v);
    const L = this.dense.length - 1;
    if (!this.outputHessian()) this.actBwd(L, this.r[L]!.rda, this.r[L]!.rdz);
    this.linearBackward(out, 0);
  }

  /**
   * Plain backward of the output-layer rdz through the network linearized at the last `linearize`:
   * writes Σ_rows (∂z_out/∂θ)ᵀ·rdz packed into out (or, with ldj > 0, per-row Jacobian rows into
   * out [rows × ldj] instead of summing). Clobbers the rdz/rda buffers below the output.
   */
  private linearBackward(out: number, ldj: number): void {
    const { k, ws } = this.be;
    const rows = this.rows;
    for (let i = this.dense.length - 1; i >= 0; i--) {
      const l = this.dense[i]!;
      const b = this.r[i]!;
      const nin = l.inUnits,
        nout = l.outUnits;
      if (ldj > 0) {
        k.jacobian_dense_rows_f32(this.input(i), b.rdz, out + 4 * this.wOff[i]!, rows, nin, nout, ldj, this.bOff[i]! >= 0 ? 1 : 0);
      } else {
        k.gemm_tn_f32(this.input(i), b.rdz, out + 4 * this.wOff[i]!, nin, nout, rows, 0, ws);
        if (this.bOff[i]! >= 0) k.colsum_f32(b.rdz, out + 4 * this.bOff[i]!, rows, nout, 0);
      }
      if (i > 0) {
        const below = this.r[i - 1]!;
        k.gemm_nt_f32(b.rdz, l.param[0]!, below.rda, rows, nin, nout, 0, ws);
        this.actBwd(i - 1, below.rda, below.rdz);
      }
    }
  }

  /**
   * Per-sample Jacobian rows for Levenberg–Marquardt: with u [rows × outputs] at `u` holding, per
   * row r, a vector at the output (∂/∂a when `onOutputs`, else ∂/∂z), writes
   * J[r,:] = uᵣᵀ·∂(a or z)ᵣ/∂θ into J [rows × P] (packed, row stride P).
   */
  jacobianRows(u: number, onOutputs: boolean, J: number): void {
    const L = this.dense.length - 1;
    const n = this.rows * this.dense[L]!.outUnits;
    if (onOutputs) this.actBwd(L, u, this.r[L]!.rdz);
    else this.be.k.copy_f32(u, this.r[L]!.rdz, n);
    this.linearBackward(J, this.P);
  }

  /** Output activations of the last `linearize` ([rows × outputs]) and the row count. */
  outputs(): { a: number; z: number; rows: number } {
    const pl = this.plan.layers[this.dense.length - 1]!;
    return { a: pl.a!, z: pl.z!, rows: this.rows };
  }
}
