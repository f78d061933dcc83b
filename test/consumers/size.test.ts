/**
 * Size of the inference-only import: `init` + `fromJSON` / `loadModel` + `predictOne` from the
 * browser entry (dist/index.js), bundled and minified by esbuild with code splitting, counting what
 * a page downloads before it can predict: the entry chunk and every chunk it imports statically
 * (chunks behind `await import()` — the training loop and trainers, the JS kernels, the thread
 * pool, the stores — load only when used and are not counted). A size check, not a timing.
 *
 * The built package (package.json and dist/*.js) is copied to node_modules/simdnn of a scratch
 * project and imported as 'simdnn', as an installed package is: esbuild reads "sideEffects" and
 * treats the files as a dependency's (it does not warn about a dependency's side-effect-only
 * imports of chunks that it drops, as it would for the project's own files).
 *
 * Budget: issue 8 asks for ≤ 45 KB. Not reached (about 86 KB). What still lands in the first
 * download, and why:
 * - Code that the entry exports synchronously AND that a lazily loaded chunk uses: the training
 *   health checks, DivergenceError and History (fit uses them; ~7 KB), the curvature engine and
 *   the loss/shape checks of the second-order methods (the public hessian() etc.; ~7 KB). esbuild
 *   assigns a whole file (and a whole pre-bundled dist chunk) to every entry that reaches it by
 *   static imports; a file reached from the page's entry (a re-export) and used from an
 *   `await import()`ed chunk is therefore downloaded first, even when the page never calls it.
 * - What fromJSON itself needs: the model-file checks (io/spec-check, ~8 KB), Sequential (with
 *   its training methods), Network, the layers, losses, activations, initializers, optimizers and
 *   schedules (a saved model names them), input checks (data/prepare), wasm loading. An entry
 *   with only init/fromJSON/loadModel would still be about 67 KB (measured from the sources).
 * INFERENCE_BUDGET_BYTES is the ceiling until then, so that the size does not grow unnoticed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './project.js';

/** Ceiling of the first download of an inference-only page, in bytes (minified, not compressed). */
const INFERENCE_BUDGET_BYTES = 87 * 1024;

describe('inference-only bundle size (esbuild, minified, browser entry)', () => {
  it(`init + fromJSON + loadModel + predictOne load at most ${INFERENCE_BUDGET_BYTES} bytes before predicting`, async () => {
    const esbuild = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-size-'));
    try {
      const pkg = join(dir, 'node_modules/simdnn');
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
      for (const f of readdirSync(join(ROOT, 'dist'))) {
        if (f.endsWith('.js') || f.endsWith('.wasm')) copyFileSync(join(ROOT, 'dist', f), join(pkg, 'dist', f));
      }
      const entry = join(dir, 'infer.js');
      writeFileSync(
        entry,
        "import { init, fromJSON, loadModel } from 'simdnn';\n" +
          'await init();\n' +
          'const model = globalThis.modelJson ? fromJSON(globalThis.modelJson) : await loadModel(globalThis.modelUrl);\n' +
          'globalThis.out = model.predictOne(globalThis.x);\n',
      );
      const r = await esbuild.build({
        absWorkingDir: dir,
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
      // The page's own entry (chunks loaded by await import() are entry points too).
      const first = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === 'infer.js')!;
      expect(first).toBeDefined();
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
