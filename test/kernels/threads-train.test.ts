/**
 * Threaded training (src/kernels/threads.ts, threaded.ts, pool.ts): the weights after training
 * with 2 and 3 threads are bit-identical to one thread, and so are the predictions, on the
 * baseline and the relaxed build, for a 784-128-10 and a deeper net with SGD (momentum) and Adam,
 * and for 784-512-256-10 with Adam (its forward products split by slices of k: threads-kslices.test.ts).
 * The shapes are chosen so that the calls really are split whatever thresholds the pool measured
 * (batch 64: every hidden-layer GEMM is over GEMM_SPLIT_CEILING_FLOP; the deeper net has more than
 * HEAVY_SPLIT_CEILING weights in its first layer, so Adam's update is split too), which the test
 * checks by counting posted jobs.
 * Also: the heap grows in the middle of threaded training (every worker must see the new pages),
 * and the fallback without SharedArrayBuffer trains on one thread and says so once.
 */
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { adam, dense, init, sequential, sgd, type Backend } from '../../src/index.js';
import { KERNEL_INDEX } from '../../src/kernels/pool.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { rand } from '../helpers/conformance.js';

const ROWS = 640;
const BATCH = 64;
const x = { data: rand(ROWS * 784, 11, 0, 1), shape: [ROWS, 784] as [number, number] };
const labels = Int32Array.from({ length: ROWS }, (_, i) => (i * 7 + (i >> 3)) % 10);

const created: Backend[] = [];
afterAll(async () => {
  await Promise.all(created.map((b) => b.dispose()));
});

async function backend(simd: 'baseline' | 'relaxed', threads: number, initialHeapBytes?: number): Promise<Backend> {
  const b = await init({ backend: 'wasm', simd, threads, initialHeapBytes });
  created.push(b);
  expect(b.threads).toBe(threads);
  return b;
}

type Net = 'mnist' | 'deep' | 'wide';
type Opt = 'sgd' | 'adam';

/**
 * Trains `net` for `epochs` epochs of ROWS/BATCH steps; `between` runs between the epochs (used to
 * force heap growth). Returns the weights and the predictions for x.
 */
async function train(b: Backend, net: Net, opt: Opt, epochs = 2, between?: () => void): Promise<{ w: Float32Array; p: Float32Array }> {
  const layers =
    net === 'mnist'
      ? [dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]
      : net === 'wide'
        ? [
            dense({ units: 512, activation: 'relu', inputShape: [784] }),
            dense({ units: 256, activation: 'relu' }),
            dense({ units: 10, activation: 'softmax' }),
          ]
        : [
            dense({ units: 200, activation: 'tanh', inputShape: [784] }),
            dense({ units: 96, activation: 'relu' }),
            dense({ units: 10, activation: 'softmax' }),
          ];
  const m = sequential(layers, { seed: 3, backend: b });
  m.compile({
    loss: 'categoricalCrossentropy',
    optimizer: opt === 'sgd' ? sgd({ learningRate: 0.05, momentum: 0.9 }) : adam({ learningRate: 1e-3 }),
  });
  for (let e = 0; e < epochs; e++) {
    await m.fit(x, labels, { epochs: 1, batchSize: BATCH, shuffle: true, seed: 5 + e, yieldEvery: 'never' });
    between?.();
  }
  const out = { w: m.getFlatWeights(), p: m.predict(x).data.slice() };
  m.dispose();
  return out;
}

function expectBitIdentical(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) expect.fail(`${what}: element ${i} is ${got[i]}, one thread gives ${want[i]}`);
  }
}

// test/setup.ts enables relaxed SIMD on Node 20 (newer engines ship it): both builds run here.
const levels = ['baseline', 'relaxed'] as const;

describe('threaded training is bit-identical to one thread', () => {
  for (const simd of levels) {
    for (const [net, opt] of [
      ['mnist', 'sgd'],
      ['mnist', 'adam'],
      ['deep', 'adam'],
      ['deep', 'sgd'],
      ['wide', 'adam'],
    ] as [Net, Opt][]) {
      it(`${net} + ${opt}, ${simd} build: weights and predictions with 2 and 3 threads equal 1 thread`, async () => {
        const one = await train(await backend(simd, 1), net, opt);
        for (const threads of [2, 3]) {
          const b = await backend(simd, threads);
          const pool = threadPoolOf(b)!;
          const before = pool.jobs;
          const kBefore = pool.jobsByKernel[KERNEL_INDEX.gemm_nn_kslices_f32]!;
          const got = await train(b, net, opt);
          // The calls were split: jobs went to the workers (each step posts several), the forward
          // products of the layers wider than the batch by slices of k (784-512-256-10: two a step,
          // Z₁'s 4 slices over every thread, Z₂'s 2 over two).
          expect(pool.jobs - before).toBeGreaterThan((2 * ROWS) / BATCH);
          if (net === 'wide')
            expect(pool.jobsByKernel[KERNEL_INDEX.gemm_nn_kslices_f32]! - kBefore).toBeGreaterThanOrEqual(threads * ((2 * ROWS) / BATCH));
          expectBitIdentical(got.w, one.w, `${simd} ${net} ${opt} ${threads} threads: weights`);
          expectBitIdentical(got.p, one.p, `${simd} ${net} ${opt} ${threads} threads: predictions`);
        }
      });
    }
  }
});

describe('memory growth during threaded training', () => {
  it('the heap grows between epochs (and inside fit) while workers run on it: same result as one thread', async () => {
    // A 1 MiB heap: compiling and fitting grow it several times, and a new 32 MiB block after each
    // epoch grows it again (blocks are kept); the workers keep computing on the (shared) memory.
    const grow = (b: Backend) => () => {
      const before = b.heap.byteLength;
      b.heap.alloc(32 << 20);
      expect(b.heap.byteLength).toBeGreaterThan(before);
    };
    const b1 = await backend('baseline', 1, 1 << 20);
    const one = await train(b1, 'mnist', 'sgd', 3, grow(b1));
    const b3 = await backend('baseline', 3, 1 << 20);
    const start = b3.heap.byteLength;
    const got = await train(b3, 'mnist', 'sgd', 3, grow(b3));
    expect(b3.heap.byteLength).toBeGreaterThan(start + (96 << 20));
    expectBitIdentical(got.w, one.w, 'after growth: weights');
    expectBitIdentical(got.p, one.p, 'after growth: predictions');
  });
});

describe('fallback without shared memory', () => {
  it('without SharedArrayBuffer, init({ threads }) runs on one thread, trains, and says so once', async () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    const notices: string[] = [];
    let b1: Backend;
    let b2: Backend;
    try {
      delete g.SharedArrayBuffer;
      b1 = await init({ backend: 'wasm', simd: 'baseline', threads: 3, onNotice: (m) => notices.push(m) });
      b2 = await init({ backend: 'wasm', simd: 'baseline', threads: 'auto', onNotice: (m) => notices.push(m) });
    } finally {
      g.SharedArrayBuffer = saved;
    }
    created.push(b1, b2);
    expect(b1.threads).toBe(1);
    expect(b2.threads).toBe(1);
    expect(threadPoolOf(b1)).toBeUndefined();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/threads were requested but SharedArrayBuffer is not available .*; running on one thread/);
    // It trains, exactly as a one-thread backend does.
    const want = await train(await backend('baseline', 1), 'mnist', 'sgd', 1);
    const got = await train(b1, 'mnist', 'sgd', 1);
    expectBitIdentical(got.w, want.w, 'fallback: weights');
  });
});

describe('the threads option', () => {
  it("'auto' uses the available cores (at most 8), one worker per core besides the calling thread", async () => {
    const b = await init({ backend: 'wasm', threads: 'auto' });
    created.push(b);
    const want = Math.min(8, availableParallelism());
    expect(b.threads).toBe(want);
    expect(threadPoolOf(b)?.count ?? 0).toBe(want - 1);
  });

  it('the js backend and threads: 1 (the default) start no pool', async () => {
    const js = await init({ backend: 'js', threads: 2, onNotice: () => {} });
    expect(js.threads).toBe(1);
    expect(threadPoolOf(js)).toBeUndefined();
    const one = await init({ backend: 'wasm' });
    expect(one.threads).toBe(1);
    expect(threadPoolOf(one)).toBeUndefined();
  });

  it('refuses bad values with a clear error, before starting anything', async () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN, 'many', null]) {
      await expect(init({ backend: 'wasm', threads: bad as never })).rejects.toThrow(
        /init: threads must be 'auto' or a whole number from 1 to 64, got /,
      );
    }
    await expect(init({ backend: 'wasm', threads: 2, onNotice: 'loud' as never })).rejects.toThrow(/onNotice must be a function/);
  });
});
