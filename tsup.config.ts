import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

/**
 * Two builds of the library from the same sources (package.json "exports"):
 * - Node (`"node"` condition, and `simdnn/node`): dist/node.js + dist/node.cjs, everything,
 *   including file I/O (save/load to directories, readCsv, readIdx, loadMnist).
 * - Browser-safe (`"default"`: browsers, web workers, workerd, Deno for the web): dist/index.js.
 *   Every module `X.ts` that has a twin `X.browser.ts` is replaced by the twin (small stubs that
 *   throw "… needs Node; in a browser use …"), and any `node:` import that is still reachable fails
 *   the build.
 * - The inference entry `simdnn/infer` (src/infer.ts: init, fromJSON, loadModel, InferenceModel):
 *   dist/infer.js (browser-safe, sharing chunks with index.js), dist/infer-node.js and .cjs (Node,
 *   builds of their own).
 * ESM builds split chunks so that code loaded with `await import()` (training, file I/O) stays out
 * of the first download. The CLI (bin: dist/cli.js) is a Node build of its own.
 */

/** Swaps `X.ts` for `X.browser.ts` wherever a relative import resolves to a module with a twin. */
const browserTwins: Plugin = {
  name: 'simdnn-browser-twins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, '');
      const twin = `${base}.browser.ts`;
      return existsSync(twin) ? { path: twin } : undefined;
    });
    build.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [
        {
          text: `${args.path} is reachable from the browser build (imported by ${args.importer}); give that module a .browser.ts twin`,
        },
      ],
    }));
  },
};

/**
 * The parts of simdnn/infer's Node build that load only when used, each a bundle of its own
 * (dist/infer-*.js, self-contained): the JS kernels (init({ backend: 'js' })), the thread pool
 * (init({ threads })) and the model stores (loadModel of anything but a directory the cold-start
 * reader takes). Compiling code costs ≈ 70–150 µs per KB at a cold start here, and a chunk shared
 * with the entry would be one more module to fetch on every import (≈ 1.5 ms); the self-contained
 * bundles repeat the few constants and helpers they share with the entry instead (none holds state).
 */
const INFER_LAZY: Readonly<Record<string, string>> = {
  'src/kernels/js/index.ts': 'infer-js-kernels',
  'src/kernels/threads-start.ts': 'infer-threads',
  'src/io/stores/index.ts': 'infer-stores',
};

/** Turns simdnn/infer's `await import()` of an INFER_LAZY module into an import of its bundle. */
const inferLazy: Plugin = {
  name: 'simdnn-infer-lazy',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = relative(process.cwd(), resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
      const bundle = INFER_LAZY[source];
      return bundle ? { path: `./${bundle}.js`, external: true } : undefined;
    });
  },
};

const shared: Options = {
  target: 'es2022',
  platform: 'neutral',
  shims: true,
  // Keep the node: prefix on built-in imports (tsup strips it by default): bundlers and edge runtimes
  // recognise 'node:fs' as a Node built-in, while a bare 'fs' looks like an npm package to them.
  removeNodeProtocol: false,
  // Source maps carry the sources (sourcesContent), so the package ships dist/ only, not src/.
  sourcemap: true,
  external: [/^node:/],
  // dist/ is emptied by the build script (package.json "build:ts"), not here: the builds run in
  // parallel and share the directory.
  clean: false,
};

const copyWasm = async (): Promise<void> => {
  mkdirSync('dist', { recursive: true });
  copyFileSync('build/simdnn.wasm', 'dist/simdnn.wasm');
  copyFileSync('build/simdnn-relaxed.wasm', 'dist/simdnn-relaxed.wasm');
  // The shared-memory builds used by the thread pool (init({ threads })).
  copyFileSync('build/simdnn-threads.wasm', 'dist/simdnn-threads.wasm');
  copyFileSync('build/simdnn-relaxed-threads.wasm', 'dist/simdnn-relaxed-threads.wasm');
  // The forward-only builds that simdnn/infer's init() loads on one thread.
  copyFileSync('build/simdnn-infer.wasm', 'dist/simdnn-infer.wasm');
  copyFileSync('build/simdnn-infer-relaxed.wasm', 'dist/simdnn-infer-relaxed.wasm');
};

export default defineConfig([
  {
    // Browser-safe ESM (the "default" condition); its chunks are named browser-*.
    ...shared,
    entry: { index: 'src/index.ts', infer: 'src/infer.ts' },
    format: ['esm'],
    splitting: true,
    dts: true,
    esbuildPlugins: [browserTwins],
    // No externals: a `node:` import still reachable here must reach browserTwins and fail the build.
    external: [],
    esbuildOptions: (o) => {
      o.chunkNames = 'browser-[hash]';
    },
    onSuccess: copyWasm,
  },
  {
    // Node ESM (chunks node-*) with node.d.ts.
    ...shared,
    entry: { node: 'src/index.ts' },
    // Minified: a cold start compiles every module it imports, and less text compiles faster
    // (import of dist/node.js ≈ 40 → 25 ms on the busy 2-core machine). The source maps keep
    // stack traces readable (node --enable-source-maps).
    minify: true,
    format: ['esm'],
    splitting: true,
    dts: true,
    esbuildOptions: (o) => {
      o.chunkNames = 'node-[hash]';
    },
  },
  {
    // simdnn/infer's Node ESM build: dist/infer-node.js, one minified module of its own, and the
    // bundles it imports only when used (INFER_LAZY). Sharing chunks with node.js cut the entry
    // into nine modules; esbuild's own splitting adds chunks shared by the entry and its lazy
    // parts, each one more module to fetch at import. A process that imports both entries has two
    // copies of the code; the default backend is shared (kernels/backend.ts), so init() from
    // either serves both.
    ...shared,
    entry: { 'infer-node': 'src/infer.ts' },
    minify: true,
    format: ['esm'],
    splitting: false,
    dts: true,
    esbuildPlugins: [inferLazy],
  },
  {
    // The lazy parts of dist/infer-node.js (INFER_LAZY), self-contained.
    ...shared,
    entry: Object.fromEntries(Object.entries(INFER_LAZY).map(([source, bundle]) => [bundle, source])),
    minify: true,
    format: ['esm'],
    splitting: false,
    dts: false,
  },
  {
    // Node CJS (one file per entry) with node.d.cts and infer-node.d.cts; minified like the ESM
    // builds (a cold `require('simdnn/infer')` compiles less text).
    ...shared,
    entry: { node: 'src/index.ts', 'infer-node': 'src/infer.ts' },
    minify: true,
    format: ['cjs'],
    splitting: false,
    dts: true,
  },
  {
    // The CLI (bin: dist/cli.js): ESM, one file, its own dependencies bundled in.
    ...shared,
    entry: { cli: 'src/cli.ts' },
    platform: 'node',
    format: ['esm'],
    splitting: false,
    // Bundled CommonJS dependencies (cli-progress) require Node built-ins; give the ESM output a require.
    banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
  },
  {
    // fitInWorker's worker script for browsers: dist/worker.js, an ESM module Worker found as
    // new URL('./worker.js', import.meta.url); one file, with the browser build's twins.
    ...shared,
    entry: { worker: 'src/worker/worker.ts' },
    format: ['esm'],
    splitting: false,
    esbuildPlugins: [browserTwins],
    external: [],
  },
  {
    // The same script for Node's worker_threads: dist/worker-node.js (found by src/worker/node.ts).
    ...shared,
    entry: { 'worker-node': 'src/worker/worker.ts' },
    format: ['esm'],
    splitting: false,
  },
]);
