/**
 * Loading checks before it allocates (src/io/spec-check.ts, src/model-io.ts): damaged and missing
 * fields are errors naming the field, huge declared sizes are refused with nothing allocated, and
 * failed loads and refused compiles give back every byte of the heap.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, fromJSON, loadModel, newton, sequential } from '../../src/index.js';
import { MAX_PARAMS } from '../../src/io/spec-check.js';
import { allBackends } from '../helpers/conformance.js';
import { xorModel } from '../helpers/models.js';
import { INTERNAL } from '../helpers/io.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('loading checks every field before allocating', async () => {
  const [, [, wasm]] = await allBackends();
  const backend = wasm!;
  const heap = backend.heap;
  const base = xorModel(backend);
  const { spec, weights } = base.toJSON();
  const saved = clone(spec) as unknown as Record<string, unknown> & { layers: Record<string, unknown>[] };
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-load-'));
  afterAll(() => {
    base.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** fromJSON on a mutated copy of the saved spec must throw, naming `path`, with nothing left in the heap. */
  function refused(mutate: (s: typeof saved) => void, message: RegExp | string, w: ArrayBuffer = weights): string {
    const s = clone(saved);
    mutate(s);
    const before = heap.bytesInUse;
    let err: Error | undefined;
    try {
      fromJSON(s, w, { backend }).dispose();
    } catch (e) {
      err = e as Error;
    }
    expect(err, 'fromJSON should have refused the spec').toBeInstanceOf(Error);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toMatch(INTERNAL);
    expect(heap.bytesInUse).toBe(before);
    return err!.message;
  }

  it('a damaged activation is an error naming the field and the known names', () => {
    const m = refused((s) => {
      s.layers[1]!.activation = 'sofmax';
    }, /^fromJSON: layers\[1\]\.activation: unknown activation 'sofmax'; use one of: .*softmax/);
    expect(m).toContain('layers[1].activation');
  });

  it('a missing activation is an error, never a linear layer', () => {
    refused((s) => {
      delete s.layers[0]!.activation;
    }, /^fromJSON: layers\[0\]\.activation is missing; it must be one of 'linear', .*'tanh'.*a saved dense layer always names its activation/);
    refused((s) => {
      Object.assign(s.layers[0]!, { activation: null });
    }, /layers\[0\]\.activation must be one of .*got null/);
  });

  it('every damaged field is named with its path and expectation', () => {
    type Spec = typeof saved;
    const layer = (i: number, o: object) => (s: Spec) => void Object.assign(s.layers[i] as object, o);
    const top = (o: object) => (s: Spec) => void Object.assign(s, o);
    const compile = (o: object) => (s: Spec) => void Object.assign(s.compile as object, o);
    const tensor = (j: number, o: object) => (s: Spec) => void Object.assign((s.weights as object[])[j]!, o);
    const cases: [string, (s: Spec) => void, RegExp][] = [
      ['units', layer(0, { units: 8.5 }), /layers\[0\]\.units must be an integer in \[1, 1048576\], got 8\.5/],
      ['units type', layer(1, { units: '2' }), /layers\[1\]\.units must be an integer .*got '2'/],
      ['useBias', layer(0, { useBias: 1 }), /layers\[0\]\.useBias must be true or false, got 1/],
      ['useBias missing', (s) => void delete s.layers[0]!.useBias, /layers\[0\]\.useBias is missing/],
      ['initializer', layer(0, { kernelInitializer: 'orthogonal' }), /layers\[0\]\.kernelInitializer: unknown initializer 'orthogonal'/],
      [
        'constant value',
        layer(0, { biasInitializer: { name: 'constant' } }),
        /layers\[0\]\.biasInitializer\.value is missing; it must be a finite number/,
      ],
      ['unknown key', layer(0, { activaton: 'relu' }), /layers\[0\]\.activaton is not a field here/],
      ['layer type', layer(0, { type: 'conv2d' }), /layers\[0\]\.type: unknown layer type 'conv2d'/],
      ['layer not object', (s) => void s.layers.splice(1, 1, 7 as never), /layers\[1\] must be an object/],
      ['layers', top({ layers: {} }), /layers must be a list of 1 to/],
      ['inputUnits', top({ inputUnits: 3 }), /layers\[0\]\.inputShape is \[2\] but inputUnits is 3/],
      ['inputUnits type', top({ inputUnits: -1 }), /inputUnits must be an integer in \[1, 1048576\], got -1/],
      ['seed', top({ seed: 'x' }), /seed must be an integer/],
      ['name', top({ name: 5 }), /name must be a string, got 5/],
      ['checksum', top({ weightsChecksum: 42 }), /weightsChecksum must be 8 hex digits, got 42/],
      ['weights shape', tensor(0, { shape: [2, 9] }), /weights\[0\]\.shape must be \[2,8\] \(what layers\[0\] implies\), got \[2,9\]/],
      ['weights count', (s) => void (s.weights as unknown[]).pop(), /weights lists 3 tensors but the layers have 4/],
      ['weights name', tensor(1, { name: 'kernel' }), /weights\[1\]\.name must be 'bias'/],
      ['compile', top({ compile: 'yes' }), /compile must be an object like/],
      ['compile.loss', compile({ loss: 'hinge2' }), /compile\.loss: unknown loss 'hinge2'/],
      [
        'compile.loss missing',
        (s) => void delete (s.compile as Record<string, unknown>).loss,
        /compile\.loss is missing; it must be one of/,
      ],
      ['optimizer', compile({ optimizer: 'sgd' }), /compile\.optimizer must be an object like/],
      ['optimizer.type', compile({ optimizer: {} }), /compile\.optimizer\.type is missing/],
      ['optimizer name', compile({ optimizer: { type: 'rmsprop' } }), /compile\.optimizer: unknown optimizer 'rmsprop'/],
      [
        'optimizer option',
        compile({ optimizer: { type: 'sgd', learningRate: -1 } }),
        /compile\.optimizer: .*learningRate must be a finite number > 0/,
      ],
      ['metrics', compile({ metrics: 'accuracy' }), /compile\.metrics must be a list of metrics/],
      ['metric', compile({ metrics: ['f1'] }), /compile\.metrics\[0\] must be one of 'accuracy', 'acc', got 'f1'/],
      ['regularization', compile({ regularization: { l2: -1 } }), /compile\.regularization\.l2 must be a finite number ≥ 0, got -1/],
      [
        'loss vs output',
        compile({ loss: 'binaryCrossentropy' }),
        /^fromJSON: compile: loss 'binaryCrossentropy' does not fit output activation 'softmax'/,
      ],
      ['format', top({ format: 'keras' }), /not a simdnn model \(expected format 'simdnn-model', got 'keras'\)/],
      ['version', (s) => void delete s.version, /model format version null is not supported/],
    ];
    for (const [, mutate, message] of cases) refused(mutate, message);
  });

  it('weights that do not fit are refused before the model is built', () => {
    refused(() => undefined, /^fromJSON: the weights have 12 bytes but the spec describes 42 parameters/, new ArrayBuffer(12));
    refused(() => undefined, /do not match the checksum/, new ArrayBuffer(42 * 4));
    refused(() => undefined, /weights must be an ArrayBuffer or a typed array/, [1, 2] as unknown as ArrayBuffer);
  });

  it('a huge declared size is refused with nothing allocated, saying how much memory it asks for', () => {
    const bytes = heap.byteLength;
    // A 10-million-unit layer.
    refused((s) => {
      s.layers[1]!.units = 10_000_000;
    }, /layers\[1\]\.units must be an integer in \[1, 1048576\], got 10000000/);
    // Hundreds of millions of parameters, each layer within the width limit.
    const m = refused(
      (s) => {
        s.inputUnits = 1_000_000;
        s.layers[0]!.inputShape = [1_000_000];
        s.layers[0]!.units = 500;
      },
      new RegExp(
        `layers\\[0\\] brings the model to 500000500 parameters or more \\(4\\.0 GB for θ and ∇θ\\), more than MAX_PARAMS = ${MAX_PARAMS} \\(400\\.0 MB\\)`,
      ),
    );
    expect(m).toContain('too large to load');
    expect(heap.byteLength).toBe(bytes); // the heap did not even grow
  });

  it('loadModel names the file and the field', async () => {
    await base.save(dir);
    const specPath = join(dir, 'model.json');
    const good = readFileSync(specPath, 'utf8');
    const s = JSON.parse(good);
    s.layers[1].activation = 'relux';
    writeFileSync(specPath, JSON.stringify(s));
    const before = heap.bytesInUse;
    await expect(loadModel(dir, { backend })).rejects.toThrow(
      `loadModel: ${specPath}: layers[1].activation: unknown activation 'relux'; use one of:`,
    );
    delete s.layers[1].activation;
    writeFileSync(specPath, JSON.stringify(s));
    await expect(loadModel(dir, { backend })).rejects.toThrow(`loadModel: ${specPath}: layers[1].activation is missing`);
    expect(heap.bytesInUse).toBe(before);
    writeFileSync(specPath, good);
    (await loadModel(dir, { backend })).dispose();
    expect(heap.bytesInUse).toBe(before);
  });

  it('50 failed loads leave the heap bytes in use unchanged', async () => {
    await base.save(dir);
    const specPath = join(dir, 'model.json');
    const good = readFileSync(specPath, 'utf8');
    const before = heap.bytesInUse;
    for (let i = 0; i < 50; i++) {
      const s = JSON.parse(good);
      // Alternate failures caught by the spec check, by the weights and by compile.
      if (i % 3 === 0) s.layers[0].units = 9 + i;
      else if (i % 3 === 1) s.weightsChecksum = '00000000';
      else s.compile.optimizer = { type: 'newton', maxParams: 10 }; // refused by compile, after θ exists
      writeFileSync(specPath, JSON.stringify(s));
      await expect(loadModel(dir, { backend })).rejects.toThrow(/^loadModel: /);
    }
    expect(heap.bytesInUse).toBe(before);
    writeFileSync(specPath, good);
  });

  it('50 refused compiles leave the heap bytes in use unchanged', () => {
    const before = heap.bytesInUse;
    let message = '';
    for (let i = 0; i < 50; i++) {
      const m = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], {
        backend,
      });
      try {
        m.compile({ loss: 'categoricalCrossentropy', optimizer: newton() });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(m.compiled).toBe(false);
    }
    expect(message).toMatch(/newton: .*above the cap of 4,000 parameters/);
    expect(heap.bytesInUse).toBe(before);
  });

  it('a refused compile inside fromJSON frees the built model', () => {
    const s = clone(saved);
    (s.compile as Record<string, unknown>).optimizer = { type: 'newton', maxParams: 10 };
    const before = heap.bytesInUse;
    expect(() => fromJSON(s, weights, { backend })).toThrow(/^fromJSON: newton: .*maxParams/);
    expect(heap.bytesInUse).toBe(before);
  });
});
