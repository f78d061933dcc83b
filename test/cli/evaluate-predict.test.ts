/**
 * `simdnn train --save`, then `simdnn evaluate` and `simdnn predict` on the saved model (and its
 * dataset.json sidecar).
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobs, cli, lastLine, regression } from '../helpers/cli.js';

describe('simdnn evaluate and predict', () => {
  it('--save, then evaluate and predict on the saved model', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'simdnn-cli-')), 'model');
    const t = await cli('train', '--data', blobs, '--label', 'kind', '--layers', '16', '--epochs', '10', '--save', dir, '--json');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain(`saved the model to ${dir}`);
    expect((await readdir(dir)).sort()).toEqual(['dataset.json', 'model.json', 'weights.bin']);
    const trained = JSON.parse(lastLine(t.stdout));

    const e = await cli('evaluate', dir, '--data', blobs, '--json');
    expect(e.code, e.stderr).toBe(0);
    const ev = JSON.parse(lastLine(e.stdout));
    expect(ev.samples).toBe(240);
    expect(ev.accuracy).toBeGreaterThan(0.9);
    expect(Math.abs(ev.accuracy - trained.testAccuracy)).toBeLessThan(0.1);

    const p = await cli('predict', dir, blobs, '--output', 'indices');
    expect(p.code, p.stderr).toBe(0);
    const lines = p.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(240);
    expect(lines.every((l) => /^[012]$/.test(l))).toBe(true);
    // The fixture cycles alpha, beta, gamma → classes 0, 1, 2.
    const right = lines.filter((l, i) => Number(l) === i % 3).length;
    expect(right / 240).toBeGreaterThan(0.9);

    const v = await cli('predict', dir, blobs, '--values');
    const probs = v.stdout.trimEnd().split('\n')[0].split(',').map(Number);
    expect(probs).toHaveLength(3);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    const wrong = await cli('predict', dir, regression);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('has 3 feature columns but the model expects 4');
  });
});
