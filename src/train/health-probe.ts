/**
 * The health probe: one forward + backward pass on a fixed probe batch at the current weights θ,
 * measuring per layer with parameters (θₗ = all its tensors) what the module comment of
 * train/health.ts defines: gradNorm, weightNorm, relGrad, updateRatio, dead and saturated units.
 * Which units count as dead or saturated is the activation's own rule (registries/activations.ts).
 */
import type { Network } from '../network/network.js';
import { findActivation } from '../registries/activations.js';
import { locateNonFinite } from './divergence.js';
import type { HealthReport, LayerHealth } from './health-report.js';

/** Probe rows: x [rows × inputs], y [rows × outputs]. */
export interface ProbeData {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

export type ReportWithFlags = HealthReport & { nonFinite?: { layer: number; what: string } };

/** One probe forward/backward at the current weights; see the module comment for every number. */
export function probeHealth(
  m: Network,
  probe: ProbeData,
  before: Float32Array,
  epoch: number,
  update: 'lastStep' | 'epoch',
): ReportWithFlags {
  const be = m.backend;
  const k = be.k;
  const rows = probe.rows;
  const plan = m.plan(rows, true);
  be.heap.f32.set(probe.x, plan.x >>> 2);
  be.heap.f32.set(probe.y, plan.y >>> 2);
  let nonFinite = locateNonFinite(m, undefined, 0);
  m.forward(plan, plan.x, rows, true);
  const probeLoss = m.lossOf(plan, plan.y, rows) / rows;
  m.backward(plan, plan.x, rows);
  if (!nonFinite) nonFinite = locateNonFinite(m, plan, rows);

  const f = be.heap.f32; // no allocation from here on
  const layers: LayerHealth[] = [];
  m.layers.forEach((layer, i) => {
    const infos = m.params.filter((p) => p.layer === i);
    if (infos.length === 0) return;
    let g2 = 0;
    let w2 = 0;
    let d2 = 0;
    let w02 = 0;
    for (const p of infos) {
      const w = m.theta + 4 * p.offset;
      const g = m.gradTheta + 4 * p.offset;
      g2 += k.dot_f32(g, g, p.size);
      w2 += k.dot_f32(w, w, p.size);
      const base = w >>> 2;
      for (let j = 0; j < p.size; j++) {
        const w0 = before[p.offset + j]!;
        const d = f[base + j]! - w0;
        d2 += d * d;
        w02 += w0 * w0;
      }
    }
    if (!nonFinite && !Number.isFinite(g2)) nonFinite = { layer: i, what: 'its gradient' };
    const gradNorm = Math.sqrt(g2);
    const weightNorm = Math.sqrt(w2);
    const h: LayerHealth = {
      layer: i,
      name: layer.describe(),
      gradNorm,
      weightNorm,
      relGrad: weightNorm > 0 ? gradNorm / weightNorm : gradNorm > 0 ? Infinity : 0,
      updateRatio: w02 > 0 ? Math.sqrt(d2 / w02) : Math.sqrt(d2) > 0 ? Infinity : 0,
    };
    const act = layer.outputActivation();
    if (act) h.activation = act;
    const def = act === undefined ? undefined : findActivation(act);
    const a = plan.layers[i]!.a;
    const units = layer.outUnits;
    if (a && def?.dead) h.dead = deadFraction(f, a >>> 2, rows, units);
    else if (a && def?.saturated) h.saturated = saturatedFraction(f, a >>> 2, rows * units, def.saturated);
    layers.push(h);
  });
  if (!nonFinite && !Number.isFinite(probeLoss)) nonFinite = { layer: -1, what: `the probe loss is ${probeLoss}` };
  const first = layers[0];
  const last = layers[layers.length - 1];
  const report: ReportWithFlags = {
    epoch,
    probeRows: rows,
    probeLoss,
    update,
    gradRatio:
      layers.length < 2
        ? NaN
        : first!.weightNorm > 0 && last!.weightNorm > 0
          ? first!.relGrad / last!.relGrad
          : first!.gradNorm / last!.gradNorm,
    layers,
    warnings: [],
  };
  if (nonFinite) Object.defineProperty(report, 'nonFinite', { value: nonFinite, enumerable: false });
  return report;
}

/** Fraction of the `units` columns that are ≤ 0 on every one of `rows` rows of a (at f[base…]). */
function deadFraction(f: Float32Array, base: number, rows: number, units: number): number {
  let dead = 0;
  for (let j = 0; j < units; j++) {
    let alive = false;
    for (let r = 0; r < rows && !alive; r++) alive = f[base + r * units + j]! > 0;
    if (!alive) dead++;
  }
  return dead / units;
}

/** Fraction of the n activations at f[base…] in the saturated band of their activation. */
function saturatedFraction(f: Float32Array, base: number, n: number, saturated: (a: number) => boolean): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (saturated(f[base + i]!)) s++;
  return s / n;
}
