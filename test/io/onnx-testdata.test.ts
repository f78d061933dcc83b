/**
 * ONNX import against files no one here wrote: the ONNX project's backend node tests, as Debian's
 * `libonnx-testdata` installs them (/usr/share/libonnx-testdata/data/node/test_*: model.onnx and
 * test_data_set_0/{input_k,output_0}.pb, TensorProto files computed by the ONNX reference in numpy).
 * Each case is read with `fromOnnx` and its `predict` is matched against output_0.pb, on the wasm
 * backend and on the js reference backend. Skipped (with a printed message) where the package is
 * missing; `.ci/run` installs it.
 *
 * How a node test becomes an MLP file (the files themselves are never edited on disk):
 * - The node tests pass every operand as a graph input. Weights (Gemm's B and C, PRelu's slope,
 *   Clip's min and max) are frozen: their input_k.pb becomes an initializer of the same name, as an
 *   exporter writes a trained layer.
 * - A lone activation node gets an identity dense layer in front of it (Gemm with B = I, no C: exact
 *   in float32), because `fromOnnx` reads an activation only as the activation of the dense layer
 *   before it; the node itself, with its attributes (alpha, axis), is the file's own. Such a graph
 *   contains Gemm-13, so it declares opset max(original, 13); Elu (opset 6 in the file) and Softplus
 *   (opset 1) have the same definition at 13. A lone PRelu is read as is (a prelu layer).
 * - Inputs are viewed as [rows, last dim] (a 1-D input [n] as [1, n]): exactly the same arithmetic
 *   for elementwise ops (Relu, Sigmoid, Tanh, LeakyRelu, Elu, Softplus, Clip, Abs), for Softmax over
 *   the last axis, and for PRelu with one slope per last-axis entry. Only the Gemm cases and
 *   softmax_example [1, 3] / softmax_large_number [2, 4] are 2-D as given; the others are [3, 4, 5]
 *   (→ [12, 5]) or [3] (→ [1, 3]).
 *
 * Tolerances: |Δ| ≤ 1e-5 for Gemm and the piecewise-linear ops (Relu, LeakyRelu, PRelu, Clip, Abs);
 * the ONNX backend tests' own rtol 1e-3 / atol 1e-7 for the exp-based ops (Sigmoid, Tanh, Softmax,
 * Elu, Softplus), whose kernels use their own exp approximations.
 *
 * Skipped node tests among these ops, and why:
 *   test_gemm_all_attributes              transA = 1 (fromOnnx reads transA = 0 only; checked: refused)
 *   test_gemm_transposeA                  transA = 1 (checked: refused)
 *   test_gemm_default_matrix_bias         C is [3, 4], one bias per row and unit, not a layer's bias (checked: refused)
 *   test_softmax_axis_0, _axis_1          softmax over a leading axis of [3, 4, 5], not over features
 *   test_softmax_axis_2                   the last axis of [3, 4, 5] named as 2, which the 2-D view lacks (fromOnnx
 *                                         reads axis −1 or 1); the same arithmetic is matched by _default_axis, _negative_axis
 *   test_softmax_*_expanded               the function body (Constant, ReduceMax, Sub, Exp, ReduceSum, Div), not one node
 *   test_prelu_example                    slope [3, 4, 5] varies along the batch axis; a prelu layer has one slope per unit
 *   test_clip_inbounds, _outbounds, _splitbounds   Clip(−5, 5): fromOnnx reads Clip(−1, 1) (hardTanh) only (checked: refused)
 *   test_clip_default_min, _default_max, _default_inbounds   a bound missing: not hardTanh (checked: refused)
 *   test_clip_default_int8_*              int8 tensors; simdnn is float32 only
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, fromOnnx, init } from '../../src/index.js';
import { DATA_FLOAT, decodeModel, encodeModel, type OnnxModel, type OnnxTensor } from '../../src/io/onnx/messages.js';
import { ProtoWriter } from '../../src/io/onnx/proto.js';

const ROOT = process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data/node';
const present = existsSync(join(ROOT, 'test_gemm_default_no_bias', 'model.onnx'));
if (!present) {
  console.log(
    `onnx-testdata: skipped — the ONNX backend node tests are not at ${ROOT}; install Debian's libonnx-testdata ` +
      '(apt-get install -y libonnx-testdata, as .ci/run does) or set ONNX_TESTDATA_DIR.',
  );
}

type Tol = 'abs' | 'exp';
/** [node test, its op, tolerance]. */
const MATCHED: [string, string, Tol][] = [
  ['test_gemm_default_no_bias', 'Gemm', 'abs'],
  ['test_gemm_default_scalar_bias', 'Gemm', 'abs'],
  ['test_gemm_default_single_elem_vector_bias', 'Gemm', 'abs'],
  ['test_gemm_default_vector_bias', 'Gemm', 'abs'],
  ['test_gemm_default_zero_bias', 'Gemm', 'abs'],
  ['test_gemm_transposeB', 'Gemm', 'abs'],
  ['test_gemm_alpha', 'Gemm', 'abs'],
  ['test_gemm_beta', 'Gemm', 'abs'],
  ['test_relu', 'Relu', 'abs'],
  ['test_sigmoid', 'Sigmoid', 'exp'],
  ['test_sigmoid_example', 'Sigmoid', 'exp'],
  ['test_tanh', 'Tanh', 'exp'],
  ['test_tanh_example', 'Tanh', 'exp'],
  ['test_softmax_example', 'Softmax', 'exp'],
  ['test_softmax_large_number', 'Softmax', 'exp'],
  ['test_softmax_default_axis', 'Softmax', 'exp'],
  ['test_softmax_negative_axis', 'Softmax', 'exp'],
  ['test_leakyrelu', 'LeakyRelu', 'abs'],
  ['test_leakyrelu_default', 'LeakyRelu', 'abs'],
  ['test_leakyrelu_example', 'LeakyRelu', 'abs'],
  ['test_elu', 'Elu', 'exp'],
  ['test_elu_default', 'Elu', 'exp'],
  ['test_elu_example', 'Elu', 'exp'],
  ['test_softplus', 'Softplus', 'exp'],
  ['test_softplus_example', 'Softplus', 'exp'],
  ['test_prelu_broadcast', 'PRelu', 'abs'],
  ['test_clip', 'Clip', 'abs'],
  ['test_clip_example', 'Clip', 'abs'],
  ['test_abs', 'Abs', 'abs'],
];

/** Skipped cases that fromOnnx must refuse with a clear message (not read wrongly). */
const REFUSED: [string, RegExp][] = [
  ['test_gemm_all_attributes', /transA = 1 is not supported/],
  ['test_gemm_transposeA', /transA = 1 is not supported/],
  ['test_gemm_default_matrix_bias', /bias 'c' has shape \[3, 4\]/],
  ['test_clip_inbounds', /only Clip\(−1, 1\)/],
  ['test_clip_outbounds', /only Clip\(−1, 1\)/],
  ['test_clip_splitbounds', /only Clip\(−1, 1\)/],
  ['test_clip_default_min', /only Clip\(−1, 1\)/],
  ['test_clip_default_max', /only Clip\(−1, 1\)/],
  ['test_clip_default_inbounds', /only Clip\(−1, 1\)/],
];

/**
 * Decodes one TensorProto file with the model decoder: the bytes are wrapped, unchanged, as the one
 * initializer of a ModelProto (ir_version 1, graph field 7 → GraphProto initializer field 5).
 */
function readTensorFile(path: string): OnnxTensor {
  const w = new ProtoWriter();
  w.int(1, 1);
  w.message(7, (g) => g.bytes(5, readFileSync(path)));
  return decodeModel(w.finish()).graph.initializers[0]!;
}

function floatData(t: OnnxTensor): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error(`tensor '${t.name}' is not float32`);
  return t.data;
}

interface Case {
  bytes: Uint8Array;
  x: Float32Array;
  rows: number;
  cols: number;
  expected: Float32Array;
}

/** The node test as an MLP file (see the header), its input viewed as [rows, cols], and the expected output. */
function loadCase(test: string): Case {
  const dir = join(ROOT, test);
  const m = decodeModel(readFileSync(join(dir, 'model.onnx')));
  const g = m.graph;
  if (g.nodes.length !== 1) throw new Error(`${test}: expected one node, found ${g.nodes.length}`);
  const node = g.nodes[0]!;
  const data = (k: number): OnnxTensor => readTensorFile(join(dir, 'test_data_set_0', `input_${k}.pb`));
  const x = data(0);
  const expected = readTensorFile(join(dir, 'test_data_set_0', 'output_0.pb'));
  const dims = x.dims.length === 1 ? [1, x.dims[0]!] : x.dims;
  const cols = dims[dims.length - 1]!;
  const rows = dims.slice(0, -1).reduce((a, b) => a * b, 1);
  // Freeze every operand after the first: input_k.pb becomes the initializer of graph input k.
  const frozen: OnnxTensor[] = [];
  for (let k = 1; k < g.inputs.length; k++) frozen.push({ ...data(k), name: g.inputs[k]!.name });
  const inName = g.inputs[0]!.name;
  const input = { name: inName, elemType: DATA_FLOAT, shape: ['N', cols] };
  let model: OnnxModel;
  if (node.opType === 'Gemm' || node.opType === 'PRelu') {
    model = { ...m, graph: { ...g, initializers: frozen, inputs: [input] } };
  } else {
    const eye = new Float32Array(cols * cols);
    for (let j = 0; j < cols; j++) eye[j * cols + j] = 1;
    const identity: OnnxTensor = { name: 'simdnn_identity', dims: [cols, cols], dataType: DATA_FLOAT, data: eye };
    const gemm = { name: 'identity_dense', opType: 'Gemm', domain: '', inputs: [inName, identity.name], outputs: ['h'], attributes: [] };
    const act = { ...node, inputs: ['h', ...node.inputs.slice(1)] };
    model = {
      ...m,
      opsets: m.opsets.map((o) => (o.domain === '' || o.domain === 'ai.onnx' ? { ...o, version: Math.max(o.version, 13) } : o)),
      graph: { ...g, nodes: [gemm, act], initializers: [identity, ...frozen], inputs: [input] },
    };
  }
  return { bytes: encodeModel(model), x: floatData(x), rows, cols, expected: floatData(expected) };
}

describe.skipIf(!present)('ONNX backend node tests (libonnx-testdata) through fromOnnx', () => {
  const backends: [string, Backend][] = [];
  const report: string[] = [];
  beforeAll(async () => {
    backends.push(['js', await init({ backend: 'js' })]);
    const wasm = await init();
    backends.push([`${wasm.name}/${wasm.simd}`, wasm]);
  });
  afterAll(() => {
    if (report.length > 0) console.log(`onnx-testdata: max |Δ| per case\n${report.join('\n')}`);
  });

  it.each(MATCHED)('%s (%s) matches output_0.pb', (test, op, tol) => {
    const c = loadCase(test);
    const line: string[] = [];
    for (const [name, backend] of backends) {
      const model = fromOnnx(c.bytes, { backend });
      const y = model.predict({ data: c.x, shape: [c.rows, c.cols] });
      expect(y.data.length).toBe(c.expected.length);
      let maxAbs = 0;
      for (let i = 0; i < y.data.length; i++) {
        const got = y.data[i]!;
        const want = c.expected[i]!;
        const d = Math.abs(got - want);
        maxAbs = Math.max(maxAbs, d);
        const bound = tol === 'abs' ? 1e-5 : 1e-7 + 1e-3 * Math.abs(want);
        if (!(d <= bound)) throw new Error(`${test} on ${name}: output ${i} is ${got}, expected ${want} (|Δ| ${d} > ${bound})`);
      }
      line.push(`${name} ${maxAbs.toExponential(2)}`);
      model.dispose();
    }
    report.push(`  ${test.padEnd(44)} ${op.padEnd(9)} [${c.rows}, ${c.cols}]  ${line.join('  ')}`);
  });

  it.each(REFUSED)('%s is refused, not read wrongly', (test, message) => {
    const c = loadCase(test);
    expect(() => fromOnnx(c.bytes)).toThrow(message);
  });
});
