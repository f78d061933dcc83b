/**
 * assembly/softmax.ts: softmax_rows, softmax_bwd_rows and the fused softmax + cross-entropy
 * (softmax_xent_rows): conformance over rows × cols (cols = 1 and 10 included), stability for logits
 * up to ±1e4, the js reference against float64, and the gradients against central finite
 * differences. Tolerances: EXP for the exp-polynomial outputs, ULP against float64, FD_TOL for FD.
 */
import { describe, expect, it } from 'vitest';
import { allBackends, COLS, conform, EXP, expectClose, f32, FD_TOL, oneHot, rand, ROWS, runKernel, ULP } from '../helpers/conformance.js';

/** Float64 softmax of one row. */
function softmax64(z: ArrayLike<number>): { a: number[]; lse: number } {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]!);
  let s = 0;
  for (let j = 0; j < z.length; j++) s += Math.exp(z[j]! - m);
  return { a: Array.from(z, (v) => Math.exp(v - m) / s), lse: m + Math.log(s) };
}

describe('softmax', () => {
  it('softmax_rows / softmax_bwd_rows / softmax_xent_rows conform over rows × cols', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        const z = rand(n, rows * 1000 + cols, -8, 8);
        const label = `${rows}×${cols}`;
        const fwd = await conform(
          'softmax_rows_f32',
          { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, rows, cols] },
          EXP,
          label,
        );
        const da = rand(n, n + 3);
        await conform(
          'softmax_bwd_rows_f32',
          { inputs: { a: fwd.out.a!, da }, outputs: { dz: n }, args: (p) => [p.a!, p.da!, p.dz!, rows, cols] },
          { abs: 1e-6, rel: 1e-5 },
          label,
        );
        const y = oneHot(rows, cols, n + 5);
        const scale = 1 / rows;
        await conform(
          'softmax_xent_rows_f32',
          { inputs: { z, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, scale] },
          EXP,
          label,
        );
      }
    }
  });

  it('softmax is stable for logits up to ±1e4 and rows sum to 1 (every backend)', async () => {
    const cols = 10;
    const rows = 4;
    const z = f32([
      1e4, -1e4, 0, 5, 1e4, -3, 2, 9999, -1e4, 1, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -9999, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      88, 89, 100, 200, -200, 3, 4, 5, 6, 7,
    ]);
    const y = oneHot(rows, cols, 3);
    for (const [tag, b] of await allBackends()) {
      const { out, ret } = runKernel(b, 'softmax_xent_rows_f32', {
        inputs: { z, y },
        outputs: { a: rows * cols, dz: rows * cols },
        args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, 1],
      });
      let want = 0;
      for (let r = 0; r < rows; r++) {
        const row = z.subarray(r * cols, (r + 1) * cols);
        const { a, lse } = softmax64(row);
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const got = out.a![r * cols + j]!;
          expect(Number.isFinite(got), `${tag} a[${r},${j}] finite`).toBe(true);
          expect(Math.abs(got - a[j]!), `${tag} a[${r},${j}]`).toBeLessThanOrEqual(1e-6 * a[j]! + 1e-7);
          sum += got;
          want += y[r * cols + j]! * (lse - row[j]!);
        }
        expect(Math.abs(sum - 1), `${tag} row ${r} sums to 1`).toBeLessThan(1e-6);
      }
      expect(Number.isFinite(ret), `${tag} loss finite`).toBe(true);
      expect(Math.abs(ret - want), `${tag} loss`).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-5);
    }
  });

  it('js softmax_xent matches float64: a, loss = Σ y·(lse − z), dz = scale·(a − y)', async () => {
    const [, js] = (await allBackends())[0]!;
    for (const [rows, cols] of [
      [7, 10],
      [5, 1],
      [3, 129],
    ] as const) {
      const n = rows * cols;
      const z = rand(n, 99 + n, -20, 20);
      const y = oneHot(rows, cols, n);
      const scale = 0.25;
      const { out, ret } = runKernel(js, 'softmax_xent_rows_f32', {
        inputs: { z, y },
        outputs: { a: n, dz: n },
        args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, scale],
      });
      let loss = 0;
      const wantA: number[] = [];
      const wantDz: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = z.subarray(r * cols, (r + 1) * cols);
        const { a } = softmax64(row);
        for (let j = 0; j < cols; j++) {
          const yj = y[r * cols + j]!;
          loss += yj === 0 ? 0 : -yj * Math.log(a[j]!); // the textbook form, in float64
          wantA.push(a[j]!);
          wantDz.push(scale * (Math.fround(a[j]!) - yj));
        }
      }
      expectClose(out.a!, wantA, ULP, `softmax ${rows}×${cols} a`);
      expectClose(out.dz!, wantDz, ULP, `softmax_xent ${rows}×${cols} dz = scale·(a − y)`);
      expect(Math.abs(ret - loss)).toBeLessThanOrEqual(1e-9 * Math.abs(loss) + 1e-9);
    }
  });

  it('softmax_xent dz is the gradient of its loss (central FD on every backend)', async () => {
    const rows = 3,
      cols = 10,
      n = rows * cols;
    const z = rand(n, 5, -2, 2);
    const y = oneHot(rows, cols, 6);
    const h = 1e-2;
    for (const [tag, b] of await allBackends()) {
      const loss = (zz: Float32Array) =>
        runKernel(b, 'softmax_xent_rows_f32', {
          inputs: { z: zz, y },
          outputs: { a: n, dz: n },
          args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, 1],
        });
      const base = loss(z);
      const fd: number[] = [];
      for (let i = 0; i < n; i++) {
        const zp = z.slice(),
          zm = z.slice();
        zp[i]! += h;
        zm[i]! -= h;
        fd.push((loss(zp).ret - loss(zm).ret) / (zp[i]! - zm[i]!));
      }
      expectClose(base.out.dz!, fd, FD_TOL, `softmax_xent [${tag}] dz vs FD`);
    }
  });

  it('softmax_bwd_rows is the Jacobian-vector product of softmax_rows (central FD)', async () => {
    const rows = 2,
      cols = 10,
      n = rows * cols;
    const z = rand(n, 15, -2, 2);
    const da = rand(n, 16);
    const h = 1e-2;
    for (const [tag, b] of await allBackends()) {
      const sm = (zz: Float32Array) =>
        runKernel(b, 'softmax_rows_f32', { inputs: { z: zz }, outputs: { a: n }, args: (p) => [p.z!, p.a!, rows, cols] }).out.a!;
      const a = sm(z);
      const { out } = runKernel(b, 'softmax_bwd_rows_f32', {
        inputs: { a, da },
        outputs: { dz: n },
        args: (p) => [p.a!, p.da!, p.dz!, rows, cols],
      });
      // d/dz_i of L = Σ_j da_j·a_j(z)
      const fd: number[] = [];
      for (let i = 0; i < n; i++) {
        const zp = z.slice(),
          zm = z.slice();
        zp[i]! += h;
        zm[i]! -= h;
        const ap = sm(zp),
          am = sm(zm);
        let l = 0;
        for (let j = 0; j < n; j++) l += da[j]! * (ap[j]! - am[j]!);
        fd.push(l / (zp[i]! - zm[i]!));
      }
      expectClose(out.dz!, fd, FD_TOL, `softmax_bwd [${tag}] vs FD`);
    }
  });
});
