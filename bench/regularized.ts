/**
 * Issue-3 claim: MNIST 784-128-10 training throughput with dropout (rate 0.2 after the hidden layer)
 * and L2 weight decay (λ = 5, the course's λ/n convention) stays within 15 % of plain SGD.
 *
 * Method: both models on one wasm backend, trained for one epoch over a 10,000-image subset in
 * turns (plain, regularized, plain, …), ROUNDS rounds after an untimed warm-up epoch each; the rate
 * of a turn is the epoch's own samples/s (the loop only, not the per-fit copy of x into the heap).
 * Medians per configuration and the ratio are quoted.
 *
 * Run alone: node --experimental-wasm-relaxed-simd --import tsx bench/regularized.ts
 */
import { dense, dropout, init, loadMnist, sequential, sgd, type Sequential } from '../src/index.js';
import { fmt, mdTable, median } from './stats.js';

const ROUNDS = 7;

export async function benchRegularized(options: { log?: (s: string) => void; rounds?: number } = {}): Promise<{ markdown: string }> {
  const log = options.log ?? ((s: string) => console.error(s));
  const rounds = options.rounds ?? ROUNDS;
  const backend = await init({ backend: 'wasm' });
  const { train } = await loadMnist({ trainLimit: 10_000, testLimit: 0 });
  const rows: string[][] = [];
  for (const batchSize of [32, 128]) {
    const build = (regularized: boolean): Sequential => {
      const layers = regularized
        ? [
            dense({ units: 128, activation: 'relu', inputShape: [784] }),
            dropout({ rate: 0.2, seed: 3 }),
            dense({ units: 10, activation: 'softmax' }),
          ]
        : [dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })];
      const m = sequential(layers, { seed: 1, backend });
      m.compile({
        loss: 'categoricalCrossentropy',
        optimizer: sgd({ learningRate: 0.02, momentum: 0.9 }),
        metrics: ['accuracy'],
        ...(regularized ? { regularization: { l2: 5 } } : {}),
      });
      return m;
    };
    const models = [build(false), build(true)];
    const rates: number[][] = [[], []];
    const epoch = async (i: number): Promise<number> => {
      let r = 0;
      await models[i]!.fit(train.x, train.labels, {
        epochs: 1,
        batchSize,
        yieldEvery: 'never',
        seed: rates[i]!.length + 1,
        callbacks: {
          onEpochEnd: (_e, logs) => {
            r = logs.samplesPerSecond;
          },
        },
      });
      return r;
    };
    await epoch(0);
    await epoch(1);
    for (let round = 0; round < rounds; round++) {
      for (const i of round % 2 ? [1, 0] : [0, 1]) rates[i]!.push(await epoch(i));
    }
    const [plain, reg] = rates.map(median) as [number, number];
    log(`batch ${batchSize}: plain ${fmt(plain)} samples/s, dropout+L2 ${fmt(reg)} samples/s`);
    rows.push([String(batchSize), fmt(plain), fmt(reg), `${fmt((reg / plain) * 100, 1)} %`]);
    for (const m of models) m.dispose();
  }
  const markdown =
    `simdnn wasm (${backend.simd}), 784-128-10, SGD lr 0.02 momentum 0.9, 10,000 MNIST images, median of ${rounds} interleaved epochs\n\n` +
    mdTable(['batch', 'plain SGD (samples/s)', 'dropout 0.2 + L2 λ=5 (samples/s)', 'regularized / plain'], rows, ['r', 'r', 'r', 'r']);
  return { markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdown } = await benchRegularized({ log: console.log });
  console.log(`\n${markdown}`);
}
