/**
 * The kernel module as a whole (src/kernels/backend.ts, kernels.ts):
 * - Loading: init() finds the .wasm by itself, and init({ wasm }) takes every documented source —
 *   a WebAssembly.Module, bytes (ArrayBuffer and views), a Response, a URL and a path — each giving
 *   a working backend (checked by training XOR on it). Bad options and sources fail with clear errors;
 *   bytes that are not wasm (an HTML fallback page) name what came back and the fix.
 * - Exports: every build (release, relaxed, the two shared-memory builds, debug) exports exactly the kernels of KERNEL_NAMES (plus
 *   simd_level), no missing and no extra; KERNEL_NAMES lists each name once.
 * - The debug build: its precondition asserts fire (a trap) where the release build runs on.
 * - Empty inputs: every kernel accepts n = 0 / rows = 0 and writes nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dense, init, sequential, sgd, type Backend } from '../../src/index.js';
import { KERNEL_NAMES, type Kernels } from '../../src/kernels/kernels.js';
import { relaxedSimdSupported } from '../../src/kernels/load.js';
import { allBackends, backends, runKernel } from '../helpers/conformance.js';

const url = new URL('../../build/simdnn.wasm', import.meta.url);
const bytes = readFileSync(url);

async function learnsXor(backend: Backend): Promise<number> {
  const m = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 2, activation: 'softmax' })], {
    seed: 1,
    backend,
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), metrics: ['accuracy'] });
  const x = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
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
    await expect(init({ backend: 'wasm', wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })).rejects.toThrow(
      /does not export gemm_nn_f32/,
    );
  });
  it('bytes that are not wasm (an HTML fallback page) name the source, what came back and the fix', async () => {
    const html = '<!doctype html><html><head><title>app</title></head></html>';
    const page = new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const err = await init({ backend: 'wasm', wasm: page }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(err).toMatch(
      /is not WebAssembly: got text\/html; charset=utf-8, \d+ bytes starting with "<!doctype html><html><head><title>app<\/t/,
    );
    expect(err).toMatch(/emit simdnn's \.wasm files as assets .* or pass init\(\{ wasm \}\)/);
    expect(err).not.toMatch(/npm run build|magic word/);
    await expect(init({ backend: 'wasm', wasm: new TextEncoder().encode('404 Not Found') })).rejects.toThrow(
      /init\(\{ wasm \}\) is not WebAssembly: got 13 bytes starting with "404 Not Found"/,
    );
    await expect(init({ backend: 'wasm', wasm: new Response('gone', { status: 404 }) })).rejects.toThrow(/failed with HTTP 404/);
  });
  it('a Response with a wrong MIME type is still read (through its bytes)', async () => {
    const b = await init({
      backend: 'wasm',
      wasm: new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/octet-stream' } }),
    });
    expect(await learnsXor(b)).toBe(1);
  });
  it('the relaxed-SIMD probe agrees with the relaxed build itself', async () => {
    const relaxed = new Uint8Array(readFileSync(new URL('../../build/simdnn-relaxed.wasm', import.meta.url)));
    expect(relaxedSimdSupported()).toBe(WebAssembly.validate(relaxed));
  });
});

describe('empty inputs', () => {
  it('every kernel of this family accepts n = 0 / rows = 0 and writes nothing (every backend)', async () => {
    for (const [tag, b] of await allBackends({ debug: true })) {
      const p = b.heap.alloc(256);
      b.heap.f32.fill(7, p >> 2, (p >> 2) + 64);
      const k = b.k;
      const acts = ['linear', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'softplus', 'hard_tanh', 'abs'];
      for (const a of acts) {
        (k[`${a}_fwd_f32` as keyof Kernels] as unknown as (...x: number[]) => void)(p, p + 64, 0, 0.1);
        (k[`${a}_bwd_f32` as keyof Kernels] as unknown as (...x: number[]) => void)(p, p, p, p + 64, 0, 0.1);
      }
      k.prelu_fwd_f32(p, p, p + 64, 0, 5);
      k.maxout_fwd_f32(p, p + 64, p + 128, 0, 3, 2);
      k.maxout_bwd_f32(p, p, p + 64, 0, 3, 2);
      k.softmax_rows_f32(p, p + 64, 0, 10);
      expect(k.softmax_xent_rows_f32(p, p, p + 64, p + 128, 0, 10, 1)).toBe(0);
      expect(k.sqerr_f32(p, p, p + 64, 0, 1)).toBe(0);
      expect(k.bce_logits_f32(p, p, p + 64, p + 128, 0, 1)).toBe(0);
      expect(k.bce_f32(p, p, p + 64, 0, 1, 1e-7)).toBe(0);
      expect(k.hinge_f32(p, p, p + 64, 0, 1)).toBe(0);
      expect(k.hinge_multi_rows_f32(p, p, p + 64, 0, 10, 1)).toBe(0);
      expect(k.count_correct_binary_f32(p, p, 0)).toBe(0);
      expect(k.find_nonfinite_f32(p, 0)).toBe(-1);
      k.sgd_l1l2_f32(p + 64, p, p + 128, 0, 1, 0.9, 1, 1);
      k.nesterov_f32(p + 64, p, p + 128, 0, 1, 0.9, 1, 1);
      k.adam_f32(p + 64, p, p + 128, p + 192, 0, 1, 0.9, 0.999, 1e-7, 10, 1000, 0, 0);
      k.dropout_fwd_f32(p, p + 64, p + 128, 0, 0.5, 1);
      k.dropout_bwd_f32(p, p, p + 64, 0);
      // prelu_bwd with rows = 0 and beta = 0 zeroes dslope (an empty sum).
      k.prelu_bwd_f32(p, p, p, p, p + 192, 0, 3, 0);
      const f = b.heap.readF32(p, 64);
      expect(
        Array.from(f.subarray(0, 48)).every((v) => v === 7),
        `${tag} nothing written`,
      ).toBe(true);
      expect(Array.from(f.subarray(48, 51)), `${tag} prelu dslope of no rows`).toEqual([0, 0, 0]);
      b.heap.free(p);
    }
  });
});

/** Function exports of the module that are not kernels (the build's SIMD level, read by init()). */
const NON_KERNEL_FUNCTIONS = ['simd_level'];

describe('wasm exports = KERNEL_NAMES', () => {
  it('KERNEL_NAMES lists each kernel once', () => {
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
  });
  for (const file of ['simdnn.wasm', 'simdnn-relaxed.wasm', 'simdnn-threads.wasm', 'simdnn-relaxed-threads.wasm', 'simdnn-debug.wasm']) {
    it(`${file} exports exactly the kernels (no missing, no extra)`, () => {
      const module = new WebAssembly.Module(readFileSync(new URL(`../../build/${file}`, import.meta.url)));
      const exported = WebAssembly.Module.exports(module);
      const functions = exported
        .filter((e) => e.kind === 'function')
        .map((e) => e.name)
        .sort();
      expect(functions).toEqual([...KERNEL_NAMES, ...NON_KERNEL_FUNCTIONS].sort());
      // Besides functions only the imported memory, which asc re-exports; no globals or tables.
      expect(exported.filter((e) => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }]);
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    });
  }
});

describe('debug build', () => {
  it('loads with init({ wasm }) and runs the kernels like the release build', async () => {
    const b = await backends();
    expect(b.debug.name).toBe('wasm');
    expect(await learnsXor(b.debug)).toBe(1);
  });
  it('precondition asserts trap in the debug build only (release and relaxed compile them out)', async () => {
    const b = await backends();
    const run = (be: Backend, call: (k: Kernels, p: number) => void): void => {
      const p = be.heap.alloc(4096);
      try {
        call(be.k, p);
      } finally {
        be.heap.free(p);
      }
    };
    // Negative sizes: the release builds treat them as empty, the debug build traps.
    const negative = (k: Kernels, p: number) => k.relu_fwd_f32(p, p + 64, -1, 0);
    // C overlapping A (the contract forbids it).
    const aliasC = (k: Kernels, p: number) => k.gemm_nn_f32(p, p + 256, p + 8, 2, 2, 2, 0, 0, 0);
    // J overlapping H.
    const aliasJ = (k: Kernels, p: number) => k.syrk_acc_f32(p, p + 8, 4, 4, 0, 0);
    for (const call of [negative, aliasC, aliasJ]) {
      expect(() => run(b.debug, call)).toThrow(WebAssembly.RuntimeError);
      run(b.wasm, call);
      if (b.relaxed) run(b.relaxed, call);
    }
    // A valid call right after a trap still works (the instance survives).
    const { out } = runKernel(b.debug, 'relu_fwd_f32', {
      inputs: { z: Float32Array.from([-1, 2, -3, 4, 5]) },
      outputs: { a: 5 },
      args: (p) => [p.z!, p.a!, 5, 0],
    });
    expect(Array.from(out.a!)).toEqual([0, 2, 0, 4, 5]);
  });
});
