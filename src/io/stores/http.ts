/**
 * `http(s)://…/model.json`: a model directory served over http.
 *
 * Load fetches model.json, then its weights next to it, named as the directory format names them:
 * the `weightsFile` model.json gives (`weights-<checksum>.bin`), else (or when that answers 404)
 * `weights.bin`. Save POSTs (or `requestInit.method`) one `multipart/form-data` body with two
 * parts, `model.json` (the spec) and `weights.bin` (the bytes): a server that writes the parts
 * into a directory under those names makes a model directory.
 */
import type { LoadedArtifacts, LoadOptions, ModelArtifacts, ModelStore, SaveOptions } from './types.js';
import { parseSpec, specText } from './types.js';

/** The directory format's names (io/files.ts), repeated here so browsers never load that module. */
export const HTTP_SPEC_PART = 'model.json';
export const HTTP_WEIGHTS_FILE = 'weights.bin';
const WEIGHTS_NAME = /^weights-[0-9a-f]{8}\.bin$/;

function fetchFn(target: string): typeof fetch {
  if (typeof fetch !== 'function') throw new Error(`cannot reach ${target}: this runtime has no fetch().`);
  return fetch;
}

/** fetch(url) that answers 2xx, or an error naming the URL, the status and the fix. */
async function get(url: string, init: RequestInit | undefined, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url)(url, init);
  } catch (e) {
    throw new Error(`loadModel: cannot fetch ${what} ${url}: ${(e as Error).message} (is the server up, and does it allow this origin?).`);
  }
  if (!res.ok) {
    throw new Error(`loadModel: ${url} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${what}; check the URL.`);
  }
  return res;
}

async function load(url: string, options: LoadOptions): Promise<LoadedArtifacts> {
  const init = options.requestInit;
  const res = await get(url, init, 'the model spec');
  const text = await res.text();
  if (/^\s*</.test(text)) {
    throw new Error(
      `loadModel: ${url} answered HTML (${res.headers.get('content-type') ?? 'no content-type'}), not a model.json: ` +
        'the server has no file there and sent a fallback page; check the URL.',
    );
  }
  const spec = parseSpec(text, url, 'check the URL, or save the model again') as { weightsFile?: unknown };
  const ref = spec.weightsFile;
  delete spec.weightsFile;
  if (ref !== undefined && (typeof ref !== 'string' || !WEIGHTS_NAME.test(ref))) {
    throw new Error(`${url} is corrupt: weightsFile must be a name like 'weights-0123abcd.bin', got ${JSON.stringify(ref) ?? typeof ref}.`);
  }
  const names = typeof ref === 'string' ? [ref, HTTP_WEIGHTS_FILE] : [HTTP_WEIGHTS_FILE];
  for (const [i, name] of names.entries()) {
    const wurl = new URL(name, res.url || url).href;
    let wres: Response;
    try {
      wres = await fetchFn(wurl)(wurl, init);
    } catch (e) {
      throw new Error(`loadModel: cannot fetch the weights ${wurl}: ${(e as Error).message}.`);
    }
    // A directory at rest has model.json naming weights-<sum>.bin and the file weights.bin.
    if (wres.status === 404 && i < names.length - 1) continue;
    if (!wres.ok) {
      throw new Error(
        `loadModel: ${wurl} answered ${wres.status}${wres.statusText ? ` ${wres.statusText}` : ''} for the weights of ${url}; ` +
          `serve ${names.join(' or ')} next to model.json.`,
      );
    }
    const weights = new Uint8Array(await wres.arrayBuffer());
    return { spec, weights, specWhere: url, weightsWhere: wurl };
  }
  /* c8 ignore next */
  throw new Error(`loadModel: no weights for ${url}.`);
}

async function save(url: string, artifacts: ModelArtifacts, options: SaveOptions): Promise<void> {
  if (options.overwrite !== undefined) {
    throw new Error(`cannot save model to ${url}: overwrite is for indexeddb:// and localstorage://; the server decides for http(s).`);
  }
  const json = specText(artifacts.spec, url, 2);
  const body = new FormData();
  body.append(HTTP_SPEC_PART, new Blob([`${json}\n`], { type: 'application/json' }), HTTP_SPEC_PART);
  body.append(
    HTTP_WEIGHTS_FILE,
    new Blob([artifacts.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    HTTP_WEIGHTS_FILE,
  );
  let res: Response;
  try {
    res = await fetchFn(url)(url, { method: 'POST', ...options.requestInit, body });
  } catch (e) {
    throw new Error(`cannot save model to ${url}: ${(e as Error).message} (is the server up, and does it allow this origin?).`);
  }
  if (!res.ok)
    throw new Error(`cannot save model to ${url}: the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
}

export const httpStore: ModelStore = { scheme: 'http(s)://', save, load };
