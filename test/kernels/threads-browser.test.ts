/**
 * Threads in real Chromium (the built package, dist/): test/browser/threads.html trains a fixed
 * model (test/browser/threads-train.js) with the relaxed build.
 * - Served with COOP/COEP (cross-origin isolated), it runs on 2 threads (supervisor and compute
 *   workers started from Blob URLs, the main thread spinning while it waits) and its weights equal,
 *   bit for bit, those of the same run in Node with 2 threads and with 1 thread.
 * - The same run inside a module Web Worker of the isolated page (init() from a worker, as a
 *   training worker does it): 2 threads, the pool's workers nested, same bits.
 * - Served isolated but with a CSP that forbids blob: workers, the pool cannot start: one thread,
 *   one notice, same bits.
 * - Served without those headers, it runs on one thread, says so once through onNotice, and its
 *   weights are again the same bits.
 *
 * Needs Debian's `chromium` (or CHROMIUM_PATH) and `npm run build` first, like test/e2e/browser.test.ts;
 * SIMDNN_SKIP_BROWSER=1 skips it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { CROSS_ORIGIN_ISOLATION, serveStatic, type StaticServer } from '../browser/server.js';
import { bitsHex, train } from '../browser/threads-train.js';
import { CHROMIUM } from '../browser/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];

interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  threads: number;
  simd: string;
  notices: string[];
  bits: string;
}

describe.skipIf(SKIP)('threads in Chromium (built package)', () => {
  let isolated: StaticServer | undefined;
  let plain: StaticServer | undefined;
  let noBlobWorkers: StaticServer | undefined;
  let browser: Browser | undefined;
  let node1 = '';
  let node2 = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, set CHROMIUM_PATH, or SIMDNN_SKIP_BROWSER=1.`);
    }
    for (const f of ['dist/index.js', 'dist/simdnn-relaxed-threads.wasm']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first.`);
    }
    isolated = await serveStatic(ROOT, { headers: CROSS_ORIGIN_ISOLATION });
    plain = await serveStatic(ROOT);
    // Isolated, but a Content-Security-Policy that allows workers from this origin only (not blob:).
    noBlobWorkers = await serveStatic(ROOT, { headers: { ...CROSS_ORIGIN_ISOLATION, 'content-security-policy': "worker-src 'self'" } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
    // The Node side of the comparison: same build level (relaxed), 1 and 2 threads.
    const b1 = await lib.init({ backend: 'wasm', simd: 'relaxed', threads: 1 });
    node1 = bitsHex(await train(lib, b1));
    const b2 = await lib.init({ backend: 'wasm', simd: 'relaxed', threads: 2 });
    node2 = bitsHex(await train(lib, b2));
    await b2.dispose();
  });

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
    await noBlobWorkers?.close();
  });

  async function run(server: StaticServer, query = ''): Promise<PageResult> {
    const page = await browser!.newPage();
    const diagnostics: string[] = [];
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') diagnostics.push(`console.error: ${m.text()}`);
    });
    try {
      await page.goto(`${server.origin}/test/browser/threads.html?threads=2${query}`);
      await page.waitForFunction(() => (window as unknown as { __simdnnThreads?: unknown }).__simdnnThreads !== undefined, null, {
        timeout: 300_000,
      });
      const r = (await page.evaluate(() => (window as unknown as { __simdnnThreads: unknown }).__simdnnThreads)) as PageResult;
      expect(r.error, `${r.error}\n${diagnostics.join('\n')}`).toBeUndefined();
      return r;
    } finally {
      await page.close();
    }
  }

  it('Node: 2 threads give the same weights as 1 (the reference for the pages)', () => {
    expect(node1.length).toBeGreaterThan(0);
    expect(node2).toBe(node1);
  });

  it('a cross-origin-isolated page trains on 2 threads and matches Node bit for bit', async () => {
    const r = await run(isolated!);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.simd).toBe('relaxed');
    expect(r.threads).toBe(2);
    expect(r.notices).toEqual([]);
    expect(r.bits === node1, 'weights differ from Node').toBe(true);
  });

  it('inside a Web Worker of an isolated page: 2 threads (nested workers), same weights', async () => {
    const r = await run(isolated!, '&in=worker');
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.notices).toEqual([]);
    expect(r.bits === node1, 'weights differ from Node').toBe(true);
  });

  it('an isolated page whose CSP forbids blob: workers falls back to one thread with the notice, same weights', async () => {
    const r = await run(noBlobWorkers!);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.threads).toBe(1);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/threads were requested but the thread pool could not start \(.+\); running on one thread/);
    expect(r.bits === node1, 'weights differ from Node').toBe(true);
  });

  it('a page without isolation falls back to one thread with the notice, same weights', async () => {
    const r = await run(plain!);
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/threads were requested but SharedArrayBuffer is not available .*running on one thread/);
    expect(r.bits === node1, 'weights differ from Node').toBe(true);
  });
});
