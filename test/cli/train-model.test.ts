/**
 * The model `simdnn train` builds from its flags (train-model.ts): per-layer activations, losses and
 * their output layers, optimizers, L2, dropout, init; --json carries the per-epoch history.
 */
import { describe, expect, it } from 'vitest';
import { lastLine, trainBlobs as train } from '../helpers/cli.js';

describe('simdnn train: the model from the flags', () => {
  it('per-layer activations, adam, L2, dropout and init; --json carries the per-epoch history', async () => {
    const r = await train(
      '--layers',
      '16,8',
      '--activation',
      'tanh,relu',
      '--optimizer',
      'adam',
      '--lr',
      '0.01',
      '--l2',
      '0.5',
      '--dropout',
      '0.1',
      '--init',
      'heNormal',
      '--epochs',
      '12',
      '--json',
    );
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
    for (const [loss, opt, out] of [
      ['bce', 'momentum', /1 dense\s+\[batch, 3\]\s+51\s+sigmoid/],
      ['quadratic', 'nesterov', /1 dense\s+\[batch, 3\]\s+51\s+sigmoid/],
      ['hinge', 'sgd', /1 dense\s+\[batch, 3\]\s+51\s+linear/],
    ] as const) {
      const r = await train('--layers', '16', '--loss', loss, '--optimizer', opt, '--lr', '0.05', '--epochs', '15', '--json');
      expect(r.code, `${loss}: ${r.stderr}`).toBe(0);
      expect(r.stdout, loss).toMatch(out);
      expect(JSON.parse(lastLine(r.stdout)).testAccuracy, loss).toBeGreaterThan(0.85);
    }
  });

  it('--activation prelu and maxout (layers, not activations) train from the CLI', async () => {
    const [p, m] = await Promise.all([
      train('--layers', '16', '--activation', 'prelu', '--epochs', '10', '--json'),
      train('--layers', '16,8', '--activation', 'maxout,relu', '--pieces', '3', '--epochs', '10', '--json'),
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/0 dense\s+\[batch, 16\]\s+80\s+linear/);
    expect(p.stdout).toMatch(/1 prelu\s+\[batch, 16\]\s+16\s+prelu/);
    expect(JSON.parse(lastLine(p.stdout)).testAccuracy).toBeGreaterThan(0.9);
    expect(m.code, m.stderr).toBe(0);
    // 4 inputs × 16 units × 3 pieces + 16 × 3 biases
    expect(m.stdout).toMatch(/0 maxout\s+\[batch, 16\]\s+240\s+maxout/);
    expect(m.stdout).toMatch(/1 dense\s+\[batch, 8\]\s+136\s+relu/);
    expect(JSON.parse(lastLine(m.stdout)).testAccuracy).toBeGreaterThan(0.9);
    const help = await train('--help');
    expect(help.stdout).toContain('--pieces <k>');
    expect(help.stdout).toMatch(/also the layers prelu and maxout/);
  });
});
