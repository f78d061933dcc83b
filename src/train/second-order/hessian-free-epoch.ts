/**
 * The Hessian-free epoch (see hessian-free.ts for the method), loaded with `await import()` when
 * fit runs a model compiled with hessianFree().
 */
import type { EpochContext, EpochResult } from '../epoch-trainer.js';
import { curvatureProduct } from './hessian.js';
import type { Objective, Rows } from './objective.js';
import { S_DAMPING, withScratch } from './trainer.js';

export interface HessianFreeConfig {
  type: 'hessianFree';
  damping: number;
  maxCgIterations: number;
  cgTolerance: number;
  cgDecay: number;
  curvatureBatchSize?: number;
  gradientBatchSize?: number;
}

const DAMPING_MIN = 1e-8;
const DAMPING_MAX = 1e8;

/** Gradient and curvature batch sizes of an epoch over N rows (hessian-free.ts). */
export interface BatchSizes {
  gb: number;
  cb: number;
}

/** One HF epoch: (re)starts the damping at epoch 0, then runs the epoch's iterations. */
export function hessianFreeEpoch(
  ctx: EpochContext,
  obj: Objective,
  scalars: Float64Array,
  dPrev: number,
  o: HessianFreeConfig,
  s: BatchSizes,
): EpochResult {
  if (ctx.epoch === 0 || !(scalars[S_DAMPING]! > 0)) {
    scalars[S_DAMPING] = o.damping;
    ctx.network.backend.heap.f32.fill(0, dPrev >>> 2, (dPrev >>> 2) + obj.P);
  }
  return hfEpoch(ctx, obj, scalars, dPrev, o, s);
}

function hfEpoch(
  ctx: EpochContext,
  obj: Objective,
  scalars: Float64Array,
  dPrev: number,
  o: HessianFreeConfig,
  s: { gb: number; cb: number },
): EpochResult {
  const model = ctx.network;
  const { k, heap } = model.backend;
  const nin = model.inputUnits,
    nout = model.outputUnits;
  const N = ctx.rows;
  const iterations = Math.ceil(N / s.gb);
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  const count = ctx.accuracy;
  let lossSum = 0,
    correct = 0,
    seen = 0;
  const logs: Record<string, number> = { cgIterations: 0 };
  // Gathered gradient batches only when the gradient is not full-batch; curvature rows when sampled.
  const gSub = s.gb < N,
    cSub = s.cb < s.gb;
  const bufs = [gSub ? s.gb * nin : 1, gSub ? s.gb * nout : 1, cSub ? s.cb * nin : 1, cSub ? s.cb * nout : 1, gSub || cSub ? s.gb : 1];
  withScratch(model, bufs, (gx, gy, cx, cy, idx) => {
    if (s.gb < N) ctx.rng.shuffle(order);
    for (let it = 0; it < iterations; it++) {
      const r0 = it * s.gb;
      const rows = Math.min(s.gb, N - r0);
      let gd: Rows = { x: ctx.x, y: ctx.y, rows: N };
      if (s.gb < N) {
        heap.i32.set(order.subarray(r0, r0 + rows), idx >>> 2);
        k.gather_rows_f32(ctx.x, idx, gx, rows, nin);
        k.gather_rows_f32(ctx.y, idx, gy, rows, nout);
        gd = { x: gx, y: gy, rows };
      }
      let cd = gd;
      if (s.cb < rows) {
        const sub = new Int32Array(rows);
        for (let i = 0; i < rows; i++) sub[i] = i;
        ctx.rng.shuffle(sub);
        heap.i32.set(sub.subarray(0, s.cb), idx >>> 2);
        k.gather_rows_f32(gd.x, idx, cx, s.cb, nin);
        k.gather_rows_f32(gd.y, idx, cy, s.cb, nout);
        cd = { x: cx, y: cy, rows: s.cb };
      }
      const r = hfIteration(obj, gd, cd, scalars, dPrev, o, count);
      lossSum += r.loss * rows;
      correct += r.correct;
      seen += rows;
      logs.cgIterations += r.cgIterations;
      logs.rho = r.rho;
    }
  });
  logs.damping = scalars[S_DAMPING]!;
  return { loss: lossSum / seen, accuracy: count ? correct / seen : undefined, logs };
}

interface IterationResult {
  loss: number;
  correct: number;
  cgIterations: number;
  rho: number;
}

/** One HF update on gradient rows gd with curvature rows cd; θ moves in place. */
function hfIteration(
  obj: Objective,
  gd: Rows,
  cd: Rows,
  scalars: Float64Array,
  dPrev: number,
  o: HessianFreeConfig,
  count: boolean,
): IterationResult {
  const model = obj.model;
  const { k } = model.backend;
  const P = obj.P;
  const lambda = scalars[S_DAMPING]!;
  const saveAt = new Set<number>();
  for (let j = 0, i = 1; i <= o.maxCgIterations; j++, i = Math.ceil(1.3 ** j)) saveAt.add(i);
  saveAt.add(o.maxCgIterations);
  const nSaved = saveAt.size + 1;
  return withScratch(model, [P, P, P, P, P, P, P, P * nSaved], (g, d, r, p, Ap, tmp, theta0, saved) => {
    const c0 = obj.gradient(gd, g);
    obj.readTheta(theta0);
    // A·v = (G + λ'I_w + λI)·v on the curvature batch; linearized once for all of CG.
    const engine = obj.engine;
    const single = cd.rows <= engine.capacity;
    if (single) engine.linearize(cd.x, cd.y, cd.rows);
    const applyA = (v: number, out: number, damped: boolean): void => {
      if (single) engine.gaussNewtonVector(v, out);
      else curvatureProduct(engine, cd, 'gaussNewton', v, out, tmp);
      obj.addL2(v, out, 1);
      if (damped) k.axpy_f32(lambda, v, out, P);
    };
    // Warm start d₀ = cgDecay·d_prev; r = −g − A·d₀; φ(d) = ½gᵀd − ½dᵀr.
    k.copy_f32(dPrev, d, P);
    k.scale_f32(d, o.cgDecay, P);
    applyA(d, Ap, true);
    k.copy_f32(g, r, P);
    k.scale_f32(r, -1, P);
    k.axpy_f32(-1, Ap, r, P);
    const phiOf = (): number => 0.5 * k.dot_f32(g, d, P) - 0.5 * k.dot_f32(d, r, P);
    let phi = phiOf();
    if (!(phi < 0)) {
      // The warm start is no better than 0: start from scratch.
      k.scale_f32(d, 0, P);
      k.copy_f32(g, r, P);
      k.scale_f32(r, -1, P);
      phi = 0;
    }
    k.copy_f32(r, p, P);
    let rr = k.dot_f32(r, r, P);
    const phis: number[] = [phi];
    const kept: { i: number; slot: number; phi: number }[] = [];
    let i = 0;
    while (i < o.maxCgIterations && rr > 0) {
      applyA(p, Ap, true);
      const pAp = k.dot_f32(p, Ap, P);
      if (!(pAp > 0)) break;
      const alpha = rr / pAp;
      k.axpy_f32(alpha, p, d, P);
      k.axpy_f32(-alpha, Ap, r, P);
      const rrNew = k.dot_f32(r, r, P);
      k.scale_f32(p, rrNew / rr, P);
      k.axpy_f32(1, r, p, P);
      rr = rrNew;
      i++;
      phi = phiOf();
      phis.push(phi);
      if (saveAt.has(i)) {
        k.copy_f32(d, saved + 4 * P * kept.length, P);
        kept.push({ i, slot: kept.length, phi });
      }
      const gap = Math.max(10, Math.ceil(0.1 * i));
      if (i > gap && phi < 0 && (phi - phis[i - gap]!) / phi < gap * o.cgTolerance) break;
    }
    if (kept.length === 0 || kept[kept.length - 1]!.i !== i) {
      k.copy_f32(d, saved + 4 * P * kept.length, P);
      kept.push({ i, slot: kept.length, phi });
    }
    k.copy_f32(d, dPrev, P);
    // CG-backtracking: from the last iterate back while C keeps falling.
    const costAt = (slot: number, alpha = 1): { loss: number; correct: number } => {
      obj.writeTheta(theta0);
      obj.addTheta(alpha, saved + 4 * P * slot);
      return obj.cost(gd, count);
    };
    let bestSlot = kept.length - 1;
    let best = costAt(bestSlot);
    for (let s = kept.length - 2; s >= 0; s--) {
      const c = costAt(s);
      if (!(c.loss < best.loss)) break;
      best = c;
      bestSlot = s;
    }
    const dBest = saved + 4 * P * bestSlot;
    // ρ with the undamped model q(d) = φ(d) − ½λ‖d‖².
    const q = kept[bestSlot]!.phi - 0.5 * lambda * k.dot_f32(dBest, dBest, P);
    let rho = q < 0 ? (best.loss - c0) / q : -Infinity;
    // Armijo line search when the chosen iterate does not satisfy C(θ + αd) ≤ C(θ) + c·α·gᵀd.
    const gd0 = k.dot_f32(g, dBest, P);
    let alpha = 1;
    let result = best;
    if (!(result.loss <= c0 + 1e-2 * gd0)) {
      alpha = 0;
      for (let t = 1, a = 0.8; t <= 8; t++, a *= 0.8) {
        const c = costAt(bestSlot, a);
        if (c.loss <= c0 + 1e-2 * a * gd0) {
          alpha = a;
          result = c;
          break;
        }
      }
    }
    obj.writeTheta(theta0);
    if (alpha > 0) obj.addTheta(alpha, dBest);
    else {
      result = obj.cost(gd, count);
      rho = -Infinity;
    }
    let lam = lambda;
    if (rho < 0.25) lam *= 1.5;
    else if (rho > 0.75) lam *= 2 / 3;
    scalars[S_DAMPING] = Math.min(DAMPING_MAX, Math.max(DAMPING_MIN, lam));
    return { loss: result.loss, correct: result.correct, cgIterations: i, rho };
  });
}
