/**
 * The README's API example must run as written: its first ```ts block is executed against the
 * built package (dist/), with `from 'simdnn'` pointed at dist/index.js.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the README API example runs and learns', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README.md has no ```ts example').toBeTruthy();
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, block!.replaceAll("from 'simdnn'", `from '${dist}'`));
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir, timeout: 600_000 });
    const m = /accuracy: (0\.\d+)/.exec(stdout);
    expect(m, `no accuracy in the example's output:\n${stdout}`).toBeTruthy();
    expect(Number(m![1])).toBeGreaterThan(0.94);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
