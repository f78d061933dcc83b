/**
 * Plain paths and `file://` URLs: a model directory (model.json + weights.bin) in Node, written
 * and read by io/files.ts with its one-rename commit. That module imports `node:fs` only when a
 * directory is used (and the browser build swaps it for files.browser.ts), so it comes with this
 * store's chunk: one module to load, not two, at a cold loadModel.
 */
import * as fileIo from '../files.js';
import { type DirectModel, openModelDirect } from '../files-direct.js';
import type { LoadedArtifacts, ModelArtifacts, ModelStore, SaveOptions } from './types.js';

export const FILE_SCHEME = 'file://';

/** A `file://` URL as a path (POSIX, or a Windows drive path), without node:url. */
export function fileUrlPath(target: string): string {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    throw new Error(`${target} is not a valid file:// URL; pass a path or 'file:///absolute/path'.`);
  }
  if (u.host !== '' && u.host !== 'localhost') {
    throw new Error(`${target}: file:// URLs on another host (${u.host}) are not supported; pass a local path.`);
  }
  const path = decodeURIComponent(u.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

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

/**
 * The model directory at `path` opened for a read straight into θ (files-direct.ts), or undefined
 * where that does not apply (not Node, an odd directory): then `load` reads it.
 */
export function openDirect(path: string): DirectModel | undefined {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  try {
    return openModelDirect(dir(path));
  } catch {
    return undefined;
  }
}

export const directoryStore: ModelStore = { scheme: FILE_SCHEME, save, load };
