/**
 * The on-disk model directory: `model.json` (the spec, pretty-printed) and its weights (raw bytes).
 * Node only: the browser builds swap this module for files.browser.ts (tsup.config.ts), so its
 * static `node:` imports never reach them.
 *
 * One rename commits a save. The weights go first, under a name of their own content
 * (`weights-<fnv1a>.bin`, written to a temporary, fsynced, renamed); model.json, which names that
 * file in `weightsFile`, is written to a temporary, fsynced, and renamed over the old model.json:
 * that rename is the commit point. Until it, the previous model.json still names the previous
 * weights, which nothing has touched; from it on, the new model.json names weights that exist.
 * After the commit the save tidies up (best effort, never undoing the commit): it renames the new
 * weights to `weights.bin` (model.json names them by checksum, so a reader that misses
 * `weights-<fnv1a>.bin` takes `weights.bin` once its checksum matches) and removes the previous
 * weights file. A directory at rest thus holds model.json + weights.bin, as directories written by
 * earlier versions did (those have no `weightsFile` and load as before).
 *
 * A save killed at any point leaves either the old or the new model loadable, plus perhaps
 * temporaries and an unreferenced `weights-*.bin`; the next save removes those first (temporaries
 * only when the process that wrote them is gone). Any failure before the commit (model.json being
 * a directory, a read-only directory, a full disk) removes what this save wrote and leaves the
 * previous files untouched. Saves to one directory from one process are queued; saving to one
 * directory from several processes at once is not supported (the last commit wins, and one
 * process's clean-up may remove another's uncommitted weights).
 */
import * as nodeFs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { fnv1a } from './serialize.js';

import { MODEL_FILE, TMP_PREFIX, WEIGHTS_FILE, WEIGHTS_NAME, weightsName } from './model-files.js';

export { MODEL_FILE, TMP_PREFIX, WEIGHTS_FILE, WEIGHTS_NAME, weightsName };

/** The temporary name used for `file` in `dir` by this process. */
export async function tmpPath(dir: string, file: string): Promise<string> {
  const { join } = nodePath;
  return join(dir, `${TMP_PREFIX}-${process.pid}-${file}`);
}

/** Per-directory queue so concurrent saves to one directory from this process don't share temporaries. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Writes `model.json` (from `spec`, plus `weightsFile`) and the weights into `dir`, creating it
 * if needed; see the top of this file for the commit protocol. The spec is serialised before
 * anything touches the disk, so a spec JSON.stringify rejects (e.g. one holding a BigInt) fails
 * with nothing written.
 */
export async function writeModelFiles(dir: string, spec: object, weights: Uint8Array): Promise<void> {
  const { resolve } = nodePath;
  const key = resolve(dir);
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(() => writeNow(dir, spec, weights));
  queues.set(key, run);
  try {
    await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}

/** Whether process `pid` is (probably) still running. */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The weights file the model.json in `dir` names, if any (undefined when unreadable). */
async function referencedWeights(dir: string): Promise<string | undefined> {
  const fs = nodeFs;
  const { join } = nodePath;
  try {
    const spec = JSON.parse(await fs.readFile(join(dir, MODEL_FILE), 'utf8')) as { weightsFile?: unknown };
    return typeof spec?.weightsFile === 'string' && WEIGHTS_NAME.test(spec.weightsFile) ? spec.weightsFile : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes what killed saves left in `dir`: temporaries of processes that are gone (and this
 * process's own model temporaries: its saves to `dir` are queued, so none is in flight), and
 * `weights-*.bin` files the current model.json does not name. Best effort: errors are ignored.
 */
async function removeLeftovers(dir: string, keep: string | undefined): Promise<void> {
  const fs = nodeFs;
  const { join } = nodePath;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const own = [`${TMP_PREFIX}-${process.pid}-${MODEL_FILE}`, `${TMP_PREFIX}-${process.pid}-${WEIGHTS_FILE}`];
  for (const name of names) {
    let stale = false;
    if (name.startsWith(`${TMP_PREFIX}-`)) {
      const pid = Number(name.slice(TMP_PREFIX.length + 1).split('-')[0]);
      stale = own.includes(name) || (Number.isInteger(pid) && pid > 0 && !alive(pid));
    } else if (WEIGHTS_NAME.test(name)) stale = name !== keep;
    // unlink never removes a directory, so a directory in the way is left alone.
    if (stale) await fs.unlink(join(dir, name)).catch(() => undefined);
  }
}

/** fsync of a directory, so renames in it are durable (best effort: not every platform can). */
async function syncDir(dir: string): Promise<void> {
  const fs = nodeFs;
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // ignore
  }
}

/** Writes `data` to `path` (created or truncated) and fsyncs it. */
async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const fs = nodeFs;
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(path, 'w');
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh?.close();
  }
}

async function writeNow(dir: string, spec: object, weights: Uint8Array): Promise<void> {
  if (!(weights instanceof Uint8Array)) {
    throw new Error('writeModelFiles: weights must be a Uint8Array');
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error(`cannot save model to ${dir}: the spec is not a JSON object`);
  }
  const sum = fnv1a(weights);
  const name = weightsName(sum);
  let json: string;
  try {
    json = JSON.stringify({ ...spec, weightsFile: name }, null, 2);
  } catch (e) {
    throw new Error(`cannot save model to ${dir}: the spec is not serialisable as JSON: ${(e as Error).message}`);
  }

  const fs = nodeFs;
  const { join } = nodePath;
  const specPath = join(dir, MODEL_FILE);
  try {
    await fs.mkdir(dir, { recursive: true });
    const st = await fs.lstat(specPath).catch(() => undefined);
    if (st?.isDirectory()) throw new Error(`${specPath} is a directory; remove it or save elsewhere`);
  } catch (e) {
    throw new Error(`cannot save model to ${dir}: ${(e as Error).message}`);
  }

  const previous = await referencedWeights(dir);
  await removeLeftovers(dir, previous);

  const weightsTmp = await tmpPath(dir, WEIGHTS_FILE);
  const specTmp = await tmpPath(dir, MODEL_FILE);
  const weightsPath = join(dir, name);
  const written: string[] = [];
  try {
    written.push(weightsTmp);
    await writeSynced(weightsTmp, weights);
    if (name !== previous) written.push(weightsPath); // never remove the file the old model.json names
    await fs.rename(weightsTmp, weightsPath);
    written.splice(written.indexOf(weightsTmp), 1);
    await syncDir(dir);
    written.push(specTmp);
    await writeSynced(specTmp, `${json}\n`);
    await fs.rename(specTmp, specPath); // the commit point
  } catch (e) {
    for (const path of written) await fs.unlink(path).catch(() => undefined);
    throw new Error(`cannot save model to ${dir}: ${(e as Error).message}`);
  }
  await syncDir(dir);

  // Committed. Tidy up (best effort): the new weights become weights.bin, the previous ones go.
  try {
    await fs.rename(weightsPath, join(dir, WEIGHTS_FILE));
    await syncDir(dir);
  } catch {
    // model.json names weights-<sum>.bin, which stays; the next save tidies again.
  }
  if (previous && previous !== name) await fs.unlink(join(dir, previous)).catch(() => undefined);
}

/** What `readModelFiles` hands back. */
export interface ModelFiles {
  spec: unknown;
  weights: Uint8Array;
  specPath: string;
  weightsPath: string;
  /** FNV-1a of `weights` when it was computed (model.json names a checksum), for the loader not to repeat it. */
  weightsChecksum?: string;
}

/**
 * Reads a model directory written by `writeModelFiles` (or by earlier versions: model.json +
 * weights.bin). Throws, naming the path and the fix, when the directory or model.json is missing,
 * model.json is not valid JSON, or its weights are missing. The weights come back in a fresh
 * buffer starting at byte 0 (so `new Float32Array(w.buffer)` works); the spec without
 * `weightsFile`; and the paths read, for messages.
 */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  // A save in another process may commit between our two reads; then read again (a few times).
  for (let attempt = 0; ; attempt++) {
    const r = await readOnce(dir);
    if (r.consistent || attempt >= 3) return r;
  }
}

/** A file's bytes, or the error reading it. */
type Read = { bytes: Uint8Array; error?: undefined } | { bytes?: undefined; error: NodeJS.ErrnoException };

async function readOnce(dir: string): Promise<ModelFiles & { consistent: boolean }> {
  const fs = nodeFs;
  const { join } = nodePath;
  const specPath = join(dir, MODEL_FILE);
  const read = (path: string): Promise<Read> =>
    fs.readFile(path).then(
      // A file's own buffer (not a pooled slice) is taken as it is: no copy of the weights.
      (b) => ({ bytes: b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b) }),
      (error: NodeJS.ErrnoException) => ({ error }),
    );
  // model.json and weights.bin are read at once (a directory at rest holds these two); the file
  // model.json names is read after it only when weights.bin is not those weights.
  const atRest = read(join(dir, WEIGHTS_FILE));

  let text: string;
  try {
    text = await fs.readFile(specPath, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      const st = await fs.stat(dir).catch(() => undefined);
      const why = st && !st.isDirectory() ? 'it is a file, not a directory' : `${MODEL_FILE} not found`;
      throw new Error(`no model at ${dir}: ${why}; save one with model.save(dir)`);
    }
    throw new Error(`cannot read ${specPath}: ${err.message}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new Error(`${specPath} is corrupt: ${(e as Error).message}; save the model again with model.save(dir)`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error(
      `${specPath} is corrupt: expected a JSON object, got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}`,
    );
  }
  const s = spec as { weightsFile?: unknown; weightsChecksum?: unknown };
  const ref = s.weightsFile;
  delete s.weightsFile;
  if (ref !== undefined && (typeof ref !== 'string' || !WEIGHTS_NAME.test(ref))) {
    throw new Error(
      `${specPath} is corrupt: weightsFile must be a name like 'weights-0123abcd.bin', got ${JSON.stringify(ref) ?? typeof ref}`,
    );
  }
  // The checksum the weights must have: the one model.json names them by, else the spec's own.
  const expected = ref ? WEIGHTS_NAME.exec(ref)![1] : typeof s.weightsChecksum === 'string' ? s.weightsChecksum : undefined;
  const found = (name: string, bytes: Uint8Array): ModelFiles & { consistent: boolean } => {
    const sum = expected === undefined ? undefined : fnv1a(bytes);
    // weights.bin in place of the named file must be those weights (it is once a save has tidied
    // up); when not, a save may have committed between our reads, and the caller reads again.
    return { spec, weights: bytes, specPath, weightsPath: join(dir, name), weightsChecksum: sum, consistent: sum === expected };
  };

  const rest = await atRest;
  if (rest.bytes) {
    const r = found(WEIGHTS_FILE, rest.bytes);
    if (r.consistent || !ref) return r;
  } else if (rest.error.code !== 'ENOENT' && !ref) {
    throw new Error(`cannot read ${join(dir, WEIGHTS_FILE)}: ${rest.error.message}`);
  }
  if (ref) {
    const named = await read(join(dir, ref));
    if (named.bytes) return found(ref, named.bytes);
    if (named.error.code !== 'ENOENT') throw new Error(`cannot read ${join(dir, ref)}: ${named.error.message}`);
    if (rest.bytes) return found(WEIGHTS_FILE, rest.bytes);
    if (rest.error.code !== 'ENOENT') throw new Error(`cannot read ${join(dir, WEIGHTS_FILE)}: ${rest.error.message}`);
  }
  throw new Error(
    `incomplete model at ${dir}: ${ref ? `${ref} (or ${WEIGHTS_FILE})` : WEIGHTS_FILE} not found next to ${MODEL_FILE}; ` +
      'save the model again with model.save(dir)',
  );
}

/**
 * Writes one file atomically (temporary name in the same directory, fsync, rename). Used for
 * small sidecar files next to a model, e.g. the CLI's dataset.json.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = nodeFs;
  const { dirname, basename } = nodePath;
  const tmp = await tmpPath(dirname(path), basename(path));
  let fh: FileHandle | undefined;
  try {
    try {
      fh = await fs.open(tmp, 'w');
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh?.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    if (fh) await fs.unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Parses a JSON file, or returns undefined when it does not exist. Corrupt files are an error. */
export async function readJsonIfExists(path: string): Promise<unknown> {
  const fs = nodeFs;
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is corrupt: ${(e as Error).message}`);
  }
}
