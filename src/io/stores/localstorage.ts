/**
 * `localstorage://name`: models in the page's localStorage (browsers; a few MB per origin).
 *
 * One key per model, `simdnn-model/<name>`, holds the whole model as JSON text:
 * `{ savedAt, weightBytes, spec, weights }` with the weights in base64. One `setItem` is the whole
 * save, and a `setItem` that does not fit throws QuotaExceededError and leaves the key's previous
 * value: a failed save keeps the previous model.
 */
import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { BrowserModelStore, LoadedArtifacts, ModelArtifacts, SaveOptions, StoredModelInfo } from './types.js';
import { DEFAULT_OVERWRITE, parseSpec } from './types.js';

export const LS_SCHEME = 'localstorage://';
/** Prefix of the localStorage keys models are kept under. */
export const LS_PREFIX = 'simdnn-model/';

interface Entry {
  savedAt: string;
  weightBytes: number;
  spec: object;
  weights: string;
}

const url = (name: string): string => `${LS_SCHEME}${name}`;

function storage(): Storage {
  let s: Storage | undefined;
  try {
    s = (globalThis as { localStorage?: Storage }).localStorage;
  } catch (e) {
    // Opaque origins and some privacy settings throw on access.
    throw new Error(`localstorage:// is not usable here: ${(e as Error).message}; use 'indexeddb://name' instead.`);
  }
  if (!s) {
    throw new Error(
      "localstorage:// needs localStorage, which this runtime lacks (it is in browser pages, not in workers); use 'indexeddb://name' " +
        "in workers, or a directory in Node (model.save('path/to/dir')).",
    );
  }
  return s;
}

function checkName(name: string): void {
  if (name.length === 0) throw new Error(`${LS_SCHEME} needs a model name after the scheme, e.g. '${LS_SCHEME}my-model'.`);
}

function isQuota(e: unknown): boolean {
  const d = e as { name?: string; code?: number } | null;
  return !!d && (d.name === 'QuotaExceededError' || d.name === 'NS_ERROR_DOM_QUOTA_REACHED' || d.code === 22);
}

async function save(name: string, artifacts: ModelArtifacts, options: SaveOptions): Promise<void> {
  checkName(name);
  const target = url(name);
  const ls = storage();
  const key = LS_PREFIX + name;
  if (!(options.overwrite ?? DEFAULT_OVERWRITE) && ls.getItem(key) !== null) {
    throw new Error(`cannot save model to ${target}: a model is already saved there and overwrite is false; it is kept.`);
  }
  const entry: Entry = {
    savedAt: new Date().toISOString(),
    weightBytes: artifacts.weights.byteLength,
    spec: artifacts.spec,
    weights: bytesToBase64(artifacts.weights),
  };
  let text: string;
  try {
    text = JSON.stringify(entry);
  } catch (e) {
    throw new Error(`cannot save model to ${target}: the spec is not serialisable as JSON: ${(e as Error).message}`);
  }
  try {
    ls.setItem(key, text);
  } catch (e) {
    if (isQuota(e)) {
      const mb = ((2 * (key.length + text.length)) / 1e6).toFixed(1);
      throw new Error(
        `cannot save model to ${target}: it does not fit in localStorage's quota (5 to 10 MB per origin, depending on the browser; ` +
          `this model needs ${key.length + text.length} characters, ${mb} MB as UTF-16). The previous model saved there, if any, ` +
          `is kept. Save large models with 'indexeddb://${name}' instead.`,
      );
    }
    throw new Error(`cannot save model to ${target}: ${(e as Error).message}`);
  }
}

async function load(name: string): Promise<LoadedArtifacts> {
  checkName(name);
  const target = url(name);
  const text = storage().getItem(LS_PREFIX + name);
  if (text === null) throw new Error(`no model at ${target}: save one with model.save('${target}') (listModels() shows the saved ones).`);
  const fix = `save the model again with model.save('${target}')`;
  const e = parseSpec(text, target, fix) as Partial<Entry>;
  if (typeof e.spec !== 'object' || e.spec === null || typeof e.weights !== 'string') {
    throw new Error(`${target} is corrupt: it is not a model simdnn saved (no spec or weights); ${fix}.`);
  }
  return { spec: e.spec, weights: base64ToBytes(e.weights, target), specWhere: `${target} (spec)`, weightsWhere: `${target} (weights)` };
}

async function list(): Promise<StoredModelInfo[]> {
  const ls = storage();
  const out: StoredModelInfo[] = [];
  for (let i = 0; i < ls.length; i++) {
    const key = ls.key(i);
    if (key === null || !key.startsWith(LS_PREFIX)) continue;
    let e: Partial<Entry> | null = null;
    try {
      e = JSON.parse(ls.getItem(key) ?? 'null');
    } catch {
      // listed anyway: loading it names the damage
    }
    out.push({ url: url(key.slice(LS_PREFIX.length)), savedAt: String(e?.savedAt), weightBytes: Number(e?.weightBytes) });
  }
  return out;
}

async function remove(name: string): Promise<void> {
  checkName(name);
  const ls = storage();
  if (ls.getItem(LS_PREFIX + name) === null) throw new Error(`removeModel: no model at ${url(name)} (listModels() shows the saved ones).`);
  ls.removeItem(LS_PREFIX + name);
}

export const localStorageStore: BrowserModelStore = {
  scheme: LS_SCHEME,
  save,
  load,
  list,
  remove,
  available: () => {
    try {
      return typeof (globalThis as { localStorage?: unknown }).localStorage !== 'undefined';
    } catch {
      return false;
    }
  },
};
