/**
 * Section `cold-start-peers`: process start → first prediction, for simdnn (the main entry and
 * `simdnn/infer`), TF.js wasm, jax-js and brain.js, beside a bare `node -e ''` on the same machine.
 *
 * Each figure is a fresh `node bench/cold/<lib>.mjs <dir>` (plain node, no flags, no tsx: what a
 * user's script pays): import the library, initialise it, load a saved 784-128-10 model from disk
 * (each library's own format, written here beforehand), predict one MNIST row, print, exit. Timed
 * from spawn to the child's exit, in the parent (the bare node row is timed the same way); the
 * child's own `performance.now()` at the prediction (time since its process began) is shown too.
 * ROUNDS rounds, the order rotated each round; medians.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';
import { NeuralNetwork } from 'brain.js';
import { init, loadMnist, saveModel } from '../src/index.js';
import { NET_SMALL, heWeights, layersName } from './peers/common.js';
import { simdnnNet } from './peers/simdnn.js';
import { fmt, median, mdTable, now, ratio } from './stats.js';
import { loadTfjsWasm } from './tfjs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

export const COLD_CONTENDERS = ['node', 'simdnn', 'simdnn-infer', 'tfjs', 'jaxjs', 'brainjs'] as const;
export type ColdContender = (typeof COLD_CONTENDERS)[number];

const LABEL: Record<ColdContender, string> = {
  node: "bare `node -e ''`",
  simdnn: 'simdnn (import, init, loadModel, predictOne)',
  'simdnn-infer': "simdnn/infer (the same through `import 'simdnn/infer'`)",
  tfjs: 'TF.js wasm (import, setBackend, loadLayersModel, predict + dataSync)',
  jaxjs: 'jax-js (import, init wasm, weights, eager forward + dataSync)',
  brainjs: 'brain.js (import, fromJSON, run)',
};

/** Default rounds (fresh processes per contender). */
export const COLD_ROUNDS = 10;

/** Writes every contender's saved model and the input row into `dir`. */
async function writeModels(dir: string): Promise<void> {
  const layers = NET_SMALL;
  const { test } = await loadMnist({ trainLimit: 1, testLimit: 1 });
  writeFileSync(join(dir, 'row.bin'), test.x.data.slice(0, layers[0]!));

  const backend = await init({ backend: 'wasm', simd: 'baseline' });
  const model = simdnnNet(layers, backend);
  await saveModel(model, join(dir, 'simdnn'));
  model.dispose();

  const tf = await loadTfjsWasm();
  const tfModel = tf.sequential();
  for (let l = 1; l < layers.length; l++) {
    tfModel.add(
      tf.layers.dense({
        units: layers[l]!,
        activation: l === layers.length - 1 ? 'softmax' : 'relu',
        ...(l === 1 ? { inputShape: [layers[0]!] } : {}),
      }),
    );
  }
  const ws = heWeights(layers);
  tfModel.setWeights(ws.flatMap((p, l) => [tf.tensor2d(p.w, [layers[l]!, layers[l + 1]!]), tf.tensor1d(p.b)]));
  mkdirSync(join(dir, 'tfjs'));
  await tfModel.save(
    tf.io.withSaveHandler(async (a: TF.io.ModelArtifacts) => {
      writeFileSync(join(dir, 'tfjs', 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs }));
      writeFileSync(join(dir, 'tfjs', 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  tfModel.dispose();

  mkdirSync(join(dir, 'jaxjs'));
  writeFileSync(join(dir, 'jaxjs', 'layers.json'), JSON.stringify(layers));
  const flat = new Float32Array(ws.reduce((n, p) => n + p.w.length + p.b.length, 0));
  let at = 0;
  for (const p of ws) {
    flat.set(p.w, at);
    flat.set(p.b, at + p.w.length);
    at += p.w.length + p.b.length;
  }
  writeFileSync(join(dir, 'jaxjs', 'weights.bin'), flat);

  const net = new NeuralNetwork<number[], number[]>({
    inputSize: layers[0]!,
    hiddenLayers: layers.slice(1, -1) as number[],
    outputSize: layers.at(-1)!,
  });
  net.train([{ input: new Array<number>(layers[0]!).fill(0), output: new Array<number>(layers.at(-1)!).fill(0) }], {
    iterations: 1,
    log: false,
  });
  writeFileSync(join(dir, 'brainjs.json'), JSON.stringify(net.toJSON()));
}

interface ColdRun {
  /** Spawn → exit, measured by the parent (ms). */
  wallMs: number;
  /** The child's performance.now() at its first prediction (ms since its process began). */
  childMs?: number;
}

function runOnce(c: ColdContender, dir: string): Promise<ColdRun> {
  // simdnn's two entries run the same script (bench/cold/simdnn.mjs), the inference entry with 'infer'.
  const args =
    c === 'node'
      ? ['-e', '']
      : c === 'simdnn-infer'
        ? [join(HERE, 'cold', 'simdnn.mjs'), dir, 'infer']
        : [join(HERE, 'cold', `${c}.mjs`), dir];
  return new Promise((ok, fail) => {
    const t0 = now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      const wallMs = now() - t0;
      if (code !== 0) return fail(new Error(`${c}: exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      if (c === 'node') return ok({ wallMs });
      try {
        const r = JSON.parse(out.trim()) as { ms: number; y0: number };
        if (!Number.isFinite(r.y0)) return fail(new Error(`${c}: the prediction is not finite (${r.y0})`));
        ok({ wallMs, childMs: r.ms });
      } catch {
        fail(new Error(`${c}: unreadable output '${out.trim()}'`));
      }
    });
  });
}

export async function benchColdStartPeers(opts: { rounds?: number; log?: (s: string) => void } = {}): Promise<{ markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const rounds = opts.rounds ?? COLD_ROUNDS;
  if (!existsSync(join(ROOT, 'dist', 'node.js')))
    throw new Error('dist/node.js is missing: run `npm run build` first (`npm run bench` does).');
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-cold-'));
  const runs = new Map<ColdContender, ColdRun[]>();
  const failures: string[] = [];
  try {
    await writeModels(dir);
    for (let r = 0; r < rounds; r++) {
      const shift = r % COLD_CONTENDERS.length;
      for (const c of [...COLD_CONTENDERS.slice(shift), ...COLD_CONTENDERS.slice(0, shift)]) {
        try {
          const run = await runOnce(c, dir);
          runs.set(c, [...(runs.get(c) ?? []), run]);
          log(
            `  cold-start r${r + 1} ${c}: ${run.wallMs.toFixed(0)} ms${run.childMs !== undefined ? ` (child clock ${run.childMs.toFixed(0)} ms)` : ''}`,
          );
        } catch (e) {
          failures.push((e as Error).message);
          log(`  cold-start ${c}: FAILED ${(e as Error).message}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wall = (c: ColdContender) => median((runs.get(c) ?? []).map((x) => x.wallMs));
  const child = (c: ColdContender) => median((runs.get(c) ?? []).flatMap((x) => (x.childMs === undefined ? [] : [x.childMs])));
  const rows = COLD_CONTENDERS.map((c) => [
    LABEL[c],
    fmt(wall(c)),
    c === 'node' ? '' : fmt(wall(c) - wall('node')),
    c === 'node' ? '' : fmt(child(c)),
    c === 'node' || c === 'simdnn' ? '' : ratio(wall(c), wall('simdnn')),
    String(runs.get(c)?.length ?? 0),
  ]);
  return {
    markdown: [
      `### Cold start: process start → first prediction (${layersName(NET_SMALL)}, saved model on disk)`,
      '',
      mdTable(['', 'median ms', 'over bare node', "child's clock ms", '÷ simdnn', 'runs'], rows),
      '',
      `Each run a fresh \`node bench/cold/<lib>.mjs\` (no flags: Node's defaults, so simdnn runs its baseline build on Node 20), ` +
        `${rounds} rounds in rotating order; spawn → exit measured by the parent, the child's clock is its performance.now() at the ` +
        `prediction. simdnn is the built package (dist/).` +
        (failures.length ? ` Failed: ${failures.join('; ')}.` : ''),
    ].join('\n'),
  };
}
