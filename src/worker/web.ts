/**
 * A module Web Worker as a WorkerHandle (browsers, Deno, Bun): messages through postMessage, a
 * script that fails to load or throws outside a job reported through the 'error' event.
 */
import type { FromWorker, ToWorker, WorkerHandle } from './protocol.js';

/** Wraps `worker`; `owned`: this library started it (and ends it when the job ends). */
export function webWorkerHandle(worker: Worker, owned: boolean, where: string): WorkerHandle {
  const failures: ((e: Error) => void)[] = [];
  const fail = (e: Error): void => {
    for (const f of failures.splice(0)) f(e);
  };
  const onError = (e: ErrorEvent): void => {
    e.preventDefault?.();
    fail(
      new Error(
        `${where}: the worker failed${e.message ? `: ${e.message}` : ' (its script could not be loaded or threw while loading)'}. ` +
          "With a bundler, pass worker: new Worker(new URL('simdnn/worker', import.meta.url), { type: 'module' }).",
      ),
    );
  };
  const onMessageError = (): void => fail(new Error(`${where}: a message from the worker could not be read (messageerror).`));
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onMessageError);
  // A browser says nothing when a worker is terminated: a worker the caller made and ends mid-job
  // would leave `done` pending for ever. Its terminate() is wrapped for the job's duration.
  const terminate = worker.terminate;
  if (!owned) {
    worker.terminate = () => {
      terminate.call(worker);
      fail(
        new Error(
          `${where}: the worker was terminated (worker.terminate()) before training finished; the model keeps its weights from before the fit.`,
        ),
      );
    };
  }
  const listeners = new Set<(e: MessageEvent) => void>();
  return {
    port: {
      post: (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer),
      listen(handler: (data: FromWorker) => void) {
        const h = (e: MessageEvent): void => handler(e.data as FromWorker);
        listeners.add(h);
        worker.addEventListener('message', h);
        return () => {
          listeners.delete(h);
          worker.removeEventListener('message', h);
        };
      },
    },
    onFailure: (handler) => {
      failures.push(handler);
    },
    terminate() {
      worker.removeEventListener('error', onError);
      worker.removeEventListener('messageerror', onMessageError);
      for (const h of listeners) worker.removeEventListener('message', h);
      if (owned) worker.terminate();
      else worker.terminate = terminate;
    },
  };
}
