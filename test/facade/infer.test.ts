/**
 * The inference entry (src/infer.ts, `simdnn/infer`): its fromJSON / loadModel read the files the
 * main entry writes and predict bit for bit as the main entry's Sequential (the oracle) on every
 * layer kind — dense with each registered activation, maxout, prelu, dropout (identity at
 * inference), a softmax output — on every backend; and refuse damaged files with the main entry's
 * own messages, leaving the heap as it was. The saved compile settings are the one difference:
 * the inference entry checks their structure, not the loss and optimizer names or options
 * (src/inference-io.ts says why); the cases below show both sides.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as infer from '../../src/infer.js';
import {
  activationNames,
  dense,
  dropout,
  fromJSON,
  init as initMain,
  loadModel,
  maxout,
  prelu,
  sequential,
  setBackend,
  type Backend,
  type Layer,
  type Sequential,
} from '../../src/index.js';
import { INFERENCE_KERNEL_NAMES } from '../../src/kernels/kernels.js';
import { allBackends, backends } from '../helpers/conformance.js';
import { INTERNAL, inputs } from '../helpers/io.js';
import { xorModel } from '../helpers/models.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Bit patterns of float32 values (so that -0, NaN payloads and the last ulp all count). */
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Models with every layer kind: one per activation (as hidden and as output) and the other layers. */
function models(backend: Backend): { name: string; model: Sequential }[] {
  const out: { name: string; model: Sequential }[] = [];
  const build = (name: string, layers: Layer[], loss: string) => {
    const m = sequential(layers, { seed: 7, backend, name });
    m.compile({ loss, optimizer: 'adam', metrics: ['accuracy'] });
    out.push({ name, model: m });
  };
  for (const act of activationNames()) {
    if (act === 'softmax') continue;
    build(
      `dense ${act}`,
      [dense({ units: 19, activation: act, inputShape: [13] }), dense({ units: 3, activation: act })],
      'meanSquaredError',
    );
  }
  build(
    'maxout, prelu, dropout, softmax',
    [
      maxout({ units: 17, pieces: 3, inputShape: [13] }),
      prelu(),
      dropout({ rate: 0.3 }),
      dense({ units: 9, activation: 'relu' }),
      maxout({ units: 6, pieces: 2, useBias: false }),
      dense({ units: 4, activation: 'softmax' }),
    ],
    'categoricalCrossentropy',
  );
  build(
    'leaky relu with alpha, no bias',
    [
      dense({ units: 8, activation: 'leakyRelu', alpha: 0.2, useBias: false, inputShape: [13] }),
      dense({ units: 1, activation: 'sigmoid' }),
    ],
    'binaryCrossentropy',
  );
  return out;
}

describe('simdnn/infer predicts as the main entry’s Sequential, bit for bit', async () => {
  const all = await allBackends();
  for (const [label, backend] of all) {
    it(`${label}: every layer kind and activation, predict and predictOne, after fromJSON and JSON.stringify`, () => {
      const before = backend.heap.bytesInUse;
      const list = models(backend);
      expect(list.length).toBeGreaterThan(8);
      for (const { name, model } of list) {
        const x = inputs(37, 13, name.length);
        const json = model.toJSON();
        const oracle = fromJSON(json.spec, json.weights, { backend });
        const lean = infer.fromJSON(json.spec, json.weights, { backend });
        const viaText = infer.fromJSON(JSON.parse(JSON.stringify(model)), { backend });
        expect(lean).toBeInstanceOf(infer.InferenceModel);
        expect([lean.inputUnits, lean.outputUnits, lean.paramCount]).toEqual([13, model.outputUnits, model.paramCount]);
        expect(lean.layers).toEqual(model.layers.map((l) => l.getConfig()));
        const want = oracle.predict(x);
        expect(bits(model.predict(x).data), name).toEqual(bits(want.data));
        for (const m of [lean, viaText]) {
          const got = m.predict(x);
          expect(got.shape).toEqual(want.shape);
          expect(bits(got.data), name).toEqual(bits(want.data));
          // Chunks smaller than the rows take the same path as the oracle's.
          expect(bits(m.predict(x, { batchSize: 5 }).data), name).toEqual(bits(oracle.predict(x, { batchSize: 5 }).data));
          for (const r of [0, 17, 36]) {
            const row = x.data.subarray(r * 13, (r + 1) * 13);
            expect(bits(m.predictOne(row)), `${name} row ${r}`).toEqual(bits(oracle.predictOne(row)));
            const plain = m.predictOne(Array.from(row), new Float32Array(m.outputUnits));
            expect(bits(plain)).toEqual(bits(oracle.predictOne(row)));
          }
        }
        for (const m of [oracle, lean, viaText, model]) m.dispose();
      }
      // The inference model holds θ only (no ∇θ): everything it allocated is given back.
      expect(backend.heap.bytesInUse).toBe(before);
    });
  }
});

describe('simdnn/infer loads every target the main entry saves to in Node', async () => {
  const [, [, backend]] = await allBackends();
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-infer-'));
  let server: Server | undefined;
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a directory, a file:// URL and an http:// URL give the same predictions as the model saved', async () => {
    const model = models(backend).at(-2)!.model;
    const target = join(dir, 'model');
    await model.save(target);
    const x = inputs(11, 13, 3);
    const want = bits(model.predict(x).data);
    server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(target, (req.url ?? '').replace(/^\/m\//, ''))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    for (const where of [target, pathToFileURL(target).href, `http://127.0.0.1:${port}/m/model.json`]) {
      const m = await infer.loadModel(where, { backend });
      expect(bits(m.predict(x).data), where).toEqual(want);
      m.dispose();
    }
    model.dispose();
  });
});

describe('simdnn/infer refuses damaged files as the main entry does', async () => {
  const [, [, wasm]] = await allBackends();
  const backend = wasm!;
  const heap = backend.heap;
  const base = xorModel(backend);
  const { spec, weights } = base.toJSON();
  const saved = clone(spec) as unknown as Record<string, unknown> & { layers: Record<string, unknown>[]; compile: Record<string, unknown> };
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-infer-load-'));
  afterAll(() => {
    base.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  type Spec = typeof saved;
  /** The message of `load` (which must throw), with the heap as it was. */
  function refusal(load: () => { dispose(): void }): string {
    const before = heap.bytesInUse;
    let err: Error | undefined;
    try {
      load().dispose();
    } catch (e) {
      err = e as Error;
    }
    expect(err, 'the load should have been refused').toBeInstanceOf(Error);
    expect(err!.message).not.toMatch(INTERNAL);
    expect(heap.bytesInUse).toBe(before);
    return err!.message;
  }
  const mutated = (mutate: (s: Spec) => void): Spec => {
    const s = clone(saved);
    mutate(s);
    return s;
  };
  const layer = (i: number, o: object) => (s: Spec) => void Object.assign(s.layers[i] as object, o);
  const top = (o: object) => (s: Spec) => void Object.assign(s, o);
  const compile = (o: object) => (s: Spec) => void Object.assign(s.compile, o);
  const tensor = (j: number, o: object) => (s: Spec) => void Object.assign((s.weights as object[])[j]!, o);

  it('every damaged architecture field and weight file: the same message as the main entry', () => {
    const cases: [string, (s: Spec) => void, ArrayBuffer?][] = [
      ['activation', layer(1, { activation: 'sofmax' })],
      ['activation missing', (s) => void delete s.layers[0]!.activation],
      ['activation null', layer(0, { activation: null })],
      ['units', layer(0, { units: 8.5 })],
      ['units type', layer(1, { units: '2' })],
      ['units huge', layer(1, { units: 10_000_000 })],
      [
        'params huge',
        top({ inputUnits: 1_000_000, layers: [{ ...saved.layers[0], inputShape: [1_000_000], units: 500 }, saved.layers[1]] }),
      ],
      ['useBias', layer(0, { useBias: 1 })],
      ['useBias missing', (s) => void delete s.layers[0]!.useBias],
      ['initializer', layer(0, { kernelInitializer: 'orthogonal' })],
      ['constant value', layer(0, { biasInitializer: { name: 'constant' } })],
      ['unknown key', layer(0, { activaton: 'relu' })],
      ['layer type', layer(0, { type: 'conv2d' })],
      ['layer not object', (s) => void s.layers.splice(1, 1, 7 as never)],
      ['layers', top({ layers: {} })],
      ['inputUnits', top({ inputUnits: 3 })],
      ['inputUnits type', top({ inputUnits: -1 })],
      ['seed', top({ seed: 'x' })],
      ['name', top({ name: 5 })],
      ['checksum', top({ weightsChecksum: 42 })],
      ['weights shape', tensor(0, { shape: [2, 9] })],
      ['weights count', (s) => void (s.weights as unknown[]).pop()],
      ['weights name', tensor(1, { name: 'kernel' })],
      ['format', top({ format: 'keras' })],
      ['version', (s) => void delete s.version],
      ['not an object', () => undefined, undefined],
      ['weights short', () => undefined, new ArrayBuffer(12)],
      ['weights checksum', () => undefined, new ArrayBuffer(42 * 4)],
      ['weights type', () => undefined, [1, 2] as unknown as ArrayBuffer],
      ['compile', top({ compile: 'yes' })],
      ['optimizer', compile({ optimizer: 'sgd' })],
      ['optimizer.type', compile({ optimizer: {} })],
      ['metrics', compile({ metrics: 'accuracy' })],
      ['metric', compile({ metrics: ['f1'] })],
      ['regularization', compile({ regularization: { l2: -1 } })],
      ['compile key', compile({ lr: 1 })],
    ];
    for (const [name, mutate, w] of cases) {
      const s = name === 'not an object' ? (null as unknown as Spec) : mutated(mutate);
      const bytes = w ?? weights;
      const main = refusal(() => fromJSON(s, bytes, { backend }));
      const lean = refusal(() => infer.fromJSON(s, bytes, { backend }));
      expect(lean, name).toBe(main);
      expect(lean, name).toMatch(/^fromJSON: /);
    }
  });

  it('compile settings: the structure is checked, the loss and optimizer names and options are not (they do not predict)', () => {
    // Refused by both, with the field named (the main entry lists the loss names, infer cannot).
    const missing = mutated((s) => void delete s.compile.loss);
    expect(refusal(() => fromJSON(missing, weights, { backend }))).toMatch(/^fromJSON: compile\.loss is missing; it must be one of '/);
    expect(refusal(() => infer.fromJSON(missing, weights, { backend }))).toBe('fromJSON: compile.loss is missing; it must be a loss name.');
    // Refused by the main entry (it compiles the model to train it), served by infer.
    const trainingOnly: [(s: Spec) => void, RegExp][] = [
      [compile({ loss: 'hinge2' }), /compile\.loss: unknown loss 'hinge2'/],
      [compile({ optimizer: { type: 'rmsprop' } }), /compile\.optimizer: unknown optimizer 'rmsprop'/],
      [compile({ optimizer: { type: 'sgd', learningRate: -1 } }), /learningRate must be a finite number > 0/],
      [compile({ loss: 'binaryCrossentropy' }), /does not fit output activation 'softmax'/],
      [compile({ optimizer: { type: 'newton', maxParams: 10 } }), /^fromJSON: /],
    ];
    const x = inputs(4, 2, 1);
    const want = bits(base.predict(x).data);
    for (const [mutate, message] of trainingOnly) {
      const s = mutated(mutate);
      expect(refusal(() => fromJSON(s, weights, { backend }))).toMatch(message);
      const m = infer.fromJSON(s, weights, { backend });
      expect(bits(m.predict(x).data)).toEqual(want);
      m.dispose();
    }
  });

  it('loadModel names the file and the field as the main entry does, and reads the model back', async () => {
    await base.save(dir);
    const specPath = join(dir, 'model.json');
    const good = readFileSync(specPath, 'utf8');
    const s = JSON.parse(good);
    const expectSame = async (what: string) => {
      const main = await loadModel(dir, { backend }).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
      const lean = await infer.loadModel(dir, { backend }).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
      expect(lean, what).toBe(main);
      // The store's errors name the file; the checks' also say loadModel.
      expect(lean, what).toContain(dir);
      expect(lean).not.toMatch(INTERNAL);
    };
    s.layers[1].activation = 'relux';
    writeFileSync(specPath, JSON.stringify(s));
    await expectSame('activation');
    writeFileSync(specPath, '{ "format": ');
    await expectSame('not JSON');
    writeFileSync(specPath, good);
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(40));
    await expectSame('weights');
    rmSync(join(dir, 'weights.bin'));
    await expectSame('no weights');
    await base.save(dir);
    const m = await infer.loadModel(dir, { backend });
    const x = inputs(4, 2, 2);
    expect(bits(m.predict(x).data)).toEqual(bits(base.predict(x).data));
    m.dispose();
    await expect(infer.loadModel(join(dir, 'nothing-here'), { backend })).rejects.toThrow(/no model at .*nothing-here/);
  });

  it('predict and predictOne refuse bad input with the main entry’s messages', () => {
    const json = base.toJSON();
    const m = infer.fromJSON(json.spec, json.weights, { backend });
    const bad: unknown[][] = [[[1, 2, 3]], [null], [[1, 'a']], [new Float32Array(2), new Float32Array(3)], [new Float32Array(2), [0, 0]]];
    for (const args of bad) {
      const call = (f: (...a: unknown[]) => unknown) => {
        try {
          f(...args);
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      };
      const lean = call((...a) => m.predictOne(...(a as [Float32Array])));
      expect(lean).toMatch(/^predictOne: /);
      expect(lean).toBe(call((...a) => base.predictOne(...(a as [Float32Array]))));
    }
    for (const x of [[[1, 2, 3]], [[Number.NaN, 1]], 'x', { data: [1], shape: [1, 2] }]) {
      const main = (() => {
        try {
          base.predict(x as number[][]);
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(() => m.predict(x as number[][])).toThrow(main);
      expect(main).not.toBe('no error');
    }
    m.dispose();
    expect(() => m.predictOne([0, 0])).toThrow('this model was disposed.');
    expect(() => m.predict([[0, 0]])).toThrow('this model was disposed.');
  });
});

describe('simdnn/infer init: the forward-only build on one thread, no kernel warm-up, one forward pass per loaded model', async () => {
  const full = await backends();
  const builds = [
    ['baseline', full.wasm],
    ['relaxed', full.relaxed],
  ] as const;
  // infer.init() makes its backend the default; the other files' tests expect the full build's.
  afterEach(() => setBackend(full.relaxed ?? full.wasm));

  it('loads simdnn-infer(-relaxed).wasm, exactly the forward kernels, and predicts every layer kind bit for bit as the full build', async () => {
    for (const [simd, oracle] of builds) {
      if (!oracle) continue;
      const lean = await infer.init({ simd });
      expect([lean.name, lean.simd, lean.kernels, lean.threads]).toEqual(['wasm', oracle.simd, 'inference', 1]);
      const exported = Object.keys(lean.k).filter((n) => typeof (lean.k as unknown as Record<string, unknown>)[n] === 'function');
      expect(exported.sort()).toEqual([...INFERENCE_KERNEL_NAMES, 'simd_level'].sort());
      const before = lean.heap.bytesInUse;
      for (const { name, model } of models(oracle)) {
        const x = inputs(37, 13, name.length);
        const m = infer.fromJSON(model.toJSON().spec, model.toJSON().weights, { backend: lean });
        expect(bits(m.predict(x).data), `${simd} ${name}`).toEqual(bits(model.predict(x).data));
        expect(bits(m.predict(x, { batchSize: 5 }).data), `${simd} ${name}`).toEqual(bits(model.predict(x, { batchSize: 5 }).data));
        const row = x.data.subarray(13, 26);
        expect(bits(m.predictOne(row)), `${simd} ${name}`).toEqual(bits(model.predictOne(row)));
        m.dispose();
        model.dispose();
      }
      // A directory load reads the weights into its heap and hashes them there (fnv1a_u8).
      const dir = mkdtempSync(join(tmpdir(), 'simdnn-lean-'));
      try {
        const model = models(oracle).at(-2)!.model;
        await model.save(join(dir, 'm'));
        const m = await infer.loadModel(join(dir, 'm'), { backend: lean });
        const x = inputs(5, 13, 4);
        expect(bits(m.predict(x).data)).toEqual(bits(model.predict(x).data));
        m.dispose();
        model.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(lean.heap.bytesInUse).toBe(before);
    }
  });

  it('refuses to train on it, before allocating, and names the fix; the main entry’s init serves both entries', async () => {
    const lean = await infer.init({ simd: 'baseline' });
    const before = lean.heap.bytesInUse;
    const why =
      "this backend has the forward kernels only (simdnn/infer's init() loads simdnn-infer.wasm): it predicts but cannot train. Call init() from 'simdnn'";
    const build = (backend?: Backend) => {
      const m = sequential([dense({ units: 4, activation: 'relu', inputShape: [3] }), dense({ units: 2 })], backend ? { backend } : {});
      m.compile({ loss: 'meanSquaredError' });
      return m;
    };
    expect(() => build(lean)).toThrow(why);
    // The default backend is the lean one now: the main entry's models refuse it too.
    expect(() => build()).toThrow(why);
    const json = build(full.wasm).toJSON();
    expect(() => fromJSON(json.spec, json.weights)).toThrow(why);
    expect(lean.heap.bytesInUse).toBe(before);
    // init() from the main entry loads every kernel; both entries then train and predict on it.
    const whole = await initMain({ simd: 'baseline', warmUp: 'none' });
    expect(whole.kernels).toBe('all');
    const m = build();
    await m.fit(inputs(8, 3, 1), inputs(8, 2, 2), { epochs: 1, batchSize: 4 });
    const served = infer.fromJSON(m.toJSON().spec, m.toJSON().weights);
    const row = inputs(1, 3, 5).data;
    expect(bits(served.predictOne(row))).toEqual(bits(m.predictOne(row)));
    // warmUp 'all' on a forward-only backend warms what it has.
    const allWarm = await infer.init({ simd: 'baseline', warmUp: 'all' });
    expect(allWarm.kernels).toBe('inference');
    for (const x of [served, m]) x.dispose();
  });

  it('threads and a given module load what they name', async () => {
    const pooled = await infer.init({ simd: 'baseline', threads: 2 });
    try {
      expect([pooled.threads, pooled.kernels]).toEqual([2, 'all']);
    } finally {
      await pooled.dispose();
    }
    const given = await infer.init({ wasm: new URL('../../build/simdnn.wasm', import.meta.url) });
    expect(given.kernels).toBe('all');
    // The forward-only module given to the main entry's init is recognised as such.
    const leanUrl = new URL('../../build/simdnn-infer.wasm', import.meta.url);
    expect((await initMain({ wasm: leanUrl })).kernels).toBe('inference');
    // It has no shared memory to run threads on, as any other single-thread build.
    await expect(initMain({ wasm: leanUrl, threads: 2 })).rejects.toThrow(
      'init: threads need a build that imports a shared memory (simdnn-threads.wasm or simdnn-relaxed-threads.wasm)',
    );
  });

  it('predicts as the main entry on its backend; the one-row pass happened at load (its plan exists), not with warmUp: none', async () => {
    const warm = await infer.init({ simd: 'baseline' });
    const cold = await infer.init({ simd: 'baseline', warmUp: 'none' });
    for (const [backend, warmed] of [
      [warm, true],
      [cold, false],
    ] as const) {
      const start = backend.heap.bytesInUse;
      const list = models(full.wasm);
      const model = list.at(-2)!.model;
      for (const other of list) if (other.model !== model) other.model.dispose();
      const json = model.toJSON();
      const before = backend.heap.bytesInUse;
      const lean = infer.fromJSON(json.spec, json.weights, { backend });
      const built = backend.heap.bytesInUse - before;
      const row = inputs(1, 13, 9).data;
      const first = lean.predictOne(row);
      const planned = backend.heap.bytesInUse - before - built;
      // The one-row plan is allocated by the first forward pass: at load when warmed, else now.
      expect(planned === 0, `warmed ${warmed}`).toBe(warmed);
      expect(bits(first)).toEqual(bits(model.predictOne(row)));
      lean.dispose();
      model.dispose();
      expect(backend.heap.bytesInUse).toBe(start);
    }
  });
});
