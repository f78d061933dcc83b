/**
 * `listModels` and `removeModel` as the package exports them: the stores (IndexedDB,
 * localStorage, http, downloads, files) load on first use with `await import()`, so a page that
 * only predicts does not download them.
 */
import type { StoredModelInfo } from './types.js';

/** Every model saved in this origin's IndexedDB and localStorage (those this runtime has). */
export async function listModels(): Promise<StoredModelInfo[]> {
  return (await import('./index.js')).listModels();
}

/** Removes the model saved at an `indexeddb://` or `localstorage://` target. */
export async function removeModel(target: string): Promise<void> {
  return (await import('./index.js')).removeModel(target);
}
