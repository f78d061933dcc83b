import { copyFileSync, mkdirSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  target: 'es2022',
  platform: 'neutral',
  shims: true,
  // Keep the node: prefix on built-in imports (tsup strips it by default): bundlers and edge runtimes
  // recognise 'node:fs' as a Node built-in, while a bare 'fs' looks like an npm package to them.
  removeNodeProtocol: false,
  // Source maps carry the sources (sourcesContent), so the package ships dist/ only, not src/.
  sourcemap: true,
  splitting: false,
  external: [/^node:/, 'csv-parse', 'cli-progress'],
};

// Two builds that run in parallel and share dist/: each one cleans only what it writes, so neither
// deletes the other's output (the globs after '**/*' are exclusions).
export default defineConfig([
  {
    // The library: ESM + CJS, each with its own declaration file (index.d.ts, index.d.cts).
    ...shared,
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.js', '!cli.js.map', '!worker.js', '!worker.js.map', '!worker-node.js', '!worker-node.js.map'],
    onSuccess: async () => {
      mkdirSync('dist', { recursive: true });
      copyFileSync('build/simdnn.wasm', 'dist/simdnn.wasm');
      copyFileSync('build/simdnn-relaxed.wasm', 'dist/simdnn-relaxed.wasm');
    },
  },
  {
    // The CLI (bin: dist/cli.js) is ESM only.
    ...shared,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    clean: ['!index.*', '!*.wasm', '!worker.*', '!worker-node.*'],
  },
  {
    // The worker script of fitInWorker, ESM: dist/worker.js (a module Worker in browsers, found as
    // new URL('./worker.js', import.meta.url); give it the browser build's twins) and
    // dist/worker-node.js (Node's worker_threads, found by src/worker/node.ts; the Node modules).
    ...shared,
    entry: { worker: 'src/worker/worker.ts', 'worker-node': 'src/worker/worker.ts' },
    format: ['esm'],
    clean: ['!index.*', '!*.wasm', '!cli.*'],
  },
]);
