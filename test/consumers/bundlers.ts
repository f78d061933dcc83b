/**
 * Zero-config builds of the consumer app (test/consumers/app) with each bundler, through their JS
 * APIs: each writes `out/<bundler>/` with an index.html that loads the bundle, and returns every
 * warning the bundler printed. Only what simdnn's README asks of users is configured:
 * - esbuild: nothing; the two .wasm files are copied next to the bundle (esbuild does not emit
 *   `new URL(…, import.meta.url)` assets; README "Bundlers").
 * - Vite and webpack 5: nothing.
 * - Rollup: @rollup/plugin-node-resolve (browser) and @web/rollup-plugin-import-meta-assets (the
 *   usual plugin for `new URL(…, import.meta.url)` assets).
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildResult {
  outDir: string;
  warnings: string[];
}

const html = (script: string): string =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>simdnn consumer</title></head>\n` +
  `<body><script type="module" src="./${script}"></script></body></html>\n`;

export async function buildEsbuild(app: string, out: string): Promise<BuildResult> {
  const esbuild = await import('esbuild');
  const outDir = join(out, 'esbuild');
  const r = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['src/main.js'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    outdir: outDir,
    logLevel: 'silent',
  });
  for (const f of ['simdnn.wasm', 'simdnn-relaxed.wasm', 'simdnn-infer.wasm', 'simdnn-infer-relaxed.wasm'])
    copyFileSync(join(app, 'node_modules/simdnn/dist', f), join(outDir, f));
  writeFileSync(join(outDir, 'index.html'), html('main.js'));
  return { outDir, warnings: r.warnings.map((w) => w.text) };
}

export async function buildVite(app: string, out: string): Promise<BuildResult> {
  const vite = await import('vite');
  const outDir = join(out, 'vite');
  const warnings: string[] = [];
  const logger = vite.createLogger('warn');
  // Rolldown's [PLUGIN_TIMINGS] note reports how long plugins ran (more on a busy machine): a timing,
  // not a finding about the build, so it is not counted.
  const capture = (msg: string): void => {
    if (!msg.includes('[PLUGIN_TIMINGS]')) warnings.push(msg);
  };
  logger.warn = capture;
  logger.warnOnce = capture;
  await vite.build({
    root: app,
    base: './',
    configFile: false,
    logLevel: 'warn',
    customLogger: logger,
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return { outDir, warnings };
}

export async function buildWebpack(app: string, out: string): Promise<BuildResult> {
  const { default: webpack } = await import('webpack');
  const outDir = join(out, 'webpack');
  const stats = await new Promise<import('webpack').Stats>((ok, fail) => {
    webpack(
      { mode: 'production', context: app, entry: './src/main.js', output: { path: outDir, filename: 'main.js', publicPath: 'auto' } },
      (err, s) => (err || !s ? fail(err ?? new Error('webpack gave no stats')) : ok(s)),
    );
  });
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(`webpack: ${info.errors?.map((e) => e.message).join('\n')}`);
  writeFileSync(join(outDir, 'index.html'), html('main.js'));
  return { outDir, warnings: (info.warnings ?? []).map((w) => w.message) };
}

export async function buildRollup(app: string, out: string): Promise<BuildResult> {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { importMetaAssets } = await import('@web/rollup-plugin-import-meta-assets');
  const outDir = join(out, 'rollup');
  const warnings: string[] = [];
  const bundle = await rollup({
    input: join(app, 'src/main.js'),
    plugins: [nodeResolve({ browser: true, rootDir: app }), importMetaAssets()],
    onwarn: (w) => {
      warnings.push(w.message);
    },
  });
  await bundle.write({ dir: outDir, format: 'es', entryFileNames: 'main.js' });
  await bundle.close();
  writeFileSync(join(outDir, 'index.html'), html('main.js'));
  return { outDir, warnings };
}

/** Files of the output directory whose names end in .wasm (what the bundler emitted). */
export function emittedWasm(files: string[]): string[] {
  return files.filter((f) => f.endsWith('.wasm'));
}
