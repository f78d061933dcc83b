/**
 * The on-disk model directory: `model.json` (the spec, pretty-printed) and `weights.bin` (raw
 * bytes). Node only — the model's save/load import this module dynamically so browser bundles
 * never pull in `node:fs`.
 *
 * Writes are atomic per file: each is written to a temporary name in the same directory, fsynced,
 * then renamed over the old one, so a crash or error never leaves a half-written file behind. On
 * failure the temporaries are removed and the previous model.json / weights.bin stay as they were.
 * Saves to the same directory from one process are serialised.
 */
import type { FileHandle } from 'node:fs/promises';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** Prefix of temporary files (ignored by .gitignore). */
export const TMP_PREFIX = '.simdnn-tmp';

/** The temporary name used for `file` in `dir` by this process. */
export async function tmpPath(dir: string, file: string): Promise<string> {
  const { join } = await import('node:path');
  return join(dir, `${TMP_PREFIX}-${process.pid}-${file}`);
}

/** Per-directory queue so concurrent saves to one directory from this process don't share temporaries. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Writes `model.json` (from `spec`) and `weights.bin` into `dir`, creating it if needed.
 * The spec is serialised before anything touches the disk, so a spec JSON.stringify rejects
 * (e.g. one holding a BigInt) fails with nothing written.
 */
export async function writeModelFiles(dir: string, spec: object, weights: Uint8Array): Promise<void> {
  const { resolve } = await import('node:path');
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

async function writeNow(dir: string, spec: object, weights: Uint8Array): Promise<void> {
  if (!(weights instanceof Uint8Array)) {
    throw new Error('writeModelFiles: weights must be a Uint8Array');
  }
  let json: string;
  try {
    json = JSON.stringify(spec, null, 2);
  } catch (e) {
    throw new Error(`cannot save model to ${dir}: the spec is not serialisable as JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'string') throw new Error(`cannot save model to ${dir}: the spec is not a JSON object`);

  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new Error(`cannot save model to ${dir}: ${(e as Error).message}`);
  }

  const jobs: Array<[tmp: string, final: string, data: string | Uint8Array]> = [
    [await tmpPath(dir, WEIGHTS_FILE), join(dir, WEIGHTS_FILE), weights],
    [await tmpPath(dir, MODEL_FILE), join(dir, MODEL_FILE), `${json}\n`],
  ];
  const written: string[] = [];
  try {
    for (const [tmp, , data] of jobs) {
      let fh: FileHandle | undefined;
      try {
        fh = await fs.open(tmp, 'w');
        written.push(tmp);
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh?.close();
      }
    }
    // Weights first, then the spec: a reader that sees the new model.json also sees its weights
    // (fromJSON checks the weights length, which catches a crash between the two renames).
    for (const [tmp, final] of jobs) {
      await fs.rename(tmp, final);
      written.splice(written.indexOf(tmp), 1);
    }
  } catch (e) {
    for (const tmp of written) await fs.unlink(tmp).catch(() => undefined);
    throw new Error(`cannot save model to ${dir}: ${(e as Error).message}`);
  }
  // Make the renames durable too (best effort: not every platform can fsync a directory).
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

/**
 * Reads a model directory written by `writeModelFiles`. Throws, naming the path and the fix, when
 * the directory or model.json is missing, model.json is not valid JSON, or weights.bin is missing.
 * The weights come back in a fresh buffer starting at byte 0 (so `new Float32Array(w.buffer)` works).
 */
export async function readModelFiles(dir: string): Promise<{ spec: unknown; weights: Uint8Array }> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const specPath = join(dir, MODEL_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);

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

  let buf: Uint8Array;
  try {
    buf = await fs.readFile(weightsPath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new Error(
        `incomplete model at ${dir}: ${WEIGHTS_FILE} not found next to ${MODEL_FILE}; save the model again with model.save(dir)`,
      );
    }
    throw new Error(`cannot read ${weightsPath}: ${err.message}`);
  }
  return { spec, weights: new Uint8Array(buf) };
}

/**
 * Writes one file atomically (temporary name in the same directory, fsync, rename). Used for
 * small sidecar files next to a model, e.g. the CLI's dataset.json.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename } = await import('node:path');
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
  const fs = await import('node:fs/promises');
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
