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
    clean: ['!cli.js', '!cli.js.map'],
    onSuccess: async () => {
      mkdirSync('dist', { recursive: true });
      copyFileSync('build/simdnn.wasm', 'dist/simdnn.wasm');
      copyFileSync('build/simdnn-relaxed.wasm', 'dist/simdnn-relaxed.wasm');
      // The shared-memory builds used by the thread pool (init({ threads })).
      copyFileSync('build/simdnn-threads.wasm', 'dist/simdnn-threads.wasm');
      copyFileSync('build/simdnn-relaxed-threads.wasm', 'dist/simdnn-relaxed-threads.wasm');
    },
  },
  {
    // The CLI (bin: dist/cli.js) is ESM only.
    ...shared,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    clean: ['!index.*', '!*.wasm'],
  },
]);
