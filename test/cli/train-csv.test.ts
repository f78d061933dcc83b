/**
 * `simdnn train` on the small CSV fixtures: a classifier and a regression, the result lines, the
 * per-epoch progress lines, --json, --quiet, the seed and the js backend.
 */
import { describe, expect, it } from 'vitest';
import { blobs, cli, lastLine, regression } from '../helpers/cli.js';

describe('simdnn train: training on CSV', () => {
  it('trains a classifier with --json as the last line', async () => {
    const r = await cli('train', '--data', blobs, '--label', 'kind', '--layers', '16', '--epochs', '10', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(lastLine(r.stdout));
    expect(Object.keys(out).sort()).toEqual(
      ['backend', 'epochs', 'history', 'samplesPerSecond', 'simd', 'testAccuracy', 'testLoss', 'trainSeconds'].sort(),
    );
    expect(out.testAccuracy).toBeGreaterThan(0.9);
    expect(out.testLoss).toBeLessThan(0.5);
    expect(out.epochs).toBe(10);
    expect(out.trainSeconds).toBeGreaterThan(0);
    expect(out.samplesPerSecond).toBeGreaterThan(0);
    expect(['wasm', 'js']).toContain(out.backend);
    expect(['relaxed', 'simd', 'none']).toContain(out.simd);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d%/);
    // stderr is not a terminal here: one progress line per epoch
    expect(r.stderr.match(/^epoch \d+\/10 {2}loss \d\.\d{4} {2}accuracy /gm)?.length).toBe(10);
  });

  it('the seed makes runs repeatable; the js backend agrees', async () => {
    const args = ['train', '--data', blobs, '--layers', '8', '--epochs', '5', '--seed', '7', '--json', '--quiet'];
    const [a, b, js] = await Promise.all([cli(...args), cli(...args), cli(...args, '--backend', 'js')]);
    const [ja, jb, jj] = [a, b, js].map((r) => JSON.parse(lastLine(r.stdout)));
    expect(ja.testLoss).toBe(jb.testLoss);
    expect(jj.backend).toBe('js');
    expect(Math.abs(jj.testAccuracy - ja.testAccuracy)).toBeLessThanOrEqual(0.05);
    // --quiet: the result line and the JSON only; the default label is announced only without --quiet
    expect(a.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(a.stderr).toBe('');
  });

  it('trains a regression (numeric label → mse, linear output)', async () => {
    const r = await cli('train', '--data', regression, '--label', 'y', '--layers', 'none', '--epochs', '30', '--lr', '0.05', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.testAccuracy).toBeNull();
    expect(out.testLoss).toBeLessThan(0.02);
    const xent = await cli('train', '--data', regression, '--label', 'y', '--loss', 'crossentropy');
    expect(xent.code).toBe(2);
    expect(xent.stderr).toContain('--loss crossentropy needs class labels');
  });
});
