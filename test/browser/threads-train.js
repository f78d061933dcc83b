// The training run that test/kernels/threads-browser.test.ts performs both in Chromium (from
// test/browser/threads.html, with the built package) and in Node (with the sources): the same data,
// model, seed and steps, so the weights must come out bit for bit the same. Plain JavaScript so
// that the page can import it as it is.

/** Rows, features and batch: every hidden-layer GEMM of a step is large enough to be split. */
export const ROWS = 512;
export const FEATURES = 784;
export const BATCH = 64;

/** Deterministic inputs in [0, 1) from integer hashing (exact in every engine). */
export function data() {
  const x = new Float32Array(ROWS * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = ((Math.imul(i, 2654435761) >>> 8) & 1023) / 1024;
  const labels = Int32Array.from({ length: ROWS }, (_, i) => (i * 7 + (i >> 3)) % 10);
  return { x: { data: x, shape: [ROWS, FEATURES] }, labels };
}

/** Trains 784-128-64-10 with Adam for 2 epochs on `backend`; returns the flat weights. */
export async function train(lib, backend) {
  const { x, labels } = data();
  const m = lib.sequential(
    [
      lib.dense({ units: 128, activation: 'relu', inputShape: [FEATURES] }),
      lib.dense({ units: 64, activation: 'tanh' }),
      lib.dense({ units: 10, activation: 'softmax' }),
    ],
    { seed: 7, backend },
  );
  m.compile({ loss: 'categoricalCrossentropy', optimizer: lib.adam({ learningRate: 1e-3 }) });
  await m.fit(x, labels, { epochs: 2, batchSize: BATCH, shuffle: true, seed: 3, yieldEvery: 'never' });
  const w = m.getFlatWeights();
  m.dispose();
  return w;
}

/** The weights' bits as hex (for comparing across engines exactly). */
export function bitsHex(w) {
  const u = new Uint32Array(w.buffer, w.byteOffset, w.length);
  let s = '';
  for (let i = 0; i < u.length; i++) s += u[i].toString(16).padStart(8, '0');
  return s;
}
