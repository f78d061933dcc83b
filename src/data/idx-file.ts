/**
 * IDX files (Node only: `node:fs/promises` is imported on first use). In the browser build this
 * module is replaced by idx-file.browser.ts (see tsup.config.ts).
 */
import { parseIdx, type IdxArray } from './idx.js';

/** Reads and decodes an IDX file (Node only; `node:fs/promises` is imported on first use). */
export async function readIdx(path: string): Promise<IdxArray> {
  const { readFile } = await import('node:fs/promises');
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`IDX file not found: ${path}`);
    throw new Error(`cannot read IDX file ${path}: ${err.message}`);
  }
  return parseIdx(buf, path);
}
