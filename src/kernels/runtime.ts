/** Whether this code runs in Node (worker_threads, node:fs, synchronous instantiation) rather than a page or an edge runtime. */
export const isNode = typeof process !== 'undefined' && !!process.versions?.node;
