/**
 * Section `peers`: simdnn beside TF.js wasm, jax-js and brain.js on the same work, in one run.
 *
 * Rows: training 784-128-10 at batch 32 and 128 and 784-512-256-10 at batch 128 (samples/s),
 * one-sample predict (µs per call) and predict of 10,000 rows in one call (samples/s), all on
 * 784-128-10 for predict. Contenders: simdnn wasm baseline and relaxed on one thread, simdnn baseline
 * on 2 threads (where the build reports threads; "n/a" otherwise), TF.js wasm, jax-js, brain.js.
 *
 * Method: every figure is taken in a fresh Node process (bench/peers/child.ts) so no library shares
 * a process with another; ROUNDS rounds, and within a round every task runs each contender in turn,
 * the order rotated from round to round and task to task, so load from elsewhere falls on all alike.
 * A child warms up untimed, then times chunks for `seconds`; its figure is the median chunk. The
 * table quotes the median over rounds; ± is the spread of the round figures (max − min, % of median).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported } from './machine.js';
import { NET_DEEP, NET_SMALL, PREDICT_ROWS, layersName } from './peers/common.js';
import type { Job, Lib, Measurement, Task } from './peers/child.js';
import { fmt, median, mdTable } from './stats.js';
import { tfjsInfo } from './tfjs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'peers', 'child.ts');

export const PEER_LIBS: Lib[] = ['simdnn', 'simdnn-relaxed', 'simdnn-2-threads', 'tfjs', 'jaxjs', 'brainjs'];

const LABEL: Record<Lib, string> = {
  simdnn: 'simdnn baseline',
  'simdnn-relaxed': 'simdnn relaxed',
  'simdnn-2-threads': 'simdnn baseline, 2 threads',
  tfjs: 'TF.js wasm',
  jaxjs: 'jax-js',
  brainjs: 'brain.js',
};

interface Row {
  label: string;
  task: Task;
  unit: 'samples/s' | 'µs';
}

export const PEER_ROWS: Row[] = [
  { label: `train ${layersName(NET_SMALL)}, batch 32`, task: { kind: 'train', layers: NET_SMALL, batchSize: 32 }, unit: 'samples/s' },
  { label: `train ${layersName(NET_SMALL)}, batch 128`, task: { kind: 'train', layers: NET_SMALL, batchSize: 128 }, unit: 'samples/s' },
  { label: `train ${layersName(NET_DEEP)}, batch 128`, task: { kind: 'train', layers: NET_DEEP, batchSize: 128 }, unit: 'samples/s' },
  { label: `predict one sample, ${layersName(NET_SMALL)}`, task: { kind: 'predict-one', layers: NET_SMALL }, unit: 'µs' },
  {
    label: `predict ${fmt(PREDICT_ROWS)} rows, ${layersName(NET_SMALL)}`,
    task: { kind: 'predict-batch', layers: NET_SMALL },
    unit: 'samples/s',
  },
];

export interface PeersOptions {
  /** Timed seconds per figure (per child process). Default 2. */
  seconds?: number;
  /** Rounds. Default 3. */
  rounds?: number;
  /** MNIST training rows. Default 10,000. */
  trainRows?: number;
  libs?: Lib[];
  log?: (s: string) => void;
}

/** The Node flags every child gets: the parent's (relaxed SIMD, tsx) so children run the same code. */
function childFlags(): string[] {
  const flags = [...process.execArgv];
  if (!flags.some((f) => f.includes('tsx'))) flags.push('--import', 'tsx');
  return flags;
}

export function runChild(job: Job): Promise<Measurement> {
  return new Promise((ok, fail) => {
    execFile(
      process.execPath,
      [...childFlags(), CHILD, JSON.stringify(job)],
      { timeout: 600_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').at(-1) ?? '';
        if (err)
          return fail(
            new Error(`${job.lib} ${JSON.stringify(job.task)}: ${String(stderr).trim().split('\n').slice(-3).join(' | ') || err.message}`),
          );
        try {
          ok(JSON.parse(line) as Measurement);
        } catch {
          fail(new Error(`${job.lib}: unreadable child output '${line}'`));
        }
      },
    );
  });
}

/** A package's version from its package.json (found beside its resolved entry, exports maps aside). */
export function version(pkg: string): string {
  const require = createRequire(import.meta.url);
  try {
    let dir = dirname(require.resolve(pkg));
    for (let up = 0; up < 4; up++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? '?';
      }
    }
  } catch {
    // not installed
  }
  return '?';
}

export async function benchPeers(opts: PeersOptions = {}): Promise<{ markdown: string }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const seconds = opts.seconds ?? 2;
  const rounds = opts.rounds ?? 3;
  const trainRows = opts.trainRows ?? 10_000;
  const libs = (opts.libs ?? PEER_LIBS).slice();
  const skipped = new Map<Lib, string>();
  if (!relaxedSimdSupported())
    skipped.set('simdnn-relaxed', 'relaxed SIMD does not validate (run node with --experimental-wasm-relaxed-simd)');
  const figures = new Map<string, number[]>(); // `${lib}|${row}` → per-round medians
  const losses = new Map<string, number>();
  const failures: string[] = [];

  for (let r = 0; r < rounds; r++) {
    for (let t = 0; t < PEER_ROWS.length; t++) {
      const row = PEER_ROWS[t]!;
      const shift = (r + t) % libs.length;
      const order = [...libs.slice(shift), ...libs.slice(0, shift)];
      for (const lib of order) {
        if (skipped.has(lib)) continue;
        const key = `${lib}|${t}`;
        try {
          const m = await runChild({ lib, task: row.task, seconds, trainRows });
          if (m.skipped) {
            skipped.set(lib, m.skipped);
            log(`  peers ${LABEL[lib]}: ${m.skipped}`);
            continue;
          }
          figures.set(key, [...(figures.get(key) ?? []), m.median]);
          if (m.loss !== undefined) losses.set(key, m.loss);
          log(
            `  peers r${r + 1} ${row.label} · ${LABEL[lib]}: ${fmt(m.median, row.unit === 'µs' ? 1 : 0)} ${row.unit} ` +
              `(±${fmt(m.spreadPct)} % over ${m.count}${m.loss !== undefined ? `, loss ${m.loss.toFixed(3)}` : ''})`,
          );
        } catch (e) {
          const msg = (e as Error).message;
          failures.push(msg);
          log(`  peers ${row.label} · ${LABEL[lib]}: FAILED ${msg}`);
        }
      }
    }
  }
  return { markdown: await peersMarkdown(libs, figures, losses, skipped, failures, { seconds, rounds, trainRows }) };
}

function cell(xs: number[] | undefined, unit: Row['unit']): string {
  if (!xs?.length) return '—';
  const m = median(xs);
  const spread = xs.length > 1 ? ` <sub>±${fmt((100 * (Math.max(...xs) - Math.min(...xs))) / m)} %</sub>` : '';
  return `${unit === 'µs' ? fmt(m, m < 100 ? 1 : 0) : fmt(m)}${spread}`;
}

/** How many times faster `a` is than `b` (throughput: a/b; latency: b/a). */
function speedup(a: number[] | undefined, b: number[] | undefined, unit: Row['unit']): string {
  if (!a?.length || !b?.length) return '—';
  const r = unit === 'µs' ? median(b) / median(a) : median(a) / median(b);
  return `${r.toFixed(r < 10 ? 1 : 0)}×`;
}

async function peersMarkdown(
  libs: Lib[],
  figures: Map<string, number[]>,
  losses: Map<string, number>,
  skipped: Map<Lib, string>,
  failures: string[],
  cfg: { seconds: number; rounds: number; trainRows: number },
): Promise<string> {
  const get = (lib: Lib, t: number) => figures.get(`${lib}|${t}`);
  const header = ['work', ...libs.map((l) => LABEL[l])];
  const rows = PEER_ROWS.map((row, t) => [
    `${row.label} (${row.unit})`,
    ...libs.map((l) =>
      skipped.has(l) && !get(l, t) ? (skipped.get(l)!.startsWith('n/a') ? 'n/a' : 'skipped') : cell(get(l, t), row.unit),
    ),
  ]);
  const peers: Lib[] = ['tfjs', 'jaxjs', 'brainjs'];
  const ratioHeader = ['simdnn baseline is … faster than', ...peers.map((p) => LABEL[p]), '2 threads ÷ 1 thread'];
  const ratioRows = PEER_ROWS.map((row, t) => [
    row.label,
    ...peers.map((p) => speedup(get('simdnn', t), get(p, t), row.unit)),
    skipped.has('simdnn-2-threads') ? 'n/a' : speedup(get('simdnn-2-threads', t), get('simdnn', t), row.unit),
  ]);
  let tf = '';
  try {
    tf = await tfjsInfo();
  } catch {
    tf = 'TF.js (not loaded)';
  }
  const trainRows = PEER_ROWS.map((row, t) => (row.task.kind === 'train' ? t : -1)).filter((t) => t >= 0);
  const lossNote = libs
    .filter((l) => trainRows.some((t) => losses.has(`${l}|${t}`)))
    .map((l) => `${LABEL[l]} ${trainRows.map((t) => losses.get(`${l}|${t}`)?.toFixed(3) ?? '—').join(' / ')}`)
    .join('; ');
  return [
    `### Beside the peers (${cfg.rounds} rounds, ${cfg.seconds} s timed per figure, each figure a fresh process)`,
    '',
    mdTable(header, rows),
    '',
    mdTable(ratioHeader, ratioRows),
    '',
    `Peers: ${tf}; jax-js ${version('@jax-js/jax')} wasm (one thread in Node: its worker pool needs a global Web Worker); ` +
      `brain.js ${version('brain.js')} CPU NeuralNetwork (pure JS). Same network and optimizer everywhere ` +
      '(ReLU hidden layers, softmax + cross-entropy, SGD η 0.1 μ 0.9, shuffled MNIST batches, ' +
      `${fmt(cfg.trainRows)} training rows), except brain.js: online SGD (one sample per update, so batch size does not apply — ` +
      'its figure is the same work at any batch size), sigmoid on every layer and a squared-error output, no shuffling. ' +
      'TF.js trains with a manual optimizer.minimize loop, jax-js with one jit-compiled step (loss read every step). ' +
      `Predict ${fmt(PREDICT_ROWS)} rows: one call per library (TF.js batchSize = rows; brain.js loops run() over the rows). ` +
      '± is the spread of the round figures (max − min over rounds, % of the median).' +
      (skipped.size ? ` Not measured: ${[...skipped.entries()].map(([l, why]) => `${LABEL[l]} (${why})`).join('; ')}.` : '') +
      (failures.length ? ` Failed: ${failures.join('; ')}.` : '') +
      (lossNote ? ` Training loss at the end of the last round (a sanity check, by training row): ${lossNote}.` : ''),
  ].join('\n');
}
