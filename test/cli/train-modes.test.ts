/**
 * The run modes of `simdnn train` besides plain training: early stopping, k-fold scoring
 * (train-score.ts) and hyper-parameter search scored by k-fold.
 */
import { describe, expect, it } from 'vitest';
import { lastLine, trainBlobs as train } from '../helpers/cli.js';

describe('simdnn train: early stopping, k-fold, search', () => {
  it('--early-stopping holds out a validation split, stops, and restores the best epoch', async () => {
    const r = await train('--layers', '64,64', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '60', '--early-stopping', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/validation split 0\.1, early stopping \(patience 2\)/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.earlyStopping.stoppedEpoch).toBeGreaterThanOrEqual(0);
    expect(out.epochs).toBeLessThan(60);
    expect(out.epochs).toBe(out.earlyStopping.stoppedEpoch + 1);
    expect(out.history[0].valLoss).toEqual(expect.any(Number));
    expect(r.stdout).toMatch(
      new RegExp(`early stopping after epoch ${out.epochs}; restored the weights of epoch ${out.earlyStopping.bestEpoch + 1}`),
    );
  });

  it('--kfold scores the settings: every fold, then mean ± std', async () => {
    const r = await train('--layers', '8', '--epochs', '10', '--kfold', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fold 1\/3: accuracy/);
    expect(r.stdout).toMatch(/3-fold: accuracy \d+\.\d+% ± \d+\.\d+%, loss .* \(mean ± sample std over folds\)/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.folds).toHaveLength(3);
    expect(out.std).toBe('sample');
    expect(out.accuracy.mean).toBeGreaterThan(0.85);
  });

  it('--search: grid scored by k-fold, the table, then the best trained and tested', async () => {
    const r = await train('--epochs', '8', '--search', 'lr=0.001,0.05;hidden=4,16', '--kfold', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Searching (grid) over learningRate, hidden, 2-fold');
    expect(r.stdout).toMatch(/rank\s+learningRate\s+hidden\s+accuracy\s+loss\s+seconds/);
    expect(r.stdout).toMatch(/best: learningRate=0\.05 hidden=(4|16)/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.search.trials).toHaveLength(4);
    expect(out.search.best.learningRate).toBe(0.05);
    expect(out.testAccuracy).toBeGreaterThan(0.85);
    // Random search over a range.
    const rr = await train('--epochs', '3', '--search', 'lr=0.01..0.1:log;l2=0,1', '--trials', '2', '--kfold', '2', '--json');
    expect(rr.code, rr.stderr).toBe(0);
    expect(JSON.parse(lastLine(rr.stdout)).search.strategy).toBe('random');
  });
});
