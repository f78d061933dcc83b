/** Runs the command line from the sources as a child process, for the CLI tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../..');
export const blobs = join(root, 'test/fixtures/blobs.csv');
export const regression = join(root, 'test/fixtures/regression.csv');
/** y = 1000·f + 5000 from inputs far from unit scale and a constant column (test/fixtures/generate-scaled.ts). */
export const scaledRegression = join(root, 'test/fixtures/scaled-regression.csv');

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

/** The numeric columns of a CSV file with a plain header (no quotes), by name. */
export async function csvColumns(path: string): Promise<Record<string, number[]>> {
  const { readFile } = await import('node:fs/promises');
  const [head, ...rows] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const names = head.split(',');
  const cols: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const row of rows) {
    const cells = row.split(',');
    for (let j = 0; j < names.length; j++) cols[names[j]].push(Number(cells[j]));
  }
  return cols;
}

/** Population variance of a list of numbers. */
export function variance(v: number[]): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
}
