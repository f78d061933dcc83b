/**
 * Inference in Deno and Bun (their npm packages install their binaries from the registry): each
 * runs test/edge/worker/predict.mjs in a consumer project that installed the packed tarball, with
 * 'simdnn' resolved by the runtime itself, and must print Node's predictions for the same model.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, pack, ROOT, type ConsumerProject } from '../consumers/project.js';
import { INPUTS, TOLERANCE, trainedXor } from './xor-model.js';

const run = promisify(execFile);
const RUNTIMES: Record<string, string[]> = {
  deno: [join(ROOT, 'node_modules/.bin/deno'), 'run', '--allow-read', '--allow-env', 'predict.mjs'],
  bun: [join(ROOT, 'node_modules/.bin/bun'), 'predict.mjs'],
};

describe('Deno and Bun: inference from the installed package', () => {
  let work: string;
  let project: ConsumerProject;
  let expected: number[][];

  beforeAll(async () => {
    const trained = await trainedXor();
    expected = trained.expected;
    work = mkdtempSync(join(tmpdir(), 'simdnn-runtimes-'));
    project = await consumerProject(await pack(join(work, 'pack')));
    cpSync(join(ROOT, 'test/edge/worker/predict.mjs'), join(project.dir, 'predict.mjs'));
    writeFileSync(join(project.dir, 'model.json'), trained.json);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  for (const [name, [bin, ...args]] of Object.entries(RUNTIMES)) {
    it(`${name} predicts what Node predicts`, async () => {
      expect(existsSync(bin!), `${bin} is missing: npm ci installs it (devDependency ${name})`).toBe(true);
      const { stdout, stderr } = await run(bin!, [...args, JSON.stringify(INPUTS)], {
        cwd: project.dir,
        env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
        timeout: 120_000,
      });
      const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { simd: string; y: number[][] };
      console.info(`[${name}] simd=${out.simd}`);
      expect(['relaxed', 'simd'], stderr).toContain(out.simd);
      expect(out.y.length).toBe(INPUTS.length);
      for (let i = 0; i < INPUTS.length; i++) {
        for (let j = 0; j < 2; j++) expect(Math.abs(out.y[i]![j]! - expected[i]![j]!)).toBeLessThanOrEqual(TOLERANCE);
      }
    }, 180_000);
  }
});
