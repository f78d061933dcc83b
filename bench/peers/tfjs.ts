/**
 * TF.js on its wasm backend (loaded by bench/tfjs.ts, single-threaded in Node) for any layer list.
 *
 * Training is the manual loop of bench/tfjs.ts ("loop" mode): per step, gather a shuffled batch on
 * the device and `optimizer.minimize` the mean cross-entropy; the loss is read once per chunk (the
 * wasm backend runs ops synchronously, so reading it closes the chunk). In the MNIST section that loop
 * was at least as fast as `model.fit`, so it is the fair peer figure.
 * Predict: `tf.tidy(() => model.predict(tf.tensor2d(x)).dataSync())`, one call for one row and one
 * call with `batchSize: rows` for the batch row (a single product per layer, XNNPACK's best case).
 */
import type * as TF from '@tensorflow/tfjs';
import { loadTfjsWasm } from '../tfjs.js';
import {
  LEARNING_RATE,
  MOMENTUM,
  heWeights,
  oneHot,
  shuffle,
  timeChunks,
  type Layers,
  type Predictor,
  type TrainData,
  type Trainer,
} from './common.js';

/** ReLU hidden layers, softmax output, weights from heWeights. */
function tfjsNet(tf: typeof TF, layers: Layers): TF.Sequential {
  const model = tf.sequential();
  for (let l = 1; l < layers.length; l++) {
    const last = l === layers.length - 1;
    model.add(
      tf.layers.dense({ units: layers[l]!, activation: last ? 'softmax' : 'relu', ...(l === 1 ? { inputShape: [layers[0]!] } : {}) }),
    );
  }
  const ws = heWeights(layers);
  model.setWeights(ws.flatMap((p, l) => [tf.tensor2d(p.w, [layers[l]!, layers[l + 1]!]), tf.tensor1d(p.b)]));
  return model;
}

export async function tfjsTrainer(layers: Layers, batchSize: number, data: TrainData): Promise<Trainer> {
  const tf = await loadTfjsWasm();
  const classes = layers[layers.length - 1]!;
  const model = tfjsNet(tf, layers);
  const optimizer = tf.train.momentum(LEARNING_RATE, MOMENTUM);
  const X = tf.tensor2d(data.x.subarray(0, data.rows * data.inputs), [data.rows, data.inputs]);
  const Y = tf.tensor2d(oneHot(data.labels, classes), [data.rows, classes]);
  const perm = new Int32Array(data.rows).map((_, i) => i);
  const rng = { s: 0x9e3779b9 };
  let pos = data.rows; // shuffle on first use
  let lastLoss = NaN;

  async function run(steps: number): Promise<void> {
    let cost: TF.Scalar | null = null;
    for (let s = 0; s < steps; s++) {
      if (pos + batchSize > data.rows) {
        shuffle(perm, rng);
        pos = 0;
      }
      const idx = perm.subarray(pos, pos + batchSize);
      pos += batchSize;
      cost?.dispose();
      cost = tf.tidy((): TF.Scalar => {
        const it = tf.tensor1d(idx, 'int32');
        const xb = tf.gather(X, it);
        const yb = tf.gather(Y, it);
        return optimizer.minimize(() => tf.metrics.categoricalCrossentropy(yb, model.apply(xb) as TF.Tensor).mean() as TF.Scalar, true)!;
      });
    }
    lastLoss = cost ? cost.dataSync()[0]! : NaN;
    cost?.dispose();
  }

  return {
    async warmUp(steps) {
      await run(steps); // kernel setup, optimizer slots
      const t0 = performance.now();
      await run(steps);
      return (steps * batchSize) / ((performance.now() - t0) / 1000);
    },
    segment: (chunkSteps, seconds, minChunks) => timeChunks(run, batchSize, chunkSteps, seconds, minChunks),
    loss: () => lastLoss,
    dispose() {
      model.dispose();
      optimizer.dispose();
      X.dispose();
      Y.dispose();
    },
  };
}

export async function tfjsPredictor(layers: Layers): Promise<Predictor> {
  const tf = await loadTfjsWasm();
  const model = tfjsNet(tf, layers);
  const d = layers[0]!;
  return {
    one(row) {
      const out = tf.tidy(() => (model.predict(tf.tensor2d(row, [1, d])) as TF.Tensor).dataSync());
      return out[0]!;
    },
    batch(x, rows) {
      const out = tf.tidy(() =>
        (model.predict(tf.tensor2d(x.subarray(0, rows * d), [rows, d]), { batchSize: rows }) as TF.Tensor).dataSync(),
      );
      return out[0]! + out[out.length - 1]!;
    },
    dispose: () => model.dispose(),
  };
}
