/**
 * Training health: what the course's chapter 5 (vanishing and exploding gradients) and the usual
 * "babysitting" heuristics look at, measured once per epoch and kept off the per-step path.
 *
 Before the first step (the `initial` report) and at the end of every epoch, on a fixed probe batch
 * (the same `probeRows` training rows all fit long, chosen with a seeded draw) at the current
 * weights θ, one forward + backward pass gives, per layer with parameters (θₗ = all its tensors):
 *
 *   gradNorm     ‖∂C₀/∂θₗ‖₂          gradient of the batch-mean data loss on the probe batch
 *   weightNorm   ‖θₗ‖₂
 *   relGrad      ‖∂C₀/∂θₗ‖₂ / ‖θₗ‖₂  how fast the layer moves relative to its size (an SGD step
 *                                    changes θₗ by η·relGrad of its norm); comparable across widths
 *   updateRatio  ‖Δθₗ‖₂ / ‖θₗ‖₂      Δθ of the epoch's *last optimizer step* (θ is snapshotted
 *                                    before it); healthy SGD runs sit near 1e−3 (Karpathy's rule)
 *   dead         fraction of ReLU units with a = 0 on every probe row (they get no gradient)
 *   saturated    fraction of the probe's sigmoid / tanh / hardTanh activations in the flat tails:
 *                |a| ≥ 0.96 for tanh, |2a − 1| ≥ 0.96 (a ≤ 0.02 or a ≥ 0.98) for sigmoid — both
 *                where f'(z) ≤ 7.84 % of its peak — and |a| ≥ 1 (f' = 0) for hardTanh
 *
 * Warnings (checked on the initial probe and after every epoch):
 *   vanishing   relGrad(first layer) ≤ relGrad(last layer) / vanishFactor (default 100): the earliest
 *               layer learns orders of magnitude slower than the last (Nielsen ch. 5). Relative
 *               gradients, not raw norms, are compared, because a wide first layer (784 inputs) has a
 *               large raw norm however slowly each weight moves; when a layer's ‖θ‖ is 0 (zeros
 *               initialization) the raw norms are compared instead. `gradRatio` in the report is the
 *               compared ratio. (Measured: a 10-layer sigmoid net with N(0, 1) weights starts near
 *               1/400–1/750; the book's [784, 30, 10] net near 1/20; ReLU + He near 1/2.)
 *   exploding   a NaN/±Infinity in the weights, in a layer's probe output, in the probe gradient or
 *               loss; a layer's ‖θₗ‖ grown ≥ weightGrowthLimit× (default 100) since the start of fit
 *               (healthy runs measured ≤ 8×; a ReLU net at η = 10 grew 250× to 10⁹× in one epoch,
 *               then its units died and the loss stayed finite); or a layer's gradient norm growing
 *               ≥ explodeFactor× (default 10) per epoch for explodeEpochs (default 2) epochs in a row.
 *               By default training stops with a `DivergenceError` that names the layer and suggests
 *               a lower learning rate or a different initialization.
 *
 * Enable with `fit(x, y, { diagnostics: true })` (or options instead of true), or pass
 * `trainingHealth(options)` among the callbacks. Each epoch's report is `logs.diagnostics` in the
 * epoch logs (callbacks see it; `history.logs[e].diagnostics` keeps it).
 *
 * Cost: one probe forward/backward per epoch, one copy of θ before the epoch's last step and a few
 * `dot_f32` norms; nothing runs per step besides one index comparison.
 */
import type { Sequential } from '../model.js';
import type { Plan } from '../model.js';
import { Rng } from '../random.js';
import type { BatchLogs, Callbacks, EpochLogs, TrainContext } from './fit.js';

/** |a| threshold of the saturated band on the symmetric (tanh) scale; see the module comment. */
export const SATURATION_THRESHOLD = 0.96;
/** Default factor of the vanishing-gradient warning. */
export const VANISH_FACTOR = 100;
/** Default limit of a layer's weight-norm growth since the start of fit. */
export const WEIGHT_GROWTH_LIMIT = 100;
/** Default per-epoch growth factor of the exploding-gradient check. */
export const EXPLODE_FACTOR = 10;

export interface TrainingHealthOptions {
  /** Rows of the probe batch (fewer when the training set is smaller). Default: 256. */
  probeRows?: number;
  /** Seed of the probe rows' draw. Default: 0x5eed. */
  seed?: number;
  /** Warn when the first layer's gradient norm is this many times below the last's. Default: 100. */
  vanishFactor?: number;
  /** Per-epoch growth of a layer's gradient norm counted as explosive. Default: 10. */
  explodeFactor?: number;
  /** Consecutive explosive epochs before the exploding warning. Default: 2. */
  explodeEpochs?: number;
  /** Growth of a layer's weight norm since the start of fit counted as explosive. Default: 100. */
  weightGrowthLimit?: number;
  /**
   * What an exploding gradient (or NaN) does: 'throw' a DivergenceError (fit rejects with it),
   * 'stop' training after this epoch (model.stopTraining; the message is in the report's
   * warnings), or only 'warn'. Default: 'throw'.
   */
  onExplode?: 'throw' | 'stop' | 'warn';
  /**
   * Receives every warning once per kind and fit (vanishing, exploding, dead units, saturation).
   * Default: console.warn. Pass `() => {}` to keep them only in the reports.
   */
  onWarning?: (message: string, report: HealthReport) => void;
}

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

/** Training stopped because values became non-finite or gradients exploded; names the layer. */
export class DivergenceError extends Error {
  constructor(
    message: string,
    /** Index in model.layers of the layer named as the culprit (−1: the loss itself). */
    readonly layer: number,
    /** 0-based epoch. */
    readonly epoch: number,
    /** The health report of that epoch, when the diagnostics found it. */
    readonly report?: HealthReport,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** 'layer 2 (dense 100→10 softmax)'. */
export function layerLabel(model: Sequential, i: number): string {
  return `layer ${i} (${model.layers[i]!.describe()})`;
}

function advice(model: Sequential): string {
  let lr = NaN;
  try {
    lr = model.optimizer.learningRateAt(Math.max(model.step, 1));
  } catch {
    // no optimizer: keep the generic advice
  }
  const lower = Number.isFinite(lr) && lr > 0 ? ` (e.g. ${fmt(lr)} → ${fmt(lr / 10)})` : '';
  return (
    `Lower the learning rate${lower}, or use a different initialization ` +
    "(heNormal for ReLU layers, lecunNormal or glorotNormal for sigmoid/tanh; not 'standardNormal')."
  );
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** Which layer went non-finite first: its weights, or its output on the rows in `plan`. */
export function locateNonFinite(model: Sequential, plan: Plan | undefined, rows: number): { layer: number; what: string } | undefined {
  const k = model.backend.k;
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i]!;
    for (let t = 0; t < layer.param.length; t++) {
      const info = model.params.find((p) => p.layer === i && model.theta + 4 * p.offset === layer.param[t]);
      if (info && k.find_nonfinite_f32(layer.param[t]!, info.size) >= 0) return { layer: i, what: `its ${info.spec.name} weights` };
    }
    const out = plan?.layers[i]?.out;
    if (plan && out && k.find_nonfinite_f32(out, rows * layer.outUnits) >= 0) return { layer: i, what: 'its output' };
  }
  return undefined;
}

/**
 * The error fit throws when a batch's loss is not finite: names the first layer whose weights or
 * output on that batch hold a NaN/±Infinity, and what to change.
 */
export function divergenceError(model: Sequential, plan: Plan, rows: number, epoch: number, batch: number, loss: number): DivergenceError {
  const where = locateNonFinite(model, plan, rows);
  const culprit = where
    ? `${layerLabel(model, where.layer)} was the first with non-finite values (${where.what}). `
    : 'Every layer is finite: the loss overflowed on extreme outputs. ';
  return new DivergenceError(
    `fit: the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}: training diverged. ${culprit}${advice(model)}`,
    where?.layer ?? -1,
    epoch,
  );
}

interface ProbeData {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/**
 * The training-health callback (see the module comment). One instance serves one fit at a time;
 * it resets at every fit.
 */
export function trainingHealth(options: TrainingHealthOptions = {}): Callbacks & { readonly reports: HealthReport[] } {
  const probeRows = options.probeRows ?? 256;
  if (!Number.isInteger(probeRows) || probeRows < 1) {
    throw new Error(`trainingHealth: probeRows must be a positive integer, got ${String(options.probeRows)}.`);
  }
  const seed = options.seed ?? 0x5eed;
  if (!Number.isInteger(seed)) throw new Error(`trainingHealth: seed must be an integer, got ${String(options.seed)}.`);
  const vanishFactor = options.vanishFactor ?? VANISH_FACTOR;
  const explodeFactor = options.explodeFactor ?? EXPLODE_FACTOR;
  const weightGrowthLimit = options.weightGrowthLimit ?? WEIGHT_GROWTH_LIMIT;
  for (const [name, v] of [['vanishFactor', vanishFactor], ['explodeFactor', explodeFactor], ['weightGrowthLimit', weightGrowthLimit]] as const) {
    if (typeof v !== 'number' || !(v > 1) || !Number.isFinite(v)) {
      throw new Error(`trainingHealth: ${name} must be a finite number > 1, got ${String(v)}.`);
    }
  }
  const explodeEpochs = options.explodeEpochs ?? 2;
  if (!Number.isInteger(explodeEpochs) || explodeEpochs < 1) {
    throw new Error(`trainingHealth: explodeEpochs must be a positive integer, got ${String(options.explodeEpochs)}.`);
  }
  const onExplode = options.onExplode ?? 'throw';
  if (!['throw', 'stop', 'warn'].includes(onExplode)) {
    throw new Error(`trainingHealth: onExplode must be 'throw', 'stop' or 'warn', got '${String(onExplode)}'.`);
  }
  const onWarning = options.onWarning ?? ((m: string) => console.warn(`simdnn: ${m}`));

  let model: Sequential | undefined;
  let probe: ProbeData | undefined;
  /** θ before the current epoch's last step (all of θ, padding included). */
  let snapshot = new Float32Array(0);
  let batchesEnded = 0;
  let prevGrad: number[] = [];
  let growth: number[] = [];
  let initial: ReportWithFlags | undefined;
  const warned = new Set<string>();
  const reports: HealthReport[] = [];

  const snap = (): void => {
    const m = model!;
    const n = thetaLength(m);
    if (snapshot.length !== n) snapshot = new Float32Array(n);
    snapshot.set(m.backend.heap.f32.subarray(m.theta >> 2, (m.theta >> 2) + n));
  };

  const warn = (kind: string, message: string, report: HealthReport): void => {
    report.warnings.push(message);
    if (!warned.has(kind)) {
      warned.add(kind);
      onWarning(message, report);
    }
  };

  return {
    reports,
    setContext(ctx: TrainContext) {
      model = ctx.model;
      const rows = Math.min(probeRows, ctx.rows);
      const pick = new Int32Array(ctx.rows);
      for (let i = 0; i < ctx.rows; i++) pick[i] = i;
      new Rng(seed).shuffle(pick);
      const idx = pick.subarray(0, rows).sort();
      const nin = model.inputUnits;
      const nout = model.outputUnits;
      const x = new Float32Array(rows * nin);
      const y = new Float32Array(rows * nout);
      idx.forEach((r, i) => {
        x.set(ctx.x.subarray(r * nin, (r + 1) * nin), i * nin);
        y.set(ctx.y.subarray(r * nout, (r + 1) * nout), i * nout);
      });
      probe = { x, y, rows };
    },
    onTrainBegin() {
      if (!model || !probe) throw new Error('trainingHealth: pass it to fit (callbacks or { diagnostics: true }); fit sets its model.');
      prevGrad = [];
      growth = [];
      warned.clear();
      reports.length = 0;
      snap();
      initial = probeHealth(model, probe, snapshot, -1, 'epoch');
      initial.layers.forEach((l) => (l.updateRatio = 0));
    },
    onEpochBegin() {
      batchesEnded = 0;
      snap();
    },
    onBatchEnd(batch: number, logs: BatchLogs) {
      batchesEnded++;
      // θ after batch (batches − 2) is θ before the last step.
      if (batch === logs.batches - 2) snap();
    },
    onEpochEnd(epoch: number, logs: EpochLogs) {
      const m = model!;
      const report = probeHealth(m, probe!, snapshot, epoch, batchesEnded > 0 ? 'lastStep' : 'epoch');
      if (initial) {
        report.initial = initial;
        check(m, initial, report, ' at initialization');
        initial = undefined;
      }
      logs.diagnostics = report;
      reports.push(report);
      check(m, report, report, '');
    },
  };

  /** Runs every check on `probe` (a report), recording warnings in `into`; throws or stops on explosion. */
  function check(m: Sequential, r: ReportWithFlags, into: HealthReport, when: string): void {
    const epoch = into.epoch;
    const explode = (msg: string, layer: number): void => {
      const full = `${msg} ${advice(m)}`;
      if (onExplode === 'throw') throw new DivergenceError(`trainingHealth: ${full}`, layer, epoch, into);
      warn('exploding', full, into);
      if (onExplode === 'stop') m.stopTraining = true;
    };
    const at = when || ` at epoch ${epoch + 1}`;
    if (r.nonFinite) {
      const { layer, what } = r.nonFinite;
      return explode(`exploding gradients${at}: ${layer >= 0 ? layerLabel(m, layer) : 'the probe loss'} has non-finite values (${what}).`, layer);
    }
    if (!when) {
      // Weight growth since the start of fit (the initial probe's norms).
      const base = into.initial ?? reports[0]?.initial;
      let worst = -1;
      let factor = 0;
      r.layers.forEach((l, i) => {
        const w0 = base?.layers[i]?.weightNorm ?? 0;
        if (w0 > 0 && l.weightNorm / w0 > factor) [worst, factor] = [i, l.weightNorm / w0];
      });
      if (worst >= 0 && factor >= weightGrowthLimit) {
        const l = r.layers[worst]!;
        const dead = r.layers.filter((e) => e.dead !== undefined && e.dead >= 0.99).map((e) => e.layer);
        return explode(
          `exploding weights${at}: the weight norm of ${layerLabel(m, l.layer)} grew ${fmt(factor)}× since the start of training ` +
            `(now ${fmt(l.weightNorm)})${dead.length ? `, and every ReLU unit of layer ${dead.join(', ')} is now dead` : ''}.`,
          l.layer,
        );
      }
      // Gradient norms growing epoch after epoch.
      const g = r.layers.map((l) => l.gradNorm);
      if (prevGrad.length === g.length) {
        growth = g.map((v, i) => (prevGrad[i]! > 0 && v >= explodeFactor * prevGrad[i]! ? (growth[i] ?? 0) + 1 : 0));
        const w = growth.findIndex((c) => c >= explodeEpochs);
        if (w >= 0) {
          const l = r.layers[w]!;
          return explode(
            `exploding gradients${at}: the gradient norm of ${layerLabel(m, l.layer)} grew ≥ ${explodeFactor}× per epoch for ` +
              `${growth[w]} epochs in a row (now ${fmt(l.gradNorm)}).`,
            l.layer,
          );
        }
      }
      prevGrad = g;
    }
    // Vanishing: the earliest layer learns orders of magnitude slower than the last.
    if (r.layers.length >= 2 && r.gradRatio <= 1 / vanishFactor) {
      const first = r.layers[0]!;
      const last = r.layers[r.layers.length - 1]!;
      const rel = Number.isFinite(first.relGrad) && Number.isFinite(last.relGrad) && last.weightNorm > 0;
      warn(
        'vanishing',
        `vanishing gradients${at}: ${layerLabel(m, first.layer)} learns ${fmt(1 / r.gradRatio)}× slower than ` +
          `${layerLabel(m, last.layer)} (${rel ? '‖∇W‖/‖W‖' : '‖∇W‖'} ${fmt(rel ? first.relGrad : first.gradNorm)} vs ` +
          `${fmt(rel ? last.relGrad : last.gradNorm)}): the early layers barely learn. Use ReLU-family hidden activations, ` +
          'a scaled initialization (lecunNormal/glorotNormal for sigmoid/tanh, heNormal for ReLU) or fewer layers.',
        into,
      );
    }
    for (const l of r.layers) {
      if (l.dead !== undefined && l.dead >= 0.5) {
        warn(
          `dead${l.layer}`,
          `${fmt(100 * l.dead)} % of the ReLU units of ${layerLabel(m, l.layer)} are dead${at} (inactive on every probe row): ` +
            'lower the learning rate, or use leakyRelu/elu or heNormal initialization.',
          into,
        );
      }
      // The output layer is left out: outputs near 0/1 are what one-hot targets ask for.
      if (l.saturated !== undefined && l.saturated >= 0.5 && l.layer !== m.layers.length - 1) {
        warn(
          `saturated${l.layer}`,
          `${fmt(100 * l.saturated)} % of the activations of ${layerLabel(m, l.layer)} are saturated${at}: ` +
            'use a scaled initialization (lecunNormal/glorotNormal) or standardize the inputs.',
          into,
        );
      }
    }
  }
}

/** Length of θ in floats, alignment padding included. */
function thetaLength(m: Sequential): number {
  const last = m.params[m.params.length - 1];
  return last ? last.offset + last.size : 0;
}

type ReportWithFlags = HealthReport & { nonFinite?: { layer: number; what: string } };

/** One probe forward/backward at the current weights; see the module comment for every number. */
function probeHealth(m: Sequential, probe: ProbeData, before: Float32Array, epoch: number, update: 'lastStep' | 'epoch'): ReportWithFlags {
  const be = m.backend;
  const k = be.k;
  const rows = probe.rows;
  const plan = m.plan(rows, true);
  be.heap.f32.set(probe.x, plan.x >> 2);
  be.heap.f32.set(probe.y, plan.y >> 2);
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
      const base = w >> 2;
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
    const a = plan.layers[i]!.a;
    const units = layer.outUnits;
    if (a && act === 'relu') h.dead = deadFraction(f, a >> 2, rows, units);
    else if (a && (act === 'sigmoid' || act === 'tanh' || act === 'hardTanh')) h.saturated = saturatedFraction(f, a >> 2, rows * units, act);
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
    gradRatio: layers.length < 2 ? NaN
      : first!.weightNorm > 0 && last!.weightNorm > 0 ? first!.relGrad / last!.relGrad : first!.gradNorm / last!.gradNorm,
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

/** Fraction of the n activations at f[base…] in the saturated band of `act`. */
function saturatedFraction(f: Float32Array, base: number, n: number, act: string): number {
  let s = 0;
  if (act === 'sigmoid') {
    for (let i = 0; i < n; i++) if (Math.abs(2 * f[base + i]! - 1) >= SATURATION_THRESHOLD) s++;
  } else if (act === 'tanh') {
    for (let i = 0; i < n; i++) if (Math.abs(f[base + i]!) >= SATURATION_THRESHOLD) s++;
  } else {
    for (let i = 0; i < n; i++) if (Math.abs(f[base + i]!) >= 1) s++;
  }
  return s / n;
}
