/**
 * The cost of fit's yields on the main thread: yieldEvery 'auto' against 'never', side by side.
 *
 *   npm run build && npx tsx bench/yield-cost.ts [--reps N] [--rows N] [--no-browser]
 *
 * The MNIST-sized model of issue 8 (784-128-10, batch 128, sgd) trains one epoch per turn on
 * `rows` synthetic rows, 'never' and 'auto' taking turns (order alternated each round), `reps`
 * rounds; the table quotes the median samples/s of each and the cost 1 − auto/never. In Chromium
 * (Debian's, through playwright-core; test/browser/worker.html's yieldCost) 'auto' yields through
 * scheduler.postTask; in Node through setImmediate (dist/node.js in this process).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { CHROMIUM, launchChromium } from '../test/browser/chromium.js';
import { serveStatic } from '../test/browser/server.js';
import { machineLine } from './machine.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Result {
  simd: string;
  never: number;
  auto: number;
  cost: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function inChromium(reps: number, rows: number): Promise<Result & { browser: string }> {
  const server = await serveStatic(ROOT);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/test/browser/worker.html`);
    await page.waitForFunction(() => 'simdnnWorkerPage' in window, null, { timeout: 90_000 });
    const r = (await page.evaluate(
      ([n, m]) =>
        (window as unknown as { simdnnWorkerPage: { yieldCost(a: number, b: number): Promise<Result> } }).simdnnWorkerPage.yieldCost(n, m),
      [reps, rows] as const,
    )) as Result;
    return { ...r, browser: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function inNode(reps: number, rows: number): Promise<Result> {
  type Lib = typeof import('../src/index.js');
  const lib = (await import(pathToFileURL(join(ROOT, 'dist/node.js')).href)) as Lib; // Node's build
  const backend = await lib.init({ backend: 'wasm' });
  const rng = new lib.Rng(5);
  const x = { data: Float32Array.from({ length: rows * 784 }, () => rng.uniform()), shape: [rows, 784] as [number, number] };
  const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
  const m = lib.sequential(
    [lib.dense({ units: 128, activation: 'relu', inputShape: [784] }), lib.dense({ units: 10, activation: 'softmax' })],
    {
      seed: 11,
    },
  );
  m.compile({ loss: 'categoricalCrossentropy', optimizer: lib.sgd({ learningRate: 0.05, momentum: 0.9 }) });
  await m.fit(x, y, { epochs: 1, batchSize: 128, yieldEvery: 'never' });
  const rates: Record<'never' | 'auto', number[]> = { never: [], auto: [] };
  for (let i = 0; i < reps; i++) {
    for (const mode of i % 2 ? (['auto', 'never'] as const) : (['never', 'auto'] as const)) {
      const t0 = performance.now();
      await m.fit(x, y, { epochs: 1, batchSize: 128, yieldEvery: mode });
      rates[mode].push(rows / ((performance.now() - t0) / 1000));
    }
  }
  const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  const never = median(rates.never);
  const auto = median(rates.auto);
  return { simd: backend.simd, never, auto, cost: 1 - auto / never };
}

const reps = arg('--reps', 7);
const rows = arg('--rows', 16384);
if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first.');
const lines = [
  `Machine: ${machineLine()}`,
  '',
  `yieldEvery 'auto' vs 'never', 784-128-10, batch 128, ${rows} rows per epoch, median of ${reps} epochs each (alternating)`,
  '',
  '| engine | simd | never (samples/s) | auto (samples/s) | cost of auto |',
  '| :--- | :--- | ---: | ---: | ---: |',
];
const row = (name: string, r: Result) =>
  `| ${name} | ${r.simd} | ${Math.round(r.never)} | ${Math.round(r.auto)} | ${(100 * r.cost).toFixed(1)} % |`;
lines.push(row(`Node ${process.versions.node}`, await inNode(reps, rows)));
if (!process.argv.includes('--no-browser') && existsSync(CHROMIUM)) {
  const r = await inChromium(reps, rows);
  lines.push(row(r.browser, r));
}
console.log(lines.join('\n'));
