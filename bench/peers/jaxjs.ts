/**
 * jax-js (`@jax-js/jax`) on its wasm device: the training step is one `jit`-compiled function —
 * loss and gradients by `valueAndGrad`, then the momentum update — so jax-js fuses and compiles the
 * whole step into wasm kernels. Arrays follow jax-js's ownership rules (every call consumes its
 * arguments; `tree.ref` keeps parameters alive across calls).
 *
 * Threads: jax-js splits wasm kernels over a pool of Web Workers only where `SharedArrayBuffer` and a
 * global `Worker` exist (browsers). Node has no global Web Worker, so in Node jax-js runs on one
 * thread — like TF.js wasm there. `jaxjsThreading` says which.
 *
 * The loss is read (`dataSync`) after every step: letting steps queue up without reading anything
 * was ~5× slower in trial runs (pending work piles up), and a user reads the loss anyway.
 * Batches are gathered on the host (copy of the shuffled rows) and passed as new arrays each step.
 */
import { init, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import {
  LEARNING_RATE,
  MOMENTUM,
  heWeights,
  shuffle,
  timeChunks,
  type Layers,
  type Predictor,
  type TrainData,
  type Trainer,
} from './common.js';

type Param = { w: np.Array; b: np.Array };
type Params = Param[];

let ready: Promise<void> | undefined;

/** Initialises the wasm device once and makes it the default. */
export function loadJaxjs(): Promise<void> {
  ready ??= init('wasm').then((devices) => {
    if (!devices.includes('wasm')) throw new Error(`jax-js: the wasm device did not initialise (got ${devices.join(', ')})`);
  });
  return ready;
}

/**
 * How jax-js runs its wasm kernels here: over its worker pool (where SharedArrayBuffer and a global
 * Worker exist; it starts navigator.hardwareConcurrency workers, 4 when unknown) or on one thread.
 */
export function jaxjsThreading(): string {
  const g = globalThis as { Worker?: unknown; navigator?: { hardwareConcurrency?: number } };
  if (typeof SharedArrayBuffer === 'undefined' || g.Worker === undefined) return 'one thread (no SharedArrayBuffer or no global Worker)';
  return `a pool of ${Math.max(1, g.navigator?.hardwareConcurrency || 4)} workers`;
}

function params(layers: Layers): Params {
  return heWeights(layers).map((p, l) => ({
    w: np.array(p.w).reshape([layers[l]!, layers[l + 1]!]),
    b: np.array(p.b),
  }));
}

/** Logits: h_{l+1} = relu(h_l · W_l + b_l), no activation on the last layer. Consumes p and x. */
function logits(p: Params, x: np.Array): np.Array {
  let h = x;
  for (let l = 0; l < p.length; l++) {
    const z = np.matmul(h, p[l]!.w).add(p[l]!.b);
    h = l < p.length - 1 ? nn.relu(z) : z;
  }
  return h;
}

/** Mean categorical cross-entropy −(1/B) Σ y · log softmax(logits). Consumes its arguments. */
function loss(p: Params, x: np.Array, y: np.Array): np.Array {
  const rows = x.shape[0]!;
  return nn
    .logSoftmax(logits(p, x), -1)
    .mul(y)
    .sum()
    .mul(-1 / rows);
}

/** One SGD + momentum step: v ← μ·v + g, w ← w − η·v. Returns [params, velocity, loss]. */
const sgdStep = jit((p: Params, v: Params, x: np.Array, y: np.Array) => {
  const [l, g] = valueAndGrad(loss)(tree.ref(p), x, y);
  const v2 = tree.map((vi: np.Array, gi: np.Array) => vi.mul(MOMENTUM).add(gi), v, g) as Params;
  const p2 = tree.map((pi: np.Array, vi: np.Array) => pi.sub(vi.mul(LEARNING_RATE)), p, tree.ref(v2)) as Params;
  return [p2, v2, l] as [Params, Params, np.Array];
});

const probabilities = jit((p: Params, x: np.Array) => nn.softmax(logits(p, x), -1));

export async function jaxjsTrainer(layers: Layers, batchSize: number, data: TrainData): Promise<Trainer> {
  await loadJaxjs();
  const d = data.inputs;
  const classes = layers[layers.length - 1]!;
  let p = params(layers);
  let v = tree.map((a: np.Array) => np.zerosLike(a.ref), p) as Params;
  const perm = new Int32Array(data.rows).map((_, i) => i);
  const rng = { s: 0x9e3779b9 };
  let pos = data.rows;
  const xb = new Float32Array(batchSize * d);
  const yb = new Float32Array(batchSize * classes);
  let lastLoss = NaN;

  async function run(steps: number): Promise<void> {
    for (let s = 0; s < steps; s++) {
      if (pos + batchSize > data.rows) {
        shuffle(perm, rng);
        pos = 0;
      }
      yb.fill(0);
      for (let i = 0; i < batchSize; i++) {
        const r = perm[pos + i]!;
        xb.set(data.x.subarray(r * d, (r + 1) * d), i * d);
        yb[i * classes + data.labels[r]!] = 1;
      }
      pos += batchSize;
      const [p2, v2, l] = sgdStep(p, v, np.array(xb).reshape([batchSize, d]), np.array(yb).reshape([batchSize, classes]));
      p = p2;
      v = v2;
      lastLoss = l.dataSync()[0]!;
    }
  }

  return {
    async warmUp(steps) {
      await run(steps); // tracing and wasm compilation of the step
      const t0 = performance.now();
      await run(steps);
      return (steps * batchSize) / ((performance.now() - t0) / 1000);
    },
    segment: (chunkSteps, seconds, minChunks) => timeChunks(run, batchSize, chunkSteps, seconds, minChunks),
    loss: () => lastLoss,
    dispose() {
      tree.dispose(p);
      tree.dispose(v);
    },
  };
}

/** Inference through the jit-compiled softmax(logits) on [rows × 784] arrays. */
export async function jaxjsPredictor(layers: Layers): Promise<Predictor> {
  await loadJaxjs();
  const p = params(layers);
  const d = layers[0]!;
  return {
    one(row) {
      const out = probabilities(tree.ref(p), np.array(row).reshape([1, d])).dataSync() as Float32Array;
      return out[0]!;
    },
    batch(x, rows) {
      const out = probabilities(tree.ref(p), np.array(x.subarray(0, rows * d)).reshape([rows, d])).dataSync() as Float32Array;
      return out[0]! + out[out.length - 1]!;
    },
    dispose: () => tree.dispose(p),
  };
}
