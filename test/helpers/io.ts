/** Shared by the io tests. */

/** Engine text that must never reach a user in a load or save error. */
export const INTERNAL = /Cannot read properties|is not a function|is not iterable|undefined|RangeError|RuntimeError/;

/** Deterministic inputs in [-2, 2): rows × cols (an LCG; the same for every backend and run). */
export function inputs(rows: number, cols: number, seed: number): { data: Float32Array; shape: [number, number] } {
  const data = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 4 - 2;
  }
  return { data, shape: [rows, cols] };
}
