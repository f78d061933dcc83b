/**
 * Browser build of node.ts (swapped in by the browser build's *.browser.ts twins): a page has no
 * worker_threads. fit-in-worker.ts reaches this only where there is no global Worker either.
 */
import type * as node from './node.js';

export const startNodeWorker: typeof node.startNodeWorker = async (_given, where) => {
  throw new Error(
    `${where}: this runtime has no Worker (the browser build of simdnn has no worker_threads); train with model.fit() instead.`,
  );
};
