/**
 * Loading: init() finds the .wasm by itself, and init({ wasm }) takes every documented source —
 * a WebAssembly.Module, bytes (ArrayBuffer and views), a Response, a URL and a path — each giving a
 * working backend (checked by training XOR on it). Bad options and sources fail with clear errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dense, init, sequential, sgd, type Backend } from '../src/index.js';

const url = new URL('../build/simdnn.wasm', import.meta.url);
const bytes = readFileSync(url);

async function learnsXor(backend: Backend): Promise<number> {
  const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], { seed: 1, backend });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), metrics: ['accuracy'] });
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  await m.fit(x, [0, 1, 1, 0], { epochs: 300, batchSize: 4, yieldEvery: 'never' });
  const acc = m.evaluate(x, [0, 1, 1, 0]).accuracy!;
  m.dispose();
  return acc;
}

describe('init', () => {
  it('finds the build next to the sources by default', async () => {
    const b = await init();
    expect(b.name).toBe('wasm');
    expect(['simd', 'relaxed']).toContain(b.simd);
    expect(await learnsXor(b)).toBe(1);
  });
  const sources: [string, () => unknown][] = [
    ['a WebAssembly.Module', () => new WebAssembly.Module(bytes)],
    ['an ArrayBuffer', () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)],
    ['a Uint8Array', () => new Uint8Array(bytes)],
    ['a Response', () => new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/wasm' } })],
    ['a file URL', () => url],
    ['a path string', () => url.pathname],
  ];
  for (const [what, make] of sources) {
    it(`accepts ${what}`, async () => {
      const b = await init({ backend: 'wasm', wasm: make() as never });
      expect(b.name).toBe('wasm');
      expect(b.simd).toBe('simd');
      expect(await learnsXor(b)).toBe(1);
    });
  }
  it('refuses bad options and sources with a clear error', async () => {
    await expect(init({ backend: 'gpu' as never })).rejects.toThrow(/unknown backend 'gpu'; use 'wasm', 'js' or 'auto'/);
    await expect(init({ simd: 'avx' as never })).rejects.toThrow(/unknown simd option 'avx'/);
    await expect(init({ backend: 'wasm', wasm: new URL('file:///nonexistent/simdnn.wasm') })).rejects.toThrow(/nonexistent/);
    await expect(init({ backend: 'wasm', wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })).rejects.toThrow(/does not export gemm_nn_f32/);
  });
});
