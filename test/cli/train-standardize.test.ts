/**
 * Standardisation of CSV data (the default of `simdnn train`; --no-standardize turns it off): a
 * regression whose inputs and target are far from unit scale learns on the defaults, and the saved
 * scaler is applied by `evaluate` and `predict` (predictions in the target's units).
 *
 * test/fixtures/scaled-regression.csv: y = 1000·f + 5000 (variance 1.75e6) from inputs up to 250
 * and a constant column. Measured on the defaults (seed 1, 5 epochs): test mse 4.99e4 standardised
 * (< 0.1 · variance is asserted); with --no-standardize the run diverges (test mse 1.04e26 before fit
 * watched for divergence), and fit now stops it in epoch 1 with the advice.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, csvColumns, lastLine, scaledRegression, variance } from '../helpers/cli.js';

describe('simdnn train: standardised CSV data', () => {
  it('a regression far from unit scale learns on the defaults; evaluate and predict apply the saved scaler', async () => {
    const { y, zone } = await csvColumns(scaledRegression);
    const v = variance(y);
    expect(v).toBeGreaterThan(1e6);
    expect(new Set(zone).size).toBe(1); // a constant column

    const dir = join(await mkdtemp(join(tmpdir(), 'simdnn-cli-')), 'model');
    const [std, raw] = await Promise.all([
      cli('train', '--data', scaledRegression, '--save', dir, '--json'),
      cli('train', '--data', scaledRegression, '--no-standardize', '--json'),
    ]);
    expect(std.code, std.stderr).toBe(0);
    const trained = JSON.parse(lastLine(std.stdout));
    expect(trained.testLoss).toBeLessThan(0.1 * v);
    expect(std.stdout).toContain("inputs and target standardised (the test loss is in the target's units)");
    // --no-standardize: the raw values, as before; on the defaults this run diverges, and says so.
    expect(raw.code, raw.stderr).not.toBe(0);
    expect(raw.stdout).not.toContain('standardised');
    expect(raw.stderr).toMatch(/the training loss exploded at epoch 1: .*Lower the learning rate/);

    // The scaler in dataset.json: the training split's mean and std, std 1 for the constant column.
    const info = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8'));
    expect(info.columns).toEqual(['size', 'age', 'dist', 'zone']);
    expect(info.standardize.x.mean[3]).toBe(3);
    expect(info.standardize.x.std[3]).toBe(1);
    expect(info.standardize.y.mean[0]).toBeGreaterThan(4500);
    expect(info.standardize.y.std[0]).toBeGreaterThan(1000);

    // evaluate: the loss in the target's units, on every row.
    const e = await cli('evaluate', dir, '--data', scaledRegression, '--json');
    expect(e.code, e.stderr).toBe(0);
    const ev = JSON.parse(lastLine(e.stdout));
    expect(ev.samples).toBe(400);
    expect(ev.loss).toBeLessThan(0.1 * v);

    // predict: values in the target's units; their mse against y is evaluate's loss.
    const p = await cli('predict', dir, scaledRegression);
    expect(p.code, p.stderr).toBe(0);
    const yHat = p.stdout.trimEnd().split('\n').map(Number);
    expect(yHat).toHaveLength(400);
    const mse = yHat.reduce((a, h, i) => a + (h - y[i]) ** 2, 0) / y.length;
    expect(mse).toBeLessThan(0.1 * v);
    expect(Math.abs(mse - ev.loss) / ev.loss).toBeLessThan(1e-3);
    const meanHat = yHat.reduce((a, b) => a + b, 0) / yHat.length;
    expect(Math.abs(meanHat - y.reduce((a, b) => a + b, 0) / y.length)).toBeLessThan(0.1 * Math.sqrt(v));
  });

  it('help documents standardisation and --no-standardize', async () => {
    const r = await cli('train', '--help');
    expect(r.stdout).toContain('--no-standardize');
    expect(r.stdout).toContain('CSV inputs, and numeric targets, are standardised');
  });
});
