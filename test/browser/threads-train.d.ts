// Types of threads-train.js (plain JavaScript, shared by the Chromium page and the Node test).
export const ROWS: number;
export const FEATURES: number;
export const BATCH: number;
export function data(): { x: { data: Float32Array; shape: [number, number] }; labels: Int32Array };
export function train(lib: typeof import('../../src/index.js'), backend: import('../../src/index.js').Backend): Promise<Float32Array>;
export function bitsHex(w: Float32Array): string;
