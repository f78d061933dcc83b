// A Cloudflare-style module worker: the relaxed-SIMD kernels arrive as a WebAssembly.Module (a wasm
// module import, as workerd and wrangler provide it), the model as bundled JSON. GET /?x=[…] answers
// with predictOne's output.
import { fromJSON, init } from 'simdnn';
import wasm from 'simdnn/simdnn-relaxed.wasm';
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
