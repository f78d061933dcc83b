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
import type { Kernels } from '../../kernels/kernels.js';
import type { Dense } from '../../layers/dense.js';
import type { Plan, Sequential } from '../../model.js';

/** How the output loss curves: H_out per sample, and on which side of the output activation. */
export interface OutputCurvature {
  /**
   * 'squared': ℓ = (κ/2)·Σ_j (a_j − y_j)², H_a = κ·I (any output activation; on a).
   * 'softmaxXent': ℓ = −Σ y·log softmax(z), H_z = diag(a) − a·aᵀ.
   * 'sigmoidBce': ℓ = −Σ [y·log σ(z) + (1 − y)·log(1 − σ(z))], H_z = diag(a(1 − a)).
   */
  kind: 'squared' | 'softmaxXent' | 'sigmoidBce';
  /** κ of the squared losses (meanSquaredError 2/m, quadratic 1); 1 otherwise. */
  kappa: number;
}

/** Losses without a curvature model, with the reason shown by compile. */
const NO_CURVATURE: Record<string, string> = {
  hinge: 'hinge loss has no curvature (it is piecewise linear: its second derivative is zero wherever it exists)',
};

/**
 * The output curvature of the model's (loss, output activation) pair, or a thrown error saying why
 * second-order methods cannot serve it.
 */
export function outputCurvature(lossName: string, outAct: string, outputs: number, where: string): OutputCurvature {
  if (NO_CURVATURE[lossName]) throw new Error(`${where}: ${NO_CURVATURE[lossName]}; use meanSquaredError or a cross-entropy loss.`);
  if (lossName === 'meanSquaredError') return { kind: 'squared', kappa: 2 / outputs };
  if (lossName === 'quadratic') return { kind: 'squared', kappa: 1 };
  if (lossName === 'categoricalCrossentropy' && outAct === 'softmax') return { kind: 'softmaxXent', kappa: 1 };
  if (lossName === 'binaryCrossentropy' && outAct === 'sigmoid') return { kind: 'sigmoidBce', kappa: 1 };
  throw new Error(
    `${where}: loss '${lossName}' with output activation '${outAct}' has no curvature model here; ` +
      "use meanSquaredError/quadratic, categoricalCrossentropy with softmax, or binaryCrossentropy with sigmoid.",
  );
}

/** Kernel adding the f''(z) term of the backward R-pass, or null where f'' = 0 almost everywhere. */
const SECOND_DERIVATIVE: Record<string, keyof Kernels | null> = {
  linear: null,
  relu: null,
  leakyRelu: null,
  hardTanh: null,
  abs: null,
  sigmoid: 'sigmoid_d2_f32',
  tanh: 'tanh_d2_f32',
  softplus: 'softplus_d2_f32',
  elu: 'elu_d2_f32',
};

/** Whether the exact Hessian can be formed through an activation (softmax is handled row-wise). */
export function hasSecondDerivative(activation: string): boolean {
  return activation === 'softmax' || activation in SECOND_DERIVATIVE;
}

type D2 = (z: number, a: number, rz: number, da: number, rdz: number, n: number, alpha: number) => void;
type Bwd = (z: number, a: number, da: number, dz: number, n: number, alpha: number) => void;

/** R-pass buffers of one layer, [capacity × units] each. */
interface RBuffers {
  rz: number;
  ra: number;
  rdz: number;
  /** R{δa} of this layer's output (written by the layer above, or the loss). */
  rda: number;
}

/** Packed offsets of the model's tensors: offsets[i] for model.params[i]; P in total. */
export function packedOffsets(model: Sequential): number[] {
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

  constructor(readonly model: Sequential, capacity: number) {
    this.be = model.backend;
    this.P = model.paramCount;
    this.capacity = capacity;
    this.dense = model.layers as Dense[];
    const last = this.dense[this.dense.length - 1]!;
    this.out = outputCurvature(model.loss.name, last.activation.name, last.outUnits, 'curvature');
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
      return { rz, ra: l.activation.name === 'linear' ? rz : h.allocF32(n), rdz: h.allocF32(n), rda: h.allocF32(n) };
    });
  }

  /** Frees the R-pass buffers (the plan belongs to the model). */
  dispose(): void {
    const seen = new Set<number>();
    for (const b of this.r) for (const p of [b.rz, b.ra, b.rdz, b.rda]) if (!seen.has(p)) (seen.add(p), this.be.heap.free(p));
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
    return this.dense[i]!.activation.name === 'linear' ? this.deltaA(i) : this.plan.layers[i]!.dz!;
  }

  /** R-forward: R{z}, R{a} of every layer for the packed direction v. */
  private rForward(v: number): void {
    const { k, ws } = this.be;
    const rows = this.rows;
    this.dense.forEach((l, i) => {
      const b = this.r[i]!;
      const vW = v + 4 * this.wOff[i]!;
      const vb = this.bOff[i]! >= 0 ? v + 4 * this.bOff[i]! : 0;
      const nin = l.inUnits, nout = l.outUnits;
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
    const n = this.rows * l.outUnits;
    const act = l.activation;
    if (act.rowwise) this.be.k.softmax_bwd_rows_f32(pl.a!, da, dz, this.rows, l.outUnits);
    else if (act.name === 'linear') {
      if (dz !== da) this.be.k.copy_f32(da, dz, n);
    } else (this.be.k[act.bwd!] as unknown as Bwd)(pl.z!, pl.a!, da, dz, n, l.alpha);
  }

  /**
   * The loss's Hessian applied at the output: R{δz} of the output layer into its rdz (fused losses,
   * and the squared loss on a linear output), or R{δa} into its rda (squared loss on any other
   * activation). Returns true when rdz was written.
   */
  private outputHessian(): boolean {
    const k = this.be.k;
    const L = this.dense.length - 1;
    const l = this.dense[L]!;
    const b = this.r[L]!;
    const a = this.plan.layers[L]!.a!;
    const rows = this.rows, cols = l.outUnits;
    switch (this.out.kind) {
      case 'softmaxXent':
        k.softmax_xent_hvp_rows_f32(a, b.rz, b.rdz, rows, cols, 1 / rows);
        return true;
      case 'sigmoidBce':
        k.sigmoid_bce_hvp_f32(a, b.rz, b.rdz, rows * cols, 1 / rows);
        return true;
      default:
        if (l.activation.name === 'linear') {
          k.mse_hvp_f32(b.rz, b.rdz, rows * cols, this.out.kappa / rows);
          return true;
        }
        k.mse_hvp_f32(b.ra, b.rda, rows * cols, this.out.kappa / rows);
        return false;
    }
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
      const nin = l.inUnits, nout = l.outUnits;
      let rdz = b.rdz;
      if (!rdzWritten) {
        const act = l.activation;
        const da = this.deltaA(i);
        if (act.rowwise) k.softmax_rbwd_rows_f32(pl.a!, b.ra, da, b.rda, rdz, rows, nout);
        else if (act.name === 'linear') rdz = b.rda;
        else {
          (k[act.bwd!] as unknown as Bwd)(pl.z!, pl.a!, b.rda, rdz, rows * nout, l.alpha);
          const d2 = SECOND_DERIVATIVE[act.name];
          if (d2 === undefined) throw new Error(`curvature: no second derivative known for activation '${act.name}'.`);
          if (d2) (k[d2] as unknown as D2)(pl.z!, pl.a!, b.rz, da, rdz, rows * nout, l.alpha);
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
      const nin = l.inUnits, nout = l.outUnits;
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
