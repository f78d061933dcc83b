/**
 * The course's CLI flags (issue 3), run as a child process on the small CSV fixtures: activations per
 * layer, losses, optimizers, L1/L2, dropout, init, early stopping, k-fold, search, diagnostics, and
 * the per-epoch history in --json; bad values exit 2 with a message naming the fix.
 */
import { describe, expect, it } from 'vitest';

import { blobs, cli, lastLine, regression, type Run } from './helpers/cli.js';
const train = (...args: string[]): Promise<Run> => cli('train', '--data', blobs, '--label', 'kind', ...args);

describe('simdnn train: the course flags', () => {
  it('help lists every course flag', async () => {
    const r = await cli('train', '--help');
    for (const f of ['--activation', '--loss crossentropy|bce|mse|quadratic|hinge', '--optimizer sgd|momentum|nesterov|adam', '--l1', '--l2',
      '--dropout', '--init', '--early-stopping', '--validation-split', '--kfold', '--search', '--trials', '--diagnostics']) {
      expect(r.stdout).toContain(f);
    }
  });

  it('per-layer activations, adam, L2, dropout and init; --json carries the per-epoch history', async () => {
    const r = await train('--layers', '16,8', '--activation', 'tanh,relu', '--optimizer', 'adam', '--lr', '0.01', '--l2', '0.5',
      '--dropout', '0.1', '--init', 'heNormal', '--epochs', '12', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 dense\s+\[batch, 16\]\s+80\s+tanh/);
    expect(r.stdout).toMatch(/1 dropout\s+\[batch, 16\]/);
    expect(r.stdout).toMatch(/2 dense\s+\[batch, 8\]\s+136\s+relu/);
    expect(r.stdout).toMatch(/adam lr 0\.01, L2 λ 0\.5, dropout 0\.1/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.testAccuracy).toBeGreaterThan(0.9);
    expect(out.history).toHaveLength(12);
    expect(out.history[0]).toMatchObject({ epoch: 0, loss: expect.any(Number), accuracy: expect.any(Number), seconds: expect.any(Number) });
  });

  it('losses: bce (one sigmoid unit per class), quadratic, hinge; momentum and nesterov', async () => {
    for (const [loss, opt, out] of [['bce', 'momentum', /1 dense\s+\[batch, 3\]\s+51\s+sigmoid/], ['quadratic', 'nesterov', /1 dense\s+\[batch, 3\]\s+51\s+sigmoid/],
      ['hinge', 'sgd', /1 dense\s+\[batch, 3\]\s+51\s+linear/]] as const) {
      const r = await train('--layers', '16', '--loss', loss, '--optimizer', opt, '--lr', '0.05', '--epochs', '15', '--json');
      expect(r.code, `${loss}: ${r.stderr}`).toBe(0);
      expect(r.stdout, loss).toMatch(out);
      expect(JSON.parse(lastLine(r.stdout)).testAccuracy, loss).toBeGreaterThan(0.85);
    }
  });

  it('--early-stopping holds out a validation split, stops, and restores the best epoch', async () => {
    const r = await train('--layers', '64,64', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '60', '--early-stopping', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/validation split 0\.1, early stopping \(patience 2\)/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.earlyStopping.stoppedEpoch).toBeGreaterThanOrEqual(0);
    expect(out.epochs).toBeLessThan(60);
    expect(out.epochs).toBe(out.earlyStopping.stoppedEpoch + 1);
    expect(out.history[0].valLoss).toEqual(expect.any(Number));
    expect(r.stdout).toMatch(new RegExp(`early stopping after epoch ${out.epochs}; restored the weights of epoch ${out.earlyStopping.bestEpoch + 1}`));
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

  it('--diagnostics prints per-epoch health and puts it in the JSON history', async () => {
    const r = await train('--layers', '16', '--epochs', '3', '--diagnostics', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/health: L0 ‖∇‖ \S+ Δ\/w \S+ dead \d+% \| L1 ‖∇‖/);
    const out = JSON.parse(lastLine(r.stdout));
    expect(out.history[2].diagnostics.layers).toHaveLength(2);
    expect(out.history[2].diagnostics.layers[0]).toMatchObject({ layer: 0, gradNorm: expect.any(Number), updateRatio: expect.any(Number) });
  });

  it('bad values exit 2 naming the fix', async () => {
    const cases: [string[], RegExp][] = [
      [['--kfold', '1'], /--kfold must be an integer ≥ 2, got '1'/],
      [['--kfold', '1000'], /--kfold 1000 needs at least 1000 training rows, but there are 192; use --kfold ≤ 192/],
      [['--search', 'foo=1'], /--search: bad search spec 'foo=1': unknown parameter 'foo'/],
      [['--search', 'lr=0.1,'], /lr has an empty value/],
      [['--search', 'lr=0.01..0.1'], /a range \(a\.\.b\) is drawn from by random search: add --trials <n>/],
      [['--trials', '3'], /--trials sets the number of random-search candidates: use it with --search/],
      [['--dropout', '1'], /--dropout must be a number ≥ 0 and < 1, got '1'/],
      [['--l2', '-1'], /--l2 must be a number ≥ 0, got '-1'/],
      [['--l1', 'x'], /--l1 must be a number ≥ 0, got 'x'/],
      [['--init', 'bogus'], /--init: unknown initializer 'bogus'; use one of: heNormal/],
      [['--loss', 'bogus'], /--loss: unknown loss 'bogus'/],
      [['--optimizer', 'rmsprop'], /--optimizer must be one of sgd, momentum, nesterov, adam/],
      [['--early-stopping', '-1'], /--early-stopping must be an integer ≥ 0/],
      [['--early-stopping', '2', '--validation-split', '0'], /--early-stopping watches the validation loss: give --validation-split a fraction > 0/],
      [['--kfold', '3', '--save', '/tmp/x'], /--kfold alone only scores the settings/],
      [['--activation', 'prelu'], /unknown activation 'prelu'/],
    ];
    for (const [args, re] of cases) {
      const r = await train(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const numeric = await cli('train', '--data', regression, '--label', 'y', '--loss', 'bce');
    expect(numeric.code).toBe(2);
    expect(numeric.stderr).toContain('--loss bce needs class labels');
  });
});
