/**
 * Node's side of `fitInWorker`: the worker script in a worker_threads worker. Loaded only through a
 * dynamic import() from fit-in-worker.ts, and it reaches node:worker_threads only through dynamic
 * imports too; the browser build swaps it for node.browser.ts.
 *
 * Node's workers have no `self`: a bootstrap module (a data: URL) takes parentPort, leaves it
 * adapted as globalThis[NODE_PORT] and then imports the worker script (src/worker/worker.ts, the
 * source browsers run too).
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

/**
 * Starts `script` — by default dist/worker-node.js, the worker built with the Node modules (file
 * I/O for the .wasm) where browsers get dist/worker.js — in a worker_threads worker.
 */
export async function startNodeWorker(given: URL | undefined, where: string): Promise<WorkerHandle> {
  const script = given ?? new URL('./worker-node.js', import.meta.url);
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
