/**
 * The demo page (examples/browser/) end to end in real Chromium, served by the demo's own server
 * started in-process: it trains a toy set (the decision boundary is drawn, the charts get points),
 * stops a run early, trains MNIST on a subset on the pure-JS backend and then on wasm (both speed
 * figures shown), reads a "1" drawn with mouse events in the digit box, and tries Save / Load with
 * IndexedDB. Screenshots go to test-artifacts/: demo-spirals.png and demo-boundary.png (after the spirals), demo.png (after
 * MNIST and the drawn digit), demo-store.png (after Save / Load).
 *
 * Needs Debian's `chromium` (or CHROMIUM_PATH) and `npm run build`; SIMDNN_SKIP_BROWSER=1 skips it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../examples/browser/server.js';
import { CHROMIUM, launchChromium } from '../browser/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';
/** MNIST training digits used here (the page's smallest subset) and epochs on them. */
const MNIST_TRAIN = '1000';
const MNIST_EPOCHS = '4';

interface DemoState {
  ready: boolean;
  running: boolean;
  runs: number;
  boundaryDraws: number;
  chartPoints: number;
  lastRun?: { dataset: string; backend: string; history: { epoch: number[]; history: Record<string, number[]> } };
  prediction: number[] | null;
  speed: Record<string, { samplesPerSecond: number; what: string }>;
  store?: { text: string; kind: string };
  errors: string[];
}

const state = (page: Page): Promise<DemoState> =>
  page.evaluate(() => {
    const d = (window as unknown as { __demo: DemoState }).__demo;
    return JSON.parse(JSON.stringify({ ...d, chartPoints: d.chartPoints }));
  });

/** Picks the controls, presses Train and waits for the run to finish; returns the page state. */
async function train(
  page: Page,
  dataset: string,
  epochs: string,
  backend: 'wasm' | 'js',
  extra: Record<string, string> = {},
): Promise<DemoState> {
  const before = (await state(page)).runs;
  await page.selectOption('#dataset', dataset);
  for (const [sel, v] of Object.entries(extra)) await page.selectOption(sel, v);
  await page.fill('#epochs', epochs);
  await page.click(`[data-backend="${backend}"]`);
  await page.click('#start');
  await page.waitForFunction(
    (n) => {
      const d = (window as unknown as { __demo: DemoState }).__demo;
      return d.runs > n || d.errors.length > 0;
    },
    before,
    { timeout: 120_000 },
  );
  const s = await state(page);
  expect(s.errors, 'the page reported errors').toEqual([]);
  return s;
}

/** Distinct colours among the canvas's pixels (a blank canvas has one). */
const canvasColours = (page: Page, id: string): Promise<number> =>
  page.evaluate((cid) => {
    const c = document.getElementById(cid) as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 7) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  }, id);

/**
 * Draws a "1" as a user would (a slightly slanted vertical stroke through the middle of the pad, by
 * mouse events) and returns the page's probabilities for it.
 */
async function drawOne(page: Page): Promise<number[]> {
  const box = (await page.locator('#pad').boundingBox())!;
  const x = box.x + box.width * 0.52;
  await page.mouse.move(x, box.y + box.height * 0.18);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(x - i * 0.6, box.y + box.height * (0.18 + (0.64 * i) / 12));
  await page.mouse.up();
  await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.prediction !== null, null, { timeout: 10_000 });
  return (await state(page)).prediction!;
}

/** The colour [r, g, b] of the canvas pixel at (x, y). */
const pixel = (page: Page, id: string, x: number, y: number): Promise<number[]> =>
  page.evaluate(
    ([cid, px, py]) => {
      const c = document.getElementById(cid as string) as HTMLCanvasElement;
      return Array.from(
        c
          .getContext('2d')!
          .getImageData(px as number, py as number, 1, 1)
          .data.slice(0, 3),
      );
    },
    [id, x, y],
  );

/** The plain background of the toy-set preview (boundary.js drawPoints). */
const PREVIEW_BACKGROUND = [0xf1, 0xf5, 0xf9];

describe.skipIf(SKIP)('demo page (Chromium, examples/browser)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const diagnostics: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium, set CHROMIUM_PATH, or SIMDNN_SKIP_BROWSER=1 to skip.`,
      );
    }
    if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first.');
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startDemoServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') diagnostics.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => (window as unknown as { __demo?: DemoState }).__demo?.ready === true, null, { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is cross-origin isolated and loads uPlot, the package and its wasm from the demo server', async () => {
    expect(await page!.evaluate(() => crossOriginIsolated)).toBe(true);
    const trainer = await page!.evaluate(() => (window as unknown as { __demo: { trainer: string } }).__demo.trainer);
    console.info(`[demo] trainer: ${trainer}`);
    expect(await page!.locator('.uplot').count()).toBe(2);
    expect(await page!.textContent('#badges')).toMatch(/wasm · (relaxed SIMD \(FMA\)|SIMD)/);
    // Before any training the view shows the chosen toy set's points on a plain background.
    expect(await page!.textContent('#view-title')).toBe('Spirals: the data');
    expect(await pixel(page!, 'view', 4, 4)).toEqual(PREVIEW_BACKGROUND);
    expect(await canvasColours(page!, 'view')).toBeGreaterThan(3);
  });

  it('trains spirals in the worker: the boundary is drawn, the charts have points, accuracy well above chance', async () => {
    const s = await train(page!, 'spirals', '40', 'wasm');
    expect(s.lastRun!.dataset).toBe('spirals');
    expect(s.lastRun!.backend).toBe('wasm');
    expect(s.lastRun!.history.epoch.length).toBe(40);
    const valAcc = s.lastRun!.history.history.valAccuracy!;
    // Three classes: chance is 1/3; the default 2 × 32 ReLU net separates the arms in 40 epochs (≈ 100 %).
    expect(valAcc[valAcc.length - 1]).toBeGreaterThan(0.9);
    expect(s.chartPoints).toBeGreaterThan(40);
    expect(s.boundaryDraws).toBeGreaterThan(0);
    // Tinted background in three class colours plus the dots: far more than a blank canvas's one colour,
    // and the corner, far from every point, now carries a class tint instead of the plain background.
    expect(await page!.textContent('#view-title')).toBe('Decision boundary');
    expect(await canvasColours(page!, 'view')).toBeGreaterThan(50);
    const corner = await pixel(page!, 'view', 4, 4);
    expect(corner).not.toEqual(PREVIEW_BACKGROUND);
    expect(Math.max(...corner) - Math.min(...corner)).toBeGreaterThan(20);
    expect(s.speed.wasm.samplesPerSecond).toBeGreaterThan(0);
    await page!.screenshot({ path: join(ARTIFACTS, 'demo-spirals.png'), fullPage: true });
    await page!.locator('section.view').screenshot({ path: join(ARTIFACTS, 'demo-boundary.png') });
  }, 150_000);

  it('Stop ends a run early: the worker stops after the current batch and the page keeps the partial model', async () => {
    const before = (await state(page!)).runs;
    await page!.selectOption('#dataset', 'circles');
    // 1,000 epochs on the JS backend take half a minute on a quiet machine: Stop lands long before the
    // end even when a busy machine delays the click (the worker slows down as much as the page).
    await page!.fill('#epochs', '1000');
    await page!.click('[data-backend="js"]');
    await page!.click('#start');
    // Wait until this run has plotted a few epochs (the chart is cleared before `running` is set), then stop.
    await page!.waitForFunction(
      () => {
        const d = (window as unknown as { __demo: DemoState }).__demo;
        return d.running && d.chartPoints > 20;
      },
      null,
      { timeout: 60_000 },
    );
    await page!.click('#stop');
    await page!.waitForFunction((n) => (window as unknown as { __demo: DemoState }).__demo.runs > n, before, { timeout: 60_000 });
    const s = await state(page!);
    expect(s.errors).toEqual([]);
    expect(s.lastRun!.dataset).toBe('circles');
    expect(s.lastRun!.history.epoch.length).toBeGreaterThan(0);
    expect(s.lastRun!.history.epoch.length).toBeLessThan(1000);
    expect(await page!.textContent('#status')).toMatch(/^Done: Circles/);
    expect(await page!.isDisabled('#stop')).toBe(true);
    await page!.click('[data-backend="wasm"]');
  }, 90_000);

  it('trains MNIST on the pure-JS backend too, and shows both speed figures side by side', async () => {
    const s = await train(page!, 'mnist', '1', 'js', { '#mnist-size': MNIST_TRAIN });
    expect(s.lastRun!.backend).toBe('js');
    expect(s.lastRun!.history.epoch.length).toBe(1);
    expect(s.speed.js.samplesPerSecond).toBeGreaterThan(0);
    expect(s.speed.wasm.samplesPerSecond).toBeGreaterThan(0);
    const figures = await page!.locator('.speed-row strong').allTextContents();
    expect(figures).toHaveLength(2);
    for (const f of figures) expect(f).toMatch(/^[\d,]+$/);
  }, 150_000);

  it('trains MNIST on a subset, and reads a "1" drawn with the mouse', async () => {
    const s = await train(page!, 'mnist', MNIST_EPOCHS, 'wasm', { '#mnist-size': MNIST_TRAIN });
    expect(s.lastRun!.dataset).toBe('mnist');
    const valAcc = s.lastRun!.history.history.valAccuracy!;
    // 1,000 digits, 4 epochs of a 784-128-10 ReLU net: about 85 % on the 1,000 test digits (chance: 10 %).
    expect(valAcc[valAcc.length - 1]).toBeGreaterThan(0.75);
    expect(await canvasColours(page!, 'view')).toBeGreaterThan(20);
    // Both backends have now trained the same model: the page states the ratio of their speeds.
    expect(await page!.textContent('#ratio')).toMatch(/^WebAssembly SIMD trains [\d.]+× (faster|slower)/);

    const p = await drawOne(page!);
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(p.indexOf(Math.max(...p))).toBe(1);
    // The bars show the probabilities, the most likely digit highlighted.
    expect(await page!.textContent('.bars li.best .digit-label')).toBe('1');
    const shown = await page!.locator('.bars .pct').allTextContents();
    expect(shown.map((t) => Number.parseFloat(t)).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    // The 28 × 28 preview holds the centred stroke.
    expect(await canvasColours(page!, 'seen')).toBeGreaterThan(2);
    expect(diagnostics, diagnostics.join('\n')).toEqual([]);
    await page!.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'demo.png'))).toBe(true);
  }, 150_000);

  it('Save / Load with IndexedDB: round-trips the model, or says plainly that this build cannot', async () => {
    const before = (await state(page!)).prediction!;
    await page!.click('#save');
    await page!.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.store !== undefined, null, { timeout: 20_000 });
    const saved = (await state(page!)).store!;
    if (saved.kind === 'ok') {
      // A fresh page (same origin, same IndexedDB) loads the model and reads the same stroke the same way.
      await page!.reload();
      await page!.waitForFunction(() => (window as unknown as { __demo?: DemoState }).__demo?.ready === true, null, { timeout: 60_000 });
      await page!.click('#load');
      await page!.waitForFunction(() => /^Loaded/.test((window as unknown as { __demo: DemoState }).__demo.store?.text ?? ''), null, {
        timeout: 60_000,
      });
      expect(await page!.inputValue('#dataset')).toBe('mnist');
      const after = await drawOne(page!);
      for (let j = 0; j < 10; j++) expect(after[j]).toBeCloseTo(before[j], 6);
      console.info('[demo] IndexedDB save/load round trip checked across a page reload');
    } else {
      // Without the browser stores the library's failed import is logged by the browser; that is expected here.
      diagnostics.length = 0;
      expect(saved.kind).toBe('warn');
      expect(saved.text).toContain("model.save('indexeddb://demo')");
      expect(await page!.isVisible('#store-notice')).toBe(true);
      console.info('[demo] this build has no IndexedDB store: the notice is shown');
    }
    await page!.screenshot({ path: join(ARTIFACTS, 'demo-store.png'), fullPage: true });
  }, 120_000);
});
