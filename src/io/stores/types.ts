/**
 * What every model store shares: the artifacts it keeps (the spec and the weight bytes, exactly as
 * the directory format has them: the spec JSON of `toJSON()`, with its `weightsChecksum`, and θ as
 * little-endian float32 bytes) and the two operations on them. The façade turns a model into
 * artifacts before a save and checks loaded artifacts (io/spec-check.ts, the weight bytes) before
 * it builds anything; a store only keeps and returns bytes.
 */

/**
 * Where a model is saved to or loaded from:
 * - `'indexeddb://name'`: the page's IndexedDB (browsers, workers); one transaction per save.
 * - `'localstorage://name'`: the page's localStorage (a few MB per origin).
 * - `'downloads://name'`: save only; the browser downloads `name.json` and `name.weights.bin`.
 * - `'http://…/model.json'`, `'https://…/model.json'`: load fetches model.json and its weights
 *   next to it; save POSTs both as `multipart/form-data` (parts `model.json` and `weights.bin`).
 * - `'file:///dir'` or a plain path: a model directory (Node only; model.json + weights.bin).
 */
export type ModelTarget =
  | `indexeddb://${string}`
  | `localstorage://${string}`
  | `downloads://${string}`
  | `http://${string}`
  | `https://${string}`
  | `file://${string}`
  | (string & {});

/** A model as a store keeps it. */
export interface ModelArtifacts {
  /** The spec (a JSON object: `toJSON().spec`). */
  spec: object;
  /** θ as little-endian float32 bytes. */
  weights: Uint8Array;
}

/** Artifacts as a store gives them back, unchecked, with where each came from (for messages). */
export interface LoadedArtifacts {
  spec: unknown;
  /** The weight bytes, read for this load alone (the loader may keep a view of them). */
  weights: Uint8Array;
  specWhere: string;
  weightsWhere: string;
  /** FNV-1a of `weights` (8 hex digits) when the store computed it (so the loader does not again). */
  weightsChecksum?: string;
}

/** Default of `SaveOptions.overwrite`: a save replaces the model already saved under the name. */
export const DEFAULT_OVERWRITE = true;

/** Options of `model.save(target, options)`. */
export interface SaveOptions {
  /**
   * Replace a model already saved under this name (default `true`, DEFAULT_OVERWRITE). `false`
   * refuses, leaving the saved model as it was; honoured by `indexeddb://` (checked inside the
   * save's transaction) and `localstorage://`; other targets refuse the option.
   */
  overwrite?: boolean;
  /**
   * For `http(s)://` saves: fetch options merged into the request (e.g. `{ headers }` for
   * authorization, `{ method: 'PUT' }`). Default: a POST with no extra headers.
   */
  requestInit?: RequestInit;
}

/** Options of `loadModel(target, options)` that concern the store (the façade adds `backend`). */
export interface LoadOptions {
  /** For `http(s)://` loads: fetch options (e.g. `{ headers }`, `{ credentials }`) for both requests. */
  requestInit?: RequestInit;
}

/** One model kept in the browser, as `listModels()` reports it. */
export interface StoredModelInfo {
  /** The target to load it with, e.g. `'indexeddb://mnist'`. */
  url: string;
  /** When it was saved (ISO 8601). */
  savedAt: string;
  /** Bytes of the weights. */
  weightBytes: number;
}

/** A store of models: one per scheme. */
export interface ModelStore {
  /** e.g. `'indexeddb://'`. */
  readonly scheme: string;
  /** Writes `artifacts` under `path` (what follows the scheme); a failed save keeps the previous model. */
  save(path: string, artifacts: ModelArtifacts, options: SaveOptions): Promise<void>;
  /** Reads the artifacts saved under `path`; throws naming the target when there are none. */
  load(path: string, options: LoadOptions): Promise<LoadedArtifacts>;
}

/** A store that keeps models in the browser, and can list and remove them. */
export interface BrowserModelStore extends ModelStore {
  list(): Promise<StoredModelInfo[]>;
  /** Removes the model saved under `path`; throws when there is none. */
  remove(path: string): Promise<void>;
  /** Whether this runtime has the storage (IndexedDB, localStorage) at all. */
  available(): boolean;
}

/** The spec as JSON text, or an error naming the target when JSON.stringify refuses it. */
export function specText(spec: object, target: string, space?: number): string {
  try {
    return JSON.stringify(spec, null, space);
  } catch (e) {
    throw new Error(`cannot save model to ${target}: the spec is not serialisable as JSON: ${(e as Error).message}`);
  }
}

/** JSON text back to a spec object, or an error naming where it came from. */
export function parseSpec(text: string, where: string, fix: string): object {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is corrupt: ${(e as Error).message}; ${fix}`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    const got = spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec;
    throw new Error(`${where} is corrupt: expected a JSON object, got ${got}; ${fix}`);
  }
  return spec;
}
