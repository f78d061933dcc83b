// Module worker for test/browser/threads.html?in=worker: the same training run as the page, but
// from inside a Web Worker (init() there starts the pool's workers as nested workers, and the
// caller blocks in Atomics.wait instead of spinning). Posts the same result object back.
import * as lib from '/dist/index.js';
import { bitsHex, train } from '/test/browser/threads-train.js';

self.onmessage = async (e) => {
  try {
    const notices = [];
    const backend = await lib.init({ backend: 'wasm', simd: 'relaxed', threads: e.data.threads, onNotice: (m) => notices.push(m) });
    const w = await train(lib, backend);
    const result = {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      threads: backend.threads,
      simd: backend.simd,
      notices,
      bits: bitsHex(w),
    };
    await backend.dispose();
    self.postMessage(result);
  } catch (err) {
    self.postMessage({ error: String((err && err.stack) || err) });
  }
};
