import { copyFileSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  target: 'es2022',
  platform: 'neutral',
  shims: true,
  clean: true,
  sourcemap: true,
  splitting: false,
  external: ['node:fs', 'node:fs/promises', 'node:path', 'node:url', 'node:v8', 'node:os', 'node:module', 'csv-parse', 'cli-progress'],
  onSuccess: async () => {
    mkdirSync('dist', { recursive: true });
    copyFileSync('build/simdnn.wasm', 'dist/simdnn.wasm');
    copyFileSync('build/simdnn-relaxed.wasm', 'dist/simdnn-relaxed.wasm');
  },
});
