/**
 * ONNX → simdnn layer configs and weights, for MLPs: a chain of nodes from the graph's one input to
 * its one output.
 *
 *   Gemm(x, B, C?)         dense; transB 0 (B is [in × out]) or 1 (B is [out × in], PyTorch's
 *                          Linear); transA must be 0; alpha/beta are folded into W and b
 *   MatMul(x, W) [+ Add(·, b)]  dense; b of shape [out] or [1, out]
 *   Relu, Sigmoid, …       the activation of the dense layer just before (registry `names.onnx`);
 *                          LeakyRelu/Elu carry alpha; Softmax needs axis −1 or 1; Clip must be (−1, 1)
 *   PRelu(x, slope)        prelu; slope of shape [units], [1, units] or a single value
 *   Reshape [−1, u, k] + ReduceMax(last axis, keepdims 0) after a Gemm   maxout (simdnn's own export)
 *   Flatten / Reshape      of the input only, to [batch, features]
 *   Identity, Dropout      nothing
 *
 * Anything else is refused with the op and the node named. Everything is checked before a single
 * weight is handed back; the caller builds the model.
 */
import type { LayerConfig } from '../../layers/layer.js';
import { activationNames, findActivation } from '../../registries/activations.js';
import { MAX_LAYERS, MAX_PARAMS, MAX_UNITS } from '../spec-check.js';
import { decodeModel, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './messages.js';
import { OnnxFormatError } from './proto.js';

export interface ImportedMlp {
  layers: LayerConfig[];
  weights: Float32Array[];
  name: string;
}

const SUPPORTED = 'Gemm, MatMul, Add, PRelu, Flatten, Reshape, ReduceMax (maxout), Identity, Dropout and the activations';

/** Decodes an ONNX file and maps its graph to simdnn layers; throws OnnxFormatError on anything else. */
export function onnxToLayers(bytes: Uint8Array): ImportedMlp {
  const m = decodeModel(bytes);
  for (const o of m.opsets) {
    if ((o.domain === '' || o.domain === 'ai.onnx') && (o.version < 7 || o.version > 23)) {
      throw new OnnxFormatError(`opset ${o.version} is not supported (7 to 23 are).`);
    }
  }
  const g = m.graph;
  const inits = new Map<string, OnnxTensor>();
  for (const t of g.initializers) inits.set(t.name, t);
  const inputs = g.inputs.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) throw new OnnxFormatError(`the graph has ${inputs.length} inputs; an MLP has exactly one.`);
  if (g.outputs.length !== 1) throw new OnnxFormatError(`the graph has ${g.outputs.length} outputs; an MLP has exactly one.`);
  const input = inputs[0]!;
  const inShape = input.shape;
  if (!inShape || inShape.length < 2) throw new OnnxFormatError(`input '${input.name}' needs a shape [batch, features, …].`);
  let features = 1;
  for (const d of inShape.slice(1)) {
    if (typeof d !== 'number' || d <= 0)
      throw new OnnxFormatError(`input '${input.name}' has a non-fixed feature dimension (${d ?? 'unknown'}).`);
    features *= d;
    if (features > MAX_UNITS) throw new OnnxFormatError(`input '${input.name}' has more than ${MAX_UNITS} features.`);
  }
  const flatInput = inShape.length === 2;
  if (g.nodes.length > 4 * MAX_LAYERS) throw new OnnxFormatError(`the graph has more than ${4 * MAX_LAYERS} nodes.`);

  const layers: LayerConfig[] = [];
  const weights: Float32Array[] = [];
  let cur = input.name;
  let width = features;
  let flattened = flatInput;
  let params = 0;
  /** The dense layer that may still take an activation (or a bias from Add), and its index. */
  let open: { config: LayerConfig; w: Float32Array; b?: Float32Array; activation: boolean } | undefined;

  const where = (n: OnnxNode, i: number): string => `node ${i} '${n.name || '(unnamed)'}' (${n.opType})`;
  const attr = (n: OnnxNode, name: string): OnnxAttribute | undefined => n.attributes.find((a) => a.name === name);
  const intAttr = (n: OnnxNode, name: string, dflt: number): number => attr(n, name)?.i ?? dflt;
  const floatAttr = (n: OnnxNode, name: string, dflt: number): number => attr(n, name)?.f ?? dflt;
  const constant = (n: OnnxNode, i: number, name: string | undefined, what: string): OnnxTensor => {
    const t = name === undefined || name === '' ? undefined : inits.get(name);
    if (!t) throw new OnnxFormatError(`${where(n, i)}: its ${what} '${name || '(missing)'}' must be an initializer (a constant weight).`);
    return t;
  };
  const floats = (n: OnnxNode, i: number, t: OnnxTensor): Float32Array => {
    if (!(t.data instanceof Float32Array)) throw new OnnxFormatError(`${where(n, i)}: tensor '${t.name}' must hold float32 values.`);
    for (let j = 0; j < t.data.length; j++) {
      if (!Number.isFinite(t.data[j])) throw new OnnxFormatError(`${where(n, i)}: tensor '${t.name}' holds ${t.data[j]} at index ${j}.`);
    }
    return t.data;
  };
  const close = (): void => {
    if (!open) return;
    weights.push(open.w);
    if (open.b) weights.push(open.b);
    open.config.useBias = open.b !== undefined;
    open = undefined;
  };
  const addLayer = (c: LayerConfig, count: number): void => {
    if (layers.length === 0) c.inputShape = [width];
    layers.push(c);
    params += count;
    if (layers.length > MAX_LAYERS) throw new OnnxFormatError(`more than ${MAX_LAYERS} layers.`);
    if (params > MAX_PARAMS) throw new OnnxFormatError(`more than ${MAX_PARAMS} parameters.`);
  };

  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    const at = where(n, i);
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw new OnnxFormatError(`${at}: domain '${n.domain}' is not supported.`);
    if (n.inputs[0] !== cur) {
      throw new OnnxFormatError(
        `${at}: its first input '${n.inputs[0] ?? '(missing)'}' is not the previous result '${cur}'; only a chain of layers (an MLP) is supported.`,
      );
    }
    if (n.outputs.length < 1 || n.outputs[0] === '') throw new OnnxFormatError(`${at}: it has no output.`);
    const next = n.outputs[0]!;
    const op = n.opType;
    const act = activationFor(op);
    if ((op === 'Flatten' || op === 'Reshape') && !flattened) {
      if (op === 'Flatten' && intAttr(n, 'axis', 1) !== 1) throw new OnnxFormatError(`${at}: only Flatten with axis 1 is supported.`);
      if (op === 'Reshape') {
        const s = constant(n, i, n.inputs[1], 'shape').data;
        if (s.length !== 2 || (s[1] !== features && s[1] !== -1) || (s[0] !== -1 && s[0] !== 0)) {
          throw new OnnxFormatError(
            `${at}: only a reshape of the input to [batch, ${features}] is supported, got [${Array.from(s).join(', ')}].`,
          );
        }
      }
      flattened = true;
    } else if (!flattened) {
      throw new OnnxFormatError(`${at}: the input has shape [${inShape.join(', ')}]; flatten it (Flatten or Reshape) before any layer.`);
    } else if (op === 'Gemm' || op === 'MatMul') {
      close();
      const bT = constant(n, i, n.inputs[1], 'weight');
      const trans = op === 'Gemm' ? intAttr(n, 'transB', 0) : 0;
      if (op === 'Gemm' && intAttr(n, 'transA', 0) !== 0) throw new OnnxFormatError(`${at}: transA = 1 is not supported.`);
      if (bT.dims.length !== 2)
        throw new OnnxFormatError(`${at}: weight '${bT.name}' has shape [${bT.dims.join(', ')}]; a matrix is needed.`);
      const [r, c] = bT.dims as [number, number];
      const [inU, outU] = trans ? [c, r] : [r, c];
      if (inU !== width) throw new OnnxFormatError(`${at}: weight '${bT.name}' takes ${inU} inputs but the previous layer gives ${width}.`);
      if (outU < 1 || outU > MAX_UNITS) throw new OnnxFormatError(`${at}: ${outU} units is out of range (1 to ${MAX_UNITS}).`);
      const src = floats(n, i, bT);
      const alpha = op === 'Gemm' ? floatAttr(n, 'alpha', 1) : 1;
      const w = new Float32Array(inU * outU);
      for (let a = 0; a < inU; a++) for (let b = 0; b < outU; b++) w[a * outU + b] = alpha * src[trans ? b * inU + a : a * outU + b]!;
      let bias: Float32Array | undefined;
      if (op === 'Gemm' && n.inputs[2]) {
        const cT = constant(n, i, n.inputs[2], 'bias');
        bias = biasOf(at, cT, floats(n, i, cT), outU, floatAttr(n, 'beta', 1));
      }
      const config: LayerConfig = { type: 'dense', units: outU, activation: 'linear' };
      open = { config, w, b: bias, activation: false };
      addLayer(config, w.length + outU);
      width = outU;
    } else if (op === 'Add') {
      if (!open || open.b || open.activation)
        throw new OnnxFormatError(`${at}: an Add is supported only as the bias right after a MatMul.`);
      const t = constant(n, i, n.inputs[1], 'bias');
      open.b = biasOf(at, t, floats(n, i, t), width, 1);
    } else if (op === 'Reshape' && open && !open.activation && i + 1 < g.nodes.length && g.nodes[i + 1]!.opType === 'ReduceMax') {
      // Maxout as simdnn writes it: Gemm → [batch, u·k] → Reshape [−1, u, k] → ReduceMax(axis 2).
      const s = constant(n, i, n.inputs[1], 'shape').data;
      const red = g.nodes[i + 1]!;
      const axes = attr(red, 'axes')?.ints ?? (red.inputs[1] ? Array.from(constant(red, i + 1, red.inputs[1], 'axes').data) : []);
      const u = s[1]!;
      const k = s[2]!;
      if (
        s.length !== 3 ||
        (s[0] !== -1 && s[0] !== 0) ||
        u * k !== width ||
        k < 2 ||
        axes.length !== 1 ||
        (axes[0] !== 2 && axes[0] !== -1) ||
        intAttr(red, 'keepdims', 1) !== 0 ||
        red.inputs[0] !== next
      ) {
        throw new OnnxFormatError(
          `${at}: only Reshape to [batch, units, pieces] then ReduceMax over the pieces (keepdims 0) is supported after a Gemm (maxout).`,
        );
      }
      open.config.type = 'maxout';
      open.config.units = u;
      open.config.pieces = k;
      delete open.config.activation;
      open.activation = true;
      width = u;
      cur = red.outputs[0] ?? '';
      i++;
      continue;
    } else if (op === 'PRelu') {
      close();
      const t = constant(n, i, n.inputs[1], 'slope');
      const s = floats(n, i, t);
      if (!(s.length === width || s.length === 1) || t.dims.some((d, j) => d !== 1 && !(j === t.dims.length - 1 && d === width))) {
        throw new OnnxFormatError(
          `${at}: slope '${t.name}' has shape [${t.dims.join(', ')}]; [${width}] (one per unit) or a single value is supported.`,
        );
      }
      weights.push(s.length === width ? s : new Float32Array(width).fill(s[0]!));
      addLayer({ type: 'prelu' }, width);
    } else if (op === 'Identity' || op === 'Dropout') {
      // The identity at inference.
    } else if (act) {
      if (!open || open.activation)
        throw new OnnxFormatError(`${at}: an activation is supported only right after a Gemm or MatMul (+ Add).`);
      open.activation = true;
      if (act === 'softmax') {
        const axis = intAttr(n, 'axis', -1);
        if (axis !== -1 && axis !== 1) throw new OnnxFormatError(`${at}: Softmax over axis ${axis} is not supported (only the last axis).`);
      } else if (op === 'LeakyRelu' || op === 'Elu') {
        const alpha = floatAttr(n, 'alpha', op === 'LeakyRelu' ? 0.01 : 1);
        if (!Number.isFinite(alpha)) throw new OnnxFormatError(`${at}: alpha is ${alpha}.`);
        open.config.alpha = alpha;
      } else if (op === 'Clip') {
        const lo = n.inputs[1] ? constant(n, i, n.inputs[1], 'min').data[0] : attr(n, 'min')?.f;
        const hi = n.inputs[2] ? constant(n, i, n.inputs[2], 'max').data[0] : attr(n, 'max')?.f;
        if (lo !== -1 || hi !== 1)
          throw new OnnxFormatError(`${at}: only Clip(−1, 1) (hardTanh) is supported, got Clip(${lo ?? 'none'}, ${hi ?? 'none'}).`);
      }
      open.config.activation = act;
    } else {
      throw new OnnxFormatError(`${at}: op '${op}' is not supported; an MLP may use ${SUPPORTED} (${activationNames().join(', ')}).`);
    }
    cur = next;
  }
  close();
  if (cur !== g.outputs[0]!.name)
    throw new OnnxFormatError(`the chain of nodes ends at '${cur}', not at the graph output '${g.outputs[0]!.name}'.`);
  if (layers.length === 0) throw new OnnxFormatError('the graph has no layer (no Gemm, MatMul or PRelu).');
  if (layers[0]!.type === 'prelu') layers[0]!.inputShape = [features];
  return { layers, weights, name: g.name };
}

/** The simdnn activation whose registry entry names this ONNX op, if any. */
function activationFor(op: string): string | undefined {
  if (op === 'Identity') return undefined;
  for (const name of activationNames()) if (findActivation(name)?.names?.onnx === op) return name;
  return undefined;
}

function biasOf(at: string, t: OnnxTensor, data: Float32Array, units: number, beta: number): Float32Array {
  const ok = data.length === units && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[0] === 1));
  if (!ok && !(data.length === 1 && t.dims.every((d) => d === 1))) {
    throw new OnnxFormatError(`${at}: bias '${t.name}' has shape [${t.dims.join(', ')}]; [${units}] or [1, ${units}] is needed.`);
  }
  const b = new Float32Array(units);
  for (let j = 0; j < units; j++) b[j] = beta * data[data.length === 1 ? 0 : j]!;
  return b;
}
