/**
 * Model stores in Node (src/io/stores/): `loadModel('http://…/model.json')` against a real http
 * server serving a directory `model.save(dir)` wrote, `model.save('http://…')` as a multipart POST
 * that a real server parses, `file://` URLs, and the errors of every scheme Node cannot serve
 * (IndexedDB, localStorage and downloads are proved in Chromium: test/e2e/persistence.test.ts).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, loadModel, removeModel, type Sequential } from '../../src/index.js';
import { receiver } from '../browser/persistence-receiver.js';
import { serveStatic, type StaticServer } from '../browser/server.js';
import { wasmBackend } from '../helpers/backend.js';
import { XOR_X, XOR_Y, xorModel } from '../helpers/models.js';

const fresh = (): Promise<string> => mkdtemp(join(tmpdir(), 'simdnn-stores-'));
const hex = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** A trained XOR model and a directory it was saved to. */
async function trained(): Promise<{ model: Sequential; root: string; dir: string }> {
  const backend = await wasmBackend();
  const model = xorModel(backend, 3);
  await model.fit(XOR_X, XOR_Y, { epochs: 30, batchSize: 4 });
  const root = await fresh();
  const dir = join(root, 'xor');
  await model.save(dir);
  return { model, root, dir };
}

/** The same model: identical weight bytes and identical predictions. */
function expectSame(back: Sequential, model: Sequential): void {
  expect(hex(back.getFlatWeights())).toBe(hex(model.getFlatWeights()));
  expect(hex(back.predict(XOR_X).data)).toBe(hex(model.predict(XOR_X).data));
}

describe('loadModel(http(s)://…/model.json)', () => {
  let server: StaticServer;
  let model: Sequential;
  let root: string;
  beforeAll(async () => {
    ({ model, root } = await trained());
    server = await serveStatic(root);
  });
  afterAll(async () => {
    await server.close();
    model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('loads a directory served over http: the weights named by model.json, else weights.bin next to it', async () => {
    // At rest the directory holds model.json (naming weights-<sum>.bin) and weights.bin.
    const spec = JSON.parse(await readFile(join(root, 'xor', 'model.json'), 'utf8'));
    expect(spec.weightsFile).toMatch(/^weights-[0-9a-f]{8}\.bin$/);
    const back = await loadModel(`${server.origin}/xor/model.json`);
    expectSame(back, model);
    back.dispose();
    const paths = server.log.map((l) => `${l.status} ${l.path}`);
    expect(paths).toContain(`404 /xor/${spec.weightsFile}`);
    expect(paths).toContain('200 /xor/weights.bin');

    // The content-addressed name, when it is there, is what is read.
    await mkdir(join(root, 'named'));
    await writeFile(join(root, 'named', 'model.json'), JSON.stringify(spec));
    await writeFile(join(root, 'named', spec.weightsFile), await readFile(join(root, 'xor', 'weights.bin')));
    const named = await loadModel(`${server.origin}/named/model.json`);
    expectSame(named, model);
    named.dispose();
    expect(server.log.at(-1)).toEqual({ path: `/named/${spec.weightsFile}`, status: 200 });
  });

  it('names the URL and the status when a request fails, and the damage when the bytes are wrong', async () => {
    const o = server.origin;
    await expect(loadModel(`${o}/nothing/model.json`)).rejects.toThrow(`loadModel: ${o}/nothing/model.json answered 404`);
    await mkdir(join(root, 'no-weights'));
    await writeFile(join(root, 'no-weights', 'model.json'), await readFile(join(root, 'xor', 'model.json')));
    await expect(loadModel(`${o}/no-weights/model.json`)).rejects.toThrow(
      new RegExp(`loadModel: ${o}/no-weights/weights\\.bin answered 404 Not Found for the weights of ${o}/no-weights/model\\.json`),
    );
    // A fallback page where model.json should be.
    await mkdir(join(root, 'html'));
    await writeFile(join(root, 'html', 'model.json'), '<!doctype html><title>app</title>');
    await expect(loadModel(`${o}/html/model.json`)).rejects.toThrow(/answered HTML .*not a model\.json/);
    // Weights of another model: the checksum in the spec says so, naming the weights URL.
    await mkdir(join(root, 'other'));
    await writeFile(join(root, 'other', 'model.json'), await readFile(join(root, 'xor', 'model.json')));
    const bytes = await readFile(join(root, 'xor', 'weights.bin'));
    bytes[5] = bytes[5]! ^ 1;
    await writeFile(join(root, 'other', 'weights.bin'), bytes);
    await expect(loadModel(`${o}/other/model.json`)).rejects.toThrow(
      `loadModel: ${o}/other/weights.bin: the weights do not match the checksum in the spec`,
    );
    // Nobody listening.
    const closed = await serveStatic(root);
    await closed.close();
    await expect(loadModel(`${closed.origin}/xor/model.json`)).rejects.toThrow(
      `loadModel: cannot fetch the model spec ${closed.origin}/xor/model.json`,
    );
  });
});

describe("model.save('http(s)://…')", () => {
  it('POSTs model.json and weights.bin as multipart/form-data: written to a directory they load back identical', async () => {
    const { model, root } = await trained();
    const into = join(root, 'received');
    const r = await receiver(into);
    try {
      await model.save(r.url, { requestInit: { headers: { authorization: 'Bearer t0k3n' } } });
      expect(r.requests).toHaveLength(1);
      expect(r.requests[0]!.method).toBe('POST');
      expect(r.requests[0]!.headers.authorization).toBe('Bearer t0k3n');
      expect(r.requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      const back = await loadModel(into);
      expectSame(back, model);
      back.dispose();

      r.status.code = 500;
      await expect(model.save(r.url)).rejects.toThrow(`cannot save model to ${r.url}: the server answered 500 Nope`);
    } finally {
      await r.close();
      model.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('file:// URLs and plain paths', () => {
  it('save and load a directory given as a file:// URL (spaces percent-encoded) or as a path', async () => {
    const { model, root } = await trained();
    try {
      const dir = join(root, 'with space', 'm');
      const url = pathToFileURL(dir).href;
      expect(url).toContain('%20');
      await model.save(url);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('simdnn-model');
      for (const target of [url, dir]) {
        const back = await loadModel(target);
        expectSame(back, model);
        back.dispose();
      }
      await expect(loadModel('file://elsewhere/x')).rejects.toThrow(/file:\/\/ URLs on another host \(elsewhere\) are not supported/);
    } finally {
      model.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('targets and options Node cannot serve are clear errors', () => {
  it('unknown schemes list the supported ones; bad targets and options are named', async () => {
    const backend = await wasmBackend();
    const m = xorModel(backend);
    try {
      await expect(m.save('s3://bucket/model')).rejects.toThrow(
        "save: unknown scheme 's3://' in 's3://bucket/model'; supported: indexeddb://, localstorage://, downloads://, http://, https://, file://, or a directory path (Node).",
      );
      await expect(loadModel('ftp://x/model.json')).rejects.toThrow(/loadModel: unknown scheme 'ftp:\/\/'.*supported: indexeddb:\/\//);
      await expect(loadModel('' as never)).rejects.toThrow(/loadModel: expected a target string .* got an empty string/);
      await expect(loadModel(42 as never)).rejects.toThrow(/loadModel: expected a target string .* got number/);
      await expect(m.save('/tmp/x', { overwite: true } as never)).rejects.toThrow(
        "save: unknown option 'overwite'; use overwrite, requestInit.",
      );
      await expect(m.save('indexeddb://m', { overwrite: 'no' } as never)).rejects.toThrow(/save: overwrite must be true or false/);
      await expect(loadModel('indexeddb://m', { bakend: 1 } as never)).rejects.toThrow("loadModel: unknown option 'bakend'");
      await expect(m.save(join(tmpdir(), 'never'), { overwrite: false })).rejects.toThrow(
        /overwrite is for indexeddb:\/\/ and localstorage:\/\//,
      );
    } finally {
      m.dispose();
    }
  });

  it('indexeddb://, localstorage:// and downloads:// say what they need; downloads:// cannot be loaded', async () => {
    const backend = await wasmBackend();
    const m = xorModel(backend);
    try {
      await expect(m.save('indexeddb://m')).rejects.toThrow(
        /indexeddb:\/\/ needs IndexedDB, which this runtime lacks.*save to a directory/,
      );
      await expect(loadModel('indexeddb://m')).rejects.toThrow(/needs IndexedDB/);
      await expect(m.save('localstorage://m')).rejects.toThrow(/localstorage:\/\/ needs localStorage, which this runtime lacks/);
      await expect(m.save('downloads://m')).rejects.toThrow(/cannot save model to downloads:\/\/m: downloads need a page/);
      await expect(m.save('downloads://a/b')).rejects.toThrow(/needs a file name without slashes/);
      await expect(m.save('indexeddb://')).rejects.toThrow(/indexeddb:\/\/ needs a model name after the scheme/);
      await expect(loadModel('downloads://m')).rejects.toThrow(/downloads:\/\/ is for saving only/);
      await expect(removeModel('https://x/model.json')).rejects.toThrow(/only indexeddb:\/\/ and localstorage:\/\/ models can be removed/);
      // Node has neither store, so there is nothing to list.
      expect(await listModels()).toEqual([]);
    } finally {
      m.dispose();
    }
  });
});
