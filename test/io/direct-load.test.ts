/**
 * The cold-start load of `simdnn/infer` in Node (src/inference-direct.ts, src/io/files-direct.ts):
 * the weights are read straight into θ and checked there. Oracles: the main entry's `loadModel`
 * (the ordinary read into a buffer, checked before θ exists) for predictions and error messages;
 * io/fnv1a.ts for the `fnv1a_u8` kernel. Shows that the direct path is taken (openModelDirect),
 * that tensors whose sizes are not multiples of 16 land at their aligned offsets with zero padding,
 * that a directory caught between a save's commit and its tidy-up (weights.bin stale, model.json
 * naming weights-<sum>.bin) loads the committed weights, that a checksum-valid file with a NaN is
 * refused with the main entry's message and θ freed, and where the ordinary read takes over (no
 * `process.getBuiltinModule`, weights over DIRECT_READ_MAX_BYTES).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as infer from '../../src/infer.js';
import { dense, init, loadModel, prelu, sequential, type Backend } from '../../src/index.js';
import { DIRECT_READ_MAX_BYTES, openModelDirect } from '../../src/io/files-direct.js';
import { FNV_OFFSET, fnv1a, fnvDigits } from '../../src/io/fnv1a.js';
import { allBackends } from '../helpers/conformance.js';
import { INTERNAL, inputs } from '../helpers/io.js';

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const root = mkdtempSync(join(tmpdir(), 'simdnn-direct-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(root, `m${dirs++}`);

/** 7 → 5 (prelu: α of 5) → 3 softmax: kernels of 35 and 15, biases of 5 and 3 — none a multiple of 16. */
function oddModel(backend: Backend, seed: number) {
  const m = sequential([dense({ units: 5, inputShape: [7] }), prelu(), dense({ units: 3, activation: 'softmax' })], { seed, backend });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  return m;
}

/** The error message of a load, or 'loaded'. */
const outcome = (p: Promise<{ dispose(): void }>): Promise<string> =>
  p.then(
    (m) => {
      m.dispose();
      return 'loaded';
    },
    (e: Error) => e.message,
  );

describe('fnv1a_u8 (the kernel that hashes θ in place) equals io/fnv1a.ts', async () => {
  for (const [label, backend] of await allBackends({ debug: true })) {
    it(`${label}: every length 0–70 at every alignment, and 400 KB`, () => {
      const heap = backend.heap;
      const p = heap.alloc(410_000);
      try {
        const u8 = heap.u8;
        let s = 12345;
        for (let i = 0; i < 410_000; i++) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          u8[p + i] = s >>> 24;
        }
        for (let off = 0; off < 4; off++) {
          for (let n = 0; n <= 70; n++) {
            const want = fnv1a(heap.u8.slice(p + off, p + off + n));
            expect(fnvDigits(backend.k.fnv1a_u8(FNV_OFFSET, p + off, n)), `offset ${off}, ${n} bytes`).toBe(want);
          }
        }
        const big = 401_234;
        expect(fnvDigits(backend.k.fnv1a_u8(FNV_OFFSET, p + 3, big))).toBe(fnv1a(heap.u8.slice(p + 3, p + 3 + big)));
      } finally {
        heap.free(p);
      }
    });
  }
});

describe('infer.loadModel reads a directory’s weights straight into θ', async () => {
  const all = await allBackends();

  for (const [label, backend] of all) {
    it(`${label}: the direct path is taken; predictions bit for bit as the main entry’s load; padding zero; θ given back`, async () => {
      const model = oddModel(backend, 3);
      const dir = newDir();
      await model.save(dir);
      const d = openModelDirect(dir);
      expect(d, 'the direct path should apply to a fresh save').toBeDefined();
      expect(d!.byteLength).toBe(4 * model.paramCount);
      const x = inputs(9, 7, 5);
      const want = bits(model.predict(x).data);
      const before = backend.heap.bytesInUse;
      const lean = await infer.loadModel(dir, { backend });
      const oracle = await loadModel(dir, { backend });
      expect(bits(lean.predict(x).data)).toEqual(bits(oracle.predict(x).data));
      expect(bits(lean.predict(x).data)).toEqual(want);
      // θ as the ordinary constructor lays it out: each tensor at its aligned offset, zeros between.
      const net = (lean as unknown as { net: { theta: number; thetaFloats: number; params: { offset: number; size: number }[] } }).net;
      const theta = backend.heap.f32.slice(net.theta >>> 2, (net.theta >>> 2) + net.thetaFloats);
      const flat = model.getFlatWeights();
      let o = 0;
      let end = 0;
      for (const p of net.params) {
        expect(Array.from(theta.subarray(end, p.offset)).every((v) => v === 0)).toBe(true);
        expect(bits(theta.subarray(p.offset, p.offset + p.size))).toEqual(bits(flat.subarray(o, o + p.size)));
        o += p.size;
        end = p.offset + p.size;
      }
      expect(Array.from(theta.subarray(end)).every((v) => v === 0)).toBe(true);
      lean.dispose();
      oracle.dispose();
      expect(backend.heap.bytesInUse).toBe(before);
      model.dispose();
    });
  }

  const [, [, wasm]] = all;
  const backend = wasm!;

  it('a threaded backend: the weights are read into its shared memory, predictions as on one thread', async () => {
    const model = oddModel(backend, 6);
    const dir = newDir();
    await model.save(dir);
    const threaded = await init({ backend: 'wasm', simd: 'baseline', threads: 2 });
    try {
      expect(threaded.heap.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      const m = await infer.loadModel(dir, { backend: threaded });
      const x = inputs(5, 7, 3);
      expect(bits(m.predict(x).data)).toEqual(bits(model.predict(x).data));
      m.dispose();
    } finally {
      await threaded.dispose();
      model.dispose();
    }
  });

  it('between a save’s commit and its tidy-up (stale weights.bin, model.json naming weights-<sum>.bin): the committed weights', async () => {
    const a = oddModel(backend, 1);
    const b = oddModel(backend, 2);
    const dir = newDir();
    const dirB = newDir();
    await a.save(dir);
    await b.save(dirB);
    const sumB = fnv1a(readFileSync(join(dirB, 'weights.bin')));
    const named = `weights-${sumB}.bin`;
    copyFileSync(join(dirB, 'weights.bin'), join(dir, named));
    const spec = JSON.parse(readFileSync(join(dirB, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...spec, weightsFile: named }));
    // weights.bin is a's (same size), so the checksum sends the reader on to the named file.
    const d = openModelDirect(dir)!;
    const into = new Uint8Array(d.byteLength);
    expect(d.readInto(into, fnv1a)).toBe(join(dir, named));
    const m = await infer.loadModel(dir, { backend });
    const x = inputs(6, 7, 9);
    expect(bits(m.predict(x).data)).toEqual(bits(b.predict(x).data));
    m.dispose();
    a.dispose();
    b.dispose();
  });

  it('a NaN in weights whose checksum matches: refused with the main entry’s message, θ freed', async () => {
    const m = oddModel(backend, 4);
    const dir = newDir();
    await m.save(dir);
    const w = new Float32Array(m.getFlatWeights());
    w[7] = Number.NaN;
    const bytes = new Uint8Array(w.buffer);
    writeFileSync(join(dir, 'weights.bin'), bytes);
    const spec = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    delete spec.weightsFile;
    spec.weightsChecksum = fnv1a(bytes);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(spec));
    expect(openModelDirect(dir)).toBeDefined();
    const before = backend.heap.bytesInUse;
    const lean = await outcome(infer.loadModel(dir, { backend }));
    expect(backend.heap.bytesInUse).toBe(before);
    expect(lean).toBe(await outcome(loadModel(dir, { backend })));
    expect(lean).toMatch(/weight 7 is NaN/);
    expect(lean).toContain(join(dir, 'weights.bin'));
    expect(lean).not.toMatch(INTERNAL);
    m.dispose();
  });

  it('the ordinary read takes over: weights over DIRECT_READ_MAX_BYTES, and a Node without process.getBuiltinModule', async () => {
    const m = oddModel(backend, 5);
    const dir = newDir();
    await m.save(dir);
    const x = inputs(4, 7, 1);
    const want = bits(m.predict(x).data);

    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(openModelDirect(dir)).toBeUndefined();
      const viaBuffer = await infer.loadModel(dir, { backend });
      expect(bits(viaBuffer.predict(x).data)).toEqual(want);
      viaBuffer.dispose();
    } finally {
      proc.getBuiltinModule = saved;
    }

    // A sparse weights.bin one byte over the limit: not read directly; refused as by the main entry.
    truncateSync(join(dir, 'weights.bin'), DIRECT_READ_MAX_BYTES + 1);
    expect(openModelDirect(dir)).toBeUndefined();
    const before = backend.heap.bytesInUse;
    const lean = await outcome(infer.loadModel(dir, { backend }));
    expect(lean).toBe(await outcome(loadModel(dir, { backend })));
    expect(lean).toMatch(/does not belong to this model\.json|do not match the checksum/);
    expect(backend.heap.bytesInUse).toBe(before);
    m.dispose();
  });
});
