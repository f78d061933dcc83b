/**
 * fitInWorker in Node (worker_threads), on the BUILT package: dist/node.js starts dist/worker-node.js,
 * as a user's install would. The reference is main-thread `fit` on an identical model in this
 * process: same seed, same backend kind and SIMD level, so the weights must match byte for byte.
 * Needs `npm run build` first (`npm test` runs it).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Lib = typeof import('../../src/index.js');
type Model = ReturnType<Lib['sequential']>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let lib: Lib;

/** 10 classes in `cols` dimensions: a fixed prototype per class plus seeded noise (learnable, not trivial). */
function clusters(rows: number, cols: number, seed: number): { x: { data: Float32Array; shape: [number, number] }; y: Int32Array } {
  const rng = new lib.Rng(seed);
  const protos = new Rng2(7, cols * 10);
  const x = new Float32Array(rows * cols);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 10;
    y[r] = c;
    for (let j = 0; j < cols; j++) x[r * cols + j] = protos.v[c * cols + j]! + 1.2 * (rng.uniform() - 0.5);
  }
  return { x: { data: x, shape: [rows, cols] }, y };
}
/** Fixed prototypes in [-1, 1] (a tiny LCG, independent of the library). */
class Rng2 {
  v: Float32Array;
  constructor(seed: number, n: number) {
    this.v = new Float32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      this.v[i] = (s / 2 ** 32) * 2 - 1;
    }
  }
}

const COLS = 64;

function makeModel(optimizer: ReturnType<Lib['sgd']> | ReturnType<Lib['adam']>, backend?: Awaited<ReturnType<Lib['init']>>): Model {
  const { sequential, dense, dropout } = lib;
  const m = sequential(
    [dense({ units: 32, activation: 'relu', inputShape: [COLS] }), dropout({ rate: 0.1 }), dense({ units: 10, activation: 'softmax' })],
    { seed: 3, backend },
  );
  m.compile({ loss: 'categoricalCrossentropy', optimizer, metrics: ['accuracy'] });
  return m;
}

const bytes = (m: Model): Uint8Array => new Uint8Array(m.getFlatWeights().buffer);

beforeAll(async () => {
  for (const f of ['dist/node.js', 'dist/worker-node.js', 'dist/simdnn.wasm']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` runs it).`);
  }
  // The Node build (what `import 'simdnn'` resolves to in Node: the "node" export condition).
  lib = (await import(pathToFileURL(join(ROOT, 'dist/node.js')).href)) as Lib;
  await lib.init();
});

describe('fitInWorker (Node, worker_threads, built package)', () => {
  it('gives the same weights, byte for byte, and the same History as main-thread fit (wasm, sgd + momentum, dropout, validation)', async () => {
    const { x, y } = clusters(600, COLS, 1);
    const opts = { epochs: 3, batchSize: 32, seed: 5, validationSplit: 0.2 };
    const a = makeModel(lib.sgd({ learningRate: 0.05, momentum: 0.9 }));
    const b = makeModel(lib.sgd({ learningRate: 0.05, momentum: 0.9 }));
    expect(bytes(a)).toEqual(bytes(b));
    const ha = await a.fit(x, y, { ...opts, yieldEvery: 'never' });
    const hb = await lib.fitInWorker(b, x, y, opts).done;
    expect(a.backend.name).toBe('wasm');
    expect(Buffer.from(bytes(b)).equals(Buffer.from(bytes(a)))).toBe(true);
    expect(hb.history.loss).toEqual(ha.history.loss);
    expect(hb.history.valAccuracy).toEqual(ha.history.valAccuracy);
    expect(hb.epoch).toEqual([0, 1, 2]);
    // The model on the calling side works with the weights it got back.
    expect(b.evaluate(x, y).loss).toBe(a.evaluate(x, y).loss);
    expect(x.data.length).toBe(600 * COLS); // not transferred: the caller's array is intact
  });

  it('continues a fit where the model stands: two worker fits with Adam equal two main-thread fits (step count and moments travel)', async () => {
    const { x, y } = clusters(300, COLS, 2);
    const a = makeModel(lib.adam({ learningRate: 0.01 }));
    const b = makeModel(lib.adam({ learningRate: 0.01 }));
    await a.fit(x, y, { epochs: 1, batchSize: 50, seed: 1, yieldEvery: 'never' });
    await a.fit(x, y, { epochs: 1, batchSize: 50, seed: 2, yieldEvery: 'never' });
    await lib.fitInWorker(b, x, y, { epochs: 1, batchSize: 50, seed: 1 }).done;
    expect(b.session.step).toBe(6);
    await lib.fitInWorker(b, x, y, { epochs: 1, batchSize: 50, seed: 2 }).done;
    expect(b.session.step).toBe(a.session.step);
    expect(Buffer.from(bytes(b)).equals(Buffer.from(bytes(a)))).toBe(true);
  });

  it('matches on the js backend too, and with transfer: true hands over (detaches) the caller’s arrays', async () => {
    const js = await lib.init({ backend: 'js' });
    const wasm = await lib.init(); // back to the default for the other tests
    const mk = () => {
      const d = clusters(200, COLS, 3);
      return d;
    };
    const a = makeModel(lib.sgd({ learningRate: 0.1 }), js);
    const b = makeModel(lib.sgd({ learningRate: 0.1 }), js);
    const da = mk();
    const db = mk();
    await a.fit(da.x, da.y, { epochs: 2, batchSize: 40, yieldEvery: 'never' });
    await lib.fitInWorker(b, db.x, db.y, { epochs: 2, batchSize: 40, transfer: true }).done;
    expect(b.backend.name).toBe('js');
    expect(Buffer.from(bytes(b)).equals(Buffer.from(bytes(a)))).toBe(true);
    expect(db.x.data.length).toBe(0); // handed over
    expect(db.y.length).toBe(200); // class indices are converted to one-hot rows: the caller keeps them
    expect(wasm.name).toBe('wasm');
  });

  it('passes init options through: a WebAssembly.Module the caller compiled reaches the worker (baseline build, same bytes)', async () => {
    const { readFile } = await import('node:fs/promises');
    const module = await WebAssembly.compile(await readFile(join(ROOT, 'dist/simdnn.wasm')));
    const baseline = await lib.init({ wasm: module });
    await lib.init(); // back to the default for the other tests
    const { x, y } = clusters(200, COLS, 11);
    const a = makeModel(lib.sgd({ learningRate: 0.1 }), baseline);
    const b = makeModel(lib.sgd({ learningRate: 0.1 }), baseline);
    await a.fit(x, y, { epochs: 2, batchSize: 40, yieldEvery: 'never' });
    await lib.fitInWorker(b, x, y, { epochs: 2, batchSize: 40, init: { wasm: module } }).done;
    expect(baseline.simd).toBe('simd');
    expect(Buffer.from(bytes(b)).equals(Buffer.from(bytes(a)))).toBe(true);
  });

  it('streams epoch and batch logs in order', async () => {
    const { x, y } = clusters(400, COLS, 4);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const events: string[] = [];
    const history = await lib.fitInWorker(m, x, y, {
      epochs: 3,
      batchSize: 20, // 20 batches per epoch
      batchLogEvery: 6,
      onBatchEnd: (batch, logs, epoch) => {
        expect(logs.size).toBe(20);
        expect(logs.batches).toBe(20);
        expect(Number.isFinite(logs.loss)).toBe(true);
        events.push(`b${epoch}.${batch}`);
      },
      onEpochEnd: (epoch, logs) => {
        expect(typeof logs.accuracy).toBe('number');
        events.push(`e${epoch}`);
      },
    }).done;
    const perEpoch = (e: number) => [0, 6, 12, 18].map((b) => `b${e}.${b}`);
    expect(events).toEqual([...perEpoch(0), 'e0', ...perEpoch(1), 'e1', ...perEpoch(2), 'e2']);
    expect(history.epoch).toEqual([0, 1, 2]);
  });

  it('stop() ends training after the current batch; done resolves with the History so far and those weights', async () => {
    const { x, y } = clusters(2000, COLS, 5);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const before = bytes(m).slice();
    let batches = 0;
    const job = lib.fitInWorker(m, x, y, {
      epochs: 50,
      batchSize: 10,
      batchLogEvery: 1,
      onBatchEnd: () => {
        if (++batches === 30) job.stop();
      },
    });
    const history = await job.done;
    expect(history.epoch.length).toBeGreaterThanOrEqual(1);
    expect(history.epoch.length).toBeLessThan(50);
    expect(m.session.step).toBeGreaterThanOrEqual(30);
    expect(m.session.step).toBeLessThan(50 * 200);
    expect(Buffer.from(bytes(m)).equals(Buffer.from(before))).toBe(false);
  });

  it('stop() right after the call (before the worker has loaded) still stops: done resolves with no epochs and the weights as they were', async () => {
    const { x, y } = clusters(500, COLS, 13);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const before = bytes(m).slice();
    const job = lib.fitInWorker(m, x, y, { epochs: 1000, batchSize: 10 });
    job.stop();
    const history = await job.done;
    expect(history.epoch).toEqual([]);
    expect(m.session.step).toBe(0);
    expect(Buffer.from(bytes(m)).equals(Buffer.from(before))).toBe(true);
  });

  it('terminate() rejects done at once with a clear error, and the model keeps its weights', async () => {
    const { x, y } = clusters(2000, COLS, 6);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const before = bytes(m).slice();
    const job = lib.fitInWorker(m, x, y, { epochs: 1000, batchSize: 10, onEpochEnd: () => job.terminate() });
    await expect(job.done).rejects.toThrow(/terminated .*before training finished; the model keeps its weights/);
    expect(Buffer.from(bytes(m)).equals(Buffer.from(before))).toBe(true);
  });

  it('a worker that dies mid-fit rejects done with a clear error (no hang)', async () => {
    const { x, y } = clusters(1000, COLS, 7);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    // A worker script that runs dist/worker.js and kills its thread after the first epoch log.
    const dying = pathToFileURL(join(ROOT, 'test/worker/dying-worker.mjs'));
    const job = lib.fitInWorker(m, x, y, { epochs: 1000, batchSize: 10, worker: dying });
    await expect(job.done).rejects.toThrow(/the worker exited \(code 7\) before training finished/);
  });

  it('a callback that throws ends the job and rejects done with its error (as fit would)', async () => {
    const { x, y } = clusters(400, COLS, 12);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const job = lib.fitInWorker(m, x, y, {
      epochs: 100,
      batchSize: 10,
      onEpochEnd: (epoch) => {
        if (epoch === 1) throw new Error('chart broke at epoch 1');
      },
    });
    await expect(job.done).rejects.toThrow('chart broke at epoch 1');
  });

  it('errors inside the worker reject done: a DivergenceError stays one (with its History)', async () => {
    const { x, y } = clusters(200, COLS, 8);
    const m = makeModel(lib.sgd({ learningRate: 1e6 }));
    const job = lib.fitInWorker(m, x, y, { epochs: 20, batchSize: 20 });
    const e = await job.done.catch((err: unknown) => err);
    expect(e).toBeInstanceOf(lib.DivergenceError);
    expect((e as Error).message).toMatch(/learning rate|non-finite|diverg|explod/i);
    expect((e as InstanceType<Lib['DivergenceError']>).history).toBeDefined();
  });

  it('early stopping by config stops at the same epoch with the same restored weights as the callback on the main thread', async () => {
    const { x, y } = clusters(300, COLS, 9);
    const es = { monitor: 'valLoss', patience: 1, restoreBestWeights: true, minDelta: 0.05 };
    const a = makeModel(lib.sgd({ learningRate: 0.2, momentum: 0.9 }));
    const b = makeModel(lib.sgd({ learningRate: 0.2, momentum: 0.9 }));
    const opts = { epochs: 40, batchSize: 30, validationSplit: 0.3 };
    const ha = await a.fit(x, y, { ...opts, yieldEvery: 'never', callbacks: [lib.earlyStopping(es)] });
    const hb = await lib.fitInWorker(b, x, y, { ...opts, earlyStopping: es }).done;
    expect(ha.epoch.length).toBeLessThan(40);
    expect(hb.epoch).toEqual(ha.epoch);
    expect(Buffer.from(bytes(b)).equals(Buffer.from(bytes(a)))).toBe(true);
  });

  it('refuses bad input on the calling side, before a worker starts, naming the problem and the fix', () => {
    const { x, y } = clusters(50, COLS, 10);
    const m = makeModel(lib.sgd({ learningRate: 0.05 }));
    const bad = (f: () => unknown, re: RegExp) => expect(f).toThrow(re);
    bad(() => lib.fitInWorker(m, { data: new Float32Array(50 * 3), shape: [50, 3] }, y), /x has 3 columns but the model expects 64/);
    bad(() => lib.fitInWorker(m, x, new Int32Array(50).fill(12)), /label 12 at row 0 is out of range for 10 classes/);
    bad(
      () => lib.fitInWorker(m, x, y, { callbacks: [lib.earlyStopping()] } as never),
      /callback objects cannot cross into a worker.*earlyStopping: \{/,
    );
    bad(() => lib.fitInWorker(m, x, y, { earlyStopping: { patience: -1 } }), /earlyStopping.*patience/);
    bad(() => lib.fitInWorker(m, x, y, { epohcs: 3 } as never), /unknown option 'epohcs'/);
    bad(() => lib.fitInWorker(m, x, y, { yieldEvery: 'batch' } as never), /yieldEvery does not apply/);
    bad(() => lib.fitInWorker(m, x, y, { epochs: 0 }), /epochs/);
    bad(() => lib.fitInWorker(m, x, y, { validationSplit: 0.001 }), /validationSplit 0.001 of 50 rows leaves 0 validation/);
    bad(() => lib.fitInWorker(m, x, y, { onBatchEnd: () => {}, batchLogEvery: 0 }), /batchLogEvery/);
    bad(() => lib.fitInWorker(m, x, y, { diagnostics: { onWarning: () => {} } }), /diagnostics.onWarning is a function/);
    const raw = lib.sequential([lib.dense({ units: 2, inputShape: [COLS] })]);
    bad(() => lib.fitInWorker(raw, x, y), /not compiled yet: call model.compile/);
  });
});
