/**
 * Plain paths and `file://` URLs: a model directory (model.json + weights.bin) in Node, written
 * and read by io/files.ts with its one-rename commit. That module imports `node:fs` only when a
 * directory is used (and the browser build swaps it for files.browser.ts), so it comes with this
 * store's chunk: one module to load, not two, at a cold loadModel.
 */
import * as fileIo from '../files.js';
import { FILE_SCHEME, fileUrlPath } from './file-url.js';
import type { LoadedArtifacts, ModelArtifacts, ModelStore, SaveOptions } from './types.js';

const dir = (path: string): string => (path.startsWith(FILE_SCHEME) ? fileUrlPath(path) : path);

function noNode(path: string): Error {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  let url = '';
  try {
    if (page && !path.startsWith(FILE_SCHEME)) url = ` (a URL on this site: '${new URL(path, page).href}')`;
  } catch {
    // no suggestion
  }
  return new Error(
    `'${path}' is a directory path, which needs Node's file system; in a browser use 'indexeddb://name', 'localstorage://name', ` +
      `'downloads://name' or a full 'https://…/model.json' URL${url}.`,
  );
}

async function files(path: string): Promise<typeof fileIo> {
  if (typeof process === 'undefined' || !process.versions?.node) throw noNode(path);
  return fileIo;
}

async function save(path: string, artifacts: ModelArtifacts, options: SaveOptions): Promise<void> {
  if (options.overwrite !== undefined) {
    throw new Error(`cannot save model to ${path}: overwrite is for indexeddb:// and localstorage://; a directory save always replaces.`);
  }
  const { writeModelFiles } = await files(path);
  await writeModelFiles(dir(path), artifacts.spec, artifacts.weights);
}

async function load(path: string): Promise<LoadedArtifacts> {
  const { readModelFiles } = await files(path);
  const { spec, weights, specPath, weightsPath, weightsChecksum } = await readModelFiles(dir(path));
  return { spec, weights, specWhere: specPath, weightsWhere: weightsPath, weightsChecksum };
}

export { FILE_SCHEME };

export const directoryStore: ModelStore = { scheme: FILE_SCHEME, save, load };
