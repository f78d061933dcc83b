/**
 * How the loaders reach the stores: on the first loadModel, with `await import()`, so that an
 * import of either entry neither downloads (browsers) nor compiles (Node: ≈ 70–150 µs per KB of
 * code at a cold start) the stores (IndexedDB, localStorage, http, downloads, directories) until a
 * model is loaded through one. The inference entry's cold-start path (inference-direct.ts) reads
 * model directories without them.
 */
import type * as stores from './index.js';

export const loadArtifacts: typeof stores.loadArtifacts = (target, options) =>
  import('./index.js').then((s) => s.loadArtifacts(target, options));
