/**
 * assembly/curvature.ts: the f'' terms of the backward R-pass (sigmoid, tanh, softplus, ELU), the
 * softmax R-backward, the loss Hessian-vector products (softmax + cross-entropy, sigmoid + binary
 * cross-entropy, squared error) and the per-sample dense Jacobian rows, every wasm build against
 * the js twin over EDGE_SIZES. The products themselves are checked against float64 oracles in
 * test/curvature.test.ts.
 *
 * Tolerances: { abs 1e-6, rel 2e-5 } for the elementwise terms (a few f32 roundings on exp-based
 * inputs), { abs 2e-6, rel 1e-4 } / { abs 1e-6, rel 1e-4 } for the row kernels (f32 dot products
 * of up to 129 terms), { abs 0, rel 1e-6 } for the Jacobian rows (one product each).
 */
import { describe, it } from 'vitest';
import { conformTable, EDGE_SIZES, rand, type ConformRow, type Tolerance } from '../helpers/conformance.js';

const tol: Tolerance = { abs: 1e-6, rel: 2e-5 };

/** The f'' terms at n elements: rdz += f''(z)⊙rz⊙da, rdz pre-filled. */
function d2Rows(n: number): ConformRow[] {
  const z = rand(n, 1, -4, 4);
  const rz = rand(n, 2);
  const da = rand(n, 3);
  const init = rand(n, 4);
  const cases: [ConformRow['kernel'], Float32Array][] = [
    ['sigmoid_d2_f32', z.map((v) => 1 / (1 + Math.exp(-v)))],
    ['tanh_d2_f32', z.map(Math.tanh)],
    ['softplus_d2_f32', z.map((v) => Math.log1p(Math.exp(v)))],
    ['elu_d2_f32', z.map((v) => (v > 0 ? v : 0.7 * Math.expm1(v)))],
  ];
  return cases.map(([kernel, a]) => ({
    kernel,
    shape: `n=${n}`,
    tol,
    call: {
      inputs: { z, a, rz, da },
      outputs: { rdz: n },
      init: { rdz: init },
      args: (q) => [q.z!, q.a!, q.rz!, q.da!, q.rdz!, n, 0.7],
    },
  }));
}

/** Softmax R-backward and the loss Hessian products, 3 rows of `cols`. */
function rowKernelRows(n: number): ConformRow[] {
  const rows = 3;
  const m = rows * n;
  const a = rand(m, 5, 0.01, 1);
  return [
    {
      kernel: 'softmax_rbwd_rows_f32',
      shape: `cols=${n}`,
      tol: { abs: 2e-6, rel: 1e-4 },
      call: {
        inputs: { a, ra: rand(m, 6), da: rand(m, 7), rda: rand(m, 8) },
        outputs: { rdz: m },
        args: (q) => [q.a!, q.ra!, q.da!, q.rda!, q.rdz!, rows, n],
      },
    },
    {
      kernel: 'softmax_xent_hvp_rows_f32',
      shape: `cols=${n}`,
      tol: { abs: 1e-6, rel: 1e-4 },
      call: { inputs: { a, u: rand(m, 9) }, outputs: { out: m }, args: (q) => [q.a!, q.u!, q.out!, rows, n, 0.25] },
    },
    {
      kernel: 'sigmoid_bce_hvp_f32',
      shape: `n=${m}`,
      tol,
      call: { inputs: { a, u: rand(m, 10) }, outputs: { out: m }, args: (q) => [q.a!, q.u!, q.out!, m, 0.5] },
    },
    {
      kernel: 'mse_hvp_f32',
      shape: `n=${m}`,
      tol,
      call: { inputs: { u: rand(m, 11) }, outputs: { out: m }, args: (q) => [q.u!, q.out!, m, 0.3] },
    },
  ];
}

/** Per-sample dense Jacobian rows with nout = n, without and with the bias block. */
function jacobianRows(n: number): ConformRow[] {
  const rows = 3,
    nin = 5,
    ldj = nin * n + n + 7;
  return [0, 1].map((bias) => ({
    kernel: 'jacobian_dense_rows_f32',
    shape: `nout=${n} bias=${bias}`,
    tol: { abs: 0, rel: 1e-6 },
    call: {
      inputs: { x: rand(rows * nin, 12), d: rand(rows * n, 13) },
      outputs: { j: rows * ldj },
      init: { j: rand(rows * ldj, 14) },
      args: (q) => [q.x!, q.d!, q.j!, rows, nin, n, ldj, bias],
    },
  }));
}

describe('curvature kernels: wasm vs js', () => {
  for (const n of EDGE_SIZES) {
    it(`f'' terms, n = ${n}`, async () => {
      await conformTable(d2Rows(n));
    });
    it(`softmax R-backward and loss Hessian products, cols = ${n}`, async () => {
      await conformTable(rowKernelRows(n));
    });
    it(`per-sample dense Jacobian rows, nout = ${n}`, async () => {
      await conformTable(jacobianRows(n));
    });
  }
});
