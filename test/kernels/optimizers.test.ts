/**
 * assembly/optimizers.ts: SGD (momentum, L2), SGD with L1 + L2, Nesterov, Adam. Each: wasm builds vs
 * the js reference and the js reference vs its float64 formula; the regularised step against a
 * finite difference of the penalty. Tolerances: OPT { abs 1e-7, rel 1e-6 } (lr, β, … are rounded to
 * f32 on the wasm side), ULP against float64.
 */
import { describe, it } from 'vitest';
import type { Kernels } from '../../src/kernels/kernels.js';
import { allBackends, conform, EDGE_SIZES, EXACT, expectClose, FD_H, FD_TOL, OPT, rand, runKernel, ULP } from '../helpers/conformance.js';

describe('optimizers', () => {
  it('sgd conforms and matches v ← μv − η(g + λw), w ← w + v', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, mom, l2] of [
        [0.1, 0, 0],
        [0.05, 0.9, 1e-3],
        [3, 0, 5e-4],
      ] as const) {
        const w = rand(n, n);
        const g = rand(n, n + 1);
        const v = rand(n, n + 2, -0.1, 0.1);
        const ref = await conform(
          'sgd_f32',
          { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, mom, l2] },
          { abs: 1e-7, rel: 1e-6 },
          `n=${n} lr=${lr} μ=${mom} λ=${l2}`,
        );
        const wantV = Array.from(w, (wi, i) => mom * v[i]! - lr * (g[i]! + l2 * wi));
        expectClose(ref.out.v!, wantV, ULP, 'sgd v');
        expectClose(
          ref.out.w!,
          Array.from(w, (wi, i) => wi + wantV[i]!),
          { abs: 1e-7, rel: 1e-6 },
          'sgd w',
        );
      }
    }
  });
});

const sgn = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

describe('optimizers (course set)', () => {
  const SETTINGS = [
    [0.1, 0, 0, 0],
    [0.05, 0.9, 1e-3, 0],
    [0.5, 0, 0, 5e-4],
    [0.02, 0.95, 1e-4, 1e-3],
  ] as const;

  it('sgd_l1l2 and nesterov conform and match their float64 formulas', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, mom, l1, l2] of SETTINGS) {
        const w = rand(n, n);
        w[0] = 0; // sgn 0 = 0
        const g = rand(n, n + 1);
        const v = rand(n, n + 2, -0.1, 0.1);
        const label = `n=${n} lr=${lr} μ=${mom} l1=${l1} l2=${l2}`;
        const ghat = Array.from(w, (wi, i) => g[i]! + l2 * wi + l1 * sgn(wi));
        const vNew = Array.from(w, (_, i) => mom * v[i]! - lr * ghat[i]!);
        const s = await conform(
          'sgd_l1l2_f32',
          { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, mom, l1, l2] },
          OPT,
          label,
        );
        expectClose(s.out.v!, vNew, OPT, `sgd_l1l2 v ${label}`);
        expectClose(
          s.out.w!,
          Array.from(w, (wi, i) => wi + vNew[i]!),
          OPT,
          `sgd_l1l2 w ${label}`,
        );
        const ns = await conform(
          'nesterov_f32',
          { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, lr, mom, l1, l2] },
          OPT,
          label,
        );
        expectClose(ns.out.v!, vNew, OPT, `nesterov v ${label}`);
        expectClose(
          ns.out.w!,
          Array.from(w, (wi, i) => wi + mom * vNew[i]! - lr * ghat[i]!),
          OPT,
          `nesterov w ${label}`,
        );
      }
    }
  });

  it('sgd_l1l2 with l1 = 0 equals sgd_f32, and nesterov with momentum 0 equals plain SGD (every backend)', async () => {
    const n = 129;
    const w = rand(n, 1),
      g = rand(n, 2),
      v = rand(n, 3, -0.1, 0.1);
    for (const [tag, b] of await allBackends()) {
      const run = (name: keyof Kernels, args: number[]) =>
        runKernel(b, name, { inputs: { w, g, v }, outputs: { w: n, v: n }, args: (p) => [p.w!, p.g!, p.v!, n, ...args] }).out;
      const a = run('sgd_f32', [0.1, 0.9, 1e-3]);
      const c = run('sgd_l1l2_f32', [0.1, 0.9, 0, 1e-3]);
      expectClose(c.w!, a.w!, EXACT, `${tag} sgd_l1l2(l1=0) w`);
      expectClose(c.v!, a.v!, EXACT, `${tag} sgd_l1l2(l1=0) v`);
      const d = run('nesterov_f32', [0.1, 0, 0, 1e-3]);
      const e = run('sgd_f32', [0.1, 0, 1e-3]);
      expectClose(d.w!, e.w!, OPT, `${tag} nesterov(μ=0) w`);
    }
  });

  it('the regularised step is −lr·∇(l2·w²/2 + l1·|w|): FD of the penalty (every backend)', async () => {
    const n = 64;
    const w = rand(n, 90, -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
    const zero = new Float32Array(n);
    const l1 = 0.3,
      l2 = 0.7,
      lr = 0.5;
    const P = (x: number) => (l2 * x * x) / 2 + l1 * Math.abs(x);
    const fd = Array.from(w, (x) => (P(x + FD_H) - P(x - FD_H)) / (2 * FD_H));
    for (const [tag, b] of await allBackends()) {
      for (const name of ['sgd_l1l2_f32', 'nesterov_f32'] as const) {
        const { out } = runKernel(b, name, {
          inputs: { w, g: zero, v: zero },
          outputs: { w: n },
          args: (p) => [p.w!, p.g!, p.v!, n, lr, 0, l1, l2],
        });
        expectClose(
          Array.from(out.w!, (x, i) => (w[i]! - x) / lr),
          fd,
          FD_TOL,
          `${name} [${tag}] penalty gradient`,
        );
      }
      const c1 = 1 / (1 - 0.9),
        c2 = 1 / (1 - 0.999);
      const { out } = runKernel(b, 'adam_f32', {
        inputs: { w, g: zero, m: zero, v: zero },
        outputs: { m: n },
        args: (p) => [p.w!, p.g!, p.m!, p.v!, n, lr, 0.9, 0.999, 1e-8, c1, c2, l1, l2],
      });
      // Adam's first moment after one step is (1 − β₁)·ĝ.
      expectClose(
        Array.from(out.m!, (x) => x / 0.1),
        fd,
        FD_TOL,
        `adam [${tag}] regularised gradient`,
      );
    }
  });

  it('adam conforms and matches the bias-corrected float64 update over several steps', async () => {
    const [b1, b2, eps] = [0.9, 0.999, 1e-7];
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, l1, l2] of [
        [1e-3, 0, 0],
        [1e-2, 1e-4, 1e-3],
      ] as const) {
        let w: Float32Array = rand(n, n),
          m: Float32Array = new Float32Array(n),
          v: Float32Array = new Float32Array(n);
        const w64 = Array.from(w),
          m64 = new Array<number>(n).fill(0),
          v64 = new Array<number>(n).fill(0);
        for (let t = 1; t <= 3; t++) {
          const g = rand(n, n * 10 + t);
          const c1 = 1 / (1 - b1 ** t),
            c2 = 1 / (1 - b2 ** t);
          const r = await conform(
            'adam_f32',
            {
              inputs: { w, g, m, v },
              outputs: { w: n, m: n, v: n },
              args: (p) => [p.w!, p.g!, p.m!, p.v!, n, lr, b1, b2, eps, c1, c2, l1, l2],
            },
            { abs: 1e-6, rel: 1e-5 },
            `n=${n} t=${t} lr=${lr}`,
          );
          for (let i = 0; i < n; i++) {
            const gh = g[i]! + l2 * w64[i]! + l1 * sgn(w64[i]!);
            m64[i] = b1 * m64[i]! + (1 - b1) * gh;
            v64[i] = b2 * v64[i]! + (1 - b2) * gh * gh;
            w64[i] = w64[i]! - (lr * c1 * m64[i]!) / (Math.sqrt(c2 * v64[i]!) + eps);
          }
          expectClose(r.out.w!, w64, { abs: 1e-6, rel: 1e-5 }, `adam w n=${n} t=${t}`);
          expectClose(r.out.m!, m64, { abs: 1e-7, rel: 1e-5 }, `adam m n=${n} t=${t}`);
          expectClose(r.out.v!, v64, { abs: 1e-9, rel: 1e-5 }, `adam v n=${n} t=${t}`);
          w = r.out.w!;
          m = r.out.m!;
          v = r.out.v!;
        }
      }
    }
  });
});
