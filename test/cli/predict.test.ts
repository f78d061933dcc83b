/**
 * `simdnn predict` (and `evaluate`) on a saved classifier: the CSV's columns checked by name against
 * the training columns of dataset.json, and what it prints (--output labels|indices|probabilities).
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobs, cli, lastLine } from '../helpers/cli.js';

/** blobs.csv with its header replaced, or its columns picked by name (in that order). */
async function blobsVariant(dir: string, name: string, edit: { header?: string; columns?: string[] }): Promise<string> {
  const [head, ...rows] = (await readFile(blobs, 'utf8')).trimEnd().split('\n');
  const names = head.split(',');
  const idx = (edit.columns ?? names).map((c) => names.indexOf(c));
  const lines = [head, ...rows].map((l) => idx.map((j) => l.split(',')[j]).join(','));
  if (edit.header) lines[0] = edit.header;
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('simdnn predict: columns by name, class names', () => {
  it('checks the columns by name, re-orders by name, prints class names, indices or probabilities', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'simdnn-cli-'));
    const dir = join(tmp, 'model');
    const t = await cli('train', '--data', blobs, '--label', 'kind', '--layers', '16', '--epochs', '10', '--save', dir, '--quiet');
    expect(t.code, t.stderr).toBe(0);

    // Entirely different columns, same count: exit 2 naming them (it used to print 240 indices and exit 0).
    const renamed = await blobsVariant(tmp, 'renamed.csv', { columns: ['f1', 'f2', 'f3', 'f4'], header: 'g1,g2,g3,g4' });
    const wrong = await cli('predict', dir, renamed);
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain("missing 'f1', 'f2', 'f3', 'f4'; unknown 'g1', 'g2', 'g3', 'g4'");
    expect(wrong.stderr).toContain("the model was trained on 'f1', 'f2', 'f3', 'f4' (label 'kind')");
    // One column renamed: only it is named.
    const oneOff = await blobsVariant(tmp, 'one-off.csv', { header: 'f1,f2,f3,F4,kind' });
    const off = await cli('predict', dir, oneOff);
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/missing 'f4'; unknown 'F4'; /);
    // evaluate checks the same way.
    const renamedWithLabel = await blobsVariant(tmp, 'renamed-label.csv', { header: 'g1,g2,g3,g4,kind' });
    const ev = await cli('evaluate', dir, '--data', renamedWithLabel);
    expect(ev.code).toBe(2);
    expect(ev.stderr).toContain("missing 'f1', 'f2', 'f3', 'f4'; unknown 'g1', 'g2', 'g3', 'g4'");

    // Default: the class names of training, one per row.
    const p = await cli('predict', dir, blobs);
    expect(p.code, p.stderr).toBe(0);
    const names = p.stdout.trimEnd().split('\n');
    expect(names).toHaveLength(240);
    expect(new Set(names)).toEqual(new Set(['alpha', 'beta', 'gamma']));
    const right = names.filter((l, i) => l === ['alpha', 'beta', 'gamma'][i % 3]).length;
    expect(right / 240).toBeGreaterThan(0.9);
    // --output indices and probabilities agree with the names.
    const idx = (await cli('predict', dir, blobs, '--output', 'indices')).stdout.trimEnd().split('\n');
    expect(idx.map((i) => ['alpha', 'beta', 'gamma'][Number(i)])).toEqual(names);
    const pr = await cli('predict', dir, blobs, '--output', 'probabilities');
    expect(pr.code, pr.stderr).toBe(0);
    const probs = pr.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(',').map(Number));
    expect(probs[0]).toHaveLength(3);
    expect(probs[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(probs.map((r) => r.indexOf(Math.max(...r)))).toEqual(idx.map(Number));
    const bad = await cli('predict', dir, blobs, '--output', 'names');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--output must be one of labels, indices, probabilities, got 'names'");

    // The same columns in another order (and without the label): re-ordered by name, same predictions.
    const shuffled = await blobsVariant(tmp, 'shuffled.csv', { columns: ['f3', 'f1', 'f4', 'f2'] });
    const s = await cli('predict', dir, shuffled);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain("columns re-ordered by name to the training order 'f1', 'f2', 'f3', 'f4'");
    expect(s.stdout.trimEnd().split('\n')).toEqual(names);

    const help = await cli('predict', '--help');
    expect(help.stdout).toContain('--output labels|indices|probabilities');
  });

  it('a model saved without standardisation (as before it existed) predicts and evaluates as before', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'simdnn-cli-')), 'model');
    const t = await cli(
      'train',
      '--data',
      blobs,
      '--label',
      'kind',
      '--layers',
      '16',
      '--epochs',
      '10',
      '--no-standardize',
      '--save',
      dir,
      '--json',
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).not.toContain('standardised');
    const info = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8'));
    expect(info.standardize).toBeUndefined();
    const e = await cli('evaluate', dir, '--data', blobs, '--json');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(lastLine(e.stdout)).accuracy).toBeGreaterThan(0.9);
    const p = await cli('predict', dir, blobs);
    const right = p.stdout
      .trimEnd()
      .split('\n')
      .filter((l, i) => l === ['alpha', 'beta', 'gamma'][i % 3]).length;
    expect(right / 240).toBeGreaterThan(0.9);
  });
});
