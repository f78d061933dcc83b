/**
 * Training health: what the course's chapter 5 (vanishing and exploding gradients) and the usual
 * "babysitting" heuristics look at, measured once per epoch and kept off the per-step path.
 *
 * Before the first step (the `initial` report) and at the end of every epoch, on a fixed probe batch
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
 *               ≥ explodeFactor× (default 10) per epoch for explodeEpochs (default 2) epochs in a row;
 *               at initialization (checked before the first step): a kernel whose RMS is ≥ 30× heNormal's
 *               √(2/fan_in), or a bias whose RMS is ≥ 10. By default training stops with a
 *               `DivergenceError` that names the layer and gives the advice for the cause: a lower
 *               learning rate when training blew up, a scaled initialization for huge initial weights,
 *               zero biases for huge initial biases. When fit ends in an error, the error keeps the
 *               last report (`error.report`).
 *
 * Enable with `fit(x, y, { diagnostics: true })` (or options instead of true), or pass
 * `trainingHealth(options)` among the callbacks. Each epoch's report is `logs.diagnostics` in the
 * epoch logs (callbacks see it; `history.logs[e].diagnostics` keeps it).
 *
 * Cost: one probe forward/backward per epoch, one copy of θ before the epoch's last step and a few
 * `dot_f32` norms; nothing runs per step besides one index comparison.
 */
import { Rng } from '../random.js';
import { aboveOne, anyInteger, oneOf, positiveInteger } from '../validate.js';
import { advice, DivergenceError, fmt, layerLabel } from './divergence.js';
import type { BatchLogs, Callbacks, EpochLogs, FitModel, TrainContext } from './logs.js';
import { probeHealth, type ProbeData, type ReportWithFlags } from './health-probe.js';
import type { HealthReport } from './health-report.js';

export type { HealthReport, LayerHealth } from './health-report.js';

/** Default factor of the vanishing-gradient warning. */
export const VANISH_FACTOR = 100;
/** Default limit of a layer's weight-norm growth since the start of fit. */
export const WEIGHT_GROWTH_LIMIT = 100;
/** Default per-epoch growth factor of the exploding-gradient check. */
export const EXPLODE_FACTOR = 10;
/** Kernel RMS at initialization, in units of heNormal's √(2/fan_in), counted as exploding. */
export const INIT_SCALE_LIMIT = 30;
/** Bias RMS at initialization counted as exploding. */
export const INIT_BIAS_LIMIT = 10;
/** Default consecutive explosive epochs before the exploding warning. */
export const EXPLODE_EPOCHS = 2;
/** Default rows of the probe batch. */
export const DEFAULT_PROBE_ROWS = 256;
/** Default seed of the probe rows' draw. */
export const DEFAULT_PROBE_SEED = 0x5eed;

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

/**
 * The training-health callback (see the module comment). One instance serves one fit at a time;
 * it resets at every fit.
 */
export function trainingHealth(options: TrainingHealthOptions = {}): Callbacks & { readonly reports: HealthReport[] } {
  const probeRows = positiveInteger('trainingHealth', 'probeRows', options.probeRows ?? DEFAULT_PROBE_ROWS);
  const seed = anyInteger('trainingHealth', 'seed', options.seed ?? DEFAULT_PROBE_SEED);
  const vanishFactor = aboveOne('trainingHealth', 'vanishFactor', options.vanishFactor ?? VANISH_FACTOR);
  const explodeFactor = aboveOne('trainingHealth', 'explodeFactor', options.explodeFactor ?? EXPLODE_FACTOR);
  const weightGrowthLimit = aboveOne('trainingHealth', 'weightGrowthLimit', options.weightGrowthLimit ?? WEIGHT_GROWTH_LIMIT);
  const explodeEpochs = positiveInteger('trainingHealth', 'explodeEpochs', options.explodeEpochs ?? EXPLODE_EPOCHS);
  const onExplode = oneOf('trainingHealth', 'onExplode', options.onExplode ?? 'throw', ['throw', 'stop', 'warn'] as const);
  const onWarning = options.onWarning ?? ((m: string) => console.warn(`simdnn: ${m}`));

  let model: FitModel | undefined;
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
    const net = model!.network;
    const n = net.thetaLength;
    if (snapshot.length !== n) snapshot = new Float32Array(n);
    snapshot.set(net.backend.heap.f32.subarray(net.theta >>> 2, (net.theta >>> 2) + n));
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
      const nin = model.network.inputUnits;
      const nout = model.network.outputUnits;
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
      initial = probeHealth(model.network, probe, snapshot, -1, 'epoch');
      initial.layers.forEach((l) => {
        l.updateRatio = 0;
      });
      // Weights or biases far too large to train, before the first step.
      checkInitialScale(model, initial);
    },
    // A fit that ends in an error keeps the last report (or the initial one) on the error.
    onTrainAbort(error: unknown) {
      if (error instanceof DivergenceError && !error.report) error.report = reports[reports.length - 1] ?? initial;
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
      const report = probeHealth(m.network, probe!, snapshot, epoch, batchesEnded > 0 ? 'lastStep' : 'epoch');
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

  /** Throws (or warns, or stops) with the advice for the cause: the 'exploding' outcome of every check. */
  function exploder(m: FitModel, into: HealthReport): (msg: string, layer: number, cause?: 'training' | 'weights' | 'bias') => void {
    return (msg, layer, cause = 'training') => {
      const full = `${msg} ${advice(m.session, cause)}`;
      if (onExplode === 'throw') throw new DivergenceError(`trainingHealth: ${full}`, layer, into.epoch, into);
      warn('exploding', full, into);
      if (onExplode === 'stop') m.stopTraining = true;
    };
  }

  /**
   * At initialization: a layer whose kernel RMS is ≥ INIT_SCALE_LIMIT × heNormal's √(2/fan_in) (the
   * largest of the usual scales), or whose bias RMS is ≥ INIT_BIAS_LIMIT, is exploding before the first
   * step (its outputs saturate or blow up); the advice names the tensor at fault.
   */
  function checkInitialScale(m: FitModel, r: ReportWithFlags): void {
    const explode = exploder(m, r);
    const net = m.network;
    if (r.nonFinite) {
      const { layer, what } = r.nonFinite;
      const label = layer >= 0 ? layerLabel(net, layer) : 'the probe loss';
      explode(`exploding values at initialization: ${label} has non-finite values (${what}).`, layer, 'weights');
      return;
    }
    for (const [t, p] of net.params.entries()) {
      const { ptr, size } = net.paramView(t);
      const rms = Math.sqrt(net.backend.k.dot_f32(ptr, ptr, size) / Math.max(size, 1));
      const label = layerLabel(net, p.layer);
      if (p.spec.name === 'kernel' && p.spec.fanIn > 0) {
        const he = Math.sqrt(2 / p.spec.fanIn);
        if (rms >= INIT_SCALE_LIMIT * he) {
          explode(
            `exploding weights at initialization: the kernel of ${label} has RMS ${fmt(rms)}, ${fmt(rms / he)}× heNormal's ` +
              `√(2/fan_in) = ${fmt(he)}.`,
            p.layer,
            'weights',
          );
          return;
        }
      }
      if (p.spec.name === 'bias' && rms >= INIT_BIAS_LIMIT) {
        explode(`exploding biases at initialization: the bias of ${label} has RMS ${fmt(rms)}.`, p.layer, 'bias');
        return;
      }
    }
  }

  /** Runs every check on `probe` (a report), recording warnings in `into`; throws or stops on explosion. */
  function check(m: FitModel, r: ReportWithFlags, into: HealthReport, when: string): void {
    const epoch = into.epoch;
    const explode = exploder(m, into);
    const at = when || ` at epoch ${epoch + 1}`;
    if (r.nonFinite) {
      const { layer, what } = r.nonFinite;
      explode(
        `exploding gradients${at}: ${layer >= 0 ? layerLabel(m.network, layer) : 'the probe loss'} has non-finite values (${what}).`,
        layer,
      );
      return;
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
        explode(
          `exploding weights${at}: the weight norm of ${layerLabel(m.network, l.layer)} grew ${fmt(factor)}× since the start of training ` +
            `(now ${fmt(l.weightNorm)})${dead.length ? `, and every ReLU unit of layer ${dead.join(', ')} is now dead` : ''}.`,
          l.layer,
        );
        return;
      }
      // Gradient norms growing epoch after epoch.
      const g = r.layers.map((l) => l.gradNorm);
      if (prevGrad.length === g.length) {
        growth = g.map((v, i) => (prevGrad[i]! > 0 && v >= explodeFactor * prevGrad[i]! ? (growth[i] ?? 0) + 1 : 0));
        const w = growth.findIndex((c) => c >= explodeEpochs);
        if (w >= 0) {
          const l = r.layers[w]!;
          explode(
            `exploding gradients${at}: the gradient norm of ${layerLabel(m.network, l.layer)} grew ≥ ${explodeFactor}× per epoch for ` +
              `${growth[w]} epochs in a row (now ${fmt(l.gradNorm)}).`,
            l.layer,
          );
          return;
        }
      }
      prevGrad = g;
    }
    // Vanishing: the earliest layer learns orders of magnitude slower than the last.
    if (r.layers.length >= 2 && r.gradRatio <= 1 / vanishFactor) {
      const first = r.layers[0]!;
      const last = r.layers[r.layers.length - 1]!;
      const rel = Number.isFinite(first.relGrad) && Number.isFinite(last.relGrad) && last.weightNorm > 0;
      const slower = r.gradRatio > 0 ? `learns ${fmt(1 / r.gradRatio)}× slower than` : 'gets no gradient at all, unlike';
      warn(
        'vanishing',
        `vanishing gradients${at}: ${layerLabel(m.network, first.layer)} ${slower} ` +
          `${layerLabel(m.network, last.layer)} (${rel ? '‖∇W‖/‖W‖' : '‖∇W‖'} ${fmt(rel ? first.relGrad : first.gradNorm)} vs ` +
          `${fmt(rel ? last.relGrad : last.gradNorm)}): the early layers barely learn. Use ReLU-family hidden activations, ` +
          'a scaled initialization (lecunNormal/glorotNormal for sigmoid/tanh, heNormal for ReLU) or fewer layers.',
        into,
      );
    }
    for (const l of r.layers) {
      if (l.dead !== undefined && l.dead >= 0.5) {
        warn(
          `dead${l.layer}`,
          `${fmt(100 * l.dead)} % of the ReLU units of ${layerLabel(m.network, l.layer)} are dead${at} (inactive on every probe row): ` +
            'lower the learning rate, or use leakyRelu/elu or heNormal initialization.',
          into,
        );
      }
      // The output layer is left out: outputs near 0/1 are what one-hot targets ask for.
      if (l.saturated !== undefined && l.saturated >= 0.5 && l.layer !== m.network.layers.length - 1) {
        warn(
          `saturated${l.layer}`,
          `${fmt(100 * l.saturated)} % of the activations of ${layerLabel(m.network, l.layer)} are saturated${at}: ` +
            'use a scaled initialization (lecunNormal/glorotNormal) or standardize the inputs.',
          into,
        );
      }
    }
  }
}
