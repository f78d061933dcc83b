/**
 * `indexeddb://name`: models in the page's IndexedDB (browsers and workers).
 *
 * Database `simdnn` holds two object stores keyed by the model's name, as a model directory holds
 * two files: `specs` (the spec JSON text, when it was saved, the weights' size) and `weights` (the
 * bytes, an ArrayBuffer). A save writes the weights and then the spec in ONE readwrite transaction,
 * so IndexedDB commits both or neither: a save that fails (quota, an abort, a closed page) leaves
 * the previous model under that name as it was.
 */
import type { BrowserModelStore, LoadedArtifacts, ModelArtifacts, SaveOptions, StoredModelInfo } from './types.js';
import { DEFAULT_OVERWRITE, parseSpec, specText } from './types.js';

export const IDB_SCHEME = 'indexeddb://';
/** The database, its version, and its two object stores. */
export const IDB_DATABASE = 'simdnn';
export const IDB_VERSION = 1;
export const IDB_SPECS = 'specs';
export const IDB_WEIGHTS = 'weights';

/** What `specs` holds for one model. */
interface SpecRecord {
  spec: string;
  savedAt: string;
  weightBytes: number;
}

const url = (name: string): string => `${IDB_SCHEME}${name}`;

function idb(): IDBFactory {
  const f = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) {
    throw new Error(
      'indexeddb:// needs IndexedDB, which this runtime lacks (it is in browsers and web workers); ' +
        "in Node save to a directory (model.save('path/to/dir')).",
    );
  }
  return f;
}

/** Why a request or transaction failed, in words. */
function reason(e: DOMException | null | undefined): string {
  if (!e) return 'the transaction was aborted';
  return `${e.name}: ${e.message}`;
}

function open(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    let req: IDBOpenDBRequest;
    try {
      req = idb().open(IDB_DATABASE, IDB_VERSION);
    } catch (e) {
      fail(e);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(IDB_SPECS)) db.createObjectStore(IDB_SPECS);
      if (!db.objectStoreNames.contains(IDB_WEIGHTS)) db.createObjectStore(IDB_WEIGHTS);
    };
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(new Error(`cannot open the IndexedDB database '${IDB_DATABASE}': ${reason(req.error)}`));
    req.onblocked = () =>
      fail(new Error(`cannot open the IndexedDB database '${IDB_DATABASE}': another tab holds an older version open; close it.`));
  });
}

/**
 * Runs `body` (which issues requests) in one transaction over both stores; resolves once IndexedDB
 * has committed it, rejects when it aborts (with what `body` threw, if it threw).
 */
async function inTransaction(
  mode: IDBTransactionMode,
  body: (specs: IDBObjectStore, weights: IDBObjectStore, tx: IDBTransaction) => void,
): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((ok, fail) => {
      // 'strict': the save resolves only once the data is flushed to disk (Chromium's default is relaxed).
      const tx = db.transaction([IDB_SPECS, IDB_WEIGHTS], mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
      let failure: unknown;
      tx.oncomplete = () => ok();
      tx.onabort = () => fail(failure ?? new Error(reason(tx.error)));
      try {
        body(tx.objectStore(IDB_SPECS), tx.objectStore(IDB_WEIGHTS), tx);
      } catch (e) {
        failure = e;
        try {
          tx.abort();
        } catch {
          // already aborted (onabort reports `failure`)
        }
      }
    });
  } finally {
    db.close();
  }
}

async function save(name: string, artifacts: ModelArtifacts, options: SaveOptions): Promise<void> {
  checkName(name);
  const target = url(name);
  const record: SpecRecord = {
    spec: specText(artifacts.spec, target),
    savedAt: new Date().toISOString(),
    weightBytes: artifacts.weights.byteLength,
  };
  const w = artifacts.weights;
  const bytes = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength);
  const overwrite = options.overwrite ?? DEFAULT_OVERWRITE;
  let refused = false;
  try {
    await inTransaction('readwrite', (specs, weights, tx) => {
      const write = (): void => {
        // Weights first, then the spec; the transaction commits both or neither.
        weights.put(bytes, name);
        specs.put(record, name);
      };
      if (overwrite) write();
      else {
        const there = specs.count(name);
        there.onsuccess = () => {
          if (there.result === 0) write();
          else {
            refused = true;
            tx.abort();
          }
        };
      }
    });
  } catch (e) {
    if (refused) throw new Error(`cannot save model to ${target}: a model is already saved there and overwrite is false; it is kept.`);
    const m = (e as Error).message;
    const quota = /QuotaExceeded/i.test(m) ? ` (the model needs ${artifacts.weights.byteLength + record.spec.length} bytes)` : '';
    throw new Error(`cannot save model to ${target}: ${m}${quota}; the previous model saved there, if any, is kept.`);
  }
}

async function load(name: string): Promise<LoadedArtifacts> {
  checkName(name);
  const target = url(name);
  let rec: SpecRecord | undefined;
  let buf: unknown;
  try {
    await inTransaction('readonly', (specs, weights) => {
      const a = specs.get(name);
      const b = weights.get(name);
      a.onsuccess = () => {
        rec = a.result as SpecRecord | undefined;
      };
      b.onsuccess = () => {
        buf = b.result;
      };
    });
  } catch (e) {
    throw new Error(`cannot load model from ${target}: ${(e as Error).message}`);
  }
  if (rec === undefined) {
    throw new Error(`no model at ${target}: save one with model.save('${target}') (listModels() shows the saved ones).`);
  }
  const fix = `save the model again with model.save('${target}')`;
  if (typeof rec !== 'object' || rec === null || typeof rec.spec !== 'string')
    throw new Error(`${target} is corrupt: its spec record is not one simdnn wrote; ${fix}.`);
  if (!(buf instanceof ArrayBuffer)) throw new Error(`incomplete model at ${target}: its weights are missing; ${fix}.`);
  const spec = parseSpec(rec.spec, `${target} (spec)`, fix);
  return { spec, weights: new Uint8Array(buf), specWhere: `${target} (spec)`, weightsWhere: `${target} (weights)` };
}

async function list(): Promise<StoredModelInfo[]> {
  const out: StoredModelInfo[] = [];
  await inTransaction('readonly', (specs) => {
    const req = specs.openCursor();
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return;
      const r = c.value as SpecRecord;
      out.push({ url: url(String(c.key)), savedAt: String(r?.savedAt), weightBytes: Number(r?.weightBytes) });
      c.continue();
    };
  });
  return out;
}

async function remove(name: string): Promise<void> {
  checkName(name);
  let found = false;
  await inTransaction('readwrite', (specs, weights) => {
    const there = specs.count(name);
    there.onsuccess = () => {
      found = there.result > 0;
      specs.delete(name);
      weights.delete(name);
    };
  });
  if (!found) throw new Error(`removeModel: no model at ${url(name)} (listModels() shows the saved ones).`);
}

function checkName(name: string): void {
  if (name.length === 0) throw new Error(`${IDB_SCHEME} needs a model name after the scheme, e.g. '${IDB_SCHEME}my-model'.`);
}

export const indexedDbStore: BrowserModelStore = {
  scheme: IDB_SCHEME,
  save,
  load,
  list,
  remove,
  available: () => typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined',
};
