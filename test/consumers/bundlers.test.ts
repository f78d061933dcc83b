/**
 * Consumer projects built from the packed tarball (test/consumers/project.ts) with esbuild
 * (platform browser), Vite (build), webpack 5 and Rollup (bundlers.ts), and a `vite dev` server:
 * - installing the tarball prints no install-script warning and installs nothing else;
 * - no bundler warns (in particular about Node built-ins), and each emits the .wasm builds;
 * - each output, loaded in one Chromium, initialises the relaxed-SIMD build by itself (the
 *   bundler found the .wasm, the auto-choice still works) and trains XOR to 100 % accuracy, and
 *   simdnn/infer on the same page loads its forward-only build and serves the model bit for bit;
 * - in the page parseCsv works and the Node-only functions refuse with the browser's alternative.
 *
 * Needs `npm run build` first (`npm test` runs it) and Debian's chromium (or CHROMIUM_PATH);
 * SIMDNN_SKIP_BROWSER=1 skips it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/server.js';
import { buildEsbuild, buildRollup, buildVite, buildWebpack, emittedWasm, type BuildResult } from './bundlers.js';
import { consumerProject, pack, ROOT, type ConsumerProject } from './project.js';
import { CHROMIUM, launchChromium } from '../browser/chromium.js';

const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';

interface AppResult {
  error?: string;
  name?: string;
  simd?: string;
  accuracy?: number;
  finalLoss?: number;
  csv?: { shape: number[]; classes: string[] };
  refusals?: string[];
  infer?: { kernels?: string; simd?: string; same?: boolean };
}

/** Opens `url`, waits for the app's result, and returns it with the page's errors. */
async function runPage(browser: Browser, url: string): Promise<{ result: AppResult; diagnostics: string[] }> {
  const page = await browser.newPage();
  const diagnostics: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') diagnostics.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => diagnostics.push(`requestfailed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) diagnostics.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __simdnnResult?: unknown }).__simdnnResult !== undefined, null, {
      timeout: 120_000,
    });
    const result = (await page.evaluate(() => (window as unknown as { __simdnnResult: unknown }).__simdnnResult)) as AppResult;
    return { result, diagnostics };
  } finally {
    await page.close();
  }
}

describe.skipIf(SKIP)('consumer projects from the packed tarball, in Chromium', () => {
  let work: string;
  let project: ConsumerProject;
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  const builds: Record<string, BuildResult> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, set CHROMIUM_PATH, or SIMDNN_SKIP_BROWSER=1.`);
    }
    if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does).');
    work = mkdtempSync(join(tmpdir(), 'simdnn-consumers-'));
    project = await consumerProject(await pack(join(work, 'pack')));
    const out = join(work, 'out');
    // One build per bundler, one after the other (the machine has two cores).
    builds.esbuild = await buildEsbuild(project.dir, out);
    builds.vite = await buildVite(project.dir, out);
    builds.webpack = await buildWebpack(project.dir, out);
    builds.rollup = await buildRollup(project.dir, out);
    server = await serveStatic(out);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it('installing the tarball prints no install-script warning and pulls in no dependency', () => {
    expect(project.installLog).not.toMatch(/install-scripts|install script|prepare/i);
    const installed = readdirSync(join(project.dir, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(installed).toEqual(['simdnn']);
  });

  for (const bundler of ['esbuild', 'vite', 'webpack', 'rollup']) {
    it(`${bundler}: builds without warnings, emits the .wasm builds, and the page trains XOR on relaxed SIMD and serves it with simdnn/infer`, async () => {
      const b = builds[bundler]!;
      expect(b.warnings, `${bundler} warnings`).toEqual([]);
      const files = readdirSync(b.outDir, { recursive: true }) as string[];
      // Vite, webpack and Rollup emit all six builds (one- and multi-threaded, and simdnn/infer's
      // forward-only pair); esbuild's app copies the four one-thread builds by hand (esbuild does not
      // emit new URL assets).
      // The build's name without the bundler's content hash (8 base64url characters, '-' included).
      const buildName = (f: string) =>
        /^(simdnn(?:-infer)?(?:-relaxed)?(?:-threads)?)(?:-[\w-]{8})?\.wasm$/.exec(basename(f))?.[1] ?? basename(f);
      const builds_ = new Set(emittedWasm(files).map(buildName));
      const expected = [
        'simdnn',
        'simdnn-relaxed',
        'simdnn-infer',
        'simdnn-infer-relaxed',
        ...(bundler === 'esbuild' ? [] : ['simdnn-threads', 'simdnn-relaxed-threads']),
      ];
      if (bundler === 'webpack') expect(emittedWasm(files).length, `webpack emitted ${files.join(', ')}`).toBe(6);
      else expect([...builds_].sort(), `${bundler} emitted ${files.join(', ')}`).toEqual(expected.sort());
      const { result, diagnostics } = await runPage(browser!, `${server!.origin}/${bundler}/index.html`);
      const context = `\nresult: ${JSON.stringify(result)}\ndiagnostics:\n${diagnostics.join('\n')}`;
      expect(result.error, context).toBeUndefined();
      expect(result.name, context).toBe('wasm');
      expect(result.simd, context).toBe('relaxed');
      expect(result.accuracy, context).toBe(1);
      // simdnn/infer's init found its forward-only build; it predicts as the trained model.
      expect(result.infer, context).toEqual({ kernels: 'inference', simd: 'relaxed', same: true });
      // parseCsv runs in the page; readCsv, save(dir) and loadModel(dir) refuse, naming the browser's way.
      expect(result.csv, context).toEqual({ shape: [2, 2], classes: ['x', 'y'] });
      const [csv, save, load] = result.refusals!;
      expect(csv, context).toMatch(/^readCsv\(path\) needs Node .*parseCsv\(text, options\)/);
      expect(save, context).toMatch(/needs Node\b.*indexeddb:\/\//);
      expect(load, context).toMatch(/needs Node\b.*indexeddb:\/\//);
    }, 180_000);
  }

  it('vite dev: the dev server serves the app and the .wasm, and the page trains XOR on relaxed SIMD', async () => {
    const vite = await import('vite');
    const dev = await vite.createServer({
      root: project.dir,
      configFile: false,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    await dev.listen();
    try {
      const origin = dev.resolvedUrls?.local[0]?.replace(/\/$/, '');
      expect(origin, 'vite dev server URL').toBeTruthy();
      const { result, diagnostics } = await runPage(browser!, `${origin}/index.html`);
      const context = `\nresult: ${JSON.stringify(result)}\ndiagnostics:\n${diagnostics.join('\n')}`;
      expect(result.error, context).toBeUndefined();
      expect(result.simd, context).toBe('relaxed');
      expect(result.accuracy, context).toBe(1);
      expect(result.infer, context).toEqual({ kernels: 'inference', simd: 'relaxed', same: true });
    } finally {
      await dev.close();
    }
  }, 180_000);
});
