/**
 * Size of the inference-only import: `init` + `fromJSON` / `loadModel` + `predictOne` from the
 * browser entry (dist/index.js), bundled and minified by esbuild with code splitting, counting what
 * a page downloads before it can predict: the entry chunk and every chunk it imports statically
 * (chunks behind `await import()` — the training loop, the JS kernels, file I/O — load only when
 * used and are not counted). A size check, not a timing.
 *
 * Budget: issue 8 asks for ≤ 45 KB. Not reached yet (about 92 KB). What still lands in the first
 * download, and why:
 * - The second-order trainers (about 17 KB): registered by name at import time
 *   (train/second-order/index.ts), so that fromJSON can re-create a saved Newton/LM/HF model.
 * - Code that the public entry exports synchronously AND that a lazily loaded chunk uses (the
 *   training health checks and DivergenceError, which fit imports; about 8 KB): esbuild assigns a
 *   whole file to the chunks of every entry that reaches it by static imports, so a file reached
 *   both from the entry (re-export) and from an `await import()`ed chunk (use) is downloaded first,
 *   even when the page never calls it. Moving such code out needs the entry to stop reaching the
 *   file statically, not just a lazy import at the use site.
 * INFERENCE_BUDGET_BYTES is the ceiling until then, so that the size does not grow unnoticed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './project.js';

/** Ceiling of the first download of an inference-only page, in bytes (minified, not compressed). */
const INFERENCE_BUDGET_BYTES = 92 * 1024;

describe('inference-only bundle size (esbuild, minified, browser entry)', () => {
  it(`init + fromJSON + loadModel + predictOne load at most ${INFERENCE_BUDGET_BYTES} bytes before predicting`, async () => {
    const esbuild = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-size-'));
    try {
      const entry = join(dir, 'infer.js');
      writeFileSync(
        entry,
        `import { init, fromJSON, loadModel } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};\n` +
          'await init();\n' +
          'const model = globalThis.modelJson ? fromJSON(globalThis.modelJson) : await loadModel(globalThis.modelUrl);\n' +
          'globalThis.out = model.predictOne(globalThis.x);\n',
      );
      const r = await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        splitting: true,
        outdir: join(dir, 'out'),
        metafile: true,
        logLevel: 'silent',
      });
      expect(r.warnings.map((w) => w.text)).toEqual([]);
      const outputs = r.metafile.outputs;
      const first = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!;
      // The entry chunk and its static imports, transitively.
      const seen = new Set<string>();
      const todo = [first];
      while (todo.length) {
        const o = todo.pop()!;
        if (seen.has(o)) continue;
        seen.add(o);
        for (const i of outputs[o]!.imports) if (i.kind === 'import-statement') todo.push(i.path);
      }
      const initial = [...seen].reduce((s, o) => s + outputs[o]!.bytes, 0);
      const lazy = Object.keys(outputs)
        .filter((o) => !seen.has(o) && o.endsWith('.js'))
        .reduce((s, o) => s + outputs[o]!.bytes, 0);
      console.info(`[size] inference-only first download: ${initial} bytes; behind await import(): ${lazy} bytes`);
      // The training loop and the JS kernels really are split off (otherwise the check below is moot).
      expect(lazy).toBeGreaterThan(10_000);
      expect(initial).toBeLessThanOrEqual(INFERENCE_BUDGET_BYTES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
