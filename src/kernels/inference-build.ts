/**
 * The forward-only builds of the kernels (assembly/infer.ts: INFERENCE_KERNEL_NAMES, about a
 * third of the full module's bytes) that simdnn/infer's `init()` loads on one thread: less to
 * download, validate and instantiate before the first prediction. Only that entry imports this
 * module, so only its bundles carry these URLs and emit these files. (Run from the sources, the
 * loader takes them from build/ instead: load.ts, shippedUrl.)
 *
 * The `new URL` calls must stay literal: bundlers look for exactly this pattern (see load.ts).
 */
export function inferenceBuild(level: 'relaxed' | 'simd'): URL {
  return level === 'relaxed' ? new URL('./simdnn-infer-relaxed.wasm', import.meta.url) : new URL('./simdnn-infer.wasm', import.meta.url);
}
