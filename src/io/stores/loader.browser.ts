/**
 * Browser build of loader.ts (swapped in by tsup.config.ts): the stores (IndexedDB, localStorage,
 * http, downloads) load on the first loadModel, so that a page that only builds or predicts does
 * not download them.
 */
import type * as stores from './index.js';

export const loadArtifacts: typeof stores.loadArtifacts = (target, options) =>
  import('./index.js').then((s) => s.loadArtifacts(target, options));

