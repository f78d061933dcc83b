/**
 * The check of one sample at `predictOne` (Sequential and InferenceModel): the length, numbers
 * only in a plain array, and the optional output array — cheap enough for a serving path (no scan
 * of a typed array, ≈ 1 ns a value for a plain one), and small enough for the inference entry.
 */
import { shown } from '../validate.js';

/** Throws a clear error unless x is one sample of `inputs` numbers and `out` (if given) fits `outputs`. */
export function checkSample(x: unknown, inputs: number, out: unknown, outputs: number): asserts x is ArrayLike<number> {
  const v = x as ArrayLike<unknown> | null;
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new Error(`predictOne: x must be one sample: a Float32Array or number[] of ${inputs} values, got ${shown(x)}.`);
  }
  if (v.length !== inputs) throw new Error(`predictOne: x has ${v.length} values but the model expects ${inputs}.`);
  // Typed arrays hold numbers by construction; a plain array is checked.
  if (!ArrayBuffer.isView(v)) {
    for (let j = 0; j < v.length; j++) {
      if (typeof v[j] !== 'number') throw new Error(`predictOne: x[${j}] is ${shown(v[j])}: inputs must be numbers.`);
    }
  }
  if (out !== undefined && (!(out instanceof Float32Array) || out.length !== outputs)) {
    throw new Error(`predictOne: out must be a Float32Array of ${outputs} values (the outputs), got ${shown(out)}.`);
  }
}
