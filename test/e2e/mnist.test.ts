/**
 * Learning on real data with the shipped command line: `simdnn train` with its default settings
 * (784-128-10 ReLU/softmax, cross-entropy, SGD with momentum, 5 epochs) must reach ≥ 97 % MNIST test
 * accuracy, and the js and wasm backends must agree within 0.3 points for the same seed.
 * Runs the built CLI (dist/cli.js; `npm test` builds first) in two child processes side by side.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = new URL('../../dist/cli.js', import.meta.url).pathname;

interface TrainJson {
  testAccuracy: number;
  testLoss: number;
  epochs: number;
  trainSeconds: number;
  samplesPerSecond: number;
  backend: string;
  simd: string;
}

async function train(...args: string[]): Promise<TrainJson> {
  const { stdout } = await run(process.execPath, [cli, 'train', '--json', ...args], { maxBuffer: 64 << 20, timeout: 1_200_000 });
  const last = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as TrainJson;
}

describe('MNIST with the default CLI settings', () => {
  it('reaches ≥ 97 % in 5 epochs on wasm, and js agrees within 0.3 points', async () => {
    expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first').toBe(true);
    const [wasm, js] = await Promise.all([train('--backend', 'wasm'), train('--backend', 'js')]);
    expect(wasm.backend).toBe('wasm');
    expect(js.backend).toBe('js');
    expect(wasm.epochs).toBe(5);
    expect(wasm.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(js.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(Math.abs(wasm.testAccuracy - js.testAccuracy)).toBeLessThanOrEqual(0.003);
    expect(wasm.testLoss).toBeLessThan(0.12);
  });
});
