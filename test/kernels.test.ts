/**
 * Conformance and gradient tests for the non-GEMM kernels of the core contract: activations,
 * softmax (+ fused cross-entropy), squared error, reductions, SGD.
 *
 * Two kinds of checks:
 * 1. conform(): every wasm build (baseline SIMD and relaxed SIMD when the engine runs it) against
 *    the js reference, over edge sizes 1, 3, 5, 17, 127, 128, 129 and rows × cols combinations that
 *    include cols = 1 and cols = 10.
 * 2. The js reference (and, where cheap, every backend) against closed forms in float64, against the
 *    analytic derivative, and against a central finite difference of the forward kernel; extreme
 *    inputs (0, ±50, ±100, ±1e4) must saturate without NaN.
 *
 * Tolerances (|got − ref| ≤ abs + rel·|ref|), chosen from the arithmetic, not from observed noise:
 * - EXACT: kernels that only select/copy (linear, relu, gather, argmax): bit-identical.
 * - ULP: one or two f32 roundings against a float64 reference (bwd products, sgd, sqerr's da):
 *   rel 1e-6 (≈ 8 ulp), abs 1e-30 (denormal noise).
 * - EXP: kernels built on the wasm exp polynomial (sigmoid, tanh, softmax): rel 2e-6, abs 1e-7
 *   (the polynomial is within ≈ 2e-7 relative; abs covers values the reference keeps as denormals
 *   that wasm flushes to 0, and tanh/σ near 0 where a few ulp of 1 matter).
 * - SUM: f32 sums against float64 sums of up to 129 terms of magnitude ≤ 1: rel 1e-5, abs 1e-5.
 * conform() allows 100× abs and 10× rel on returned scalars (losses summed over many rows).
 * Finite differences use h = 1e-2 on the f32 forward kernel: truncation h²·|f'''|/6 ≤ 2e-5 plus
 * rounding 2·6e-8/(2h) ≈ 6e-6, so 2e-4 absolute is a safe bound.
 */
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../src/kernels/kernels.js';
import { allBackends, conform, EDGE_SIZES, expectClose, rand, runKernel, type Tolerance } from './helpers/conformance.js';

const EXACT: Tolerance = { abs: 0, rel: 0 };
const ULP: Tolerance = { abs: 1e-30, rel: 1e-6 };
const EXP: Tolerance = { abs: 1e-7, rel: 2e-6 };
const SUM: Tolerance = { abs: 1e-5, rel: 1e-5 };
const FD_H = 1e-2;
const FD_TOL: Tolerance = { abs: 2e-4, rel: 1e-3 };

const ROWS = [1, 3, 17, 128, 129];
const COLS = [1, 3, 5, 10, 17, 127, 128, 129];

type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh';
const ACTS: Act[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** Closed forms in float64: f and f'. */
const CLOSED: Record<Act, { f: (z: number) => number; df: (z: number) => number; tol: Tolerance }> = {
  linear: { f: (z) => z, df: () => 1, tol: EXACT },
  relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0), tol: EXACT },
  sigmoid: {
    f: (z) => 1 / (1 + Math.exp(-z)),
    df: (z) => {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    },
    tol: ULP,
  },
  tanh: { f: (z) => Math.tanh(z), df: (z) => 1 - Math.tanh(z) ** 2, tol: ULP },
};

/** Inputs with a spread of magnitudes and the special points. */
function actInputs(n: number, seed: number): Float32Array {
  const z = rand(n, seed, -6, 6);
  const special = [0, -0, 1e-5, -1e-5, 0.5, -0.7, 3, -3, 10, -10];
  for (let i = 0; i < n; i += 7) z[i] = special[(i / 7) % special.length]!;
  return z;
}

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

describe('activations', () => {
  for (const act of ACTS) {
    const tol = act === 'sigmoid' || act === 'tanh' ? EXP : EXACT;
    const bwdTol = act === 'sigmoid' || act === 'tanh' ? ULP : EXACT;
    it(`${act}: wasm fwd/bwd conform to js over edge sizes`, async () => {
      for (const n of [...EDGE_SIZES, 1000, 4099]) {
        const z = actInputs(n, n);
        const fwd = await conform(
          `${act}_fwd_f32` as keyof Kernels,
          { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] },
          tol,
          `n=${n}`,
        );
        const da = rand(n, n + 100);
        // bwd gets the same a on every backend (the js a), so only the bwd arithmetic is compared.
        await conform(
          `${act}_bwd_f32` as keyof Kernels,
          { inputs: { z, a: fwd.out.a!, da }, outputs: { dz: n }, args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0] },
          bwdTol,
          `n=${n}`,
        );
        // In place: dz aliases da.
        await conform(
          `${act}_bwd_f32` as keyof Kernels,
          { inputs: { z, a: fwd.out.a!, da }, outputs: { da: n }, args: (p) => [p.z!, p.a!, p.da!, p.da!, n, 0] },
          bwdTol,
          `in-place n=${n}`,
        );
      }
    });

    it(`${act}: js reference matches the float64 closed form and derivative`, async () => {
      const [, js] = (await allBackends())[0]!;
      const n = 513;
      const z = actInputs(n, 7);
      const { out } = runKernel(js, `${act}_fwd_f32` as keyof Kernels, {
        inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0],
      });
      const want = Array.from(z, (v) => Math.fround(CLOSED[act].f(v)));
      expectClose(out.a!, want, CLOSED[act].tol, `${act} fwd vs closed form`);
      const da = rand(n, 8);
      const bwd = runKernel(js, `${act}_bwd_f32` as keyof Kernels, {
        inputs: { z, a: out.a!, da }, outputs: { dz: n }, args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0],
      });
      const wantD = Array.from(z, (v, i) => da[i]! * CLOSED[act].df(v));
      expectClose(bwd.out.dz!, wantD, { abs: 1e-7, rel: 1e-6 }, `${act} bwd vs analytic derivative`);
    });

    it(`${act}: bwd matches a central finite difference of fwd on every backend`, async () => {
      const n = 129;
      // Keep away from relu's kink at 0 (the FD straddles it).
      const z = rand(n, 11, -3, 3).map((v) => (Math.abs(v) < 2 * FD_H ? v + 0.1 : v));
      const zp = z.map((v) => v + FD_H);
      const zm = z.map((v) => v - FD_H);
      const ones = new Float32Array(n).fill(1);
      for (const [tag, b] of await allBackends()) {
        const run = (zz: Float32Array) =>
          runKernel(b, `${act}_fwd_f32` as keyof Kernels, { inputs: { z: zz }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] })
            .out.a!;
        const a = run(z), ap = run(zp), am = run(zm);
        const fd = Array.from(ap, (v, i) => (v - am[i]!) / (zp[i]! - zm[i]!));
        const { out } = runKernel(b, `${act}_bwd_f32` as keyof Kernels, {
          inputs: { z, a, da: ones }, outputs: { dz: n }, args: (p) => [p.z!, p.a!, p.da!, p.dz!, n, 0],
        });
        expectClose(out.dz!, fd, FD_TOL, `${act} [${tag}] bwd vs finite difference`);
      }
    });
  }

  it('saturates at extreme inputs without NaN (every backend)', async () => {
    const z = f32([100, -100, 1e4, -1e4, 0, -0, 50, -50, 88, -88, 87.5, -87.5, 1e-30, -1e-30, 1e-8, 20, -20]);
    const n = z.length;
    for (const [tag, b] of await allBackends()) {
      const run = (act: Act) =>
        runKernel(b, `${act}_fwd_f32` as keyof Kernels, { inputs: { z }, outputs: { a: n }, args: (p) => [p.z!, p.a!, n, 0] })
          .out.a!;
      const s = run('sigmoid');
      const t = run('tanh');
      const r = run('relu');
      for (let i = 0; i < n; i++) {
        expect(Number.isNaN(s[i]!), `${tag} sigmoid(${z[i]}) NaN`).toBe(false);
        expect(Number.isNaN(t[i]!), `${tag} tanh(${z[i]}) NaN`).toBe(false);
        expect(Math.abs(s[i]! - 1 / (1 + Math.exp(-z[i]!))), `${tag} sigmoid(${z[i]})`).toBeLessThanOrEqual(1e-7);
        expect(Math.abs(t[i]! - Math.tanh(z[i]!)), `${tag} tanh(${z[i]})`).toBeLessThanOrEqual(1e-7);
        expect(r[i] === Math.max(z[i]!, 0), `${tag} relu(${z[i]})`).toBe(true);
      }
      expect(s[0], `${tag} sigmoid(100)`).toBe(1);
      expect(s[1]!, `${tag} sigmoid(-100)`).toBeLessThan(1e-38);
      expect(s[2], `${tag} sigmoid(1e4)`).toBe(1);
      expect(s[3], `${tag} sigmoid(-1e4)`).toBe(0);
      expect(s[4], `${tag} sigmoid(0)`).toBe(0.5);
      expect(t[6], `${tag} tanh(50)`).toBe(1);
      expect(t[7], `${tag} tanh(-50)`).toBe(-1);
      expect(t[2], `${tag} tanh(1e4)`).toBe(1);
      expect(t[3], `${tag} tanh(-1e4)`).toBe(-1);
      expect(t[4], `${tag} tanh(0)`).toBe(0);
      // Near 0 tanh is accurate relatively, not just absolutely.
      expect(Math.abs(t[12]! / 1e-30 - 1), `${tag} tanh(1e-30)`).toBeLessThan(1e-6);
      expect(Math.abs(t[14]! / Math.fround(1e-8) - 1), `${tag} tanh(1e-8)`).toBeLessThan(1e-6);
    }
  });

  it('NaN propagates through every activation (poison stays visible)', async () => {
    const z = f32([NaN, 1, NaN, -1, 2]);
    for (const [tag, b] of await allBackends()) {
      for (const act of ACTS) {
        const { out } = runKernel(b, `${act}_fwd_f32` as keyof Kernels, {
          inputs: { z }, outputs: { a: 5 }, args: (p) => [p.z!, p.a!, 5, 0],
        });
        expect(Number.isNaN(out.a![0]!), `${tag} ${act}(NaN)`).toBe(true);
        expect(Number.isNaN(out.a![2]!), `${tag} ${act}(NaN) tail`).toBe(true);
      }
    }
  });
});

/** Float64 softmax of one row. */
function softmax64(z: ArrayLike<number>): { a: number[]; lse: number } {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]!);
  let s = 0;
  for (let j = 0; j < z.length; j++) s += Math.exp(z[j]! - m);
  return { a: Array.from(z, (v) => Math.exp(v - m) / s), lse: m + Math.log(s) };
}

function oneHot(rows: number, cols: number, seed: number): Float32Array {
  const y = new Float32Array(rows * cols);
  const u = rand(rows, seed, 0, 1);
  for (let r = 0; r < rows; r++) y[r * cols + Math.min(cols - 1, Math.floor(u[r]! * cols))] = 1;
  return y;
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
      1e4, -1e4, 0, 5, 1e4, -3, 2, 9999, -1e4, 1,
      -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -9999,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      88, 89, 100, 200, -200, 3, 4, 5, 6, 7,
    ]);
    const y = oneHot(rows, cols, 3);
    for (const [tag, b] of await allBackends()) {
      const { out, ret } = runKernel(b, 'softmax_xent_rows_f32', {
        inputs: { z, y }, outputs: { a: rows * cols, dz: rows * cols },
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
    for (const [rows, cols] of [[7, 10], [5, 1], [3, 129]] as const) {
      const n = rows * cols;
      const z = rand(n, 99 + n, -20, 20);
      const y = oneHot(rows, cols, n);
      const scale = 0.25;
      const { out, ret } = runKernel(js, 'softmax_xent_rows_f32', {
        inputs: { z, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, scale],
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
    const rows = 3, cols = 10, n = rows * cols;
    const z = rand(n, 5, -2, 2);
    const y = oneHot(rows, cols, 6);
    const h = 1e-2;
    for (const [tag, b] of await allBackends()) {
      const loss = (zz: Float32Array) =>
        runKernel(b, 'softmax_xent_rows_f32', {
          inputs: { z: zz, y }, outputs: { a: n, dz: n }, args: (p) => [p.z!, p.y!, p.a!, p.dz!, rows, cols, 1],
        });
      const base = loss(z);
      const fd: number[] = [];
      for (let i = 0; i < n; i++) {
        const zp = z.slice(), zm = z.slice();
        zp[i]! += h;
        zm[i]! -= h;
        fd.push((loss(zp).ret - loss(zm).ret) / (zp[i]! - zm[i]!));
      }
      expectClose(base.out.dz!, fd, FD_TOL, `softmax_xent [${tag}] dz vs FD`);
    }
  });

  it('softmax_bwd_rows is the Jacobian-vector product of softmax_rows (central FD)', async () => {
    const rows = 2, cols = 10, n = rows * cols;
    const z = rand(n, 15, -2, 2);
    const da = rand(n, 16);
    const h = 1e-2;
    for (const [tag, b] of await allBackends()) {
      const sm = (zz: Float32Array) =>
        runKernel(b, 'softmax_rows_f32', { inputs: { z: zz }, outputs: { a: n }, args: (p) => [p.z!, p.a!, rows, cols] }).out.a!;
      const a = sm(z);
      const { out } = runKernel(b, 'softmax_bwd_rows_f32', {
        inputs: { a, da }, outputs: { dz: n }, args: (p) => [p.a!, p.da!, p.dz!, rows, cols],
      });
      // d/dz_i of L = Σ_j da_j·a_j(z)
      const fd: number[] = [];
      for (let i = 0; i < n; i++) {
        const zp = z.slice(), zm = z.slice();
        zp[i]! += h;
        zm[i]! -= h;
        const ap = sm(zp), am = sm(zm);
        let l = 0;
        for (let j = 0; j < n; j++) l += da[j]! * (ap[j]! - am[j]!);
        fd.push(l / (zp[i]! - zm[i]!));
      }
      expectClose(out.dz!, fd, FD_TOL, `softmax_bwd [${tag}] vs FD`);
    }
  });
});

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
      expectClose(ref.out.da!, Array.from(a, (v, i) => scale * Math.fround(v - y[i]!)), ULP, 'sqerr da');
    }
  });
});

describe('reductions', () => {
  it('colsum conforms (beta 0 ignores NaN in out, beta 1 accumulates) and matches float64', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        const x = rand(n, n + cols);
        const nan = new Float32Array(cols).fill(NaN);
        const r0 = await conform(
          'colsum_f32',
          { inputs: { x }, outputs: { out: cols }, init: { out: nan }, args: (p) => [p.x!, p.out!, rows, cols, 0] },
          SUM,
          `${rows}×${cols} beta 0`,
        );
        const want = new Array<number>(cols).fill(0);
        for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j]! += x[r * cols + j]!;
        expectClose(r0.out.out!, want, SUM, `colsum ${rows}×${cols} vs float64`);
        const prev = rand(cols, 3);
        await conform(
          'colsum_f32',
          { inputs: { x }, outputs: { out: cols }, init: { out: prev }, args: (p) => [p.x!, p.out!, rows, cols, 1] },
          SUM,
          `${rows}×${cols} beta 1`,
        );
      }
    }
  });

  it('gather_rows copies the indexed rows exactly', async () => {
    for (const cols of COLS) {
      const srcRows = 37;
      const count = 29;
      const src = rand(srcRows * cols, cols);
      const idx = Int32Array.from({ length: count }, (_, i) => (i * 17 + 5) % srcRows);
      const ref = await conform(
        'gather_rows_f32',
        { inputs: { src, idx }, outputs: { dst: count * cols }, args: (p) => [p.src!, p.idx!, p.dst!, count, cols] },
        EXACT,
        `cols=${cols}`,
      );
      const want: number[] = [];
      for (const i of idx) want.push(...src.subarray(i * cols, (i + 1) * cols));
      expectClose(ref.out.dst!, want, EXACT, `gather cols=${cols}`);
    }
  });

  it('argmax_rows / count_correct: first maximum, exact', async () => {
    for (const rows of ROWS) {
      for (const cols of COLS) {
        const n = rows * cols;
        // Quantised values so ties happen.
        const x = rand(n, n + 7, 0, 4).map(Math.floor);
        const y = oneHot(rows, cols, n);
        const ref = await conform(
          'argmax_rows_f32',
          { inputs: { x }, outputs: { out: rows }, args: (p) => [p.x!, p.out!, rows, cols] },
          EXACT,
          `${rows}×${cols}`,
        );
        const got = new Int32Array(ref.out.out!.buffer);
        const want: number[] = [];
        for (let r = 0; r < rows; r++) {
          const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
          want.push(row.indexOf(Math.max(...row)));
        }
        expect(Array.from(got)).toEqual(want);
        const cc = await conform(
          'count_correct_f32',
          { inputs: { a: x, y }, outputs: {}, args: (p) => [p.a!, p.y!, rows, cols] },
          EXACT,
          `${rows}×${cols}`,
        );
        let wantC = 0;
        for (let r = 0; r < rows; r++) if (want[r] === Array.from(y.subarray(r * cols, (r + 1) * cols)).indexOf(1)) wantC++;
        expect(cc.ret).toBe(wantC);
      }
    }
  });

  it('find_nonfinite finds the first NaN / ±Infinity at every position, −1 when clean', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const x = rand(n, n);
      const clean = await conform('find_nonfinite_f32', { inputs: { x }, outputs: {}, args: (p) => [p.x!, n] }, EXACT, `n=${n}`);
      expect(clean.ret).toBe(-1);
      const positions = new Set([0, n - 1, Math.floor(n / 2), 15, 16, 17, 31].filter((i) => i < n));
      for (const i of positions) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const y = x.slice();
          y[i] = bad;
          if (i + 3 < n) y[i + 3] = NaN;
          const r = await conform('find_nonfinite_f32', { inputs: { x: y }, outputs: {}, args: (p) => [p.x!, n] }, EXACT, `n=${n} at ${i}`);
          expect(r.ret).toBe(i);
        }
      }
    }
    // Largest finite floats are finite.
    const big = f32([3.4028234663852886e38, -3.4028234663852886e38, 1e-45, 0, -0]);
    const r = await conform('find_nonfinite_f32', { inputs: { x: big }, outputs: {}, args: (p) => [p.x!, 5] }, EXACT, 'max');
    expect(r.ret).toBe(-1);
  });
});

describe('optimizers', () => {
  it('sgd conforms and matches v ← μv − η(g + λw), w ← w + v', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      for (const [lr, mom, l2] of [[0.1, 0, 0], [0.05, 0.9, 1e-3], [3, 0, 5e-4]] as const) {
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
        expectClose(ref.out.w!, Array.from(w, (wi, i) => wi + wantV[i]!), { abs: 1e-7, rel: 1e-6 }, 'sgd w');
      }
    }
  });
});
