/**
 * ONNX import: simdnn → ONNX → simdnn round trips (equal predictions), a PyTorch-style graph laid
 * out by hand (Gemm with transB = 1; MatMul + Add; Flatten of the input), unsupported ops named
 * with their node, and a fuzz of damaged files (a clear error, never a hang or engine text).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, dropout, fromOnnx, init, maxout, prelu, Rng, sequential, toOnnx, type Layer } from '../../src/index.js';
import { ATTR_INT, DATA_FLOAT, encodeModel, type OnnxNode, type OnnxTensor } from '../../src/io/onnx/messages.js';

const IN = 5;

function randomInput(rows: number, cols: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 4 * rng.uniform() - 2;
  return x;
}

const cases: [string, () => Layer[]][] = [
  ['dense relu/softmax', () => [dense({ units: 6, activation: 'relu', inputShape: [IN] }), dense({ units: 3, activation: 'softmax' })]],
  [
    'every activation',
    () => [
      dense({ units: 6, activation: 'sigmoid', inputShape: [IN] }),
      dense({ units: 6, activation: 'tanh' }),
      dense({ units: 6, activation: 'leakyRelu', alpha: 0.2 }),
      dense({ units: 6, activation: 'elu', alpha: 0.7 }),
      dense({ units: 6, activation: 'softplus' }),
      dense({ units: 6, activation: 'hardTanh' }),
      dense({ units: 6, activation: 'abs' }),
      dense({ units: 2 }),
    ],
  ],
  [
    'no bias, prelu, dropout',
    () => [dense({ units: 6, useBias: false, inputShape: [IN] }), prelu(), dropout({ rate: 0.5 }), dense({ units: 2 })],
  ],
  ['maxout', () => [maxout({ units: 4, pieces: 3, inputShape: [IN] }), dense({ units: 2 })]],
];

function model(bytesOf: OnnxNode[], inits: OnnxTensor[], inShape: (number | string)[], out = 'output'): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    producerVersion: '2.4',
    graph: {
      name: 'torch_jit',
      nodes: bytesOf,
      initializers: inits,
      inputs: [{ name: 'x', elemType: DATA_FLOAT, shape: inShape }],
      outputs: [{ name: out, elemType: DATA_FLOAT, shape: ['N', 2] }],
    },
    metadata: [],
  });
}
const node = (opType: string, inputs: string[], outputs: string[], name: string, attributes: OnnxNode['attributes'] = []): OnnxNode => ({
  name,
  opType,
  domain: '',
  inputs,
  outputs,
  attributes,
});
const t = (name: string, dims: number[], values: number[]): OnnxTensor => ({
  name,
  dims,
  dataType: DATA_FLOAT,
  data: Float32Array.from(values),
});

describe('fromOnnx', () => {
  beforeAll(async () => {
    await init();
  });

  it.each(cases)('round trip %s: equal predictions', (label, makeLayers) => {
    const m = sequential(makeLayers(), { seed: 5 });
    m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    m.setWeights(m.getWeights().map((w, i) => w.map((v, j) => v + 0.2 * Math.sin(5 * i + j))));
    const back = fromOnnx(toOnnx(m));
    const x = { data: randomInput(200, IN, 9), shape: [200, IN] };
    const a = m.predict(x).data;
    const b = back.predict(x).data;
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
    console.log(`onnx round trip ${label}: max |Δ| = ${d}`);
    expect(d).toBe(0);
    expect(back.layers.map((l) => l.type)).toEqual(m.layers.map((l) => l.type).filter((ty) => ty !== 'dropout'));
    m.dispose();
    back.dispose();
  });

  it('reads a PyTorch-style graph: Flatten, Gemm with transB = 1, MatMul + Add', () => {
    // nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.ReLU(), <MatMul + Add of a 3 → 2 layer>)
    const W1 = [1, 2, 3, 4, -1, 0, 1, 0, 0.5, 0.5, -0.5, 2]; // [out 3 × in 4], PyTorch layout
    const b1 = [0.1, -0.2, 0.3];
    const W2 = [1, -1, 0.5, 2, -2, 0.25]; // [in 3 × out 2]
    const b2 = [0.05, -0.05];
    const bytes = model(
      [
        node('Flatten', ['x'], ['flat'], '/Flatten', [{ name: 'axis', type: ATTR_INT, i: 1 }]),
        node('Gemm', ['flat', 'fc1.weight', 'fc1.bias'], ['h'], '/fc1/Gemm', [{ name: 'transB', type: ATTR_INT, i: 1 }]),
        node('Relu', ['h'], ['r'], '/relu/Relu'),
        node('MatMul', ['r', 'fc2.weight_T'], ['mm'], '/fc2/MatMul'),
        node('Add', ['mm', 'fc2.bias'], ['y'], '/fc2/Add'),
      ],
      [t('fc1.weight', [3, 4], W1), t('fc1.bias', [3], b1), t('fc2.weight_T', [3, 2], W2), t('fc2.bias', [2], b2)],
      ['N', 2, 2],
      'y',
    );
    const m = fromOnnx(bytes);
    const x = [
      [0.5, -1, 2, 0.25],
      [-3, 1, 0, 1],
    ];
    const got = m.predict(x).data;
    for (let r = 0; r < 2; r++) {
      const h = [0, 1, 2].map((o) => Math.max(0, b1[o]! + [0, 1, 2, 3].reduce((s, i) => s + x[r]![i]! * W1[o * 4 + i]!, 0)));
      for (let o = 0; o < 2; o++) {
        const y = b2[o]! + h.reduce((s, v, i) => s + v * W2[i * 2 + o]!, 0);
        expect(got[r * 2 + o]).toBeCloseTo(y, 5);
      }
    }
    m.dispose();
  });

  it('names an unsupported op and its node', () => {
    const bytes = model(
      [node('Gemm', ['x', 'w'], ['h'], 'fc'), node('Conv', ['h', 'k'], ['y'], '/conv1/Conv')],
      [t('w', [2, 2], [1, 0, 0, 1]), t('k', [1, 1, 1], [1])],
      ['N', 2],
      'y',
    );
    expect(() => fromOnnx(bytes)).toThrow(/node 1 '\/conv1\/Conv' \(Conv\): op 'Conv' is not supported/);
  });

  it('refuses damaged files with a clear error: never a hang, trap or engine text (fuzz)', () => {
    const m = sequential([dense({ units: 4, activation: 'relu', inputShape: [3] }), prelu(), dense({ units: 2, activation: 'softmax' })]);
    m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const good = toOnnx(m);
    m.dispose();
    expect(() => fromOnnx(new Uint8Array(0))).toThrow(/fromOnnx: .*not an ONNX model/);
    expect(() => fromOnnx(good.subarray(0, good.length - 7))).toThrow(/fromOnnx: .*(truncated|byte)/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(good.length), { nil: undefined }),
        (edits, cut) => {
          const bad = good.slice(0, cut ?? good.length);
          for (const [at, v] of edits) if (at < bad.length) bad[at] = v;
          try {
            fromOnnx(bad).dispose();
          } catch (e) {
            const msg = (e as Error).message;
            expect(msg).toMatch(/^fromOnnx: /);
            expect(msg).not.toMatch(/Cannot read properties|is not a function|is not iterable|RangeError|RuntimeError|Maximum call stack/);
          }
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });
});
