/**
 * A model directory read for a cold start: model.json now, and weights.bin later straight into the
 * memory the model's θ takes — one copy of the weights instead of three (file → Buffer → θ, plus
 * the checksum's pass), synchronously, with no libuv thread pool. Fresh memory is what a cold
 * load pays for (each new page faults on first touch: ≈ 2 ms per 400 KB on the 2-core VM these
 * figures come from), so reading into θ saves the Buffer's pages and the copy.
 *
 * Only the everyday case is taken this way: Node with `process.getBuiltinModule` (20.16+; it
 * returns `node:fs` without the cost of an ES module import, ≈ 4 ms at a cold start) and weights of
 * at most DIRECT_READ_MAX_BYTES, read synchronously (a few ms from the page cache; larger files are
 * read asynchronously so the event loop keeps serving). Anything unusual — no model.json, bad JSON,
 * a missing or resized weights file, a checksum that does not match (a save committing between
 * the reads, or damage) — makes this module answer `undefined` / `false`, and the loader reads
 * the directory the ordinary way (files.ts, readModelFiles), which retries and words every error.
 */
import { MODEL_FILE, WEIGHTS_FILE, WEIGHTS_NAME } from './model-files.js';
import { fileUrlPath } from './stores/file-url.js';

/** Weights files up to this size are read synchronously straight into θ (16 MiB). */
export const DIRECT_READ_MAX_BYTES = 16 * 1024 * 1024;

/** A model directory whose weights are still on disk. */
export interface DirectModel {
  /** The parsed spec, without `weightsFile` (as readModelFiles gives it). */
  spec: unknown;
  specPath: string;
  /** The weights' size in bytes. */
  byteLength: number;
  /** The checksum model.json names the weights by ('' when it names none). */
  checksum: string;
  /**
   * Reads the weights into `into` (byteLength bytes); returns the path read when they were read
   * whole and, when model.json names a checksum, `fnv1a(into)` equals it (`fnv1a` hashes the
   * bytes where they now are: a loader that reads into a WebAssembly heap hashes them there,
   * without a copy); undefined otherwise.
   */
  readInto(into: Uint8Array, fnv1a: (bytes: Uint8Array) => string): string | undefined;
}

type SyncFs = typeof import('node:fs');
type Path = typeof import('node:path');

/** A Node built-in where it comes cheaply (Node 20.16+), else undefined. */
function builtin<T>(id: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule(id) as T | undefined) : undefined;
}

/** Reads exactly `into.length` bytes of the file at `path`; false when it has another size or fails. */
function readWhole(fs: SyncFs, path: string, into: Uint8Array): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    if (fs.fstatSync(fd).size !== into.length) return false;
    let done = 0;
    while (done < into.length) {
      const n = fs.readSync(fd, into, done, into.length - done, done);
      if (n === 0) return false;
      done += n;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A directory target's path: the target itself, or a `file://` URL's path; undefined for other schemes. */
function directoryOf(target: unknown): string | undefined {
  if (typeof target !== 'string' || target.length === 0) return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) return target;
  if (scheme !== 'file') return undefined;
  try {
    return fileUrlPath(target);
  } catch {
    return undefined;
  }
}

/**
 * model.json of the directory `target` (a path or `file://` URL) and the weights it names, ready
 * to be read into θ; `undefined` for any other target, and when this runtime or this directory
 * needs the ordinary read (see the module's doc).
 */
export function openModelDirect(target: unknown): DirectModel | undefined {
  const dir = directoryOf(target);
  if (dir === undefined) return undefined;
  const fs = builtin<SyncFs>('node:fs');
  const path = builtin<Path>('node:path');
  if (!fs || !path) return undefined;
  const specPath = path.join(dir, MODEL_FILE);
  let spec: { weightsFile?: unknown; weightsChecksum?: unknown };
  try {
    spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  } catch {
    return undefined;
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
  const ref = spec.weightsFile;
  if (ref !== undefined && (typeof ref !== 'string' || !WEIGHTS_NAME.test(ref))) return undefined;
  delete spec.weightsFile;
  // As readModelFiles: the checksum model.json names the weights by, else the spec's own.
  const expected = ref ? WEIGHTS_NAME.exec(ref)![1]! : typeof spec.weightsChecksum === 'string' ? spec.weightsChecksum : '';
  // At rest the weights are weights.bin; right after a save, the file model.json names (tried
  // when weights.bin is missing or not those weights).
  const names = ref ? [WEIGHTS_FILE, ref] : [WEIGHTS_FILE];
  const sizes = names.map((n) => fs.statSync(path.join(dir, n), { throwIfNoEntry: false }));
  const first = sizes.findIndex((st) => st?.isFile());
  const st = sizes[first];
  if (!st || st.size > DIRECT_READ_MAX_BYTES) return undefined;
  const same = names.filter((_, i) => i >= first && sizes[i]?.isFile() && sizes[i]!.size === st.size);
  return {
    spec,
    specPath,
    byteLength: st.size,
    checksum: expected,
    readInto: (into, fnv1a) =>
      same.map((name) => path.join(dir, name)).find((p) => readWhole(fs, p, into) && (expected === '' || fnv1a(into) === expected)),
  };
}
