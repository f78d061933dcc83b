/** Model files in Node (src/io/files.ts): atomic writes of model.json + weights.bin, and the errors of reading them. */
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFiles, tmpPath, writeModelFiles } from '../../src/io/files.js';

const fresh = (): Promise<string> => mkdtemp(join(tmpdir(), 'simdnn-io-'));

describe('writeModelFiles / readModelFiles', () => {
  it('round-trips the spec and the weight bytes', async () => {
    const dir = join(await fresh(), 'nested', 'model'); // created on demand
    const spec = { format: 1, layers: [{ type: 'dense', units: 3 }], loss: 'mse' };
    const weights = new Uint8Array(new Float32Array([1.5, -2, 3]).buffer);
    await writeModelFiles(dir, spec, weights);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const text = await readFile(join(dir, 'model.json'), 'utf8');
    expect(text).toContain('\n  "format": 1'); // pretty-printed
    const back = await readModelFiles(dir);
    expect(back.spec).toEqual(spec);
    expect(back.weights.byteOffset).toBe(0);
    expect(Array.from(new Float32Array(back.weights.buffer))).toEqual([1.5, -2, 3]);
  });

  it('overwrites a previous model', async () => {
    const dir = await fresh();
    await writeModelFiles(dir, { v: 1 }, new Uint8Array([1, 2]));
    await writeModelFiles(dir, { v: 2 }, new Uint8Array([3, 4, 5]));
    const back = await readModelFiles(dir);
    expect(back.spec).toEqual({ v: 2 });
    expect(Array.from(back.weights)).toEqual([3, 4, 5]);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('serialises concurrent saves to one directory', async () => {
    const dir = await fresh();
    await Promise.all([1, 2, 3, 4].map((v) => writeModelFiles(dir, { v }, new Uint8Array(v).fill(v))));
    const back = await readModelFiles(dir);
    expect(back.weights.length).toBe((back.spec as { v: number }).v);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  async function saved(): Promise<{ dir: string; json: string; bin: Buffer }> {
    const dir = await fresh();
    await writeModelFiles(dir, { v: 'old' }, new Uint8Array([9, 9, 9]));
    return { dir, json: await readFile(join(dir, 'model.json'), 'utf8'), bin: await readFile(join(dir, 'weights.bin')) };
  }
  async function unchanged(s: { dir: string; json: string; bin: Buffer }, extra: string[] = []): Promise<void> {
    expect(await readFile(join(s.dir, 'model.json'), 'utf8')).toBe(s.json);
    expect(Buffer.compare(await readFile(join(s.dir, 'weights.bin')), s.bin)).toBe(0);
    expect((await readdir(s.dir)).sort()).toEqual(['model.json', 'weights.bin', ...extra].sort());
  }

  it('a spec JSON.stringify rejects leaves the previous files untouched', async () => {
    const s = await saved();
    await expect(writeModelFiles(s.dir, { v: 10n }, new Uint8Array([1]))).rejects.toThrow(
      /cannot save model to .*not serialisable as JSON.*BigInt/,
    );
    await unchanged(s);
  });

  it('a failing write removes its temporaries and leaves the previous files untouched', async () => {
    // A directory where the temporary model.json would go: weights.bin's temporary is written
    // first, then opening the second temporary fails.
    const s = await saved();
    const blocker = await tmpPath(s.dir, 'model.json');
    await mkdir(blocker);
    await expect(writeModelFiles(s.dir, { v: 'new' }, new Uint8Array([1, 2]))).rejects.toThrow(/cannot save model to/);
    await unchanged(s, [blocker.slice(s.dir.length + 1)]);
    await rm(blocker, { recursive: true });

    // Same with the weights temporary blocked.
    const wblocker = await tmpPath(s.dir, 'weights.bin');
    await mkdir(wblocker);
    await expect(writeModelFiles(s.dir, { v: 'new' }, new Uint8Array([1, 2]))).rejects.toThrow(/cannot save model to/);
    await unchanged(s, [wblocker.slice(s.dir.length + 1)]);
  });

  it('refuses weights that are not bytes', async () => {
    const s = await saved();
    await expect(writeModelFiles(s.dir, {}, [1, 2] as unknown as Uint8Array)).rejects.toThrow(/Uint8Array/);
    await unchanged(s);
  });

  it('a missing directory says how to make one', async () => {
    const dir = join(await fresh(), 'nope');
    await expect(readModelFiles(dir)).rejects.toThrow(`no model at ${dir}: model.json not found; save one with model.save(dir)`);
  });

  it('an empty directory or a file in place of the directory is named', async () => {
    const dir = await fresh();
    await expect(readModelFiles(dir)).rejects.toThrow(`no model at ${dir}: model.json not found`);
    const file = join(dir, 'f');
    await writeFile(file, 'x');
    await expect(readModelFiles(file)).rejects.toThrow(/no model at .*f: it is a file, not a directory/);
  });

  it('a corrupt model.json is named with the parse error', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'model.json'), '{"layers": [');
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(4));
    const p = join(dir, 'model.json');
    await expect(readModelFiles(dir)).rejects.toThrow(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt: .*JSON`));
    await writeFile(p, '[1, 2]');
    await expect(readModelFiles(dir)).rejects.toThrow(/is corrupt: expected a JSON object, got an array/);
  });

  it('a missing weights.bin is reported', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'model.json'), '{}');
    await expect(readModelFiles(dir)).rejects.toThrow(/incomplete model at .*weights\.bin not found next to model\.json/);
  });
});
