/**
 * `simdnn train`'s flag checks (train-flags.ts): a bad value exits 2 with a message naming the fix,
 * before any data is read.
 */
import { describe, expect, it } from 'vitest';
import { cli, regression, trainBlobs as train } from '../helpers/cli.js';

describe('simdnn train: bad flag values', () => {
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
      [
        ['--early-stopping', '2', '--validation-split', '0'],
        /--early-stopping watches the validation loss: give --validation-split a fraction > 0/,
      ],
      [['--kfold', '3', '--save', '/tmp/x'], /--kfold alone only scores the settings/],
      [['--activation', 'swish,prelu'], /unknown activation 'swish'; use one of: .*prelu, maxout/],
      [['--pieces', '3'], /--pieces sets the linear pieces of maxout layers: use it with --activation maxout/],
      [['--activation', 'maxout', '--pieces', '1'], /--pieces must be an integer ≥ 2, got '1'/],
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
