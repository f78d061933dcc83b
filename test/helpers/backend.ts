import { init, type Backend } from '../../src/index.js';

let be: Backend | undefined;

/** The wasm backend, initialised once per test file (init also makes it the default backend). */
export const wasmBackend = async (): Promise<Backend> => (be ??= await init({ backend: 'wasm' }));
