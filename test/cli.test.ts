/**
 * The command line, run as a child process (`node --import tsx src/cli.ts …`) on small CSV
 * fixtures so that each run takes about a second. MNIST-scale runs live in the learning tests.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobs, cli, lastLine, regression } from './helpers/cli.js';

describe('simdnn CLI: usage', () => {
  it('--help lists the commands; per-command help lists the flags', async () => {
    const main = await cli('--help');
    expect(main.code).toBe(0);
    for (const c of ['train', 'evaluate', 'predict']) expect(main.stdout).toContain(`simdnn ${c}`);
    const train = await cli('train', '--help');
    expect(train.code).toBe(0);
    for (const f of ['--data', '--label', '--layers', '--activation', '--loss', '--optimizer', '--lr', '--momentum',
      '--batch-size', '--epochs', '--seed', '--backend', '--save', '--json']) {
      expect(train.stdout).toContain(f);
    }
    expect((await cli('help', 'predict')).stdout).toContain('Usage: simdnn predict <dir> <file.csv>');
  });

  it('an unknown flag exits 2 naming it and listing the valid ones', async () => {
    const r = await cli('train', '--epoch', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown flag --epoch for 'simdnn train'");
    expect(r.stderr).toMatch(/valid flags: .*--batch-size, --epochs,/);
    expect(r.stdout).toBe('');
  });

  it('an unknown command exits 2 listing the commands', async () => {
    const r = await cli('fit');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'fit'; commands: train, evaluate, predict");
  });

  it('bad flag values exit 2 with the expected value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--batch-size', '0'], /--batch-size must be an integer ≥ 1, got '0'/],
      [['--lr', 'fast'], /--lr must be a number > 0, got 'fast'/],
      [['--momentum', '1'], /--momentum must be a number ≥ 0 and < 1/],
      [['--layers', '128,x'], /--layers must be positive integers/],
      [['--backend', 'gpu'], /--backend must be one of auto, wasm, js, got 'gpu'/],
      [['--optimizer', 'rmsprop'], /--optimizer must be one of sgd/],
      [['--activation', 'swish'], /unknown activation 'swish'; use one of: .*relu/],
      [['--epochs'], /--epochs needs a value/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli('train', ...args)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i][1]);
    });
  });

  it('missing arguments and files are reported', async () => {
    const noDir = await cli('evaluate');
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('missing <dir>');
    const noFile = await cli('train', '--data', 'nope.csv', '--label', 'y');
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('CSV file not found: nope.csv');
    const noModel = await cli('evaluate', join(tmpdir(), 'simdnn-no-such-model'), '--data', blobs);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/no model at .*simdnn-no-such-model: model\.json not found; save one with model\.save\(dir\)/);
  });
});

describe('simdnn CLI: training on CSV', () => {
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
    const r = await cli('train', '--data', regression, '--label', 'y', '--layers', 'none', '--epochs', '30',
      '--lr', '0.05', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.testAccuracy).toBeNull();
    expect(out.testLoss).toBeLessThan(0.02);
    const xent = await cli('train', '--data', regression, '--label', 'y', '--loss', 'crossentropy');
    expect(xent.code).toBe(2);
    expect(xent.stderr).toContain('--loss crossentropy needs class labels');
  });

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

    const p = await cli('predict', dir, blobs);
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
