/**
 * The worker script of `fitInWorker` (dist/worker.js): the same file runs as a module Web Worker
 * in browsers and as a worker_threads worker in Node. In a browser it talks through the worker
 * scope (`self`); in Node the bootstrap of node.ts gives it the parentPort first, as
 * `globalThis[NODE_PORT]`, so this file names no Node built-in and bundlers take it as it is.
 */
import { NODE_PORT, type FromWorker, type Port, type ToWorker } from './protocol.js';
import { serve } from './serve.js';

interface Scope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
}

function scopePort(scope: Scope): Port<ToWorker, FromWorker> {
  return {
    post: (message, transfer = []) => scope.postMessage(message, transfer),
    listen(handler) {
      const h = (e: MessageEvent): void => handler(e.data as ToWorker);
      scope.addEventListener('message', h);
      return () => scope.removeEventListener('message', h);
    },
  };
}

const g = globalThis as unknown as Record<string, unknown>;
serve((g[NODE_PORT] as Port<ToWorker, FromWorker> | undefined) ?? scopePort(globalThis as unknown as Scope));
