/**
 * Size of the inference-only import: `init` + `fromJSON` / `loadModel` + `predictOne`, bundled and
 * minified by esbuild with code splitting, counting what a page downloads before it can predict:
 * the entry chunk and every chunk it imports statically (chunks behind `await import()` — the
 * stores, the JS kernels, the thread pool, and for the main entry the training loop and trainers —
 * load only when used and are not counted). A size check, not a timing.
 *
 * The built package (package.json and dist/*.js) is copied to node_modules/simdnn of a scratch
 * project and imported as an installed package is: esbuild reads "exports" and "sideEffects" and
 * treats the files as a dependency's (it does not warn about a dependency's side-effect-only
 * imports of chunks that it drops, as it would for the project's own files).
 *
 * - `simdnn/infer` (src/infer.ts, dist/infer.js): issue 8 asks for ≤ 45 KB. Its fromJSON/loadModel
 *   check the same files as the main entry's and build an InferenceModel over the same network
 *   core and layers; no loss, optimizer, schedule, trainer or initializer math comes with it.
 * - The main entry (`simdnn`): a ceiling, so that its inference path does not grow unnoticed. It
 *   stays large: code that the entry exports synchronously AND that a lazily loaded chunk uses
 *   (the training health checks, DivergenceError and History, the curvature engine of the public
 *   hessian()…) lands in the first download, since esbuild assigns a whole file to every entry
 *   that reaches it statically; and its fromJSON builds a Sequential, with the loss, optimizer
 *   and schedule registries a saved model names. Pages that only predict import `simdnn/infer`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './project.js';

/** Budget of the first download of a page that predicts with `simdnn/infer` (issue 8: 45 KB, minified). */
const INFER_ENTRY_BUDGET_BYTES = 45 * 1024;
/**
 * Ceiling of the same page written against the main entry `simdnn` (minified, not compressed): a
 * guard against unnoticed growth, not a target. 89,093 bytes when the thread pool's measured split
 * thresholds landed (2026-11-30); raised from 87 to 88 KB then. 90,119 bytes when the Cholesky's
 * panel kernels joined the kernel table (three names in KERNEL_NAMES, the page's module list):
 * raised to 89 KB.
 */
const MAIN_ENTRY_CEILING_BYTES = 89 * 1024;

/**
 * Bytes a page that imports init, fromJSON and loadModel from `specifier` downloads before it can
 * predict, and the bytes behind `await import()`.
 */
async function firstDownload(specifier: string): Promise<{ initial: number; lazy: number }> {
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
      `import { init, fromJSON, loadModel } from '${specifier}';\n` +
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
    console.info(`[size] ${specifier}: inference-only first download ${initial} bytes; behind await import(): ${lazy} bytes`);
    return { initial, lazy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('inference-only bundle size (esbuild, minified, browser build)', () => {
  it(`simdnn/infer: init + fromJSON + loadModel + predictOne load at most ${INFER_ENTRY_BUDGET_BYTES} bytes before predicting`, async () => {
    const { initial, lazy } = await firstDownload('simdnn/infer');
    // The stores and the JS kernels really are split off (otherwise the check below is moot).
    expect(lazy).toBeGreaterThan(10_000);
    expect(initial).toBeLessThanOrEqual(INFER_ENTRY_BUDGET_BYTES);
  });

  it(`simdnn (main entry): the same page loads at most ${MAIN_ENTRY_CEILING_BYTES} bytes before predicting`, async () => {
    const { initial, lazy } = await firstDownload('simdnn');
    // The training loop and the JS kernels really are split off.
    expect(lazy).toBeGreaterThan(10_000);
    expect(initial).toBeLessThanOrEqual(MAIN_ENTRY_CEILING_BYTES);
  });
});
