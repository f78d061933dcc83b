/**
 * `downloads://name` (save only): the browser downloads `name.json` (the spec, as model.json of a
 * model directory has it) and `name.weights.bin` (the weight bytes), through an `<a download>`
 * clicked on object URLs. Renamed to model.json + weights.bin they form a model directory that
 * `loadModel(dir)` reads; or pass both to `fromJSON(spec, weights)`.
 */
import type { ModelArtifacts, ModelStore } from './types.js';
import { specText } from './types.js';

export const DOWNLOADS_SCHEME = 'downloads://';
/** How long the object URLs live after the click (the browser reads them when the download starts). */
export const DOWNLOAD_URL_LIFETIME_MS = 60_000;

/** The two file names a download of `name` produces. */
export const downloadNames = (name: string): { spec: string; weights: string } => ({
  spec: `${name}.json`,
  weights: `${name}.weights.bin`,
});

function checkName(name: string): void {
  if (name.length === 0 || /[/\\]/.test(name)) {
    throw new Error(
      `${DOWNLOADS_SCHEME} needs a file name without slashes after the scheme, e.g. '${DOWNLOADS_SCHEME}my-model', got '${name}'.`,
    );
  }
}

function click(doc: Document, blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = href;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), DOWNLOAD_URL_LIFETIME_MS);
}

async function save(name: string, artifacts: ModelArtifacts): Promise<void> {
  checkName(name);
  const target = `${DOWNLOADS_SCHEME}${name}`;
  const doc = (globalThis as { document?: Document }).document;
  if (!doc?.body || typeof URL.createObjectURL !== 'function') {
    throw new Error(
      `cannot save model to ${target}: downloads need a page (document and URL.createObjectURL); ` +
        "in a worker use 'indexeddb://name', in Node a directory (model.save('path/to/dir')).",
    );
  }
  const json = specText(artifacts.spec, target, 2);
  const names = downloadNames(name);
  click(doc, new Blob([`${json}\n`], { type: 'application/json' }), names.spec);
  click(doc, new Blob([artifacts.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), names.weights);
}

export const downloadsStore: ModelStore = {
  scheme: DOWNLOADS_SCHEME,
  save,
  load: async (name) => {
    throw new Error(
      `cannot load a model from ${DOWNLOADS_SCHEME}${name}: downloads:// is for saving only. Load the downloaded files with ` +
        'fromJSON(JSON.parse(specText), weightBytes) (e.g. from an <input type="file">), or serve them and use ' +
        "loadModel('https://…/model.json') after renaming them model.json and weights.bin.",
    );
  },
};
