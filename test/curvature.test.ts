/**
 * Curvature kernels (assembly/curvature.ts) conform to their TypeScript twins.
 */
import { describe, it } from 'vitest';
import { conform, EDGE_SIZES, rand } from './helpers/conformance.js';

describe('curvature kernels: wasm vs js', () => {
  const tol = { abs: 1e-6, rel: 2e-5 };
  for (const n of EDGE_SIZES) {
    it(`f'' terms, n = ${n}`, async () => {
      const z = rand(n, 1, -4, 4);
      const rz = rand(n, 2);
      const da = rand(n, 3);
      const init = rand(n, 4);
      const cases: [string, Float32Array][] = [
        ['sigmoid_d2_f32', z.map((v) => 1 / (1 + Math.exp(-v)))],
        ['tanh_d2_f32', z.map(Math.tanh)],
        ['softplus_d2_f32', z.map((v) => Math.log1p(Math.exp(v)))],
        ['elu_d2_f32', z.map((v) => (v > 0 ? v : 0.7 * Math.expm1(v)))],
      ];
      for (const [name, a] of cases) {
        await conform(name as 'tanh_d2_f32', {
          inputs: { z, a, rz, da },
          outputs: { rdz: n },
          init: { rdz: init },
          args: (q) => [q.z!, q.a!, q.rz!, q.da!, q.rdz!, n, 0.7],
        }, tol, `n=${n}`);
      }
    });
    it(`softmax R-backward and loss Hessian products, cols = ${n}`, async () => {
      const rows = 3;
      const m = rows * n;
      const a = rand(m, 5, 0.01, 1);
      await conform('softmax_rbwd_rows_f32', {
        inputs: { a, ra: rand(m, 6), da: rand(m, 7), rda: rand(m, 8) },
        outputs: { rdz: m },
        args: (q) => [q.a!, q.ra!, q.da!, q.rda!, q.rdz!, rows, n],
      }, { abs: 2e-6, rel: 1e-4 }, `cols=${n}`);
      await conform('softmax_xent_hvp_rows_f32', {
        inputs: { a, u: rand(m, 9) },
        outputs: { out: m },
        args: (q) => [q.a!, q.u!, q.out!, rows, n, 0.25],
      }, { abs: 1e-6, rel: 1e-4 }, `cols=${n}`);
      await conform('sigmoid_bce_hvp_f32', {
        inputs: { a, u: rand(m, 10) },
        outputs: { out: m },
        args: (q) => [q.a!, q.u!, q.out!, m, 0.5],
      }, tol, `n=${m}`);
      await conform('mse_hvp_f32', {
        inputs: { u: rand(m, 11) },
        outputs: { out: m },
        args: (q) => [q.u!, q.out!, m, 0.3],
      }, tol, `n=${m}`);
    });
    it(`per-sample dense Jacobian rows, nout = ${n}`, async () => {
      const rows = 3, nin = 5, ldj = nin * n + n + 7;
      for (const bias of [0, 1]) {
        await conform('jacobian_dense_rows_f32', {
          inputs: { x: rand(rows * nin, 12), d: rand(rows * n, 13) },
          outputs: { j: rows * ldj },
          init: { j: rand(rows * ldj, 14) },
          args: (q) => [q.x!, q.d!, q.j!, rows, nin, n, ldj, bias],
        }, { abs: 0, rel: 1e-6 }, `nout=${n} bias=${bias}`);
      }
    });
  }
});
