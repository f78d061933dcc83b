/**
 * Edge inference in workerd (Cloudflare's runtime; the npm package ships its binary): a model is
 * trained in Node and saved with JSON.stringify; a worker script (test/edge/worker/worker.js) that
 * imports 'simdnn' from the packed tarball is bundled with esbuild under workerd's conditions
 * (workerd, worker, browser), with the .wasm kept as a wasm module import and passed to
 * `init({ wasm })`. workerd serves it; its predictions must match Node's for the same model.
 * Nothing in the bundle may refer to a Node built-in (no nodejs_compat).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, pack, ROOT, type ConsumerProject } from '../consumers/project.js';
import { INPUTS, TOLERANCE, trainedXor } from './xor-model.js';

const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
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

/** workerd's config: one worker (the bundle + the wasm module) behind one http socket. */
const capnp = (port: number, wasmName: string): string => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "out/worker.js"),
    (name = "${wasmName}", wasm = embed "out/${wasmName}"),
  ],
  compatibilityDate = "2025-01-01",
);
`;

describe('workerd: inference from a bundled model', () => {
  let work: string;
  let project: ConsumerProject;
  let proc: ChildProcess | undefined;
  let origin: string;
  let expected: number[][];
  let bundle: { text: string; warnings: string[] };
  let stderr = '';

  beforeAll(async () => {
    // The model, trained in Node on the reference path (this repository's sources).
    const trained = await trainedXor();
    expected = trained.expected;

    work = mkdtempSync(join(tmpdir(), 'simdnn-edge-'));
    project = await consumerProject(await pack(join(work, 'pack')));
    cpSync(join(ROOT, 'test/edge/worker'), project.dir, { recursive: true });
    writeFileSync(join(project.dir, 'model.json'), trained.json);

    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      absWorkingDir: project.dir,
      entryPoints: ['worker.js'],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      loader: { '.wasm': 'copy' },
      assetNames: '[name]',
      outdir: join(project.dir, 'out'),
      logLevel: 'silent',
    });
    bundle = { text: readFileSync(join(project.dir, 'out/worker.js'), 'utf8'), warnings: r.warnings.map((w) => w.text) };

    const port = await freePort();
    writeFileSync(join(project.dir, 'config.capnp'), capnp(port, 'simdnn-relaxed.wasm'));
    proc = spawn(WORKERD, ['serve', 'config.capnp'], { cwd: project.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    origin = `http://127.0.0.1:${port}`;
    // Wait until workerd answers (it compiles the worker first).
    for (let i = 0; ; i++) {
      try {
        await fetch(`${origin}/?x=[0,0]`);
        break;
      } catch (e) {
        if (proc.exitCode !== null || i > 600) throw new Error(`workerd did not start: ${stderr || (e as Error).message}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
  }, 300_000);

  afterAll(() => {
    proc?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it('the bundle imports no Node built-in and esbuild does not warn', () => {
    expect(bundle.warnings).toEqual([]);
    expect(bundle.text).not.toMatch(/from ["']node:|import\(["']node:|require\(["'](node:)?(fs|path|url|module)["']\)/);
    expect(bundle.text).toMatch(/from "\.\/simdnn-relaxed\.wasm"/);
  });

  it("workerd answers with predictOne's output, equal to Node's for the same model", async () => {
    for (let i = 0; i < INPUTS.length; i++) {
      const res = await fetch(`${origin}/?x=${JSON.stringify(INPUTS[i])}`);
      const body = (await res.json()) as { y?: number[]; simd?: string; error?: string };
      expect(body.error, `workerd stderr:\n${stderr}`).toBeUndefined();
      expect(res.status).toBe(200);
      expect(body.simd).toBe('relaxed');
      expect(body.y!.length).toBe(2);
      for (let j = 0; j < 2; j++) expect(Math.abs(body.y![j]! - expected[i]![j]!)).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 120_000);
});
