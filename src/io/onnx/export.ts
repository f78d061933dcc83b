/**
 * simdnn model → ONNX (opset 17, IR version 8), one node group per layer, reading the same layer
 * configs and weights as toJSON:
 *
 *   dense    Gemm(x, W [in × out], b [out])  (transB = 0: W is stored as simdnn keeps it), then the
 *            activation's ONNX op from the registry (`names.onnx`): Relu, Sigmoid, Tanh, Softmax
 *            (axis −1), LeakyRelu (alpha), Elu (alpha), Softplus, Clip(−1, 1) (min/max as inputs,
 *            opset ≥ 11), Abs; linear adds nothing.
 *   prelu    PRelu(x, slope [units]) — the slope broadcasts over [batch, units].
 *   maxout   Gemm → [batch, units·k]; Reshape to [batch, units, k] (piece p of unit u is column
 *            u·k + p, so row-major [units, k] groups each unit's pieces); ReduceMax over the last
 *            axis (keepdims 0).
 *   dropout  nothing (the identity at inference).
 *
 * Input 'input' [batch, features] and output 'output' [batch, outputs] with a symbolic batch.
 */
import type { Layer } from '../../layers/layer.js';
import { findActivation } from '../../registries/activations.js';
import {
  ATTR_FLOAT,
  ATTR_INT,
  ATTR_INTS,
  DATA_FLOAT,
  DATA_INT64,
  encodeModel,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './messages.js';

/** ONNX operator set written (ReduceMax still takes `axes` as an attribute in 17). */
export const ONNX_OPSET = 17;
/** ONNX IR version written (8 goes with opsets 14–18). */
export const ONNX_IR_VERSION = 8;
/** Written into `producer_version` and the metadata. */
export const SIMDNN_VERSION = '0.1.0';

/** What toOnnx reads from a model: its built layers and their weights (a `Sequential` has both). */
export interface OnnxExportable {
  readonly layers: readonly Layer[];
  readonly name?: string;
  getWeights(): Float32Array[];
}

export interface ToOnnxOptions {
  /** Graph name. Default: the model's name, else 'simdnn'. */
  graphName?: string;
  /** Extra metadata_props entries (producer and version are always written). Default: none. */
  metadata?: Record<string, string>;
  /** Model doc string. Default: none. */
  docString?: string;
}

const WHERE = 'toOnnx';

/** The model as an ONNX file (ModelProto bytes). The model must be built (compiled). */
export function toOnnx(model: OnnxExportable, options: ToOnnxOptions = {}): Uint8Array {
  if (model === null || typeof model !== 'object' || !Array.isArray(model.layers) || typeof model.getWeights !== 'function') {
    throw new Error(`${WHERE}: expected a simdnn model (sequential([...]) after compile).`);
  }
  const layers = model.layers;
  if (layers.length === 0) throw new Error(`${WHERE}: the model has no layers.`);
  const weights = model.getWeights();
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let cur = 'input';
  let wi = 0;
  const node = (opType: string, inputs: string[], name: string, attributes: OnnxAttribute[] = []): void => {
    const out = `${name}_out`;
    nodes.push({ name, opType, domain: '', inputs, outputs: [out], attributes });
    cur = out;
  };
  const init = (name: string, dims: number[], data: Float32Array | number[], dataType = DATA_FLOAT): string => {
    inits.push({ name, dims, dataType, data });
    return name;
  };

  layers.forEach((layer, li) => {
    const id = `l${li}_${layer.type}`;
    const params = weights.slice(wi, wi + layer.param.length);
    wi += layer.param.length;
    const c = layer.getConfig();
    const inU = layer.inUnits;
    switch (layer.type) {
      case 'dense':
      case 'maxout': {
        const width = layer.type === 'maxout' ? (c.units as number) * (c.pieces as number) : (c.units as number);
        const ins = [cur, init(`${id}_W`, [inU, width], params[0]!)];
        if (params[1]) ins.push(init(`${id}_b`, [width], params[1]));
        node('Gemm', ins, `${id}_gemm`);
        if (layer.type === 'maxout') {
          const shape = init(`${id}_shape`, [3], [-1, c.units as number, c.pieces as number], DATA_INT64);
          node('Reshape', [cur, shape], `${id}_reshape`);
          node('ReduceMax', [cur], `${id}_max`, [
            { name: 'axes', type: ATTR_INTS, ints: [2] },
            { name: 'keepdims', type: ATTR_INT, i: 0 },
          ]);
        } else {
          activationNode(c.activation as string, (c.alpha as number | undefined) ?? undefined, id, node, init);
        }
        break;
      }
      case 'prelu':
        node('PRelu', [cur, init(`${id}_slope`, [inU], params[0]!)], id);
        break;
      case 'dropout':
        break;
      default:
        throw new Error(`${WHERE}: layer ${li} ('${layer.type}') has no ONNX mapping; supported layers: dense, prelu, maxout, dropout.`);
    }
  });
  if (nodes.length === 0 || nodes[nodes.length - 1]!.outputs[0] !== cur) node('Identity', [cur], 'output_identity');
  nodes[nodes.length - 1]!.outputs[0] = 'output';

  const last = layers[layers.length - 1]!;
  const meta = { producer: 'simdnn', version: SIMDNN_VERSION, ...(options.metadata ?? {}) };
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsets: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'simdnn',
    producerVersion: SIMDNN_VERSION,
    docString: options.docString,
    graph: {
      name: options.graphName ?? model.name ?? 'simdnn',
      nodes,
      initializers: inits,
      inputs: [{ name: 'input', elemType: DATA_FLOAT, shape: ['batch', layers[0]!.inUnits] }],
      outputs: [{ name: 'output', elemType: DATA_FLOAT, shape: ['batch', last.outUnits] }],
    },
    metadata: Object.entries(meta).map(([key, value]) => ({ key, value: String(value) })),
  });
}

/** The node(s) of a dense layer's activation, looked up in the registry by its ONNX name. */
function activationNode(
  name: string,
  alphaOption: number | undefined,
  id: string,
  node: (op: string, inputs: string[], name: string, attrs?: OnnxAttribute[]) => void,
  init: (name: string, dims: number[], data: Float32Array | number[]) => string,
): void {
  const def = findActivation(name);
  const op = def?.names?.onnx;
  if (!def || !op) throw new Error(`${WHERE}: activation '${name}' has no ONNX equivalent (its registry entry names none).`);
  if (def.identity || op === 'Identity') return;
  const alpha = alphaOption ?? def.alpha ?? 0;
  switch (op) {
    case 'Softmax':
      node(op, [`${id}_gemm_out`], `${id}_act`, [{ name: 'axis', type: ATTR_INT, i: -1 }]);
      return;
    case 'LeakyRelu':
    case 'Elu':
      node(op, [`${id}_gemm_out`], `${id}_act`, [{ name: 'alpha', type: ATTR_FLOAT, f: alpha }]);
      return;
    case 'Clip':
      // hardTanh = Clip(−1, 1); since opset 11 the bounds are (scalar) inputs, not attributes.
      node(op, [`${id}_gemm_out`, init(`${id}_min`, [], [-1]), init(`${id}_max`, [], [1])], `${id}_act`);
      return;
    default:
      node(op, [`${id}_gemm_out`], `${id}_act`);
      return;
  }
}
