/**
 * Node's side of `fitInWorker`: dist/worker.js in a worker_threads worker. Loaded only through a
 * dynamic import() from fit-in-worker.ts, and it reaches node:worker_threads only through dynamic
 * imports too, so no browser build ever meets a Node built-in (the browser entry may drop this
 * module altogether).
 *
 * Node's workers have no `self`: a bootstrap module (a data: URL) takes parentPort, leaves it
 * adapted as globalThis[NODE_PORT] and then imports worker.js — the same file browsers run.
 */
import { NODE_PORT, type FromWorker, type ToWorker, type WorkerHandle } from './protocol.js';

const BOOTSTRAP = `
const { parentPort, workerData } = await import('node:worker_threads');
globalThis[${JSON.stringify(NODE_PORT)}] = {
  post: (message, transfer) => parentPort.postMessage(message, transfer),
  listen(handler) {
    parentPort.on('message', handler);
    return () => parentPort.off('message', handler);
  },
};
await import(workerData.script);
`;

/** Starts `script` (worker.js) in a worker_threads worker. */
export async function startNodeWorker(script: URL, where: string): Promise<WorkerHandle> {
  const { Worker } = await import('node:worker_threads');
  const bootstrap = new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`);
  const worker = new Worker(bootstrap, { workerData: { script: script.href } });
  const failures: ((e: Error) => void)[] = [];
  const fail = (e: Error): void => {
    for (const f of failures.splice(0)) f(e);
  };
  let ended = false;
  worker.on('error', (e: Error) =>
    fail(
      new Error(
        `${where}: the worker failed: ${e.message}` +
          (/Cannot find module|ERR_MODULE_NOT_FOUND/.test(e.message) ? ` (${script.href} is missing: run \`npm run build\`).` : ''),
      ),
    ),
  );
  worker.on('exit', (code: number) => {
    if (!ended) fail(new Error(`${where}: the worker exited (code ${code}) before training finished.`));
  });
  return {
    port: {
      post: (message: ToWorker, transfer: Transferable[] = []) =>
        worker.postMessage(message, transfer as unknown as readonly import('node:worker_threads').TransferListItem[]),
      listen(handler: (data: FromWorker) => void) {
        worker.on('message', handler);
        return () => worker.off('message', handler);
      },
    },
    onFailure: (handler) => {
      failures.push(handler);
    },
    terminate() {
      ended = true;
      void worker.terminate();
    },
  };
}
