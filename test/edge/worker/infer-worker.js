// The same worker on simdnn/infer with its forward-only kernels (simdnn-infer-relaxed.wasm, a third
// of the full module): the smallest bundle that serves predictions at the edge.
import { fromJSON, init } from 'simdnn/infer';
import wasm from 'simdnn/simdnn-infer-relaxed.wasm';
import modelJson from './model.json';

let model;

export default {
  async fetch(request) {
    try {
      if (!model) {
        const backend = await init({ wasm });
        model = { net: fromJSON(modelJson), simd: backend.simd, kernels: backend.kernels };
      }
      const x = JSON.parse(new URL(request.url).searchParams.get('x') ?? '[]');
      return Response.json({ y: Array.from(model.net.predictOne(x)), simd: model.simd, kernels: model.kernels });
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e) }, { status: 500 });
    }
  },
};
