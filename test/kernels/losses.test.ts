/**
 * assembly/losses.ts: squared error, binary cross-entropy (fused from logits and on clipped
 * probabilities), binary and multi-class (Crammer–Singer) hinge. Each: wasm builds vs the js
 * reference, the js reference vs float64 closed forms, and the delta vs central finite differences
 * of the loss on every backend. conform() allows 100× abs and 10× rel on returned scalars (losses
 * summed over many rows).
 */
import { describe, expect, it } from 'vitest';
import {
  allBackends,
  binaryTargets,
  COLS,
  conform,
  EDGE_SIZES,
  EXACT,
  EXP,
  expectClose,
  f32,
  FD_H,
  FD_TOL,
  oneHot,
  rand,
  ROWS,
  runKernel,
  sigmoid64,
  ULP,
} from '../helpers/conformance.js';

describe('losses', () => {
  it('sqerr conforms and matches Σ(a − y)², da = scale·(a − y)', async () => {
    for (const n of [...EDGE_SIZES, 1000, 5003]) {
      const a = rand(n, n, -2, 2);
      const y = rand(n, n + 1, -2, 2);
      const scale = 0.5;
      const ref = await conform(
        'sqerr_f32',
        { inputs: { a, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, scale] },
        { abs: 1e-6, rel: 1e-6 },
        `n=${n}`,
      );
      let want = 0;
      for (let i = 0; i < n; i++) want += (a[i]! - y[i]!) ** 2;
      expect(Math.abs(ref.ret - want)).toBeLessThanOrEqual(1e-12 * want);
      expectClose(
        ref.out.da!,
        Array.from(a, (v, i) => scale * Math.fround(v - y[i]!)),
        ULP,
        'sqerr da',
      );
    }
  });
});

describe('binary cross-entropy', () => {
  it('bce_logits conforms: a = σ(z), dz = scale·(a − y), stable loss', async () => {
    for (const n of [...EDGE_SIZES, 1000, 3001]) {
      const z = rand(n, n, -12, 12);
      const y = binaryTargets(n, n + 1);
      await conform(
        'bce_logits_f32',
        { inputs: { z, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, n, 1 / n] },
        EXP,
        `n=${n}`,
      );
    }
  });

  it('bce_logits: js matches float64 −[y·log σ + (1 − y)·log(1 − σ)]; extremes stay finite', async () => {
    const [, js] = (await allBackends())[0]!;
    const z = rand(300, 7, -15, 15);
    const y = rand(300, 8, 0, 1); // soft labels
    const { out, ret } = runKernel(js, 'bce_logits_f32', {
      inputs: { z, y },
      outputs: { a: 300, dz: 300 },
      args: (p) => [p.z!, p.y!, p.a!, p.dz!, 300, 0.5],
    });
    let want = 0;
    for (let i = 0; i < 300; i++) {
      const s = sigmoid64(z[i]!);
      want -= y[i]! * Math.log(s) + (1 - y[i]!) * Math.log(1 - s);
    }
    expect(Math.abs(ret - want)).toBeLessThan(1e-9 * want);
    expectClose(out.a!, Array.from(z, sigmoid64), ULP, 'bce a');
    expectClose(
      out.dz!,
      Array.from(out.a!, (a, i) => 0.5 * (a - y[i]!)),
      ULP,
      'bce dz',
    );
    const zx = f32([100, -100, 1e4, -1e4, 0]);
    const yx = f32([0, 1, 0, 1, 1]);
    for (const [tag, b] of await allBackends()) {
      const r = runKernel(b, 'bce_logits_f32', {
        inputs: { z: zx, y: yx },
        outputs: { a: 5, dz: 5 },
        args: (p) => [p.z!, p.y!, p.a!, p.dz!, 5, 1],
      });
      // Wrong by a margin m costs m; z = 0 costs log 2.
      expect(Math.abs(r.ret - (100 + 100 + 1e4 + 1e4 + Math.LN2)), `${tag} extreme loss ${r.ret}`).toBeLessThan(1e-2);
      expect(Array.from(r.out.dz!), `${tag} extreme dz`).toEqual([1, -1, 1, -1, -0.5]);
    }
  });

  it('bce_logits dz is the gradient of its loss (central FD, every backend)', async () => {
    const n = 23;
    const z = rand(n, 50, -4, 4);
    const y = rand(n, 51, 0, 1);
    for (const [tag, b] of await allBackends()) {
      const run = (zz: Float32Array) =>
        runKernel(b, 'bce_logits_f32', { inputs: { z: zz, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, n, 1] });
      const fd = Array.from(z, (_, i) => {
        const zp = z.slice(),
          zm = z.slice();
        zp[i]! += FD_H;
        zm[i]! -= FD_H;
        return (run(zp).ret - run(zm).ret) / (zp[i]! - zm[i]!);
      });
      expectClose(run(z).out.dz!, fd, FD_TOL, `bce_logits [${tag}] dz vs FD`);
    }
  });

  it('bce (probabilities, clipped) conforms, matches float64, and da is its gradient', async () => {
    const eps = 1e-7;
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, 0, 1);
      a[0] = 0; // clipped
      if (n > 2) a[2] = 1;
      const y = binaryTargets(n, n + 3);
      const ref = await conform(
        'bce_f32',
        { inputs: { a, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1 / n, eps] },
        { abs: 1e-6, rel: 1e-5 },
        `n=${n}`,
      );
      const e = Math.fround(eps);
      let want = 0;
      for (let i = 0; i < n; i++) {
        const c = Math.min(Math.max(a[i]!, e), Math.fround(1 - e));
        want -= y[i]! * Math.log(c) + (1 - y[i]!) * Math.log(1 - c);
      }
      expect(Math.abs(ref.ret - want), `bce n=${n}`).toBeLessThanOrEqual(1e-6 * want + 1e-9);
      expect(ref.out.da!.every(Number.isFinite)).toBe(true);
    }
    const n = 17;
    const a = rand(n, 60, 0.1, 0.9);
    const y = rand(n, 61, 0, 1);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) =>
        runKernel(b, 'bce_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1, eps] });
      const h = 1e-3;
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(),
          am = a.slice();
        ap[i]! += h;
        am[i]! -= h;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, { abs: 1e-3, rel: 2e-3 }, `bce [${tag}] da vs FD`);
    }
  });
});

describe('hinge losses', () => {
  it('binary hinge conforms, matches Σ max(0, 1 − y·a) and its subgradient, FD away from the kink', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, -2, 2);
      const y = binaryTargets(n, n + 1, -1);
      const ref = await conform(
        'hinge_f32',
        { inputs: { a, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 0.5] },
        { abs: 1e-6, rel: 1e-6 },
        `n=${n}`,
      );
      let want = 0;
      for (let i = 0; i < n; i++) want += Math.max(0, 1 - y[i]! * a[i]!);
      expect(Math.abs(ref.ret - want)).toBeLessThanOrEqual(1e-6 * want + 1e-9);
      expectClose(
        ref.out.da!,
        Array.from(a, (v, i) => (y[i]! * v < 1 ? -0.5 * y[i]! : 0)),
        EXACT,
        'hinge da',
      );
    }
    const n = 19;
    const a = rand(n, 70, -2, 2).map((v) => (Math.abs(Math.abs(v) - 1) < 0.05 ? v * 1.2 : v));
    const y = binaryTargets(n, 71, -1);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) =>
        runKernel(b, 'hinge_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, n, 1] });
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(),
          am = a.slice();
        ap[i]! += FD_H;
        am[i]! -= FD_H;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, FD_TOL, `hinge [${tag}] da vs FD`);
    }
  });

  it('multi-class (Crammer–Singer) hinge conforms over rows × cols and matches float64', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        const a = rand(n, n + 5, -1.5, 1.5).map((v) => Math.round(v * 4) / 4); // ties too
        const y = oneHot(rows, cols, n);
        const scale = 1 / rows;
        const ref = await conform(
          'hinge_multi_rows_f32',
          {
            inputs: { a, y },
            outputs: { da: n },
            init: { da: new Float32Array(n).fill(NaN) },
            args: (p) => [p.a!, p.y!, p.da!, rows, cols, scale],
          },
          EXACT,
          `${rows}×${cols}`,
        );
        let want = 0;
        const wantDa = new Array<number>(n).fill(0);
        for (let r = 0; r < rows; r++) {
          const row = Array.from(a.subarray(r * cols, (r + 1) * cols));
          const t = Array.from(y.subarray(r * cols, (r + 1) * cols)).indexOf(1);
          let js = -1;
          for (let j = 0; j < cols; j++) if (j !== t && (js < 0 || row[j]! > row[js]!)) js = j;
          if (js < 0) continue;
          const l = 1 + row[js]! - row[t]!;
          if (l > 0) {
            want += l;
            wantDa[r * cols + t] = -Math.fround(scale);
            wantDa[r * cols + js] = Math.fround(scale);
          }
        }
        expect(Math.abs(ref.ret - want), `hinge_multi ${rows}×${cols}`).toBeLessThanOrEqual(1e-9 * want + 1e-9);
        expectClose(ref.out.da!, wantDa, EXACT, `hinge_multi da ${rows}×${cols}`);
      }
    }
  });

  it('multi-class hinge da matches finite differences (every backend, no ties)', async () => {
    const rows = 6,
      cols = 10,
      n = rows * cols;
    const a = rand(n, 80, -1, 1);
    const y = oneHot(rows, cols, 81);
    for (const [tag, b] of await allBackends()) {
      const run = (aa: Float32Array) =>
        runKernel(b, 'hinge_multi_rows_f32', { inputs: { a: aa, y }, outputs: { da: n }, args: (p) => [p.a!, p.y!, p.da!, rows, cols, 1] });
      const h = 1e-3;
      const fd = Array.from(a, (_, i) => {
        const ap = a.slice(),
          am = a.slice();
        ap[i]! += h;
        am[i]! -= h;
        return (run(ap).ret - run(am).ret) / (ap[i]! - am[i]!);
      });
      expectClose(run(a).out.da!, fd, FD_TOL, `hinge_multi [${tag}] da vs FD`);
    }
  });
});
