/**
 * Persistence in real Chromium, through the BUILT package (dist/index.js): a model trained in the
 * page is saved to IndexedDB and localStorage, the page is reloaded (a real navigation: nothing of
 * the old page survives but the origin's storage), and the loaded models predict bit for bit what
 * the trained one did. Also: `JSON.stringify` round trip in the page, `loadModel` of an http URL
 * serving a directory Node saved, `model.save('http://…')` as a multipart POST a Node server writes
 * out, `downloads://` files (taken from Playwright's download event)
 * loaded back in Node, and failed saves keeping the previous model — localStorage's real quota
 * refusing a large model, an IndexedDB transaction aborted after both writes were issued, and a
 * page reloaded while a 16 MB IndexedDB save is in flight (the old or the new model loads, whole).
 *
 * The page (test/browser/persistence.html) and dist/ are served from a temporary root through
 * symlinks, next to a model directory Node writes, so everything is one origin.
 *
 * Needs Debian's `chromium` (or CHROMIUM_PATH) and `npm run build`; SIMDNN_SKIP_BROWSER=1 skips.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { receiver } from '../browser/persistence-receiver.js';
import { serveStatic, type StaticServer } from '../browser/server.js';
import { wasmBackend } from '../helpers/backend.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';
import { CHROMIUM, launchChromium } from '../browser/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';

/** What the page's helpers return for a model (test/browser/persistence.html, `fingerprint`). */
interface Fingerprint {
  weights: string;
  predictions: string;
}
/** The page's helpers, as `page.evaluate` callbacks see them. */
// biome-ignore lint/suspicious/noExplicitAny: the page's module is untyped JavaScript.
type PageWindow = { persist: any; __persistReady?: boolean; __persistError?: string };

const hex = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe.skipIf(SKIP)('persistence in Chromium (built package)', () => {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let root: string;
  const diagnostics: string[] = [];
  const context_ = (): string => `\ndiagnostics:\n${diagnostics.join('\n')}`;

  /** Opens (or reloads) the page and waits for its helpers. */
  async function ready(reload: boolean): Promise<void> {
    if (reload) await page.reload();
    else await page.goto(`${server!.origin}/test/browser/persistence.html`);
    await page.waitForFunction(
      () => {
        const w = window as unknown as PageWindow;
        return w.__persistReady === true || w.__persistError !== undefined;
      },
      null,
      { timeout: 60_000 },
    );
    const error = await page.evaluate(() => (window as unknown as PageWindow).__persistError);
    expect(error, `the page failed to start${context_()}`).toBeUndefined();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium), ` +
          'or point CHROMIUM_PATH at a Chromium binary, or set SIMDNN_SKIP_BROWSER=1 to skip this test.',
      );
    }
    for (const f of ['dist/index.js', 'dist/simdnn.wasm']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` runs it before vitest).`);
    }
    root = await mkdtemp(join(tmpdir(), 'simdnn-persistence-'));
    await symlink(join(ROOT, 'dist'), join(root, 'dist'));
    await mkdir(join(root, 'test'));
    await symlink(join(ROOT, 'test', 'browser'), join(root, 'test', 'browser'));
    server = await serveStatic(root);
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') diagnostics.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    await ready(false);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('IndexedDB and localStorage: saved, page reloaded, loaded back bit for bit; failed saves keep the previous model', async () => {
    // 1. Train in the page, save to both stores; JSON.stringify round trip while we are here.
    const saved = await page.evaluate(async () => {
      const { simdnn, trainXor, fingerprint } = (window as unknown as PageWindow).persist;
      const model = await trainXor(1);
      await model.save('indexeddb://xor');
      await model.save('localstorage://xor');
      const json = simdnn.fromJSON(JSON.parse(JSON.stringify(model)));
      const result = {
        trained: fingerprint(model) as Fingerprint,
        json: fingerprint(json) as Fingerprint,
        paramCount: model.getFlatWeights().length,
      };
      json.dispose();
      model.dispose();
      return result;
    });
    expect(saved.json, 'JSON.stringify round trip in the page').toEqual(saved.trained);

    // 2. A real reload: the models come back only from storage.
    await ready(true);
    const loaded = await page.evaluate(async () => {
      const { simdnn, fingerprint } = (window as unknown as PageWindow).persist;
      const out: Record<string, Fingerprint> = {};
      for (const url of ['indexeddb://xor', 'localstorage://xor']) {
        const m = await simdnn.loadModel(url);
        out[url] = fingerprint(m);
        m.dispose();
      }
      return { out, list: await simdnn.listModels() };
    });
    expect(loaded.out['indexeddb://xor'], `IndexedDB after reload${context_()}`).toEqual(saved.trained);
    expect(loaded.out['localstorage://xor'], `localStorage after reload${context_()}`).toEqual(saved.trained);
    const listed = loaded.list.map((m: { url: string; weightBytes: number }) => [m.url, m.weightBytes]).sort();
    expect(listed).toEqual([
      ['indexeddb://xor', saved.paramCount * 4],
      ['localstorage://xor', saved.paramCount * 4],
    ]);

    // 3. Saves that fail keep the previous model.
    const failed = await page.evaluate(async () => {
      const { simdnn, trainXor, rejection, fingerprint } = (window as unknown as PageWindow).persist;
      const other = await trainXor(2);
      // localStorage's real quota (10 MB in Chromium) refuses a model of 2.25 M parameters (9 MB, 12 M base64 characters).
      const big = simdnn.sequential([simdnn.dense({ units: 1500, inputShape: [1500] })], { seed: 5 });
      big.compile({ loss: 'meanSquaredError' });
      const quota = await rejection(big.save('localstorage://xor'));
      big.dispose();
      // An IndexedDB save whose transaction aborts after both writes (weights, then spec) were issued.
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        const req = put.apply(this, args);
        if (this.name === 'specs') this.transaction.abort();
        return req;
      };
      let aborted: string | null;
      try {
        aborted = await rejection(other.save('indexeddb://xor'));
      } finally {
        IDBObjectStore.prototype.put = put;
      }
      const refused = await rejection(other.save('indexeddb://xor', { overwrite: false }));
      // A save that works, to another name, and its removal.
      await other.save('indexeddb://other');
      await other.save('localstorage://other');
      const listedBefore = (await simdnn.listModels()).map((m: { url: string }) => m.url).sort();
      await simdnn.removeModel('indexeddb://other');
      await simdnn.removeModel('localstorage://other');
      const removedAgain = await rejection(simdnn.removeModel('indexeddb://other'));
      const missing = await rejection(simdnn.loadModel('indexeddb://other'));
      const result = { quota, aborted, refused, listedBefore, removedAgain, missing, other: fingerprint(other) as Fingerprint };
      other.dispose();
      return result;
    });
    expect(failed.quota, `localStorage quota${context_()}`).toMatch(
      /^cannot save model to localstorage:\/\/xor: it does not fit in localStorage's quota .*The previous model saved there, if any, is kept\. Save large models with 'indexeddb:\/\/xor' instead\.$/,
    );
    expect(failed.aborted).toMatch(/^cannot save model to indexeddb:\/\/xor: .*the previous model saved there, if any, is kept\.$/);
    expect(failed.refused).toBe('cannot save model to indexeddb://xor: a model is already saved there and overwrite is false; it is kept.');
    expect(failed.listedBefore).toEqual(['indexeddb://other', 'indexeddb://xor', 'localstorage://other', 'localstorage://xor']);
    expect(failed.removedAgain).toMatch(/^removeModel: no model at indexeddb:\/\/other/);
    expect(failed.missing).toMatch(/^no model at indexeddb:\/\/other: save one with model\.save\('indexeddb:\/\/other'\)/);
    expect(failed.other.predictions).not.toBe(saved.trained.predictions); // the failed saves would have changed something

    // 4. After another reload, both stores still hold the first model, bit for bit.
    await ready(true);
    const after = await page.evaluate(async () => {
      const { simdnn, fingerprint } = (window as unknown as PageWindow).persist;
      const out: Record<string, Fingerprint> = {};
      for (const url of ['indexeddb://xor', 'localstorage://xor']) {
        const m = await simdnn.loadModel(url);
        out[url] = fingerprint(m);
        m.dispose();
      }
      return { out, list: (await simdnn.listModels()).map((m: { url: string }) => m.url).sort() };
    });
    expect(after.out['indexeddb://xor'], 'IndexedDB kept the previous model').toEqual(saved.trained);
    expect(after.out['localstorage://xor'], 'localStorage kept the previous model').toEqual(saved.trained);
    expect(after.list).toEqual(['indexeddb://xor', 'localstorage://xor']);
  }, 180_000);

  it('a page reloaded in the middle of an IndexedDB save: the store holds the old model or the new one, whole', async () => {
    const old = await page.evaluate(async () => {
      const { simdnn, digest } = (window as unknown as PageWindow).persist;
      const m = await simdnn.loadModel('indexeddb://xor');
      const f = (await digest(m)) as Fingerprint;
      m.dispose();
      return f;
    });
    // A 4 M-parameter model (16 MB): its save is still in flight when both writes have been issued.
    const fresh = await page.evaluate(async () => {
      const { simdnn, digest } = (window as unknown as PageWindow).persist;
      const big = simdnn.sequential(
        [
          simdnn.dense({ units: 2000, activation: 'tanh', inputShape: [2] }),
          simdnn.dense({ units: 2000, activation: 'tanh' }),
          simdnn.dense({ units: 2 }),
        ],
        { seed: 11 },
      );
      big.compile({ loss: 'meanSquaredError' });
      const f = (await digest(big)) as Fingerprint;
      const put = IDBObjectStore.prototype.put;
      const issued = new Promise<void>((ok) => {
        IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          const req = put.apply(this, args);
          if (this.name === 'specs') ok();
          return req;
        };
      });
      (window as unknown as { pending?: Promise<void> }).pending = big.save('indexeddb://xor');
      await issued;
      return f;
    });
    await ready(true); // the navigation interrupts the save
    const after = await page.evaluate(async () => {
      const { simdnn, digest, rejection } = (window as unknown as PageWindow).persist;
      let f: Fingerprint | undefined;
      const error = await rejection(
        simdnn.loadModel('indexeddb://xor').then(async (m: { dispose(): void }) => {
          f = await digest(m);
          m.dispose();
        }),
      );
      return { f, error };
    });
    expect(after.error, 'the interrupted save left a model that loads').toBeNull();
    const which = after.f?.weights === old.weights ? 'old' : after.f?.weights === fresh.weights ? 'new' : 'neither';
    expect(which, 'the loaded model is the old or the new one').not.toBe('neither');
    expect(after.f).toEqual(which === 'old' ? old : fresh);
    console.info(`[persistence] a save interrupted by a reload left the ${which} model`);
  }, 120_000);

  it('loadModel of an http URL reads a directory Node saved: the same weight bytes', async () => {
    const backend = await wasmBackend();
    const model = xorModel(backend, 4);
    await model.fit(XOR_X, XOR_Y, { epochs: 40, batchSize: 4 });
    await model.save(join(root, 'models', 'xor'));
    const want = hex(model.getFlatWeights());
    const nodePredictions = Array.from(model.predict(XOR_X).data);
    model.dispose();

    const got = await page.evaluate(async (origin: string) => {
      const { simdnn, fingerprint, rejection } = (window as unknown as PageWindow).persist;
      const m = await simdnn.loadModel(`${origin}/models/xor/model.json`);
      const f = fingerprint(m) as Fingerprint;
      const predictions = Array.from(
        m.predict([
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ]).data as Float32Array,
      );
      m.dispose();
      const missing = await rejection(simdnn.loadModel(`${origin}/models/none/model.json`));
      const relative = await rejection(simdnn.loadModel('/models/xor/model.json'));
      return { weights: f.weights, predictions, missing, relative };
    }, server!.origin);
    expect(got.weights, `weights loaded over http${context_()}`).toBe(want);
    // Node and Chromium may run different wasm builds (relaxed FMA or not): close, not bitwise.
    expect(got.predictions).toHaveLength(8);
    const gap = Math.max(...got.predictions.map((p, i) => Math.abs(p - nodePredictions[i]!)));
    expect(gap, 'predictions over http vs Node').toBeLessThanOrEqual(1e-6);
    expect(got.relative).toBe(
      "'/models/xor/model.json' is a directory path, which needs Node's file system; in a browser use 'indexeddb://name', " +
        `'localstorage://name', 'downloads://name' or a full 'https://…/model.json' URL (a URL on this site: '${server!.origin}/models/xor/model.json').`,
    );
    expect(got.missing).toBe(
      `loadModel: ${server!.origin}/models/none/model.json answered 404 Not Found for the model spec; check the URL.`,
    );
  }, 120_000);

  it("model.save('http://…') from the page: a multipart POST a server writes into a directory Node loads", async () => {
    const into = join(root, 'uploaded');
    const r = await receiver(into);
    try {
      const got = await page.evaluate(async (url: string) => {
        const { trainXor, fingerprint } = (window as unknown as PageWindow).persist;
        const m = await trainXor(8);
        await m.save(url);
        const f = fingerprint(m) as Fingerprint;
        m.dispose();
        return f;
      }, r.url);
      expect(r.requests.map((q) => q.method)).toEqual(['POST']);
      expect(r.requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      await wasmBackend();
      const back = await loadModel(into);
      expect(hex(back.getFlatWeights()), 'uploaded weights').toBe(got.weights);
      back.dispose();
      r.status.code = 503;
      const refused = await page.evaluate(async (url: string) => {
        const { trainXor, rejection } = (window as unknown as PageWindow).persist;
        const m = await trainXor(8, 1);
        const e = await rejection(m.save(url));
        m.dispose();
        return e;
      }, r.url);
      expect(refused).toBe(`cannot save model to ${r.url}: the server answered 503 Nope.`);
    } finally {
      await r.close();
    }
  }, 120_000);

  it("downloads://: the page's two downloads load back in Node as the same model", async () => {
    const downloads: import('playwright-core').Download[] = [];
    const two = new Promise<void>((ok) => {
      const on = (d: import('playwright-core').Download): void => {
        downloads.push(d);
        if (downloads.length === 2) {
          page.off('download', on);
          ok();
        }
      };
      page.on('download', on);
    });
    const fp = await page.evaluate(async () => {
      const { trainXor, fingerprint } = (window as unknown as PageWindow).persist;
      const m = await trainXor(7);
      await m.save('downloads://xor-dl');
      const f = fingerprint(m) as Fingerprint;
      m.dispose();
      return f;
    });
    await two;
    const names = downloads.map((d) => d.suggestedFilename()).sort();
    expect(names).toEqual(['xor-dl.json', 'xor-dl.weights.bin']);
    const dir = join(root, 'downloaded');
    for (const d of downloads) await d.saveAs(join(dir, d.suggestedFilename().endsWith('.json') ? 'model.json' : 'weights.bin'));
    const spec = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(spec.format).toBe('simdnn-model');
    await wasmBackend();
    const back = await loadModel(dir);
    expect(hex(back.getFlatWeights()), 'downloaded weights').toBe(fp.weights);
    back.dispose();
    const loadError = await page.evaluate(() =>
      (window as unknown as PageWindow).persist.rejection((window as unknown as PageWindow).persist.simdnn.loadModel('downloads://xor-dl')),
    );
    expect(loadError).toMatch(/downloads:\/\/ is for saving only/);
  }, 120_000);

  it('the README\'s "Saving in the browser" snippet runs in the page', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = /### Saving in the browser\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README has the snippet').toBeDefined();
    const logs: string[] = [];
    const onConsole = (m: import('playwright-core').ConsoleMessage): void => {
      logs.push(m.text());
    };
    page.on('console', onConsole);
    try {
      const failed = new Promise<string>((ok) => page.once('pageerror', (e) => ok(`pageerror: ${e.message}`)));
      const content = `${block!.replaceAll("from 'simdnn'", "from '/dist/index.js'")}\nwindow.__readmeDone = true;\n`;
      await page.addScriptTag({ type: 'module', content });
      const done = page
        .waitForFunction(() => (window as unknown as { __readmeDone?: boolean }).__readmeDone === true, null, { timeout: 60_000 })
        .then(() => 'done');
      expect(await Promise.race([done, failed]), `the snippet failed${context_()}`).toBe('done');
    } finally {
      page.off('console', onConsole);
    }
    expect(logs.find((l) => l.startsWith('saved models:'))).toMatch(/indexeddb:\/\/xor.*localstorage:\/\/xor/);
    const p = /prediction for \[1, 0\]: (.*)$/.exec(logs.find((l) => l.startsWith('prediction for')) ?? '')?.[1];
    const [p0, p1] = JSON.parse(p ?? '[]') as number[];
    expect(p1!, `XOR learned: ${p}`).toBeGreaterThan(p0!);
    const list = await page.evaluate(async () =>
      (await (window as unknown as PageWindow).persist.simdnn.listModels()).map((m: { url: string }) => m.url),
    );
    expect(list).not.toContain('localstorage://xor');
  }, 120_000);
});
