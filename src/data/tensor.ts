/**
 * The one tensor type of the public API: a row-major 2-D float32 matrix.
 *
 * `data[r * cols + c]` is row r, column c. Rows are samples, columns are features (or classes /
 * targets for outputs). Everything that takes "x" accepts this, `number[][]`, or a flat array with
 * a shape; `tensor2d` is the single place where those are checked and converted.
 */
export interface Tensor2D {
  /** Row-major values, length `shape[0] * shape[1]`. */
  data: Float32Array;
  /** `[rows, cols]`. */
  shape: [number, number];
}

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) {
    throw new Error(`tensor2d: shape ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

/**
 * Builds a Tensor2D.
 *
 * - `Float32Array` or flat `number[]` + `shape`: the values are taken row-major. A `Float32Array` is
 *   used as is (no copy); a `number[]` is copied. Without a shape, a flat input is one row.
 * - `number[][]`: one inner array per row; all rows must have the same length. A `shape`, when
 *   given, must agree with it.
 *
 * Throws when `data.length ≠ rows·cols` (naming both), on a ragged `number[][]` (naming the first
 * row whose length differs and that length), or on an invalid shape.
 */
export function tensor2d(data: Float32Array | number[][] | number[], shape?: [number, number]): Tensor2D {
  if (shape !== undefined) {
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new Error(`tensor2d: shape must be [rows, cols], got ${JSON.stringify(shape)}`);
    }
    checkDim('rows', shape[0]);
    checkDim('cols', shape[1]);
  }

  // number[][]: rows of equal length.
  if (Array.isArray(data) && data.length > 0 && Array.isArray(data[0])) {
    const rows = data as number[][];
    const cols = rows[0].length;
    for (let r = 1; r < rows.length; r++) {
      const row = rows[r];
      if (!Array.isArray(row)) {
        throw new Error(`tensor2d: row ${r} is not an array (got ${typeof row}); every row must be a number[] of length ${cols}`);
      }
      if (row.length !== cols) {
        throw new Error(`tensor2d: ragged rows: row 0 has ${cols} values but row ${r} has ${row.length}`);
      }
    }
    if (shape && (shape[0] !== rows.length || shape[1] !== cols)) {
      throw new Error(`tensor2d: data is ${rows.length}×${cols} but shape is [${shape[0]}, ${shape[1]}]`);
    }
    const out = new Float32Array(rows.length * cols);
    for (let r = 0; r < rows.length; r++) out.set(rows[r], r * cols);
    return { data: out, shape: [rows.length, cols] };
  }

  // Flat data: Float32Array or number[].
  let flat: Float32Array;
  if (data instanceof Float32Array) flat = data;
  else if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') {
        throw new Error(`tensor2d: element ${i} is ${typeof data[i]}; expected numbers (or number[] rows)`);
      }
    }
    flat = Float32Array.from(data as number[]);
  } else {
    throw new Error('tensor2d: data must be a Float32Array, number[] or number[][]');
  }

  if (shape === undefined) {
    if (Array.isArray(data) && data.length === 0) return { data: flat, shape: [0, 0] };
    return { data: flat, shape: [1, flat.length] };
  }
  const [rows, cols] = shape;
  if (flat.length !== rows * cols) {
    throw new Error(`tensor2d: data has ${flat.length} values but shape [${rows}, ${cols}] needs rows·cols = ${rows * cols}`);
  }
  return { data: flat, shape: [rows, cols] };
}
