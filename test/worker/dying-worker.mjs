// A worker script for fitInWorker's "worker dies mid-fit" test (Node): it wraps the port that the
// bootstrap of src/worker/node.ts leaves for the worker script, runs dist/worker-node.js, and ends its
// thread with exit code 7 when the first epoch log goes out — a crash at a known point, no timing.
const PORT = '__simdnnWorkerPort';
const port = globalThis[PORT];
globalThis[PORT] = {
  listen: (handler) => port.listen(handler),
  post(message, transfer) {
    if (message.type === 'epoch') process.exit(7);
    port.post(message, transfer);
  },
};
await import('../../dist/worker-node.js');
