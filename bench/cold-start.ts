/**
 * Cold start: process start → import → init → load a saved model → first prediction, in fresh
 * Node processes, against a bare `node -e ''` on the same machine (the floor every Node program
 * pays). Each run is a new process spawned from here and timed wall clock, spawn to exit; the
 * simdnn child also reports its own phases (performance.now() is measured from its process start):
 * boot (Node itself, until the script runs), import of the bundle (dist/index.js), init (read +
 * compile the .wasm, warm-up), loadModel (read + check + build 784-128-10), the first predictOne.
 * The bundle is dist/node.js, what `import 'simdnn'` resolves to in Node; the inference entry's
 * contender imports dist/infer-node.js (`import 'simdnn/infer'` in Node).
 *
 * Contenders: the default init (warmUp 'inference'), warmUp 'none' and warmUp 'all' (the pre-0.2
 * behaviour), the same default path through `simdnn/infer` (init + loadModel → InferenceModel),
 * from an ES module and from a CommonJS script (`require('simdnn/infer')`, dist/infer-node.cjs;
 * beside a CommonJS script that requires nothing: Node starts the ES module loader only for ES
 * modules, ≈ 10 ms on the 2-core VM these figures come from),
 * children that only import a bundle (the import cost alone), and an ES module that imports
 * nothing and prints its phases as the others do (what any such child pays over `node -e ''`:
 * the ES module loader, the console, perf_hooks); and, uninstrumented, simdnn/infer's path with
 * no timer and no output beside an empty ES module — process start → first prediction and nothing
 * else, the measure the issue's target names. Runs are
 * interleaved (bare, then each contender, N rounds) so that machine noise spreads over all alike;
 * the table quotes medians and the gap to bare node. Needs `npm run build` (dist/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, mdTable, median, now, quantile } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** What `import 'simdnn'` resolves to in Node (package.json exports, condition `node`). */
const DIST = join(HERE, '..', 'dist', 'node.js');
/** What `import 'simdnn/infer'` resolves to in Node. */
const DIST_INFER = join(HERE, '..', 'dist', 'infer-node.js');
/** What `require('simdnn/infer')` resolves to in Node. */
const DIST_INFER_CJS = join(HERE, '..', 'dist', 'infer-node.cjs');

/** Default number of interleaved rounds (each: one process per contender). */
export const DEFAULT_COLD_START_RUNS = 15;

type Contender =
  | 'bare'
  | 'esm'
  | 'esmQuiet'
  | 'cjs'
  | 'import'
  | 'default'
  | 'none'
  | 'all'
  | 'inferImport'
  | 'infer'
  | 'inferQuiet'
  | 'inferCjs'
  | 'inferCjsQuiet';
const LABEL: Record<Contender, string> = {
  bare: "node -e '' (floor)",
  esm: 'an ES module that prints its phases, nothing imported',
  esmQuiet: 'an empty ES module (no timers, no output)',
  inferQuiet: 'simdnn/infer, uninstrumented: import + init() + loadModel + predictOne, no timers, no output',
  inferCjsQuiet: 'simdnn/infer from CommonJS, uninstrumented: no timers, no output',
  cjs: 'a CommonJS script that prints its phases, nothing required',
  inferCjs: 'simdnn/infer from CommonJS: require + init() + loadModel + predictOne',
  import: 'import simdnn only',
  inferImport: "import 'simdnn/infer' only",
  infer: 'simdnn/infer: import + init() + loadModel + predictOne',
  default: 'simdnn: import + init() + loadModel + predictOne',
  none: "… with init({ warmUp: 'none' })",
  all: "… with init({ warmUp: 'all' })",
};

interface Phases {
  boot: number;
  import: number;
  init: number;
  load: number;
  predict: number;
}

/**
 * The child program: phases as JSON on stdout. `warm` is the warmUp option or '' for the default;
 * `cjs`: a CommonJS script that requires the bundle (its phases in an async function), else an ES
 * module that imports it.
 */
function childSource(modelDir: string, warm: string, importOnly: boolean, bundle = DIST, cjs = false): string {
  const initArg = warm ? `{ warmUp: '${warm}' }` : '';
  const load = loadOf(bundle, cjs);
  const phases = importOnly
    ? 'console.log(JSON.stringify({ boot: t0, import: t1 - t0, init: 0, load: 0, predict: 0 }));'
    : `await lib.init(${initArg});
const t2 = performance.now();
const model = await lib.loadModel(${JSON.stringify(modelDir)});
const t3 = performance.now();
const y = model.predictOne(new Float32Array(784).fill(0.5));
const t4 = performance.now();
if (!(y[0] >= 0)) throw new Error('bad prediction');
console.log(JSON.stringify({ boot: t0, import: t1 - t0, init: t2 - t1, load: t3 - t2, predict: t4 - t3 }));`;
  return `const t0 = performance.now();
const lib = ${load};
const t1 = performance.now();
${cjs ? `(async () => {\n${phases}\n})();` : phases}
`;
}

/** The expression that loads `bundle`: `require` in a CommonJS script, `await import` in an ES module. */
function loadOf(bundle: string, cjs: boolean): string {
  return cjs ? `require(${JSON.stringify(bundle)})` : `await import(${JSON.stringify(pathToFileURL(bundle).href)})`;
}

/**
 * An uninstrumented child: process start → first prediction and nothing else — no performance.now()
 * (its first use loads perf_hooks) and no console (its first use builds stdout's stream), which the
 * phase-printing children pay as the 'esm' row shows; a wrong prediction exits non-zero.
 */
function quietChildSource(modelDir: string, bundle: string, cjs: boolean): string {
  const body = `await lib.init();
const model = await lib.loadModel(${JSON.stringify(modelDir)});
const y = model.predictOne(new Float32Array(784).fill(0.5));
if (!(y[0] >= 0)) process.exitCode = 3;`;
  return `const lib = ${loadOf(bundle, cjs)};\n${cjs ? `(async () => {\n${body}\n})();` : body}\n`;
}

/** Saves a 784-128-10 model (relu, softmax) with the built bundle, in a fresh process. */
function saveModelIn(dir: string): void {
  const src = `const { init, sequential, dense, saveModel } = await import(${JSON.stringify(pathToFileURL(DIST).href)});
await init({ warmUp: 'none' });
const m = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], { seed: 1 });
m.compile({ loss: 'categoricalCrossentropy' });
await saveModel(m, ${JSON.stringify(join(dir, 'model'))});
`;
  const file = join(dir, 'save.mjs');
  writeFileSync(file, src);
  execFileSync(process.execPath, [file], { stdio: 'inherit' });
}

function runOnce(args: string[]): { ms: number; stdout: string } {
  const t0 = now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`cold-start child failed (${args.join(' ')}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export async function benchColdStart(
  opts: { runs?: number; log?: (s: string) => void } = {},
): Promise<{ markdown: string; medians: Record<Contender, number> }> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const runs = opts.runs ?? DEFAULT_COLD_START_RUNS;
  for (const f of [DIST, DIST_INFER, DIST_INFER_CJS])
    if (!existsSync(f)) throw new Error(`cold-start needs the bundle: ${f} is missing (npm run build).`);
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-cold-'));
  try {
    saveModelIn(dir);
    const modelDir = join(dir, 'model');
    const children: Record<Exclude<Contender, 'bare'>, string> = {
      esm: 'const t0 = performance.now();\nconsole.log(JSON.stringify({ boot: t0, import: 0, init: 0, load: 0, predict: 0 }));\n',
      esmQuiet: 'export {};\n',
      inferQuiet: quietChildSource(modelDir, DIST_INFER, false),
      import: childSource(modelDir, '', true),
      default: childSource(modelDir, '', false),
      none: childSource(modelDir, 'none', false),
      all: childSource(modelDir, 'all', false),
      inferImport: childSource(modelDir, '', true, DIST_INFER),
      infer: childSource(modelDir, '', false, DIST_INFER),
      cjs: 'const t0 = performance.now();\nconsole.log(JSON.stringify({ boot: t0, import: 0, init: 0, load: 0, predict: 0 }));\n',
      inferCjs: childSource(modelDir, '', false, DIST_INFER_CJS, true),
      inferCjsQuiet: quietChildSource(modelDir, DIST_INFER_CJS, true),
    };
    const files = {} as Record<Exclude<Contender, 'bare'>, string>;
    for (const [c, src] of Object.entries(children) as [Exclude<Contender, 'bare'>, string][]) {
      files[c] = join(dir, `${c}.${c === 'cjs' || c.startsWith('inferCjs') ? 'cjs' : 'mjs'}`);
      writeFileSync(files[c], src);
    }
    const order: Contender[] = [
      'bare',
      'esm',
      'esmQuiet',
      'cjs',
      'import',
      'default',
      'none',
      'all',
      'inferImport',
      'infer',
      'inferQuiet',
      'inferCjs',
      'inferCjsQuiet',
    ];
    const quiet = new Set<Contender>(['bare', 'esmQuiet', 'inferQuiet', 'inferCjsQuiet']);
    const wall = Object.fromEntries(order.map((c) => [c, [] as number[]])) as Record<Contender, number[]>;
    const phases = Object.fromEntries(order.map((c) => [c, [] as Phases[]])) as Record<Contender, Phases[]>;
    // One untimed round: the OS page cache holds node, the bundle and the model afterwards.
    for (const c of order) runOnce(c === 'bare' ? ['-e', ''] : [files[c]]);
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < order.length; i++) {
        const c = order[(i + r) % order.length]!;
        const { ms, stdout } = runOnce(c === 'bare' ? ['-e', ''] : [files[c]]);
        wall[c].push(ms);
        if (!quiet.has(c)) phases[c].push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Phases);
      }
    }
    const medians = Object.fromEntries(order.map((c) => [c, median(wall[c])])) as Record<Contender, number>;
    const ph = (c: Contender, k: keyof Phases) => (phases[c].length ? fmt(median(phases[c].map((p) => p[k])), 1) : '');
    for (const c of order) {
      log(
        `  cold-start ${c}: ${medians[c].toFixed(1)} ms median wall (p10 ${quantile(wall[c], 0.1).toFixed(1)}, p90 ${quantile(wall[c], 0.9).toFixed(1)}), ` +
          `+${(medians[c] - medians.bare).toFixed(1)} ms over bare node`,
      );
    }
    const table = mdTable(
      [
        'process start → first prediction',
        'median ms (wall)',
        'over bare node',
        'p10 over bare p10',
        'boot',
        'import',
        'init',
        'loadModel',
        'predictOne',
      ],
      order.map((c) => [
        LABEL[c],
        fmt(medians[c], 1),
        c === 'bare' ? '' : `+${fmt(medians[c] - medians.bare, 1)}`,
        c === 'bare' ? '' : `+${fmt(quantile(wall[c], 0.1) - quantile(wall.bare, 0.1), 1)}`,
        ph(c, 'boot'),
        ph(c, 'import'),
        ph(c, 'init'),
        ph(c, 'load'),
        ph(c, 'predict'),
      ]),
    );
    const markdown = [
      '### Cold start (target: within 30 ms of bare node)',
      '',
      table,
      '',
      `${runs} interleaved rounds of fresh processes (spawn to exit, wall clock), after one untimed round; p10 is the ` +
        'tenth percentile (a noisy host slows some rounds, never speeds one up); phases are ' +
        'the children’s own medians in ms (boot = process start until the script runs). Model: 784-128-10 saved with ' +
        "`saveModel`, loaded with `loadModel`; bundles: dist/node.js (Node’s `import 'simdnn'`) and dist/infer-node.js " +
        "(Node’s `import 'simdnn/infer'`).",
    ].join('\n');
    return { markdown, medians };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
