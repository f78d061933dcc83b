/** Browser build of node-host.ts (swapped in by tsup.config.ts): pages use navigator and Web Workers. */
import type * as node from './node-host.js';

const needsNode = (what: string): Error => new Error(`${what} needs Node's worker_threads; in a browser the pool uses Web Workers.`);

export const nodeCores: typeof node.nodeCores = () => Promise.reject(needsNode('counting cores with node:os'));
export const nodeWorker: typeof node.nodeWorker = () => Promise.reject(needsNode('a worker_threads worker'));
