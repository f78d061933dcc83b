/**
 * fitInWorker in real Chromium, on the BUILT package: test/browser/worker.html imports
 * /dist/index.js, which starts /dist/worker.js as a module Web Worker (the literal
 * `new URL('./worker.js', import.meta.url)`). Checks byte-identical weights against main-thread fit,
 * logs in order, stop, terminate, a worker script that cannot load, and the main-thread heartbeat:
 * longest gap ≤ 16 ms while a worker trains, ≤ 50 ms while fit trains on the main thread with
 * yieldEvery: 'auto' (issue 8).
 *
 * Needs Debian's `chromium` (or CHROMIUM_PATH); SIMDNN_SKIP_BROWSER=1 skips. Needs `npm run build`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/server.js';
import { CHROMIUM, launchChromium } from '../browser/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';

/** Longest main-thread gaps the issue allows, in ms (beyond the idle heartbeat's own). */
const WORKER_GAP_MS = 16;
const AUTO_GAP_MS = 50;

interface Beat {
  longestMs: number;
  ticks: number;
  ms: number;
  /** Synchronous set-up before the measured phase (checking and copying the data), not in longestMs. */
  setupMs: number;
}
interface Gaps {
  idle: Beat;
  spinning: Beat;
  busy: Beat;
  worker: Beat;
  auto: Beat;
  autoBatches: number;
}

describe.skipIf(SKIP)('fitInWorker in Chromium (module Web Worker, built package)', () => {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const diagnostics: string[] = [];
  const call = <T>(name: string): Promise<T> =>
    page!.evaluate(
      (n) => (window as unknown as Record<string, Record<string, () => Promise<unknown>>>).simdnnWorkerPage![n]!(),
      name,
    ) as Promise<T>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, set CHROMIUM_PATH, or SIMDNN_SKIP_BROWSER=1.`);
    }
    for (const f of ['dist/index.js', 'dist/worker.js', 'dist/simdnn.wasm']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` runs it).`);
    }
    server = await serveStatic(ROOT);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') diagnostics.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${server.origin}/test/browser/worker.html`);
    await page.waitForFunction(() => 'simdnnWorkerPage' in window, null, { timeout: 90_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains in a worker to the same weights (bytes) and History as main-thread fit; logs arrive in order', async () => {
    const r = await call<{
      simd: string;
      sameWeights: boolean;
      sameLoss: boolean;
      sameValLoss: boolean;
      steps: number[];
      events: string[];
    }>('identical');
    const why = `${JSON.stringify(r)}\n${diagnostics.join('\n')}`;
    expect(r.simd, why).toBe('relaxed');
    expect(r.sameWeights, why).toBe(true);
    expect(r.sameLoss, why).toBe(true);
    expect(r.sameValLoss, why).toBe(true);
    expect(r.steps[1], why).toBe(r.steps[0]);
    // 768 training rows / 64 = 12 batches per epoch; batchLogEvery 4 → batches 0, 4, 8.
    const epoch = (e: number) => [`b${e}.0`, `b${e}.4`, `b${e}.8`, `e${e}`];
    expect(r.events, why).toEqual([...epoch(0), ...epoch(1)]);
  }, 180_000);

  it('stop() resolves with a partial History; terminate(), a worker the page ends, and a missing worker script reject with clear errors', async () => {
    const r = await call<{
      stopped: { epochs: number; steps: number };
      terminated: string;
      kept: boolean;
      missing: string;
      ownTerminated: string;
    }>('control');
    const why = `${JSON.stringify(r)}\n${diagnostics.join('\n')}`;
    expect(r.stopped.steps, why).toBeGreaterThanOrEqual(5);
    expect(r.stopped.epochs, why).toBeLessThan(100);
    expect(r.terminated, why).toMatch(/terminated .*before training finished/);
    expect(r.kept, why).toBe(true);
    expect(r.missing, why).toMatch(/fitInWorker: the worker failed/);
    expect(r.ownTerminated, why).toMatch(/worker was terminated \(worker.terminate\(\)\) before training finished/);
  }, 180_000);

  it('keeps the main thread responsive: heartbeat gap ≤ 16 ms while a worker trains, ≤ 50 ms with yieldEvery: auto', async () => {
    // Robust on a busy 2-core machine: each phase runs ≈ 3 s, and the limits apply to the gap the
    // library adds: beyond the heartbeat's longest gap beside a worker that only spins (same CPU
    // competition, no simdnn) for the worker phase; beyond its longest gap while the main thread
    // spins in 5 ms chunks without simdnn for the 'auto' phase (on a loaded machine a CPU-bound
    // thread is preempted for tens of ms at a time, whoever runs on it; timer granularity is in
    // both). A failed attempt is measured once more: a library that blocks fails both, a one-off
    // scheduling stall does not.
    const attempts: Gaps[] = [];
    const workerOk = (g: Gaps) => g.worker.longestMs - g.spinning.longestMs <= WORKER_GAP_MS;
    const autoOk = (g: Gaps) => g.auto.longestMs - g.busy.longestMs <= AUTO_GAP_MS;
    for (let i = 0; i < 2 && !(attempts.some(workerOk) && attempts.some(autoOk)); i++) attempts.push(await call<Gaps>('gaps'));
    const why = `${JSON.stringify(attempts)}\n${diagnostics.join('\n')}`;
    // The measurements are real: the heartbeat ticked throughout and 'auto' training ran many batches.
    for (const g of attempts) {
      expect(g.worker.ticks, why).toBeGreaterThan(50);
      expect(g.autoBatches, why).toBeGreaterThan(20);
    }
    // Each limit holds in at least one of the (at most two) attempts.
    const best = (f: (g: Gaps) => number) => Math.min(...attempts.map(f));
    expect(
      best((g) => g.worker.longestMs - g.spinning.longestMs),
      why,
    ).toBeLessThanOrEqual(WORKER_GAP_MS);
    expect(
      best((g) => g.auto.longestMs - g.busy.longestMs),
      why,
    ).toBeLessThanOrEqual(AUTO_GAP_MS);
    const last = attempts[attempts.length - 1]!;
    console.info(
      `[worker gaps] longest heartbeat gap: idle ${last.idle.longestMs.toFixed(1)} ms, beside a spinning worker ` +
        `${last.spinning.longestMs.toFixed(1)} ms, main thread spinning ${last.busy.longestMs.toFixed(1)} ms, ` +
        `worker training ${last.worker.longestMs.toFixed(1)} ms (fitInWorker call ` +
        `${last.worker.setupMs.toFixed(1)} ms), 'auto' main-thread training ${last.auto.longestMs.toFixed(1)} ms ` +
        `(${last.autoBatches} batches; fit set-up ${last.auto.setupMs.toFixed(1)} ms); attempts ${attempts.length}`,
    );
  }, 300_000);
});
