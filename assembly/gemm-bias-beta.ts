// GEMM with k = 0 (no product): C = bias + beta·C, on the whole [m×n] C (biasBetaOnly) or on a
// column slice of it (biasBetaRows).
//
// Used by gemm.ts (the entry points) and gemm-slices.ts (column slices).

/** k = 0: C = bias + beta·C. */
export function biasBetaOnly(c: usize, m: i32, n: i32, bias: usize, beta: f32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const o = (<usize>(i * n + j)) << 2;
      let v: f32 = bias != 0 ? load<f32>(bias + (<usize>j << 2)) : 0;
      if (beta != 0) v += beta * load<f32>(c + o);
      store<f32>(c + o, v);
    }
  }
}

/** k = 0 on a column slice: C[i, 0:cols] = bias + beta·C for rows i < m, ldc floats apart. */
export function biasBetaRows(c: usize, m: i32, cols: i32, ldc: i32, bias: usize, beta: f32): void {
  for (let i = 0; i < m; i++) biasBetaOnly(c + <usize>i * (<usize>ldc << 2), 1, cols, bias, beta);
}
