/**
 * The command line's usage (run as a child process): help screens, unknown commands and flags,
 * missing arguments and files.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobs, cli } from '../helpers/cli.js';

describe('simdnn CLI: usage', () => {
  it('--help lists the commands; per-command help lists the flags', async () => {
    const main = await cli('--help');
    expect(main.code).toBe(0);
    for (const c of ['train', 'evaluate', 'predict']) expect(main.stdout).toContain(`simdnn ${c}`);
    const train = await cli('train', '--help');
    expect(train.code).toBe(0);
    for (const f of [
      '--data',
      '--label',
      '--layers',
      '--activation',
      '--loss',
      '--optimizer',
      '--lr',
      '--momentum',
      '--batch-size',
      '--epochs',
      '--seed',
      '--backend',
      '--save',
      '--json',
    ]) {
      expect(train.stdout).toContain(f);
    }
    expect((await cli('help', 'predict')).stdout).toContain('Usage: simdnn predict <dir|file.onnx> <file.csv>');
  });

  it('help lists every course flag', async () => {
    const r = await cli('train', '--help');
    for (const f of [
      '--activation',
      '--loss crossentropy|bce|mse|quadratic|hinge',
      '--optimizer sgd|momentum|nesterov|adam',
      '--l1',
      '--l2',
      '--dropout',
      '--init',
      '--early-stopping',
      '--validation-split',
      '--kfold',
      '--search',
      '--trials',
      '--diagnostics',
    ]) {
      expect(r.stdout).toContain(f);
    }
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
