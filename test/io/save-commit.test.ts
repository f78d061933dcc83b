/**
 * The save protocol of src/io/files.ts: one rename (model.json) commits; failures before it leave
 * the previous files untouched; what killed saves leave is removed by the next save; every
 * intermediate state a kill can leave loads, and directories of earlier versions still load.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fnv1a } from '../../src/io/serialize.js';
import { readModelFiles, TMP_PREFIX, writeModelFiles } from '../../src/io/files.js';

const root = mkdtempSync(join(tmpdir(), 'simdnn-commit-'));
let n = 0;
const fresh = (): string => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};
const files = (dir: string): string[] => readdirSync(dir).sort();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const OLD = new Uint8Array([1, 2, 3, 4]);
const NEW = new Uint8Array([5, 6, 7, 8, 9]);

describe('save commits by one rename', () => {
  it('model.json names its weights by checksum; at rest the directory holds model.json + weights.bin', async () => {
    const dir = fresh();
    await writeModelFiles(dir, { v: 1 }, OLD);
    expect(files(dir)).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsFile).toBe(`weights-${fnv1a(OLD)}.bin`);
    expect((await readModelFiles(dir)).spec).toEqual({ v: 1 }); // weightsFile is the store's, not the spec's
  });

  it('every state a kill can leave loads as the old or the new model', async () => {
    const dir = fresh();
    await writeModelFiles(dir, { v: 'old' }, OLD);
    const named = `weights-${fnv1a(NEW)}.bin`;
    // Killed after the new weights were renamed into place, before the commit: the old model.
    writeFileSync(join(dir, named), NEW);
    writeFileSync(join(dir, `${TMP_PREFIX}-999999999-model.json`), '{"half": ');
    let r = await readModelFiles(dir);
    expect(r.spec).toEqual({ v: 'old' });
    expect(Array.from(r.weights)).toEqual(Array.from(OLD));
    // Killed after the commit, before the tidy-up: the new model, from its named weights.
    const newSpec = JSON.stringify({ v: 'new', weightsFile: named });
    writeFileSync(join(dir, 'model.json'), newSpec);
    r = await readModelFiles(dir);
    expect(r.spec).toEqual({ v: 'new' });
    expect(Array.from(r.weights)).toEqual(Array.from(NEW));
    expect(r.weightsPath).toBe(join(dir, named));
    // Killed after the tidy-up's rename: the new model, from weights.bin (its checksum matches the name).
    renameSync(join(dir, named), join(dir, 'weights.bin'));
    r = await readModelFiles(dir);
    expect(Array.from(r.weights)).toEqual(Array.from(NEW));
    // The next save removes the dead process's temporary.
    await writeModelFiles(dir, { v: 'next' }, OLD);
    expect(files(dir)).toEqual(['model.json', 'weights.bin']);
  });

  it('the next save removes unreferenced weights and stale temporaries, and keeps a live process’s', async () => {
    const dir = fresh();
    await writeModelFiles(dir, { v: 1 }, OLD);
    const live = `${TMP_PREFIX}-${process.ppid}-weights.bin`; // the parent is alive: its temporary stays
    for (const f of ['weights-deadbeef.bin', `${TMP_PREFIX}-999999999-weights.bin`, `${TMP_PREFIX}-${process.pid}-model.json`, live]) {
      writeFileSync(join(dir, f), 'x');
    }
    await writeModelFiles(dir, { v: 2 }, NEW);
    expect(files(dir)).toEqual([live, 'model.json', 'weights.bin'].sort());
  });

  it('model.json being a directory fails before anything is written', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'weights.bin'), OLD);
    mkdirSync(join(dir, 'model.json'));
    await expect(writeModelFiles(dir, { v: 2 }, NEW)).rejects.toThrow(
      `cannot save model to ${dir}: ${join(dir, 'model.json')} is a directory; remove it or save elsewhere`,
    );
    expect(files(dir)).toEqual(['model.json', 'weights.bin']);
    expect(Array.from(readFileSync(join(dir, 'weights.bin')))).toEqual(Array.from(OLD));
  });

  it('a read-only directory fails and leaves the previous model as it was', async (ctx) => {
    if (process.getuid?.() === 0) ctx.skip(); // root writes anyway
    const dir = fresh();
    await writeModelFiles(dir, { v: 'old' }, OLD);
    const before = files(dir);
    chmodSync(dir, 0o555);
    try {
      await expect(writeModelFiles(dir, { v: 'new' }, NEW)).rejects.toThrow(/cannot save model to .*EACCES/);
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(files(dir)).toEqual(before);
    const r = await readModelFiles(dir);
    expect(r.spec).toEqual({ v: 'old' });
    expect(Array.from(r.weights)).toEqual(Array.from(OLD));
  });

  it('a directory written before weightsFile (model.json + weights.bin) still loads', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'model.json'), '{"v": 0}');
    writeFileSync(join(dir, 'weights.bin'), OLD);
    const r = await readModelFiles(dir);
    expect(r.spec).toEqual({ v: 0 });
    expect(Array.from(r.weights)).toEqual(Array.from(OLD));
  });

  it('a weightsFile that is not a weights name is refused (no path leaves the directory)', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'model.json'), '{"weightsFile": "../../etc/passwd"}');
    await expect(readModelFiles(dir)).rejects.toThrow(
      /is corrupt: weightsFile must be a name like 'weights-0123abcd\.bin', got "\.\.\/\.\.\/etc\/passwd"/,
    );
    writeFileSync(join(dir, 'model.json'), '{"weightsFile": "weights-0123abcd.bin"}');
    await expect(readModelFiles(dir)).rejects.toThrow(/incomplete model at .*weights-0123abcd\.bin \(or weights\.bin\) not found/);
    expect(existsSync(join(dir, 'weights.bin'))).toBe(false);
  });
});
