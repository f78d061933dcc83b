/**
 * Robustness of Levenberg–Marquardt's defaults on standardised multi-input regressions: over
 * `seeds` network seeds × the generated problems below, how many runs of levenbergMarquardt()
 * reach the target MSE within the epoch budget, the median epochs of those that do, and how the
 * others end (stopReason, final MSE). Plus the classic sin(x) 1-5-1 tanh fit (epochs to 1e-4).
 * Not part of `npm run bench`.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/lm-robustness.ts [seeds] [epochs] ['{"mu":1}'] [--set small]
 *
 * Problem (d inputs, n rows, scale s): x ~ N(0, 1)^d, y = Σ_k c_k·tanh(a_k·x) + 0.5·sin(b·x) + 0.05·N(0, 1),
 * 3 random projections a_k, b ~ N(0, 1/d)·s, c_k ~ U(0.5, 1.5)·±1; x and y standardised (zero
 * mean, unit variance per column). Default set: d = 8, 12, 13, n = 500, s = 1.5; `--set small`:
 * d = 4, 6, 8, n = 300, s = 2. Network d-10-1 tanh, the layer defaults (glorotUniform weights,
 * zero biases), seed 1…seeds; full batch, target MSE 0.01 (R² ≥ 0.99).
 */
import { pathToFileURL } from 'node:url';
import { dense, init, levenbergMarquardt, type LevenbergMarquardtOptions, Rng, sequential, type Sequential } from '../src/index.js';

export interface RegressionProblem {
  name: string;
  x: number[][];
  y: number[][];
  inputs: number;
}

/** Column-wise standardisation in place (zero mean, unit variance). */
function standardise(rows: number[][]): void {
  const d = rows[0]!.length;
  for (let j = 0; j < d; j++) {
    let s = 0,
      s2 = 0;
    for (const r of rows) s += r[j]!;
    const mean = s / rows.length;
    for (const r of rows) s2 += (r[j]! - mean) ** 2;
    const sd = Math.sqrt(s2 / rows.length) || 1;
    for (const r of rows) r[j] = (r[j]! - mean) / sd;
  }
}

/** A standardised smooth regression with `d` inputs (see the module comment), seeded by `seed`. */
export function regressionProblem(d: number, seed: number, rows = 500, scale = 1.5, terms = 3): RegressionProblem {
  const rng = new Rng(seed);
  const proj = () => Array.from({ length: d }, () => (scale * rng.normal()) / Math.sqrt(d));
  const a = Array.from({ length: terms }, proj);
  const c = a.map(() => (0.5 + rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1));
  const b = proj();
  const dot = (u: number[], v: number[]) => u.reduce((s, ui, j) => s + ui * v[j]!, 0);
  const x = Array.from({ length: rows }, () => Array.from({ length: d }, () => rng.normal()));
  const y = x.map((r) => [a.reduce((s, ak, k) => s + c[k]! * Math.tanh(dot(ak, r)), 0) + 0.5 * Math.sin(dot(b, r)) + 0.05 * rng.normal()]);
  standardise(x);
  standardise(y);
  return { name: `${d} inputs, seed ${seed}`, x, y, inputs: d };
}

/** The three problems the robustness figures and test/train/levenberg-marquardt.test.ts use. */
export const PROBLEMS = (): RegressionProblem[] => [regressionProblem(8, 101), regressionProblem(12, 202), regressionProblem(13, 303)];

/** A second set (fewer inputs, fewer rows, more curved targets), `--set small`. */
export const SMALL_PROBLEMS = (): RegressionProblem[] => [
  regressionProblem(4, 101, 300, 2),
  regressionProblem(6, 202, 300, 2),
  regressionProblem(8, 303, 300, 2),
];

export function regressionNet(inputs: number, seed: number): Sequential {
  return sequential([dense({ units: 10, activation: 'tanh', inputShape: [inputs] }), dense({ units: 1 })], { seed });
}

export interface RunResult {
  /** First epoch (1-based) with full-batch MSE ≤ target, or Infinity. */
  hit: number;
  epochs: number;
  loss: number;
  stopReason?: string;
  /** ‖W₁‖ at the start and after epochs 1 and 2. */
  w1: string;
}

const norm = (w: Float32Array): number => Math.sqrt(w.reduce((s, v) => s + v * v, 0));

export async function runLm(
  p: { x: number[][]; y: number[][] },
  model: Sequential,
  target: number,
  epochs: number,
  options: LevenbergMarquardtOptions = {},
): Promise<RunResult> {
  model.compile({ loss: 'mse', optimizer: levenbergMarquardt(options) });
  let hit = Infinity;
  const w1: string[] = [norm(model.getWeights()[0]!).toFixed(1)];
  const h = await model.fit(p.x, p.y, {
    epochs,
    yieldEvery: 'never',
    callbacks: {
      onEpochEnd: (e, logs) => {
        if (e < 2) w1.push(norm(model.getWeights()[0]!).toFixed(1));
        if (logs.loss <= target && hit === Infinity) {
          hit = e + 1;
          model.stopTraining = true;
        }
      },
    },
  });
  const last = h.logs.at(-1)!;
  return { hit, epochs: h.epoch.length, loss: last.loss, stopReason: last.stopReason as string | undefined, w1: w1.join(' → ') };
}

const median = (v: number[]): number => {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const small = args.includes('--set') && args[args.indexOf('--set') + 1] === 'small';
  const rest = args.filter((a, i) => a !== '--set' && args[i - 1] !== '--set');
  const seeds = Number(rest[0] ?? 20);
  const epochs = Number(rest[1] ?? 100);
  const options = JSON.parse(rest[2] ?? '{}') as LevenbergMarquardtOptions;
  await init({ backend: 'wasm' });
  const target = 0.01;
  console.log(`levenbergMarquardt(${JSON.stringify(options)}), ${seeds} seeds × 3 problems, ${epochs} epochs, target MSE ${target}`);
  let ok = 0;
  const all: number[] = [];
  const reasons = new Map<string, number>();
  for (const p of small ? SMALL_PROBLEMS() : PROBLEMS()) {
    const hits: number[] = [];
    const fails: string[] = [];
    for (let s = 1; s <= seeds; s++) {
      const m = regressionNet(p.inputs, s);
      const r = await runLm(p, m, target, epochs, options);
      m.dispose();
      if (Number.isFinite(r.hit)) hits.push(r.hit);
      else {
        fails.push(`s${s}: ${r.loss.toExponential(1)}@${r.epochs} (‖W₁‖ ${r.w1})`);
        const why = (r.stopReason ?? 'none (ran out of epochs)').replace(/\(.*$/, '').trim();
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
    }
    ok += hits.length;
    all.push(...hits);
    console.log(`${p.name}: ${hits.length}/${seeds} reach ${target}, median epochs ${median(hits)}; misses ${fails.join(' ')}`);
  }
  console.log(`total ${ok}/${3 * seeds}, median epochs ${median(all)}, max ${Math.max(...all)}`);
  for (const [why, n] of reasons) console.log(`  misses ending with: ${why} × ${n}`);
  // The classic 1-D fit: sin(x), 41 points, 1-5-1 tanh with random biases, MSE ≤ 1e-4.
  const sx = Array.from({ length: 41 }, (_, i) => [-Math.PI + (2 * Math.PI * i) / 40]);
  const sin = { x: sx, y: sx.map(([v]) => [Math.sin(v!)]) };
  const sinEpochs: string[] = [];
  for (let s = 1; s <= 10; s++) {
    const m = sequential(
      [
        dense({ units: 5, activation: 'tanh', inputShape: [1], biasInitializer: 'glorotUniform' }),
        dense({ units: 1, biasInitializer: 'glorotUniform' }),
      ],
      { seed: s },
    );
    const r = await runLm(sin, m, 1e-4, 50, options);
    m.dispose();
    sinEpochs.push(Number.isFinite(r.hit) ? String(r.hit) : `✗(${r.loss.toExponential(1)})`);
  }
  console.log(`sin(x) 1-5-1, seeds 1–10, epochs to MSE 1e-4 (≤ 50): ${sinEpochs.join(' ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
