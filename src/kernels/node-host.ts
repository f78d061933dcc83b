/**
 * What the thread pool needs from Node: the number of cores and a `worker_threads` worker started
 * from source text. Node-only: the browser build swaps this module for node-host.browser.ts (see
 * tsup.config.ts), so no `node:` import is reachable from a page.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';

/** Cores available to this process (`os.availableParallelism`, or the CPU count on older Node). */
export async function nodeCores(): Promise<number> {
  const os = await import('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** A `worker_threads` worker running `source` (evaluated as a CommonJS script) with `workerData`. */
export async function nodeWorker(source: string, workerData: unknown): Promise<NodeWorker> {
  const { Worker } = await import('node:worker_threads');
  return new Worker(source, { eval: true, workerData });
}
