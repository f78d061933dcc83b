/**
 * Time to a target loss on small regression problems: Levenberg–Marquardt, Newton, Hessian-free,
 * Adam and SGD (momentum 0.9), as epochs and wall seconds of training (the per-epoch full-batch
 * evaluation that checks the target is not counted).
 *
 *   sin:  1-5-1 tanh on 41 points of sin(x), x ∈ [−π, π];           target MSE 1e-4
 *   r13:  13-10-1 tanh on 500 seeded rows y = f(x) + noise (σ 0.05);  target MSE 3e-3
 *
 * First-order methods run mini-batches (8 rows for sin, 32 for r13) with the learning rate tuned
 * over a small grid (the best is reported); second-order methods run their defaults, full batch.
 * Every method starts from the same weights (seed 1, random biases). Medians of `repeats` runs.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/second-order.ts
 */
import { pathToFileURL } from 'node:url';
import {
  adam,
  dense,
  hessianFree,
  init,
  levenbergMarquardt,
  newton,
  Rng,
  sequential,
  sgd,
  type Optimizer,
  type EpochTrainer,
  type Sequential,
} from '../src/index.js';
import { machineLine } from './machine.js';

interface Problem {
  name: string;
  x: Float32Array;
  y: Float32Array;
  rows: number;
  inputs: number;
  hidden: number;
  target: number;
  batchSize: number;
}

function sinProblem(): Problem {
  const rows = 41;
  const x = new Float32Array(rows).map((_, i) => -Math.PI + (2 * Math.PI * i) / (rows - 1));
  return { name: 'sin, 1-5-1 tanh, 41 points', x, y: x.map(Math.sin), rows, inputs: 1, hidden: 5, target: 1e-4, batchSize: 8 };
}

/** y = 0.8·tanh(a·x) + 0.3·sin(b·x) + 0.05·N(0, 1), x ∈ U(−1, 1)¹³, a and b fixed random. */
function regression13(): Problem {
  const rows = 500,
    d = 13;
  const rng = new Rng(2024);
  const a = Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const b = Array.from({ length: d }, () => (2 * rng.normal()) / Math.sqrt(d));
  const x = new Float32Array(rows * d).map(() => 2 * rng.uniform() - 1);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sa = 0,
      sb = 0;
    for (let j = 0; j < d; j++) {
      sa += a[j]! * x[r * d + j]!;
      sb += b[j]! * x[r * d + j]!;
    }
    y[r] = 0.8 * Math.tanh(sa) + 0.3 * Math.sin(sb) + 0.05 * rng.normal();
  }
  return { name: '13-input regression, 13-10-1 tanh, 500 rows', x, y, rows, inputs: d, hidden: 10, target: 3e-3, batchSize: 32 };
}

interface Method {
  name: string;
  /** Optimizers to try (a learning-rate grid for first-order methods); the fastest counts. */
  make: (() => Optimizer | EpochTrainer)[];
  full: boolean;
  maxEpochs: number;
}

const METHODS: Method[] = [
  { name: 'Levenberg–Marquardt', make: [() => levenbergMarquardt()], full: true, maxEpochs: 300 },
  { name: 'Newton (exact Hessian)', make: [() => newton()], full: true, maxEpochs: 300 },
  { name: 'Hessian-free', make: [() => hessianFree()], full: true, maxEpochs: 1000 },
  { name: 'Adam', make: [0.003, 0.01, 0.03, 0.1].map((lr) => () => adam({ learningRate: lr })), full: false, maxEpochs: 5000 },
  {
    name: 'SGD (momentum 0.9)',
    make: [0.003, 0.01, 0.03, 0.1].map((lr) => () => sgd({ learningRate: lr, momentum: 0.9 })),
    full: false,
    maxEpochs: 5000,
  },
];

interface Run {
  epochs: number;
  seconds: number;
  loss: number;
  label: string;
}

function net(p: Problem): Sequential {
  return sequential(
    [
      dense({ units: p.hidden, activation: 'tanh', inputShape: [p.inputs], biasInitializer: 'glorotUniform' }),
      dense({ units: 1, biasInitializer: 'glorotUniform' }),
    ],
    { seed: 1 },
  );
}

async function timeToTarget(p: Problem, make: () => Optimizer | EpochTrainer, full: boolean, maxEpochs: number): Promise<Run> {
  const m = net(p);
  const opt = make();
  m.compile({ loss: 'mse', optimizer: opt });
  const X = { data: p.x, shape: [p.rows, p.inputs] as [number, number] };
  const Y = { data: p.y, shape: [p.rows, 1] as [number, number] };
  let seconds = 0;
  let hit = Infinity;
  let loss = NaN;
  await m.fit(X, Y, {
    epochs: maxEpochs,
    batchSize: full ? p.rows : p.batchSize,
    yieldEvery: 'never',
    callbacks: {
      onEpochEnd: (e, logs) => {
        seconds += logs.seconds;
        loss = m.evaluate(X, Y).loss;
        if (loss <= p.target) {
          hit = e + 1;
          m.stopTraining = true;
        }
      },
    },
  });
  m.dispose();
  const c = opt.config as unknown as { learningRate?: number };
  return { epochs: hit, seconds, loss, label: c.learningRate === undefined ? 'defaults' : `η = ${c.learningRate}` };
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

export async function benchSecondOrder(options: { repeats?: number; log?: (s: string) => void } = {}): Promise<{ markdown: string }> {
  const repeats = options.repeats ?? 3;
  const log = options.log ?? ((s: string) => console.error(s));
  const be = await init({ backend: 'wasm' });
  const rows: string[] = [
    '| problem | method | setting | epochs to target | seconds to target | loss at stop |',
    '|---|---|---|---:|---:|---:|',
  ];
  for (const p of [sinProblem(), regression13()]) {
    for (const method of METHODS) {
      let best: Run | undefined;
      let bestMake = method.make[0]!;
      for (const make of method.make) {
        const r = await timeToTarget(p, make, method.full, method.maxEpochs);
        log(`${p.name} · ${method.name} · ${r.label}: ${r.epochs} epochs, ${r.seconds.toFixed(3)} s`);
        if (!best || r.epochs < best.epochs || (r.epochs === best.epochs && r.seconds < best.seconds)) {
          best = r;
          bestMake = make;
        }
      }
      const runs = [best!];
      for (let i = 1; i < repeats && Number.isFinite(best!.epochs); i++)
        runs.push(await timeToTarget(p, bestMake, method.full, method.maxEpochs));
      const reached = Number.isFinite(best!.epochs);
      rows.push(
        `| ${p.name} (MSE ≤ ${p.target}) | ${method.name} | ${best!.label} | ` +
          `${reached ? best!.epochs : `not in ${method.maxEpochs}`} | ${reached ? median(runs.map((r) => r.seconds)).toFixed(3) : '—'} | ` +
          `${best!.loss.toExponential(2)} |`,
      );
    }
  }
  const markdown = [
    '### Second-order training: time to a target loss',
    '',
    `**Machine:** ${machineLine()} · backend ${be.name} (${be.simd})`,
    '',
    rows.join('\n'),
    '',
    'Same initial weights for every method (seed 1, random biases). Second-order methods: defaults, one full-batch ' +
      'step per epoch. Adam / SGD: mini-batches (8 rows for sin, 32 for the 13-input problem), learning rate tuned over ' +
      `{0.003, 0.01, 0.03, 0.1}, the fastest shown. Seconds: training time only (fit's per-epoch wall time), median of ${repeats} runs.`,
  ].join('\n');
  return { markdown };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown } = await benchSecondOrder();
  console.log(markdown);
}
