/**
 * Divergence is never silent (src/train/watch.ts, divergence.ts, health.ts, callbacks.ts,
 * crossval.ts, search.ts): the per-epoch checks that run without diagnostics, early stopping's
 * restore when fit ends in an error, search and k-fold ranking a diverging candidate last while
 * keeping the others, and the diagnostics' checks at initialization and their report on the error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  crossValidate,
  DivergenceError,
  dense,
  earlyStopping,
  gridSearch,
  type HealthReport,
  init,
  loadMnist,
  sequential,
  sgd,
  type Backend,
  type Sequential,
} from '../../src/index.js';

let data: Awaited<ReturnType<typeof loadMnist>>['train'] | undefined;
let be: Backend | undefined;
async function mnist(): Promise<{ x: { data: Float32Array; shape: [number, number] }; y: Int32Array; b: Backend }> {
  be ??= await init({ backend: 'wasm' });
  data ??= (await loadMnist({ trainLimit: 2000, testLimit: 0 })).train;
  return { x: { data: data.x.data, shape: [2000, 784] }, y: data.labels, b: be };
}

/** The course's ReLU net at η = 10: every ReLU dies within the first epoch (measured). */
function reluAtEta10(b: Backend): Sequential {
  const m = sequential(
    [
      dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [784] }),
      dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
    { backend: b },
  );
  m.compile({ loss: 'crossentropy', optimizer: sgd({ learningRate: 10 }), metrics: ['accuracy'] });
  return m;
}

/** y = x₀ − 2x₁ + 0.5 on a grid: a linear regression any small η fits. */
const X = Array.from({ length: 40 }, (_, i) => [(i % 8) / 4 - 1, Math.floor(i / 8) / 2 - 1]);
const Y = X.map(([a, c]) => [a! - 2 * c! + 0.5]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('without diagnostics, a diverging run is never silent', () => {
  it('η = 10 on MNIST: fit rejects with a DivergenceError naming the cause and the fix, with the history so far', async () => {
    const { x, y, b } = await mnist();
    const m = reluAtEta10(b);
    const err = await m.fit(x, y, { epochs: 5, batchSize: 10, yieldEvery: 'never' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergenceError);
    const e = err as DivergenceError;
    expect(e.message).toMatch(/collapsed at epoch \d|exploded at epoch \d|the loss became (NaN|Infinity|-Infinity)/);
    expect(e.message).toContain('Lower the learning rate (e.g. 10 → 1)');
    expect(e.history).toBeDefined();
    m.dispose();
  });

  it("divergence: 'warn' trains on and warns once; 'off' is silent", async () => {
    const { x, y, b } = await mnist();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = reluAtEta10(b);
    // A non-finite loss still throws: accept either outcome, but a finite run must have warned.
    const h = await m.fit(x, y, { epochs: 3, batchSize: 10, yieldEvery: 'never', divergence: 'warn' }).catch((e: unknown) => e);
    if (!(h instanceof DivergenceError)) {
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/^simdnn: fit: the (network collapsed|training loss exploded)/);
    }
    m.dispose();
    warn.mockClear();
    const quiet = sequential([dense({ units: 1, inputShape: [2] })], { backend: b });
    quiet.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.1 }) });
    await quiet.fit(X, Y, { epochs: 2, yieldEvery: 'never', divergence: 'off' });
    expect(warn).not.toHaveBeenCalled();
    quiet.dispose();
  });

  it('a healthy run passes every check', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential([dense({ units: 8, activation: 'relu', inputShape: [2] }), dense({ units: 1 })], { backend: b, seed: 4 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.05 }) });
    const h = await m.fit(X, Y, { epochs: 30, batchSize: 8, yieldEvery: 'never' });
    expect(h.history.loss[29]!).toBeLessThan(h.history.loss[0]!);
    m.dispose();
  });

  it('the collapse check looks at the last batch first: no probe pass while a unit of every ReLU layer is active there', async () => {
    const b = await init({ backend: 'wasm' });
    const rows = 300;
    const x = { data: Float32Array.from({ length: rows * 3 }, (_, i) => Math.sin(i)), shape: [rows, 3] as [number, number] };
    const y = { data: Float32Array.from({ length: rows }, (_, i) => Math.cos(i)), shape: [rows, 1] as [number, number] };
    // Forward products over the probe's 256 rows (training batches have 100), and fit's outcome.
    const run = async (activation: 'relu' | 'tanh', dead = false): Promise<[number, unknown]> => {
      const m = sequential([dense({ units: 6, activation, inputShape: [3] }), dense({ units: 1 })], { backend: b, seed: 1 });
      m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.01 }) });
      if (dead) {
        // W₁ = 0 and b₁ = −1: every hidden unit is 0 on every row, and gets no gradient.
        const w = m.getFlatWeights();
        w.fill(0, 0, 18);
        w.fill(-1, 18, 24);
        m.setFlatWeights(w);
      }
      const k = b.k;
      let calls = 0;
      (b as { k: typeof k }).k = {
        ...k,
        gemm_nn_f32: (...a: Parameters<typeof k.gemm_nn_f32>) => {
          if (a[3] === 256) calls++;
          return k.gemm_nn_f32(...a);
        },
      };
      try {
        const out = await m.fit(x, y, { epochs: 2, batchSize: 100, yieldEvery: 'never' }).catch((e: unknown) => e);
        return [calls, out];
      } finally {
        (b as { k: typeof k }).k = k;
        m.dispose();
      }
    };
    const [relu, healthy] = await run('relu');
    expect(healthy).not.toBeInstanceOf(Error);
    expect(relu).toBe(0);
    expect((await run('tanh'))[0]).toBe(0);
    // All dead on the last batch: the probe pass (two layers) confirms it at the epoch's weights.
    const [probe, err] = await run('relu', true);
    expect(probe).toBe(2);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(
      /^fit: the network collapsed at epoch 1: every unit of .* is inactive \(a = 0\) on all 256 probe rows/,
    );
  });

  it('the probe pass reads activations through a view taken after its own allocation (a memory growth leaves older views empty)', async () => {
    const b = await init({ backend: 'wasm' });
    // x = +1 on rows 0–199, −1 on the last batch (rows 200–299): ReLU(x) is active on the probe's rows
    // and dead on the last batch's, so the check runs the probe pass, which must find the layer alive.
    const X = Array.from({ length: 300 }, (_, i) => [i < 200 ? 1 : -1]);
    const Y = X.map(() => [0]);
    const m = sequential([dense({ units: 1, activation: 'relu', inputShape: [1] }), dense({ units: 1 })], { backend: b, seed: 1 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 1e-9 }) });
    m.setFlatWeights(Float32Array.from([1, 0, 1, 0])); // W₁ = 1, b₁ = 0, W₂ = 1, b₂ = 0
    // The probe plan's allocation grows the memory first (a block the size of the heap, freed at once).
    const net = m.network;
    const plan = net.plan.bind(net);
    let grew = 0;
    net.plan = (rows: number, training: boolean) => {
      if (rows === 256 && !training) {
        const before = b.heap.byteLength;
        b.heap.free(b.heap.alloc(before));
        if (b.heap.byteLength > before) grew++;
      }
      return plan(rows, training);
    };
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 100, shuffle: false, yieldEvery: 'never' });
    expect(grew).toBe(1);
    expect(h.history.loss).toHaveLength(1);
    m.dispose();
  });

  it('an exploding loss is measured against the first batch, at the initial weights', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential([dense({ units: 1, inputShape: [2] })], { backend: b, seed: 4 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 2 }) });
    // The first batch (no shuffle): rows 0–7, before any update; the whole set's loss differs.
    const first = m.evaluate(X.slice(0, 8), Y.slice(0, 8)).loss;
    expect(Number(m.evaluate(X, Y).loss.toPrecision(3))).not.toBe(Number(first.toPrecision(3)));
    const err = await m.fit(X, Y, { epochs: 3, batchSize: 8, shuffle: false, yieldEvery: 'never' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergenceError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^fit: the training loss exploded at epoch 1: /);
    const [, loss, ratio, initial] = /exploded at epoch 1: ([\d.e+]+), ([\d.e+]+)× its value at the initial weights \(([\d.e+]+)\)/.exec(
      msg,
    )!;
    expect(Number(initial)).toBe(Number(first.toPrecision(3)));
    expect(Number(ratio)).toBeGreaterThanOrEqual(100);
    expect(Number(ratio)).toBeCloseTo(Number(loss) / first, -Math.log10(Number(ratio)) + 2);
    m.dispose();
  });
});

describe('early stopping restores the best weights when fit ends in an error', () => {
  it('weights poisoned after epoch 3: fit rejects, and the model holds the best epoch again', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential([dense({ units: 1, inputShape: [2] })], { backend: b, seed: 2 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.05 }) });
    const es = earlyStopping({ monitor: 'loss', patience: 20, restoreBestWeights: true });
    const snapshots: Float32Array[][] = [];
    const losses: number[] = [];
    const err = await m
      .fit(X, Y, {
        epochs: 10,
        batchSize: 8,
        yieldEvery: 'never',
        callbacks: [
          es,
          {
            onEpochEnd: (epoch, logs) => {
              snapshots.push(m.getWeights());
              losses.push(logs.loss);
              if (epoch === 2) m.setWeights(m.getWeights().map((w) => w.fill(Number.NaN)));
            },
          },
        ],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).message).toMatch(/the loss became NaN at epoch 4, batch 1/);
    expect(es.restored).toBe(true);
    const best = losses.indexOf(Math.min(...losses));
    expect(es.bestEpoch).toBe(best);
    expect(m.getWeights().map((w) => Array.from(w))).toEqual(snapshots[best]!.map((w) => Array.from(w)));
    m.dispose();
  });
});

describe('k-fold and search keep the other candidates when one diverges', () => {
  const build = (b: Backend) => (p: { learningRate?: unknown }) => {
    const m = sequential([dense({ units: 1, inputShape: [2] })], { backend: b, seed: 1 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: p.learningRate as number }) });
    return m;
  };

  it('crossValidate: the diverged folds have NaN scores and the reason; the result counts them', async () => {
    const b = await init({ backend: 'wasm' });
    const cv = await crossValidate(() => build(b)({ learningRate: 1e6 }), X, Y, {
      k: 4,
      fitOptions: { epochs: 5, batchSize: 8, yieldEvery: 'never' },
    });
    expect(cv.diverged).toBe(4);
    for (const f of cv.folds) {
      expect(f.loss).toBeNaN();
      expect(f.diverged).toMatch(/training diverged|exploded|collapsed/);
    }
    expect(cv.loss.mean).toBeNaN();
  });

  it('search: a candidate at η = 10⁶ ranks last; the others are scored as usual', async () => {
    const b = await init({ backend: 'wasm' });
    const seen: number[] = [];
    const r = await gridSearch(build(b), X, Y, {
      space: { learningRate: [0.05, 1e6, 0.1] },
      k: 3,
      fitOptions: { epochs: 20, batchSize: 8, yieldEvery: 'never' },
      onTrial: (t) => seen.push(t.index),
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(r.trials).toHaveLength(3);
    const bad = r.trials[1]!;
    expect(bad.diverged).toBe(3);
    expect(bad.score).toBeNaN();
    expect(r.ranked[2]).toBe(bad);
    for (const t of [r.trials[0]!, r.trials[2]!]) {
      expect(t.diverged).toBe(0);
      expect(Number.isFinite(t.score)).toBe(true);
    }
    expect(r.best.params.learningRate).not.toBe(1e6);
  });
});

describe('diagnostics: checks at initialization, advice for the cause, the report on the error', () => {
  it('huge initial biases stop fit before the first step, advising zero biases (not heNormal)', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential(
      [
        dense({
          units: 8,
          activation: 'relu',
          kernelInitializer: 'heNormal',
          biasInitializer: { name: 'constant', value: 500 },
          inputShape: [2],
        }),
        dense({ units: 1 }),
      ],
      { backend: b },
    );
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.01 }) });
    const before = m.getWeights().map((w) => Array.from(w));
    const err = await m.fit(X, Y, { epochs: 3, batchSize: 8, yieldEvery: 'never', diagnostics: { onWarning: () => {} } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergenceError);
    const e = err as DivergenceError;
    expect(e.message).toMatch(/exploding biases at initialization: the bias of layer 0 \(dense 2→8 relu\) has RMS 500/);
    expect(e.message).toContain("Initialize the biases with 'zeros'");
    expect(e.message).not.toContain('heNormal');
    expect(e.report?.epoch).toBe(-1);
    expect(m.getWeights().map((w) => Array.from(w))).toEqual(before); // no step was taken
    m.dispose();
  });

  it('huge initial weights are named as such, with the initialization advice', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential(
      [dense({ units: 8, activation: 'tanh', kernelInitializer: { name: 'constant', value: 50 }, inputShape: [2] }), dense({ units: 1 })],
      {
        backend: b,
      },
    );
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.01 }) });
    const err = await m.fit(X, Y, { epochs: 1, yieldEvery: 'never', diagnostics: { onWarning: () => {} } }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /exploding weights at initialization: the kernel of layer 0 \(dense 2→8 tanh\) has RMS 50, 50× heNormal/,
    );
    expect((err as Error).message).toContain('Use a scaled initialization');
    m.dispose();
  });

  it('a layer without any gradient is reported as such (never "Infinity× slower")', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential(
      [dense({ units: 4, activation: 'relu', kernelInitializer: 'zeros', biasInitializer: 'zeros', inputShape: [2] }), dense({ units: 1 })],
      { backend: b },
    );
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.01 }) });
    const warnings: string[] = [];
    await m.fit(X, Y, { epochs: 1, yieldEvery: 'never', divergence: 'off', diagnostics: { onWarning: (w) => warnings.push(w) } });
    const vanishing = warnings.find((w) => w.startsWith('vanishing gradients'));
    expect(vanishing).toMatch(/layer 0 \(dense 2→4 relu\) gets no gradient at all, unlike layer 1/);
    expect(warnings.join('\n')).not.toContain('Infinity');
    m.dispose();
  });

  it('when fit throws, the error keeps the last health report', async () => {
    const b = await init({ backend: 'wasm' });
    const m = sequential([dense({ units: 1, inputShape: [2] })], { backend: b, seed: 2 });
    m.compile({ loss: 'mse', optimizer: sgd({ learningRate: 0.05 }) });
    const err = await m
      .fit(X, Y, {
        epochs: 5,
        batchSize: 8,
        yieldEvery: 'never',
        diagnostics: { onWarning: () => {} },
        callbacks: {
          onEpochEnd: (epoch) => {
            if (epoch === 1) m.setWeights(m.getWeights().map((w) => w.fill(Number.NaN)));
          },
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    const report = (err as DivergenceError).report as HealthReport;
    expect(report.epoch).toBe(1);
    expect(report.layers).toHaveLength(1);
    m.dispose();
  });
});
