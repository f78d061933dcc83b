/**
 * `"sideEffects": false` holds in fact: a consumer bundle of the browser build that imports only
 * `init` and `fromJSON` (esbuild, minified, tree-shaken as bundlers do under that flag) still
 * re-creates a model saved with a second-order trainer, whose factory is registered by name when
 * the package loads. Run in Node on the JS backend (no .wasm needed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dense, init, levenbergMarquardt, sequential } from '../../src/index.js';
import { ROOT } from './project.js';

describe('sideEffects: false', () => {
  it('a tree-shaken bundle importing only init and fromJSON re-creates a Levenberg–Marquardt model', async () => {
    const backend = await init({ backend: 'js' });
    const model = sequential([dense({ units: 3, activation: 'tanh', inputShape: [2] }), dense({ units: 1 })], { seed: 2, backend });
    model.compile({ loss: 'meanSquaredError', optimizer: levenbergMarquardt() });
    const json = JSON.stringify(model);
    const expected = Array.from(model.predictOne([0.5, -1]));
    model.dispose();

    const dir = mkdtempSync(join(tmpdir(), 'simdnn-side-effects-'));
    try {
      writeFileSync(join(dir, 'model.json'), json);
      writeFileSync(
        join(dir, 'app.js'),
        `import { init, fromJSON } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};\n` +
          "import { readFileSync } from 'node:fs';\n" +
          "await init({ backend: 'js' });\n" +
          "const m = fromJSON(JSON.parse(readFileSync(new URL('../model.json', import.meta.url), 'utf8')));\n" +
          'console.log(JSON.stringify({ optimizer: JSON.parse(JSON.stringify(m)).spec.compile.optimizer.type, y: Array.from(m.predictOne([0.5, -1])) }));\n',
      );
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [join(dir, 'app.js')],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'neutral',
        external: ['node:*'],
        outfile: join(dir, 'out/app.mjs'),
        logLevel: 'silent',
      });
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'out/app.mjs')], { timeout: 120_000 });
      const out = JSON.parse(stdout.trim()) as { optimizer: string; y: number[] };
      expect(out.optimizer).toBe('levenbergMarquardt');
      expect(out.y).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
