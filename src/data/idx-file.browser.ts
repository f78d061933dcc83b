/** Browser build of idx-file.ts (swapped in by tsup.config.ts): there are no files to read. */
import type * as node from './idx-file.js';
import { needsNode } from './needs-node.js';

export const readIdx: typeof node.readIdx = () =>
  needsNode(
    'readIdx(path)',
    'in a browser, fetch the bytes (new Uint8Array(await (await fetch(url)).arrayBuffer())) and call parseIdx(bytes).',
  );
