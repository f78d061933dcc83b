/**
 * The ONNX messages an MLP needs, as plain objects, with their encoder and a validating decoder.
 * Field numbers are those of onnx/onnx.proto (github.com/onnx/onnx/blob/main/onnx/onnx.proto):
 *
 *   ModelProto        ir_version 1, producer_name 2, producer_version 3, domain 4, model_version 5,
 *                     doc_string 6, graph 7, opset_import 8, metadata_props 14
 *   OperatorSetIdProto domain 1, version 2
 *   StringStringEntryProto key 1, value 2
 *   GraphProto        node 1, name 2, initializer 5, doc_string 10, input 11, output 12, value_info 13
 *   NodeProto         input 1, output 2, name 3, op_type 4, attribute 5, doc_string 6, domain 7
 *   AttributeProto    name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20
 *   TensorProto       dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8,
 *                     raw_data 9, data_location 14 (1 = EXTERNAL)
 *   ValueInfoProto    name 1, type 2;  TypeProto tensor_type 1;  TypeProto.Tensor elem_type 1, shape 2
 *   TensorShapeProto  dim 1;  Dimension dim_value 1, dim_param 2
 *
 * Fields the decoder does not know are skipped (protobuf's forward compatibility); those whose
 * meaning would change the model (external data, sparse initializers, subgraphs) are refused.
 */
import { OnnxFormatError, ProtoReader, ProtoWriter } from './proto.js';

/** TensorProto.DataType values used here. */
export const DATA_FLOAT = 1;
export const DATA_INT32 = 6;
export const DATA_INT64 = 7;
export const DATA_DOUBLE = 11;

/** AttributeProto.AttributeType values used here. */
export const ATTR_FLOAT = 1;
export const ATTR_INT = 2;
export const ATTR_STRING = 3;
export const ATTR_TENSOR = 4;
export const ATTR_FLOATS = 6;
export const ATTR_INTS = 7;

/** Largest tensor the decoder accepts (elements), far above any MLP this library trains. */
export const MAX_TENSOR_ELEMENTS = 50_000_000;
/** Most nodes / initializers / attributes a decoded graph may have. */
export const MAX_GRAPH_ITEMS = 100_000;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Values as numbers (float, int32 and int64 tensors); Float32Array for float data. */
  data: Float32Array | number[];
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A dimension: a number, a symbolic name, or undefined (unknown). */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  elemType?: number;
  /** Undefined: shape not given. */
  shape?: OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadata: { key: string; value: string }[];
}

// ——— encoder ———

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.dataType === DATA_FLOAT) {
    // raw_data: fixed-width little-endian IEEE 754, whatever the host's byte order.
    const raw = new Uint8Array(t.data.length * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(4 * i, t.data[i]!, true);
    w.bytes(9, raw);
  } else if (t.dataType === DATA_INT64) {
    w.packedInts(7, Array.from(t.data));
  } else {
    throw new Error(`toOnnx: tensor '${t.name}' has data type ${t.dataType}, which the encoder does not write.`);
  }
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.elemType ?? DATA_FLOAT);
      if (v.shape) {
        tensor.message(2, (shape) => {
          for (const d of v.shape!) {
            shape.message(1, (dim) => {
              if (typeof d === 'number') dim.int(1, d);
              else if (typeof d === 'string') dim.string(2, d);
            });
          }
        });
      }
    }),
  );
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  w.int(20, a.type);
  switch (a.type) {
    case ATTR_FLOAT:
      w.float(2, a.f!);
      break;
    case ATTR_INT:
      w.int(3, a.i!);
      break;
    case ATTR_STRING:
      w.string(4, a.s!);
      break;
    case ATTR_TENSOR:
      w.message(5, (t) => writeTensor(t, a.t!));
      break;
    case ATTR_FLOATS:
      for (const f of a.floats!) w.float(7, f);
      break;
    case ATTR_INTS:
      for (const i of a.ints!) w.int(8, i);
      break;
    default:
      throw new Error(`toOnnx: attribute '${a.name}' has type ${a.type}, which the encoder does not write.`);
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, (m) => writeAttribute(m, a));
  if (n.domain) w.string(7, n.domain);
}

/** The bytes of a ModelProto. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (g) => {
    for (const n of m.graph.nodes) g.message(1, (x) => writeNode(x, n));
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers) g.message(5, (x) => writeTensor(x, t));
    for (const v of m.graph.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of m.graph.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  for (const o of m.opsets) {
    w.message(8, (x) => {
      if (o.domain) x.string(1, o.domain);
      x.int(2, o.version);
    });
  }
  for (const e of m.metadata) {
    w.message(14, (x) => {
      x.string(1, e.key);
      x.string(2, e.value);
    });
  }
  return w.finish();
}

// ——— decoder ———

function count(r: ProtoReader, n: number, what: string, at: number): void {
  if (n > MAX_GRAPH_ITEMS) r.fail(`more than ${MAX_GRAPH_ITEMS} ${what}`, at);
}

function readTensor(r: ProtoReader): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  let external = false;
  for (const f of r.fields()) {
    switch (f.field) {
      case 1:
        r.ints(f, 'dims', dims, 16);
        break;
      case 2:
        dataType = r.int(f, 'data_type');
        break;
      case 4:
        r.floats(f, 'float_data', floats, MAX_TENSOR_ELEMENTS);
        break;
      case 5:
        r.ints(f, 'int32_data', ints, MAX_TENSOR_ELEMENTS);
        break;
      case 7:
        r.ints(f, 'int64_data', ints, MAX_TENSOR_ELEMENTS);
        break;
      case 8:
        name = r.string(f, 'name');
        break;
      case 9:
        raw = r.bytes(f, 'raw_data');
        break;
      case 13:
        external = true;
        break;
      case 14:
        if (r.int(f, 'data_location') === 1) external = true;
        break;
      case 3:
      case 6:
      case 10:
      case 11:
        r.fail(
          `tensor '${name}' stores its values in a form this reader does not support (segments, strings, double or uint64 data)`,
          f.at,
        );
        break;
    }
  }
  const where = `tensor '${name}'`;
  if (external) r.fail(`${where} keeps its values in an external file; save the model with its weights inside (no external data)`);
  let size = 1;
  for (const d of dims) {
    if (d < 0) r.fail(`${where} has a negative dimension ${d}`);
    size *= d;
    if (size > MAX_TENSOR_ELEMENTS) r.fail(`${where} has more than ${MAX_TENSOR_ELEMENTS} elements`);
  }
  let data: Float32Array | number[];
  if (dataType === DATA_FLOAT) {
    if (raw) {
      if (raw.length !== 4 * size) r.fail(`${where} has ${raw.length} bytes of raw data; its shape [${dims.join(', ')}] needs ${4 * size}`);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
      data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = dv.getFloat32(4 * i, true);
    } else {
      if (floats.length !== size) r.fail(`${where} has ${floats.length} float values; its shape [${dims.join(', ')}] needs ${size}`);
      data = Float32Array.from(floats);
    }
  } else if (dataType === DATA_INT64 || dataType === DATA_INT32) {
    if (raw) {
      const width = dataType === DATA_INT64 ? 8 : 4;
      if (raw.length !== width * size)
        r.fail(`${where} has ${raw.length} bytes of raw data; its shape [${dims.join(', ')}] needs ${width * size}`);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
      data = [];
      for (let i = 0; i < size; i++) {
        const v = width === 8 ? dv.getBigInt64(8 * i, true) : BigInt(dv.getInt32(4 * i, true));
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) r.fail(`${where} holds ${v}, out of range`);
        data.push(Number(v));
      }
    } else {
      if (ints.length !== size) r.fail(`${where} has ${ints.length} integer values; its shape [${dims.join(', ')}] needs ${size}`);
      data = ints;
    }
  } else {
    return r.fail(`${where} has data type ${dataType}; only float32 weights (and int64/int32 shapes) are supported`);
  }
  return { name, dims, dataType, data };
}

function readAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  for (const f of r.fields()) {
    switch (f.field) {
      case 1:
        a.name = r.string(f, 'name');
        break;
      case 2:
        a.f = r.float(f, 'f');
        break;
      case 3:
        a.i = r.int(f, 'i');
        break;
      case 4:
        a.s = r.string(f, 's');
        break;
      case 5:
        a.t = readTensor(r.sub(f, 'TensorProto'));
        break;
      case 7:
        a.floats ??= [];
        r.floats(f, 'floats', a.floats, 4096);
        break;
      case 8:
        a.ints ??= [];
        r.ints(f, 'ints', a.ints, 4096);
        break;
      case 20:
        a.type = r.int(f, 'type');
        break;
    }
  }
  return a;
}

function readNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  for (const f of r.fields()) {
    switch (f.field) {
      case 1:
        n.inputs.push(r.string(f, 'input'));
        count(r, n.inputs.length, 'inputs', f.at);
        break;
      case 2:
        n.outputs.push(r.string(f, 'output'));
        count(r, n.outputs.length, 'outputs', f.at);
        break;
      case 3:
        n.name = r.string(f, 'name');
        break;
      case 4:
        n.opType = r.string(f, 'op_type');
        break;
      case 5:
        n.attributes.push(readAttribute(r.sub(f, 'AttributeProto')));
        count(r, n.attributes.length, 'attributes', f.at);
        break;
      case 7:
        n.domain = r.string(f, 'domain');
        break;
    }
  }
  return n;
}

function readValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '' };
  for (const f of r.fields()) {
    if (f.field === 1) v.name = r.string(f, 'name');
    else if (f.field === 2) {
      const type = r.sub(f, 'TypeProto');
      for (const tf of type.fields()) {
        if (tf.field !== 1) continue;
        const tensor = type.sub(tf, 'TypeProto.Tensor');
        for (const xf of tensor.fields()) {
          if (xf.field === 1) v.elemType = tensor.int(xf, 'elem_type');
          else if (xf.field === 2) {
            const shape = tensor.sub(xf, 'TensorShapeProto');
            v.shape = [];
            for (const sf of shape.fields()) {
              if (sf.field !== 1) continue;
              const dim = shape.sub(sf, 'Dimension');
              let d: OnnxDim;
              for (const df of dim.fields()) {
                if (df.field === 1) d = dim.int(df, 'dim_value');
                else if (df.field === 2) d = dim.string(df, 'dim_param');
              }
              v.shape.push(d);
              if (v.shape.length > 16) shape.fail('more than 16 dimensions');
            }
          }
        }
      }
    }
  }
  return v;
}

function readGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  let total = 0;
  for (const f of r.fields()) {
    if (++total > 4 * MAX_GRAPH_ITEMS) r.fail('too many entries', f.at);
    switch (f.field) {
      case 1:
        g.nodes.push(readNode(r.sub(f, 'NodeProto')));
        break;
      case 2:
        g.name = r.string(f, 'name');
        break;
      case 5:
        g.initializers.push(readTensor(r.sub(f, 'TensorProto')));
        break;
      case 11:
        g.inputs.push(readValueInfo(r.sub(f, 'ValueInfoProto')));
        break;
      case 12:
        g.outputs.push(readValueInfo(r.sub(f, 'ValueInfoProto')));
        break;
      case 15:
        r.fail('sparse initializers are not supported', f.at);
    }
  }
  return g;
}

/** Decodes and structurally validates a ModelProto; throws OnnxFormatError naming the byte. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const r = new ProtoReader(bytes, 0, 'ModelProto');
  const m: OnnxModel = { irVersion: 0, opsets: [], producerName: '', producerVersion: '', metadata: [], graph: undefined as never };
  let graph: OnnxGraph | undefined;
  for (const f of r.fields()) {
    switch (f.field) {
      case 1:
        m.irVersion = r.int(f, 'ir_version');
        break;
      case 2:
        m.producerName = r.string(f, 'producer_name');
        break;
      case 3:
        m.producerVersion = r.string(f, 'producer_version');
        break;
      case 7:
        if (graph) r.fail('more than one graph', f.at);
        graph = readGraph(r.sub(f, 'GraphProto'));
        break;
      case 8: {
        const o = r.sub(f, 'OperatorSetIdProto');
        const set = { domain: '', version: 0 };
        for (const of of o.fields()) {
          if (of.field === 1) set.domain = o.string(of, 'domain');
          else if (of.field === 2) set.version = o.int(of, 'version');
        }
        m.opsets.push(set);
        count(r, m.opsets.length, 'opset imports', f.at);
        break;
      }
      case 14: {
        const e = r.sub(f, 'StringStringEntryProto');
        const kv = { key: '', value: '' };
        for (const ef of e.fields()) {
          if (ef.field === 1) kv.key = e.string(ef, 'key');
          else if (ef.field === 2) kv.value = e.string(ef, 'value');
        }
        m.metadata.push(kv);
        count(r, m.metadata.length, 'metadata entries', f.at);
        break;
      }
    }
  }
  if (m.irVersion <= 0) throw new OnnxFormatError('ModelProto: ir_version is missing; this is not an ONNX model file.');
  if (!graph) throw new OnnxFormatError('ModelProto: the model has no graph; this is not an ONNX model file (or it is truncated).');
  m.graph = graph;
  return m;
}
