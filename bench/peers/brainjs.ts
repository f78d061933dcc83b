/**
 * brain.js 2.0.0-beta.24, its CPU `NeuralNetwork` (pure JavaScript; the GPU class needs the optional
 * `gl` package, which does not build here).
 *
 * What differs from the others — its API does not allow the same work:
 * - online SGD: one sample per step (forward, backward, weight update per sample); it has no
 *   mini-batches, so the per-sample update cost (a full pass over the weights) is paid B times more
 *   often than in a batch-B trainer. Its figure is the same work per sample at any "batch size".
 * - `activation` applies to every layer, the output included, and there is no softmax: the output
 *   error is (target − output) on one-hot targets (a squared-error gradient), not cross-entropy.
 *   With ReLU everywhere the outputs die within a few hundred samples (error stuck at 0.1), so it
 *   runs its default, sigmoid, which learns MNIST at η = 0.1, μ = 0.9 (the others' values). The
 *   per-sample arithmetic (three passes over the weights) is the same; sigmoid adds one exp per unit.
 * - no shuffling: `train` walks the rows in order.
 * Inputs are plain `number[]` (brain.js treats typed arrays as key/value objects). Training chunks
 * are `net.train(rows, { iterations: 1 })` calls — one pass over the chunk's rows — as a user writes it.
 */
import { NeuralNetwork } from 'brain.js';
import { LEARNING_RATE, MOMENTUM, timeChunks, type Layers, type Predictor, type TrainData, type Trainer } from './common.js';

type Row = { input: number[]; output: number[] };

function rowsOf(data: TrainData, classes: number): Row[] {
  const out: Row[] = [];
  for (let r = 0; r < data.rows; r++) {
    const output = new Array<number>(classes).fill(0);
    output[data.labels[r]!] = 1;
    out.push({ input: Array.from(data.x.subarray(r * data.inputs, (r + 1) * data.inputs)), output });
  }
  return out;
}

function brainNet(layers: Layers): NeuralNetwork<number[], number[]> {
  return new NeuralNetwork<number[], number[]>({
    inputSize: layers[0]!,
    hiddenLayers: layers.slice(1, -1) as number[],
    outputSize: layers[layers.length - 1]!,
    activation: 'sigmoid',
  });
}

const trainOptions = { iterations: 1, learningRate: LEARNING_RATE, momentum: MOMENTUM, log: false };

/** `batchSize` only sets how many samples a "step" counts (so chunks are comparable); brain.js updates per sample. */
export async function brainjsTrainer(layers: Layers, batchSize: number, data: TrainData): Promise<Trainer> {
  const net = brainNet(layers);
  const rows = rowsOf(data, layers[layers.length - 1]!);
  let pos = 0;
  let lastLoss = NaN;

  async function run(steps: number): Promise<void> {
    const n = steps * batchSize;
    if (pos + n > rows.length) pos = 0;
    const status = net.train(rows.slice(pos, pos + n), trainOptions);
    pos += n;
    lastLoss = status.error;
  }

  return {
    async warmUp(steps) {
      await run(steps);
      const t0 = performance.now();
      await run(steps);
      return (steps * batchSize) / ((performance.now() - t0) / 1000);
    },
    segment: (chunkSteps, seconds, minChunks) => timeChunks(run, batchSize, chunkSteps, seconds, minChunks),
    loss: () => lastLoss,
    dispose() {},
  };
}

/** `net.run(row)` per row; the batch row loops over the rows (brain.js has no batch predict). */
export async function brainjsPredictor(layers: Layers): Promise<Predictor> {
  const net = brainNet(layers);
  const d = layers[0]!;
  // One tiny train call initialises the weights (brain.js sizes and fills them on first train).
  net.train([{ input: new Array<number>(d).fill(0), output: new Array<number>(layers[layers.length - 1]!).fill(0) }], trainOptions);
  // Inputs converted to number[] once, outside the timing (a brain.js user keeps them that way).
  const rowCache = new Map<Float32Array, number[]>();
  const batchCache = new Map<Float32Array, number[][]>();
  const asArray = (row: Float32Array): number[] => {
    let a = rowCache.get(row);
    if (!a) {
      a = Array.from(row);
      rowCache.set(row, a);
    }
    return a;
  };
  const asRows = (x: Float32Array, rows: number): number[][] => {
    let a = batchCache.get(x);
    if (!a) {
      a = Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * d, (r + 1) * d)));
      batchCache.set(x, a);
    }
    return a;
  };
  return {
    one: (row) => net.run(asArray(row))[0]!,
    batch(x, rows) {
      let sum = 0;
      for (const row of asRows(x, rows)) sum += net.run(row)[0]!;
      return sum;
    },
    dispose() {},
  };
}
