/**
 * Training controls of the course (issue 3): early stopping, k-fold cross-validation, hyper-parameter
 * search, task presets and the gradient check — with the bad options each refuses.
 */
import { describe, expect, it } from 'vitest';
import {
  classifier, crossValidate, dense, earlyStopping, gradientCheck, gridSearch, init, kFoldIndices, maxout,
  prelu, randomSearch, regressor, search, sequential, sgd, adam, dropout, type Sequential, type Backend,
} from '../src/index.js';
import { rand } from './helpers/conformance.js';

let be: Backend;
const backend = async (): Promise<Backend> => (be ??= await init({ backend: 'wasm' }));

/** Three Gaussian-ish blobs in 4-D: 3 classes, `n` rows. */
function blobs(n: number, seed = 1): { x: { data: Float32Array; shape: [number, number] }; y: number[] } {
  const noise = rand(n * 4, seed, -0.6, 0.6);
  const x = new Float32Array(n * 4);
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    const c = r % 3;
    y.push(c);
    for (let j = 0; j < 4; j++) x[r * 4 + j] = (j === c ? 1.5 : 0) + noise[r * 4 + j]!;
  }
  return { x: { data: x, shape: [n, 4] }, y };
}

describe('early stopping', () => {
  it('stops when the validation loss rises and restores the weights of the best epoch', async () => {
    const b = await backend();
    // A small noisy set (random labels) and a big net at a high learning rate: it memorises the
    // training rows and the validation loss rises after a few epochs.
    const n = 60;
    const x = { data: rand(n * 10, 5, -1, 1), shape: [n, 10] as [number, number] };
    const y = Array.from(rand(n, 9, 0, 3), (v) => Math.floor(v));
    const vx = { data: rand(40 * 10, 6, -1, 1), shape: [40, 10] as [number, number] };
    const vy = Array.from(rand(40, 10, 0, 3), (v) => Math.floor(v));
    const build = (): Sequential => sequential(
      [dense({ units: 128, activation: 'relu', inputShape: [10] }), dense({ units: 128, activation: 'relu' }), dense({ units: 3, activation: 'softmax' })],
      { seed: 3, backend: b },
    ).compile({ loss: 'categoricalCrossentropy', optimizer: adam({ learningRate: 0.01 }) });

    const m = build();
    const snapshots: Float32Array[][] = [];
    const es = earlyStopping({ patience: 3, restoreBestWeights: true });
    const h = await m.fit(x, y, {
      epochs: 100, batchSize: 10, validationData: [vx, vy], yieldEvery: 'never',
      callbacks: [es, { onEpochEnd: () => void snapshots.push(m.getWeights()) }],
    });
    const val = h.history.valLoss!;
    const best = val.indexOf(Math.min(...val));
    // The validation loss did rise, training stopped `patience` epochs after the best one …
    expect(val.at(-1)!).toBeGreaterThan(val[best]!);
    expect(h.epoch.length).toBeLessThan(100);
    expect(es.stoppedEpoch).toBe(h.epoch.length - 1);
    expect(es.bestEpoch).toBe(best);
    expect(h.epoch.length - 1 - best).toBe(3);
    // … and the weights are those of the best epoch, which score its validation loss again.
    expect(es.restored).toBe(true);
    expect(m.getWeights().map((t) => Array.from(t))).toEqual(snapshots[best]!.map((t) => Array.from(t)));
    expect(m.evaluate(vx, vy).loss).toBeCloseTo(val[best]!, 5);

    // Without restoreBestWeights the last epoch's weights stay.
    const m2 = build();
    const h2 = await m2.fit(x, y, {
      epochs: 100, batchSize: 10, validationData: [vx, vy], yieldEvery: 'never', callbacks: [earlyStopping({ patience: 3 })],
    });
    expect(m2.evaluate(vx, vy).loss).toBeCloseTo(h2.history.valLoss!.at(-1)!, 5);
    expect(m2.evaluate(vx, vy).loss).toBeGreaterThan(Math.min(...h2.history.valLoss!));
    m.dispose();
    m2.dispose();
  });

  /** Drives the callback with a scripted sequence of monitored values on a stand-in model. */
  function script(values: number[], options: Parameters<typeof earlyStopping>[0], key = 'valLoss') {
    let w = 0;
    const model = { stopTraining: false, getWeights: () => [Float32Array.of(w)], setWeights: (ws: Float32Array[]) => void (w = ws[0]![0]!) };
    const es = earlyStopping(options);
    es.setContext!({ model } as never);
    es.onTrainBegin!();
    let epochs = 0;
    for (let e = 0; e < values.length && !model.stopTraining; e++) {
      w = e;
      es.onEpochEnd!(e, { loss: 1, seconds: 0, samplesPerSecond: 0, [key]: values[e] });
      epochs++;
    }
    es.onTrainEnd!({} as never);
    return { es, epochs, weights: w };
  }

  it('patience counts epochs without improvement; minDelta, mode, baseline and restore all apply', () => {
    // patience 0 (and 1): stop at the first epoch that does not improve.
    expect(script([3, 2, 2.5, 1], {}).epochs).toBe(3);
    expect(script([3, 2, 2.5, 1], { patience: 1 }).epochs).toBe(3);
    // patience 2: two non-improving epochs in a row.
    expect(script([3, 2, 2.5, 1.5, 2, 2.1, 0], { patience: 2 }).epochs).toBe(6);
    // minDelta: 2 → 1.95 is not an improvement of more than 0.1.
    const md = script([3, 2, 1.95, 1.9, 1], { minDelta: 0.1, patience: 2 });
    expect(md.epochs).toBe(4);
    expect(md.es.bestEpoch).toBe(1);
    // mode 'auto' maximises accuracies; 'max' explicitly; 'min' on an accuracy stops at once.
    expect(script([0.5, 0.6, 0.7, 0.65], { monitor: 'valAccuracy' }, 'valAccuracy').es.options.mode).toBe('max');
    expect(earlyStopping().options.mode).toBe('min');
    expect(script([0.5, 0.6, 0.7, 0.65], { monitor: 'valAccuracy' }, 'valAccuracy').epochs).toBe(4);
    expect(script([0.5, 0.6, 0.7], { monitor: 'valAccuracy', mode: 'min' }, 'valAccuracy').epochs).toBe(2);
    expect(script([5, 4, 3], { monitor: 'custom', mode: 'max' }, 'custom').epochs).toBe(2);
    // baseline: improvements that do not beat it still use up the patience.
    expect(script([5, 4, 3, 2, 1], { baseline: 2.5, patience: 2 }).epochs).toBe(2);
    expect(script([2, 1.5, 1, 0.5], { baseline: 2.5, patience: 2 }).epochs).toBe(4);
    // restoreBestWeights: the weights of the best epoch, also when all epochs ran.
    expect(script([3, 1, 2, 2.5], { patience: 2, restoreBestWeights: true }).weights).toBe(1);
    expect(script([3, 2, 1, 1.5], { patience: 5, restoreBestWeights: true }).weights).toBe(2);
    expect(script([3, 2, 1, 1.5], { patience: 5 }).weights).toBe(3);
  });

  it('a monitored key that never appears is an error naming the available keys', async () => {
    const b = await backend();
    const { x, y } = blobs(30);
    const m = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })], { backend: b })
      .compile({ loss: 'crossentropy', metrics: ['accuracy'] });
    await expect(m.fit(x, y, { epochs: 3, callbacks: [earlyStopping()], yieldEvery: 'never' })).rejects.toThrow(
      "earlyStopping: monitor 'valLoss' is not in the epoch logs (validation keys need validationSplit or validationData in fit); available: loss, seconds, samplesPerSecond, accuracy.",
    );
    await expect(m.fit(x, y, { epochs: 3, callbacks: [earlyStopping({ monitor: 'auc' })], yieldEvery: 'never' })).rejects.toThrow(
      /monitor 'auc' is not in the epoch logs; available: loss, .*accuracy/,
    );
    m.dispose();
  });

  it('bad options are refused', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow('patience must be an integer ≥ 0');
    expect(() => earlyStopping({ patience: 1.5 })).toThrow('patience must be an integer ≥ 0');
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow('minDelta must be a finite number ≥ 0');
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow("earlyStopping: mode must be one of 'auto', 'min', 'max', got 'up'.");
    expect(() => earlyStopping({ baseline: NaN })).toThrow('baseline must be a finite number');
    expect(() => earlyStopping({ monitor: '' })).toThrow('monitor must be the name of an epoch log');
    expect(() => earlyStopping({ patince: 3 } as never)).toThrow("unknown option 'patince'");
  });
});

describe('k-fold cross-validation', () => {
  it('folds are disjoint, cover every row, are balanced, and identical for the same seed', () => {
    for (const [n, k] of [[10, 2], [100, 5], [101, 5], [7, 7], [1000, 10], [23, 4]] as const) {
      const folds = kFoldIndices(n, k, 42);
      expect(folds).toHaveLength(k);
      const all = folds.flatMap((f) => Array.from(f));
      expect(all).toHaveLength(n);
      expect(new Set(all).size).toBe(n);
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const sizes = folds.map((f) => f.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(kFoldIndices(n, k, 42).map((f) => Array.from(f))).toEqual(folds.map((f) => Array.from(f)));
    }
    expect(kFoldIndices(100, 5, 1).map((f) => Array.from(f))).not.toEqual(kFoldIndices(100, 5, 2).map((f) => Array.from(f)));
    // shuffle false: contiguous blocks.
    expect(kFoldIndices(7, 3, 1, false).map((f) => Array.from(f))).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
  });

  it('k < 2 or k > n are refused with the fix', () => {
    expect(() => kFoldIndices(10, 1)).toThrow('k must be an integer ≥ 2');
    expect(() => kFoldIndices(10, 2.5)).toThrow('k must be an integer ≥ 2');
    expect(() => kFoldIndices(10, 11)).toThrow('k = 11 folds need at least 11 rows, but there are 10; use k ≤ 10.');
    expect(() => kFoldIndices(0, 2)).toThrow('n must be a positive integer');
    expect(() => kFoldIndices(10, 2, 0.5)).toThrow('seed must be an integer');
  });

  it('crossValidate trains one fresh model per fold, scores the held-out fold, reports mean ± sample std and disposes every model', async () => {
    const b = await backend();
    const { x, y } = blobs(90);
    const models: Sequential[] = [];
    const folds: number[] = [];
    const cv = await crossValidate(
      (fold) => {
        folds.push(fold);
        const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [4] }), dense({ units: 3, activation: 'softmax' })], { backend: b, seed: 1 })
          .compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 0.2, momentum: 0.9 }), metrics: ['accuracy'] });
        models.push(m);
        return m;
      },
      x, y, { k: 3, seed: 7, fitOptions: { epochs: 20, batchSize: 10, yieldEvery: 'never' } },
    );
    expect(folds).toEqual([0, 1, 2]);
    expect(cv.folds.map((f) => [f.trainRows, f.testRows])).toEqual([[60, 30], [60, 30], [60, 30]]);
    const acc = cv.folds.map((f) => f.accuracy!);
    const mean = acc.reduce((a, v) => a + v, 0) / 3;
    expect(cv.accuracy!.mean).toBeCloseTo(mean, 12);
    expect(cv.accuracy!.std).toBeCloseTo(Math.sqrt(acc.reduce((a, v) => a + (v - mean) ** 2, 0) / 2), 12);
    expect(cv.std).toBe('sample');
    expect(cv.accuracy!.mean).toBeGreaterThan(0.9);
    expect(cv.loss.mean).toBeGreaterThan(0);
    for (const m of models) expect(() => m.evaluate(x, y)).toThrow('this model was disposed');
  });

  it('bad arguments are refused', async () => {
    const b = await backend();
    const { x, y } = blobs(9);
    const build = () => sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })], { backend: b }).compile({ loss: 'crossentropy' });
    await expect(crossValidate(build, x, y, { k: 1 })).rejects.toThrow('crossValidate: k must be an integer ≥ 2');
    await expect(crossValidate(build, x, y, { k: 10 })).rejects.toThrow('crossValidate: k = 10 folds need at least 10 rows, but there are 9; use k ≤ 9.');
    await expect(crossValidate(build, x, y.slice(1), { k: 3 })).rejects.toThrow('x has 9 rows but y has 8');
    await expect(crossValidate(() => sequential([dense({ units: 3, inputShape: [4] })], { backend: b }), x, y, { k: 3 }))
      .rejects.toThrow('buildModel must return a compiled model');
    const one = build();
    await expect(crossValidate(() => one, x, y, { k: 3, fitOptions: { yieldEvery: 'never' } })).rejects.toThrow('returned the same model twice');
  });
});

describe('hyper-parameter search', () => {
  const buildFor = (b: Backend) => (p: Record<string, unknown>) => sequential(
    [dense({ units: p.hidden as number, activation: 'tanh', inputShape: [4] }), ...(p.dropout ? [dropout({ rate: p.dropout as number })] : []),
      dense({ units: 3, activation: 'softmax' })],
    { backend: b, seed: 2 },
  ).compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: p.learningRate as number }), metrics: ['accuracy'], regularization: { l2: (p.l2 as number) ?? 0 } });

  it('grid search scores every combination with k-fold and returns the best with the table', async () => {
    const b = await backend();
    const { x, y } = blobs(60);
    const seen: Record<string, unknown>[] = [];
    const build = buildFor(b);
    const r = await gridSearch((p, fold) => (fold === 0 && seen.push(p), build(p)), x, y, {
      space: { learningRate: [0.001, 0.3], hidden: [2, 16], l2: [0], dropout: [0, 0.2] }, k: 2,
      fitOptions: { epochs: 15, batchSize: 10, yieldEvery: 'never' },
    });
    expect(r.strategy).toBe('grid');
    expect(r.metric).toBe('accuracy');
    expect(r.trials).toHaveLength(8);
    expect(seen).toHaveLength(8);
    expect(seen[0]).toEqual({ learningRate: 0.001, hidden: 2, l2: 0, dropout: 0 });
    for (let i = 1; i < r.ranked.length; i++) expect(r.ranked[i - 1]!.score).toBeGreaterThanOrEqual(r.ranked[i]!.score);
    expect(r.best).toBe(r.ranked[0]);
    expect(r.best.params.learningRate).toBe(0.3);
    expect(r.best.accuracy!.mean).toBeGreaterThan(0.9);
    for (const t of r.trials) expect(t.crossValidation.folds).toHaveLength(2);
  });

  it('random search draws from lists and (log-)ranges, reproducibly', async () => {
    const b = await backend();
    const { x, y } = blobs(30);
    const space = { learningRate: { min: 0.01, max: 1, scale: 'log' as const }, hidden: [4, 8], l2: { min: 0, max: 2 } };
    const opts = { space, trials: 4, seed: 5, k: 2, fitOptions: { epochs: 2, yieldEvery: 'never' as const } };
    const a = await randomSearch(buildFor(b), x, y, opts);
    const c = await search(buildFor(b), x, y, { ...opts, strategy: 'random' });
    expect(a.trials.map((t) => t.params)).toEqual(c.trials.map((t) => t.params));
    expect(a.trials).toHaveLength(4);
    for (const t of a.trials) {
      expect(t.params.learningRate).toBeGreaterThanOrEqual(0.01);
      expect(t.params.learningRate).toBeLessThanOrEqual(1);
      expect([4, 8]).toContain(t.params.hidden);
      expect(t.params.l2).toBeGreaterThanOrEqual(0);
    }
    const loss = await search(buildFor(b), x, y, { ...opts, metric: 'loss' });
    for (let i = 1; i < loss.ranked.length; i++) expect(loss.ranked[i - 1]!.loss.mean).toBeLessThanOrEqual(loss.ranked[i]!.loss.mean);
  });

  it('bad spaces, specs and options are refused', async () => {
    const b = await backend();
    const { x, y } = blobs(12);
    const f = buildFor(b);
    await expect(search(f, x, y, { space: {} })).rejects.toThrow('search: space is empty');
    await expect(search(f, x, y, { space: { learningRate: [] } })).rejects.toThrow("'learningRate' has an empty list");
    await expect(search(f, x, y, { space: { learningRate: { min: 1, max: 0 } } })).rejects.toThrow('needs finite min < max');
    await expect(search(f, x, y, { space: { learningRate: { min: 0, max: 1, scale: 'log' } } })).rejects.toThrow('log range');
    await expect(gridSearch(f, x, y, { space: { learningRate: { min: 0.1, max: 1 } } })).rejects.toThrow("a grid needs lists of values (or use strategy 'random')");
    await expect(search(f, x, y, { space: { learningRate: [0.1] }, strategy: 'bayes' as never })).rejects.toThrow("strategy must be 'grid' or 'random'");
    await expect(search(f, x, y, { space: { learningRate: [0.1] }, strategy: 'random', trials: 0 })).rejects.toThrow('trials must be a positive integer');
    await expect(search(f, x, y, { space: { learningRate: [0.1], hidden: [4] }, k: 13 })).rejects.toThrow('k = 13 folds need at least 13 rows');
    await expect(search(f, x, y, { space: { a: [1, 2, 3], b: [1, 2, 3] }, maxCandidates: 5 })).rejects.toThrow('the grid has 9 candidates');
  });

});

describe('task presets', () => {
  it('classifier: 2 classes → one sigmoid unit + binary cross-entropy; more → softmax + categorical cross-entropy', async () => {
    const b = await backend();
    const two = classifier({ inputs: 4, classes: 2, backend: b });
    expect(two.layers.at(-1)!.outUnits).toBe(1);
    expect(two.layers.at(-1)!.outputActivation()).toBe('sigmoid');
    expect(two.loss.name).toBe('binaryCrossentropy');
    expect(two.metrics).toEqual(['accuracy']);
    expect(two.optimizer.config).toMatchObject({ type: 'adam', learningRate: 0.001 });
    const three = classifier({ inputs: 4, classes: 3, hidden: [16, 8], activation: 'tanh', dropout: 0.1, regularization: { l2: 1 }, backend: b });
    expect(three.layers.map((l) => l.describe())).toEqual(['dense 4→16 tanh', 'dropout p=0.1', 'dense 16→8 tanh', 'dropout p=0.1', 'dense 8→3 softmax']);
    expect(three.loss.name).toBe('categoricalCrossentropy');
    expect((three.layers[0] as unknown as { kernelInitializer: string }).kernelInitializer).toBe('glorotUniform');
    const relu = classifier({ inputs: 4, classes: 3, backend: b });
    expect((relu.layers[0] as unknown as { kernelInitializer: string }).kernelInitializer).toBe('heNormal');
    const { x, y } = blobs(150);
    await relu.fit(x, y, { epochs: 30, batchSize: 10, yieldEvery: 'never' });
    expect(relu.evaluate(x, y).accuracy).toBeGreaterThan(0.95);
    const yb = y.map((c) => (c === 0 ? 1 : 0));
    await two.fit(x, yb, { epochs: 30, batchSize: 10, yieldEvery: 'never' });
    expect(two.evaluate(x, yb).accuracy).toBeGreaterThan(0.95);
    for (const m of [two, three, relu]) m.dispose();
  });

  it('regressor: linear outputs + mean squared error, and it fits', async () => {
    const b = await backend();
    const r = regressor({ inputs: 3, outputs: 2, hidden: [], optimizer: sgd({ learningRate: 0.1 }), backend: b });
    expect(r.layers.map((l) => l.describe())).toEqual(['dense 3→2 linear']);
    expect(r.loss.name).toBe('meanSquaredError');
    expect(r.metrics).toEqual([]);
    const n = 64;
    const x = rand(n * 3, 4);
    const y = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) [y[2 * i], y[2 * i + 1]] = [x[3 * i]! - x[3 * i + 2]!, 0.5 * x[3 * i + 1]! + 1];
    await r.fit({ data: x, shape: [n, 3] }, { data: y, shape: [n, 2] }, { epochs: 200, batchSize: 16, yieldEvery: 'never' });
    expect(r.evaluate({ data: x, shape: [n, 3] }, { data: y, shape: [n, 2] }).loss).toBeLessThan(1e-4);
    r.dispose();
  });

  it('bad options are refused', async () => {
    const b = await backend();
    expect(() => classifier({ inputs: 4, classes: 1, backend: b })).toThrow('classifier: classes must be an integer ≥ 2, got 1; for numeric targets use regressor');
    expect(() => classifier({ inputs: 0, classes: 3, backend: b })).toThrow('classifier: inputs must be a positive integer');
    expect(() => classifier({ inputs: 4, classes: 3, hidden: [8, 0], backend: b })).toThrow('hidden[1] must be a positive integer');
    expect(() => classifier({ inputs: 4, classes: 3, hidden: [8], activation: ['relu', 'tanh'], backend: b })).toThrow('activation lists 2 names but hidden has 1 layers');
    expect(() => classifier({ inputs: 4, classes: 3, dropout: 1, backend: b })).toThrow('classifier: dropout must be in [0, 1)');
    expect(() => classifier({ inputs: 4, classes: 3, activation: 'swish', backend: b })).toThrow("unknown activation 'swish'");
    expect(() => regressor({ inputs: 4, outputs: 0, backend: b })).toThrow('regressor: outputs must be a positive integer');
    expect(() => regressor({ inputs: 4, regularization: { l2: -1 }, backend: b })).toThrow('l2 must be a finite number ≥ 0');
  });
});

describe('gradientCheck: backprop vs central differences of the model\'s own loss', () => {
  const rows = 16;
  const nin = 6;
  const x = { data: rand(rows * nin, 3, -1.5, 1.5), shape: [rows, nin] as [number, number] };
  const y = Array.from({ length: rows }, (_, i) => i % 3);

  it('agrees per layer for every activation family, loss, PReLU, maxout and dropout (fixed mask)', async () => {
    await backend(); // the default backend of the models below
    const cases: [string, () => Sequential, string, number][] = [
      ['tanh-sigmoid → softmax', () => sequential([dense({ units: 8, activation: 'tanh', inputShape: [nin] }), dense({ units: 7, activation: 'sigmoid' }), dense({ units: 3, activation: 'softmax' })]), 'crossentropy', 2e-2],
      ['sigmoid → sigmoid quadratic', () => sequential([dense({ units: 8, activation: 'sigmoid', inputShape: [nin] }), dense({ units: 3, activation: 'sigmoid' })]), 'quadratic', 2e-2],
      ['elu-softplus → sigmoid bce', () => sequential([dense({ units: 8, activation: 'elu', inputShape: [nin] }), dense({ units: 8, activation: 'softplus' }), dense({ units: 3, activation: 'sigmoid' })]), 'bce', 2e-2],
      ['relu-leakyRelu → softmax', () => sequential([dense({ units: 8, activation: 'relu', inputShape: [nin] }), dense({ units: 8, activation: 'leakyRelu' }), dense({ units: 3, activation: 'softmax' })]), 'crossentropy', 5e-2],
      ['maxout, prelu, dropout', () => sequential([maxout({ units: 5, pieces: 3, inputShape: [nin] }), dense({ units: 8 }), prelu(), dropout({ rate: 0.3 }), dense({ units: 3, activation: 'softmax' })]), 'crossentropy', 2e-2],
    ];
    for (const [name, make, loss, tol] of cases) {
      const m = make();
      m.compile({ loss, optimizer: sgd() });
      const before = m.getWeights();
      const r = gradientCheck(m, x, y);
      expect(r.maxRelativeError, `${name}: ${JSON.stringify(r.layers)}`).toBeLessThan(tol);
      // Kinks are left out, not hidden: most elements are compared.
      for (const l of r.layers) expect(l.kinks, name).toBeLessThan(l.checked);
      for (const l of r.layers) expect(l.normRelativeError, name).toBeLessThan(1e-2);
      expect(r.layers.map((l) => l.layer)).toEqual(m.network.params.map((p) => p.layer).filter((v, i, a) => a.indexOf(v) === i));
      // θ is left exactly as it was.
      expect(m.getWeights().map((t) => Array.from(t))).toEqual(before.map((t) => Array.from(t)));
      m.dispose();
    }
  });

  it('finds a wrong backward and names its layer', async () => {
    const b = await backend();
    const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [nin] }), dense({ units: 8, activation: 'tanh' }), dense({ units: 3, activation: 'softmax' })], { backend: b });
    m.compile({ loss: 'crossentropy', optimizer: sgd() });
    // Break layer 1: its kernel gradient comes out 1.5× too large (a correct one stays below 3e-2).
    const layer = m.layers[1]!;
    const backward = layer.backward.bind(layer);
    layer.backward = (...args: Parameters<typeof backward>) => {
      const r = backward(...args);
      b.k.scale_f32(layer.grad[0]!, 1.5, layer.inUnits * layer.outUnits);
      return r;
    };
    const r = gradientCheck(m, x, y);
    expect(r.layers[0]!.maxRelativeError).toBeLessThan(3e-2);
    expect(r.layers[1]!.maxRelativeError).toBeGreaterThan(0.3);
    expect(r.tensors.find((t) => t.layer === 1 && t.tensor === 'kernel')!.normRelativeError).toBeGreaterThan(0.3);
    expect(r.tensors.find((t) => t.layer === 1 && t.tensor === 'bias')!.maxRelativeError).toBeLessThan(3e-2);
    m.dispose();
  });

  it('bad options are refused', async () => {
    const b = await backend();
    const m = sequential([dense({ units: 3, activation: 'softmax', inputShape: [nin] })], { backend: b }).compile({ loss: 'crossentropy' });
    expect(() => gradientCheck(m, x, y, { epsilon: 0 })).toThrow('gradientCheck: epsilon must be a finite number > 0, got 0.');
    expect(() => gradientCheck(m, x, y, { maxPerTensor: 0 })).toThrow('maxPerTensor must be a positive integer');
    expect(() => gradientCheck(m, { data: rand(10, 1), shape: [2, 5] }, [0, 1])).toThrow('x has 5 columns but the model expects 6');
    m.dispose();
  });
});
