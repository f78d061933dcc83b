/**
 * ONNX export checked in ONNX Runtime (onnxruntime-web's wasm backend, in Node): for every
 * activation and layer type, ORT's outputs on random inputs match model.predict within 1e-5, for a
 * batch of 1 and of 1,000 rows. Also the file's envelope: opset, IR version, names, metadata.
 */
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, dropout, init, maxout, prelu, Rng, sequential, toOnnx, type Layer } from '../../src/index.js';
import { decodeModel } from '../../src/io/onnx/messages.js';

const TOLERANCE = 1e-5;

async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
}

async function ortRun(session: ort.InferenceSession, x: Float32Array, rows: number, cols: number): Promise<Float32Array> {
  const out = await session.run({ input: new ort.Tensor('float32', x, [rows, cols]) });
  return out.output!.data as Float32Array;
}

function randomInput(rows: number, cols: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 6 * rng.uniform() - 3;
  return x;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const IN = 7;
const cases: [string, () => Layer[]][] = [
  ...(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'softplus', 'hardTanh', 'abs'] as const).map(
    (a) =>
      [`dense ${a}`, () => [dense({ units: 9, activation: a, inputShape: [IN] }), dense({ units: 5, activation: a })]] as [
        string,
        () => Layer[],
      ],
  ),
  [
    'dense leakyRelu α = 0.3, elu α = 0.5',
    () => [dense({ units: 9, activation: 'leakyRelu', alpha: 0.3, inputShape: [IN] }), dense({ units: 4, activation: 'elu', alpha: 0.5 })],
  ],
  [
    'dense without bias',
    () => [dense({ units: 6, activation: 'relu', useBias: false, inputShape: [IN] }), dense({ units: 3, useBias: false })],
  ],
  ['prelu', () => [dense({ units: 8, inputShape: [IN] }), prelu(), dense({ units: 3 })]],
  ['prelu last', () => [dense({ units: 8, inputShape: [IN] }), prelu()]],
  ['maxout k = 2', () => [maxout({ units: 6, pieces: 2, inputShape: [IN] }), dense({ units: 3, activation: 'softmax' })]],
  ['maxout k = 3, last', () => [maxout({ units: 4, pieces: 3, inputShape: [IN] })]],
  ['maxout k = 4 without bias', () => [maxout({ units: 5, pieces: 4, useBias: false, inputShape: [IN] }), dense({ units: 2 })]],
  [
    'dropout at inference',
    () => [
      dropout({ rate: 0.3, inputShape: [IN] }),
      dense({ units: 8, activation: 'relu' }),
      dropout({ rate: 0.5 }),
      dense({ units: 3, activation: 'softmax' }),
    ],
  ],
];

describe('toOnnx checked in ONNX Runtime', () => {
  beforeAll(async () => {
    await init();
  });

  it.each(cases)('%s: ORT matches predict within 1e-5 (batch 1 and 1,000)', async (label, makeLayers) => {
    const model = sequential(makeLayers(), { seed: 3 });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    // Non-zero biases and unequal PReLU slopes, so a misplaced bias or slope shows.
    model.setWeights(model.getWeights().map((w, i) => w.map((v, j) => v + 0.2 * Math.sin(3 * i + j))));
    const bytes = toOnnx(model);
    const session = await ortSession(bytes);
    for (const rows of [1, 1000]) {
      const x = randomInput(rows, IN, rows + 11);
      const want = model.predict({ data: x, shape: [rows, IN] }).data;
      const got = await ortRun(session, x, rows, IN);
      const d = maxAbsDiff(got, want);
      console.log(`onnx export ${label}, batch ${rows}: max |Δ| = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(TOLERANCE);
    }
    await session.release();
    model.dispose();
  });

  it('writes opset 17, IR version 8, a symbolic batch, named input/output and producer metadata', () => {
    const model = sequential([dense({ units: 3, activation: 'relu', inputShape: [4] })], { name: 'tiny' });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const m = decodeModel(toOnnx(model, { metadata: { task: 'test' } }));
    expect(m.irVersion).toBeGreaterThanOrEqual(8);
    expect(m.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(m.producerName).toBe('simdnn');
    expect(m.graph.name).toBe('tiny');
    expect(m.graph.inputs).toEqual([{ name: 'input', elemType: 1, shape: ['batch', 4] }]);
    expect(m.graph.outputs).toEqual([{ name: 'output', elemType: 1, shape: ['batch', 3] }]);
    expect(m.metadata).toContainEqual({ key: 'producer', value: 'simdnn' });
    expect(m.metadata).toContainEqual({ key: 'task', value: 'test' });
    expect(m.metadata.some((e) => e.key === 'version')).toBe(true);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu']);
    model.dispose();
  });

  it('names an activation without an ONNX equivalent', async () => {
    const { registerActivation } = await import('../../src/index.js');
    registerActivation({ name: 'onnxless', formula: 'a = z', forward() {}, backward() {} });
    const model = sequential([dense({ units: 2, activation: 'onnxless', inputShape: [2] })]);
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    expect(() => toOnnx(model)).toThrow(/activation 'onnxless' has no ONNX equivalent/);
    model.dispose();
  });
});
