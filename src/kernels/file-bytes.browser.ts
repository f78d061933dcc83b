/** Browser build of file-bytes.ts (swapped in by tsup.config.ts): a page cannot read file: URLs. */
import type * as node from './file-bytes.js';

export const fileBytes: typeof node.fileBytes = (url) =>
  Promise.reject(
    new Error(
      `init: cannot read ${url.href}: file: URLs need Node. Serve the .wasm over http(s) and pass its URL, ` +
        'or pass init({ wasm }) with a WebAssembly.Module, bytes or a Response.',
    ),
  );
