/** Browser build of mnist.ts (swapped in by tsup.config.ts): the MNIST files are read from disk. */
import type * as node from './mnist.js';
import { needsNode } from './needs-node.js';

export type { Mnist, MnistOptions, MnistSplit } from './mnist.js';

export const loadMnist: typeof node.loadMnist = () =>
  needsNode('loadMnist()', 'in a browser, fetch the four IDX files (for example from your server) and decode each with parseIdx(bytes).');
