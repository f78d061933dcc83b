/**
 * The README's examples must run as written: every ```ts block is executed against the built
 * package (dist/), with `from 'simdnn'` pointed at dist/node.js (what Node resolves 'simdnn' to: the
 * "node" export condition) and `from 'simdnn/infer'` at dist/infer-node.js. The first (MNIST) must
 * learn.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

async function runBlock(code: string): Promise<string> {
  const dist = new URL('../../dist/node.js', import.meta.url).href;
  const infer = new URL('../../dist/infer-node.js', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code.replaceAll("from 'simdnn'", `from '${dist}'`).replaceAll("from 'simdnn/infer'", `from '${infer}'`));
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir, timeout: 600_000 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('README examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(3));
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const out = await runBlock(code);
      if (i === 0) {
        const m = /accuracy: (0\.\d+)/.exec(out);
        expect(m, `no accuracy in the example's output:\n${out}`).toBeTruthy();
        expect(Number(m![1])).toBeGreaterThan(0.94);
      }
      if (code.includes('levenbergMarquardt')) {
        const m = /MSE after \d+ epochs: ([\d.e+-]+)/.exec(out);
        expect(Number(m?.[1])).toBeLessThan(1e-4);
      }
    });
  });
});
