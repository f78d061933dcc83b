/**
 * Edge inference in workerd (Cloudflare's runtime; the npm package ships its binary): a model is
 * trained in Node and saved with JSON.stringify; a worker script (test/edge/worker/worker.js) that
 * imports 'simdnn' from the packed tarball is bundled two ways, each served by workerd and answering
 * with Node's predictions for the same model:
 * - esbuild under workerd's conditions (workerd, worker, browser), the .wasm kept as a wasm module
 *   import and passed to `init({ wasm })`;
 * - wrangler 3 (`wrangler deploy --dry-run --outdir`, the bundler Cloudflare users run; wrangler 4
 *   needs Node ≥ 22) with a wrangler.toml that does NOT set `nodejs_compat`: wrangler refuses a
 *   bundle that reaches a Node built-in without it.
 * - esbuild again for the same worker on `simdnn/infer` with its forward-only kernels
 *   (simdnn-infer-relaxed.wasm).
 * Nothing in any bundle may refer to a Node built-in.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, pack, ROOT, type ConsumerProject } from '../consumers/project.js';
import { INPUTS, TOLERANCE, trainedXor } from './xor-model.js';

const run = promisify(execFile);
const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** workerd's config: one worker (the bundle and its wasm modules) behind one http socket. */
const capnp = (port: number, wasmNames: readonly string[]): string => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
${wasmNames.map((w) => `    (name = "${w}", wasm = embed "${w}"),`).join('\n')}
  ],
  compatibilityDate = "2025-01-01",
);
`;

/** wrangler.toml of the consumer: no compatibility_flags, so no nodejs_compat. */
const WRANGLER_TOML = `name = "simdnn-edge"
main = "worker.js"
compatibility_date = "2025-01-01"
`;

interface Served {
  proc: ChildProcess;
  origin: string;
  stderr: () => string;
}

/** Serves the bundle in `out` (worker.js and its .wasm files) with workerd; resolves once it answers. */
async function serve(out: string): Promise<Served> {
  const port = await freePort();
  const wasm = readdirSync(out).filter((f) => f.endsWith('.wasm'));
  writeFileSync(join(out, 'config.capnp'), capnp(port, wasm));
  const proc = spawn(WORKERD, ['serve', 'config.capnp'], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const origin = `http://127.0.0.1:${port}`;
  // Wait until workerd answers (it compiles the worker first).
  for (let i = 0; ; i++) {
    try {
      await fetch(`${origin}/?x=[0,0]`);
      return { proc, origin, stderr: () => stderr };
    } catch (e) {
      if (proc.exitCode !== null || i > 600) throw new Error(`workerd did not start: ${stderr || (e as Error).message}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

/**
 * The bundle's text must not reach a Node built-in. (The thread pool's worker source, a string that
 * only Node's worker_threads evaluates, names `require('node:worker_threads')`; it is text, not an
 * import of the bundle.)
 */
const NODE_BUILTIN = /from ["']node:|import\(["']node:|require\(["'](node:)?(fs|path|url|module|os)["']\)/;

describe('workerd: inference from a bundled model', () => {
  let work: string;
  let project: ConsumerProject;
  let expected: number[][];
  const servers: Served[] = [];

  beforeAll(async () => {
    // The model, trained in Node on the reference path (this repository's sources).
    const trained = await trainedXor();
    expected = trained.expected;
    work = mkdtempSync(join(tmpdir(), 'simdnn-edge-'));
    project = await consumerProject(await pack(join(work, 'pack')));
    cpSync(join(ROOT, 'test/edge/worker'), project.dir, { recursive: true });
    writeFileSync(join(project.dir, 'model.json'), trained.json);
  }, 300_000);

  afterAll(() => {
    for (const s of servers) s.proc.kill();
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  /** Every input's answer from the served worker equals Node's prediction within TOLERANCE. */
  async function expectNodePredictions(s: Served, kernels: string): Promise<void> {
    for (let i = 0; i < INPUTS.length; i++) {
      const res = await fetch(`${s.origin}/?x=${JSON.stringify(INPUTS[i])}`);
      const body = (await res.json()) as { y?: number[]; simd?: string; kernels?: string; error?: string };
      expect(body.error, `workerd stderr:\n${s.stderr()}`).toBeUndefined();
      expect(res.status).toBe(200);
      expect(body.simd).toBe('relaxed');
      expect(body.kernels).toBe(kernels);
      expect(body.y!.length).toBe(2);
      for (let j = 0; j < 2; j++) expect(Math.abs(body.y![j]! - expected[i]![j]!)).toBeLessThanOrEqual(TOLERANCE);
    }
  }

  /** Bundles `entry` of the consumer project into `out`/worker.js as a workerd user would with esbuild. */
  async function bundle(entry: string, out: string): Promise<string> {
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      absWorkingDir: project.dir,
      entryPoints: [{ in: entry, out: 'worker' }],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      loader: { '.wasm': 'copy' },
      assetNames: '[name]',
      outdir: out,
      logLevel: 'silent',
    });
    expect(r.warnings.map((w) => w.text)).toEqual([]);
    const text = readFileSync(join(out, 'worker.js'), 'utf8');
    expect(text).not.toMatch(NODE_BUILTIN);
    return text;
  }

  it('esbuild (conditions workerd, worker, browser): no Node built-in, no warning; workerd answers as Node does', async () => {
    const out = join(project.dir, 'out-esbuild');
    expect(await bundle('worker.js', out)).toMatch(/from "\.\/simdnn-relaxed\.wasm"/);
    const s = await serve(out);
    servers.push(s);
    await expectNodePredictions(s, 'all');
  }, 300_000);

  it('simdnn/infer with its forward-only kernels (simdnn-infer-relaxed.wasm), bundled by esbuild: workerd answers as Node does', async () => {
    // The same worker on the inference entry and its forward-only module.
    const source = readFileSync(join(project.dir, 'worker.js'), 'utf8')
      .replace("from 'simdnn';", "from 'simdnn/infer';")
      .replace("'simdnn/simdnn-relaxed.wasm'", "'simdnn/simdnn-infer-relaxed.wasm'");
    writeFileSync(join(project.dir, 'infer-worker.js'), source);
    const out = join(project.dir, 'out-infer');
    expect(await bundle('infer-worker.js', out)).toMatch(/from "\.\/simdnn-infer-relaxed\.wasm"/);
    // The module given is recognised as forward-only: the backend says so.
    const s = await serve(out);
    servers.push(s);
    await expectNodePredictions(s, 'inference');
  }, 300_000);

  it('wrangler 3 `deploy --dry-run` without nodejs_compat: builds with no error or Node warning; workerd serves its bundle as Node predicts', async () => {
    writeFileSync(join(project.dir, 'wrangler.toml'), WRANGLER_TOML);
    const out = join(project.dir, 'out-wrangler');
    const { stdout, stderr } = await run(WRANGLER, ['deploy', '--dry-run', '--outdir', out], {
      cwd: project.dir,
      maxBuffer: 1 << 24,
      // No telemetry; no colours in the log that is checked below.
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    const log = `${stdout}\n${stderr}`;
    expect(log).toMatch(/--dry-run: exiting now/);
    // wrangler names a Node built-in it cannot bundle (and suggests nodejs_compat) as an error or warning.
    expect(log).not.toMatch(/nodejs_compat|node:|Could not resolve|built-in/i);
    const text = readFileSync(join(out, 'worker.js'), 'utf8');
    expect(text).not.toMatch(NODE_BUILTIN);
    // The wasm module import, renamed by wrangler with a content hash.
    expect(readdirSync(out).filter((f) => f.endsWith('simdnn-relaxed.wasm'))).toHaveLength(1);
    const s = await serve(out);
    servers.push(s);
    await expectNodePredictions(s, 'all');
  }, 300_000);
});
