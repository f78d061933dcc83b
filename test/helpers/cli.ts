/** Runs the command line from the sources as a child process, for the CLI tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../..');
export const blobs = join(root, 'test/fixtures/blobs.csv');
export const regression = join(root, 'test/fixtures/regression.csv');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node --import tsx src/cli.ts …args`; resolves with the exit code and both streams (never rejects). */
export function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli.ts'), ...args],
      { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

export const lastLine = (s: string): string => s.trimEnd().split('\n').at(-1)!;

/** `simdnn train` on the blobs fixture (3 classes in column 'kind') with more args. */
export const trainBlobs = (...args: string[]): Promise<Run> => cli('train', '--data', blobs, '--label', 'kind', ...args);
