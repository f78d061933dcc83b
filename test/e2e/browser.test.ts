/**
 * Smoke test in real Chromium: the BUILT package (dist/index.js + dist/simdnn*.wasm) is served over
 * http from the repository root, test/browser/xor.html imports it as an ES module, initialises the wasm
 * backend (so the .wasm is fetched next to dist/index.js, through `compileStreaming`), trains XOR and
 * round-trips the model through ONNX and the TF.js layers format in the page.
 *
 * Needs Debian's `chromium` (`apt-get install -y chromium`; `.ci/run` installs it) or CHROMIUM_PATH.
 * Set SIMDNN_SKIP_BROWSER=1 to skip on machines without a browser. Needs `npm run build` first
 * (`npm test` runs it).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/server.js';
import { CHROMIUM, launchChromium } from '../browser/chromium.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = process.env.SIMDNN_SKIP_BROWSER === '1';

interface XorResult {
  error?: string;
  interchange: { onnxBytes: number; onnxMaxDiff: number; tfjsMaxDiff: number };
  yielding: { batches: number; setTimeoutCalls: number };
  accuracy: number;
  name: string;
  simd: string | boolean;
  outputs: number[][];
  finalLoss: number | null;
  trainMs: number;
  relaxedSimdValidates: boolean;
  userAgent: string;
}

describe.skipIf(SKIP)('browser smoke test (Chromium, built package)', () => {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium), ` +
          'or point CHROMIUM_PATH at a Chromium binary, or set SIMDNN_SKIP_BROWSER=1 to skip this test.',
      );
    }
    for (const f of ['dist/index.js', 'dist/simdnn.wasm']) {
      if (!existsSync(join(ROOT, f))) {
        throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` runs it before vitest).`);
      }
    }
    server = await serveStatic(ROOT);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads dist/index.js, fetches the .wasm next to it and trains XOR to 100 % with the wasm backend', async () => {
    const page = await browser!.newPage();
    const diagnostics: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') diagnostics.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => diagnostics.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => diagnostics.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    const wasmResponses: { url: string; status: number; type: string | undefined }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasmResponses.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
    });

    try {
      await page.goto(`${server!.origin}/test/browser/xor.html`);
      await page.waitForFunction(() => (window as unknown as { __simdnnResult?: unknown }).__simdnnResult !== undefined, null, {
        timeout: 90_000,
      });
      const result = (await page.evaluate(() => (window as unknown as { __simdnnResult: unknown }).__simdnnResult)) as XorResult;
      const context = () =>
        `\nresult: ${JSON.stringify(result, null, 2)}\nwasm: ${JSON.stringify(wasmResponses)}\n` +
        `diagnostics:\n${diagnostics.join('\n')}\nserved:\n${server!.log.map((l) => `${l.status} ${l.path}`).join('\n')}`;

      expect(result.error, `the page threw${context()}`).toBeUndefined();
      expect(result.name, `backend name${context()}`).toBe('wasm');
      expect(result.accuracy, `XOR accuracy${context()}`).toBe(1);
      // fit's yields in a page use a MessageChannel (unclamped), never setTimeout(0).
      expect(result.yielding.batches, `yielding fit${context()}`).toBe(200);
      expect(result.yielding.setTimeoutCalls, `setTimeout used to yield${context()}`).toBe(0);
      // toOnnx / fromOnnx and toTfjs / fromTfjs run in the browser entry and give back the same model.
      expect(result.interchange.onnxBytes, `ONNX export${context()}`).toBeGreaterThan(100);
      expect(result.interchange.onnxMaxDiff, `ONNX round trip${context()}`).toBeLessThanOrEqual(1e-6);
      expect(result.interchange.tfjsMaxDiff, `TF.js round trip${context()}`).toBeLessThanOrEqual(1e-6);
      // The module really came over http from dist/, with the MIME type compileStreaming requires.
      expect(wasmResponses.length, `no .wasm was fetched${context()}`).toBeGreaterThan(0);
      for (const w of wasmResponses) {
        expect(new URL(w.url).pathname.startsWith('/dist/'), `wasm not fetched from dist/${context()}`).toBe(true);
        expect(w.status).toBe(200);
        expect(w.type).toBe('application/wasm');
      }
      console.info(
        `[browser] ${result.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? result.userAgent}: ` +
          `backend ${result.name} simd=${String(result.simd)} relaxed-validates=${result.relaxedSimdValidates} ` +
          `XOR accuracy ${result.accuracy} loss ${result.finalLoss} in ${result.trainMs} ms`,
      );
    } finally {
      await page.close();
    }
  }, 180_000);
});
