/**
 * Model stores by scheme: `saveArtifacts` / `loadArtifacts` pick the store a target names
 * (types.ts, ModelTarget), `listModels` / `removeModel` work on the browser stores. Stores keep
 * bytes; the façade (Sequential.save, loadModel) makes and checks them.
 */
import { directoryStore, FILE_SCHEME } from './directory.js';
import { downloadsStore } from './downloads.js';
import { httpStore } from './http.js';
import { indexedDbStore } from './indexeddb.js';
import { localStorageStore } from './localstorage.js';
import { boolean, knownKeys, shown } from '../../validate.js';
import type { BrowserModelStore, LoadedArtifacts, LoadOptions, ModelArtifacts, ModelStore, SaveOptions, StoredModelInfo } from './types.js';

export type { LoadOptions, ModelArtifacts, ModelTarget, SaveOptions, StoredModelInfo } from './types.js';
export { DEFAULT_OVERWRITE } from './types.js';

/** The schemes a target may start with (a target without one is a directory path). */
export const SCHEMES = ['indexeddb://', 'localstorage://', 'downloads://', 'http://', 'https://', 'file://'] as const;

const BROWSER_STORES: Readonly<Record<string, BrowserModelStore>> = {
  'indexeddb://': indexedDbStore,
  'localstorage://': localStorageStore,
};

/** A store and the part of the target after its scheme (the whole URL for http(s) and file). */
function route(target: unknown, what: string): { store: ModelStore; path: string } {
  if (typeof target !== 'string' || target.length === 0) {
    throw new Error(
      `${what}: expected a target string (a directory path or ${SCHEMES.map((s) => `'${s}…'`).join(', ')}), got ${
        typeof target === 'string' ? 'an empty string' : target === null ? 'null' : typeof target
      }.`,
    );
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target);
  if (!m) return { store: directoryStore, path: target };
  const scheme = `${m[1]!.toLowerCase()}://`;
  const rest = target.slice(m[0].length);
  if (scheme in BROWSER_STORES) return { store: BROWSER_STORES[scheme]!, path: rest };
  if (scheme === 'downloads://') return { store: downloadsStore, path: rest };
  if (scheme === 'http://' || scheme === 'https://') return { store: httpStore, path: target };
  if (scheme === FILE_SCHEME) return { store: directoryStore, path: target };
  throw new Error(`${what}: unknown scheme '${scheme}' in '${target}'; supported: ${SCHEMES.join(', ')}, or a directory path (Node).`);
}

/** Writes a model's artifacts to `target`; a failed save keeps the model saved there before. */
export async function saveArtifacts(target: unknown, artifacts: ModelArtifacts, options: SaveOptions = {}): Promise<void> {
  checkOptions(options, SAVE_OPTIONS, 'save');
  if (options.overwrite !== undefined) boolean('save', 'overwrite', options.overwrite);
  const { store, path } = route(target, 'save');
  await store.save(path, artifacts, options);
}

/** Reads the artifacts saved at `target`, unchecked (the façade checks them). */
export async function loadArtifacts(target: unknown, options: LoadOptions = {}): Promise<LoadedArtifacts> {
  checkOptions(options, LOAD_OPTIONS, 'loadModel');
  const { store, path } = route(target, 'loadModel');
  return store.load(path, options);
}

/** Every model saved in this origin's IndexedDB and localStorage (those this runtime has). */
export async function listModels(): Promise<StoredModelInfo[]> {
  const out: StoredModelInfo[] = [];
  for (const store of Object.values(BROWSER_STORES)) if (store.available()) out.push(...(await store.list()));
  return out;
}

/** Removes the model saved at an `indexeddb://` or `localstorage://` target. */
export async function removeModel(target: string): Promise<void> {
  const { store, path } = route(target, 'removeModel');
  const browser = BROWSER_STORES[store.scheme];
  if (!browser) throw new Error(`removeModel: only indexeddb:// and localstorage:// models can be removed, got '${target}'.`);
  await browser.remove(path);
}

const SAVE_OPTIONS = ['overwrite', 'requestInit'] as const;
/** The store's load options; the façade's own (`backend`) are taken off before. */
const LOAD_OPTIONS = ['requestInit'] as const;

function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${where}: options must be an object (${known.join(', ')}), got ${shown(options)}.`);
  }
  knownKeys(where, options, known);
}
