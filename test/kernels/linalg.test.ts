/**
 * assembly/cholesky.ts, syrk.ts, vector.ts and their TypeScript twin (src/kernels/js/linalg.ts):
 * Cholesky factorization, triangular solves, the Gauss–Newton rank-k update JᵀJ and the
 * conjugate-gradient vector operations.
 *
 * 1. The js twin against float64 closed forms / float64 references (its own heap, no wasm).
 * 2. Every wasm build against the js twin (conform), plus accuracy of the wasm solve itself.
 *
 * Tolerances (u = 2⁻²⁴ ≈ 6e-8, the f32 unit roundoff):
 * - Factor backward error max|L·Lᵀ − A| / max|A|: js ≤ 1e-6; wasm ≤ max(1e-6, 4·n·u) (f32
 *   accumulation; the classical bound is O(n·u)).
 * - Solve residual ‖A·x − b‖ / (‖A‖_F·‖x‖ + ‖b‖) (normwise backward error, independent of the
 *   conditioning): js ≤ 1e-6, wasm ≤ max(1e-6, 4·n·u). Observed ~1e-9 (js) and ~1e-8 (wasm).
 * - Forward error ‖x − x*‖ / ‖x*‖ against a float64 solve of the same stored f32 matrix, for SPD
 *   matrices with a prescribed condition number κ ∈ {1e3 … 1e6} (geometric spectrum, random
 *   orthogonal basis, n = 48): ≤ κ·u, i.e. degrading linearly with κ (first-order perturbation
 *   theory says O(κ·n·u) in the worst case; observed 0.005–0.1·κ·u: at κ = 1e6 about 3e-4 (js) and
 *   3e-3 (wasm), so f32 keeps 2–3 digits there — LM / Newton damping keeps κ well below that).
 * - wasm vs js elementwise: factor abs 2e-5 + rel 1e-4 on matrices with O(1) entries; syrk
 *   abs 1e-5·rows + rel 1e-5; dot / axpy abs 1e-7 + rel 1e-6; scale / copy / add_diag exact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Heap } from '../../src/kernels/heap.js';
import { linalgKernels } from '../../src/kernels/js/linalg.js';
import { allBackends, conform, expectClose, rand, runKernel, EDGE_SIZES } from '../helpers/conformance.js';
import type { Backend } from '../../src/kernels/backend.js';
import { CHOLESKY_WS_PER_ROW, SYRK_WS_PER_COL } from '../../src/kernels/kernels.js';

const U = 2 ** -24;
const FACTOR_SIZES = [1, 3, 5, 17, 64, 127, 128, 129, 300] as const;

// ---------------------------------------------------------------- float64 helpers

/** Random SPD A = MᵀM/(2n) + eps·I with M [2n×n] uniform in [-1,1] (κ ≈ 35): f64, full. */
function randomSpd(n: number, seed: number, eps = 0.01): Float64Array {
  const m = rand(2 * n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < 2 * n; k++) s += m[k * n + i]! * m[k * n + j]!;
      s /= 2 * n;
      if (i === j) s += eps;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

/** A = Q·diag(λ)·Qᵀ with Q a product of n random Householder reflectors (random orthogonal basis). */
function fromSpectrum(lambda: readonly number[], seed: number): Float64Array {
  const n = lambda.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = lambda[i]!;
  const w = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = rand(n, seed * 1000 + r);
    let nv = 0;
    for (let i = 0; i < n; i++) nv += v[i]! * v[i]!;
    nv = Math.sqrt(nv) || 1;
    const u = Float64Array.from(v, (x) => x / nv);
    // A ← H·A·H with H = I − 2uuᵀ:  A ← A − 2u(uᵀA) − 2(Au)uᵀ + 4u(uᵀAu)uᵀ
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += u[i]! * a[i * n + j]!;
      w[j] = s; // (uᵀA)_j = (Au)_j by symmetry
    }
    let uau = 0;
    for (let i = 0; i < n; i++) uau += u[i]! * w[i]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        a[i * n + j] = a[i * n + j]! - 2 * u[i]! * w[j]! - 2 * w[i]! * u[j]! + 4 * uau * u[i]! * u[j]!;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!; // exact symmetry
  return a;
}

/** Geometric spectrum from 1 down to 1/κ. */
function spectrum(n: number, kappa: number): number[] {
  return Array.from({ length: n }, (_, i) => kappa ** (-i / Math.max(1, n - 1)));
}

/** f32 copy with the strict upper triangle set to `upper` (checks the kernels never read it). */
function lowerF32(a: Float64Array, n: number, upper = Number.NaN): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = j <= i ? a[i * n + j]! : upper;
  return out;
}

/** The symmetric f64 matrix actually stored (lower triangle of the f32 copy, mirrored). */
function storedF64(a32: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      out[i * n + j] = a32[i * n + j]!;
      out[j * n + i] = a32[i * n + j]!;
    }
  }
  return out;
}

function matvec(a: Float64Array, x: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k]! * x[k]!;
    y[i] = s;
  }
  return y;
}

const norm = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
};

function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < ref.length; i++) s += (x[i]! - ref[i]!) ** 2;
  return Math.sqrt(s) / norm(ref);
}

/** True when the strict upper triangle is exactly 0 and the diagonal positive and finite. */
function isLowerFactor(l: Float32Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    if (!(l[i * n + i]! > 0 && Number.isFinite(l[i * n + i]))) return false;
    for (let j = i + 1; j < n; j++) if (!Object.is(l[i * n + j], 0)) return false;
  }
  return true;
}

/** Frobenius norm of a full matrix. */
const fro = (a: Float64Array): number => norm(a);

/** Normwise backward error of a solve: ‖A·x − b‖ / (‖A‖_F·‖x‖ + ‖b‖). */
function backwardError(a: Float64Array, x: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  const ax = matvec(a, x, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += (ax[i]! - b[i]!) ** 2;
  return Math.sqrt(s) / (fro(a) * norm(x) + norm(b));
}

/** max|L·Lᵀ − A| / max|A| over the full matrix (L read from its lower triangle). */
function factorError(l: Float32Array, a: Float64Array, n: number): number {
  let err = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += l[i * n + k]! * l[j * n + k]!;
      err = Math.max(err, Math.abs(s - a[i * n + j]!));
      amax = Math.max(amax, Math.abs(a[i * n + j]!));
    }
  }
  return err / amax;
}

/** Float64 Cholesky solve (the reference for ill-conditioned systems). */
function solveF64(a: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let m = 0; m <= j; m++) {
      let s = a[j * n + m]!;
      for (let k = 0; k < m; k++) s -= l[j * n + k]! * l[m * n + k]!;
      if (m < j) l[j * n + m] = s / l[m * n + m]!;
      else {
        if (!(s > 0)) throw new Error(`reference: matrix not SPD at ${j}`);
        l[j * n + j] = Math.sqrt(s);
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] = x[i]! - l[i * n + k]! * x[k]!;
    x[i] = x[i]! / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] = x[i]! - l[k * n + i]! * x[k]!;
    x[i] = x[i]! / l[i * n + i]!;
  }
  return x;
}

// ---------------------------------------------------------------- kernel drivers

/** Scratch for cholesky_f32 (as an input so runKernel allocates and frees it). */
const cholWs = (n: number): Float32Array => new Float32Array((CHOLESKY_WS_PER_ROW * n) / 4);

/**
 * Factors `a32` on a backend; returns the return code and the matrix after. With `ws` the packed
 * trailing-update path runs (trailing blocks of ≥ 256 rows), without it the strided one.
 */
function factorOn(b: Backend, a32: Float32Array, n: number, shift = 0, ws = true): { ret: number; l: Float32Array } {
  const r = ws
    ? runKernel(b, 'cholesky_f32', { inputs: { a: a32, ws: cholWs(n) }, outputs: { a: n * n }, args: (p) => [p.a!, n, shift, p.ws!] })
    : runKernel(b, 'cholesky_f32', { inputs: { a: a32 }, outputs: { a: n * n }, args: (p) => [p.a!, n, shift] });
  return { ret: r.ret, l: r.out.a! };
}

/** Solves with an existing factor on a backend via cholesky_solve_f32. */
function solveOn(b: Backend, l: Float32Array, rhs: Float32Array, n: number): Float32Array {
  return runKernel(b, 'cholesky_solve_f32', { inputs: { l, x: rhs }, outputs: { x: n }, args: (p) => [p.l!, p.x!, n] }).out.x!;
}

/** The js twin on a private heap, shaped like a Backend for runKernel. */
function jsTwin(): Backend {
  const heap = new Heap(undefined, 4 << 20);
  const k = linalgKernels(heap) as unknown as Backend['k'];
  return { name: 'js', simd: 'none', heap, k, ws: 0, threads: 1, dispose: () => Promise.resolve() };
}

// ---------------------------------------------------------------- 1. js twin vs float64

describe('linalg js twin vs float64', () => {
  const js = jsTwin();

  it.each(FACTOR_SIZES)('cholesky + solve on a random SPD matrix, n = %i', (n) => {
    const a = randomSpd(n, 100 + n);
    const a32 = lowerF32(a, n);
    const A = storedF64(a32, n);
    const { ret, l } = factorOn(js, a32, n);
    expect(ret).toBe(0);
    expect(isLowerFactor(l, n)).toBe(true);
    expect(factorError(l, A, n)).toBeLessThan(1e-6);
    const xTrue = rand(n, 7 + n);
    const b = Float32Array.from(matvec(A, xTrue, n));
    const x = solveOn(js, l, b, n);
    expect(backwardError(A, x, b, n)).toBeLessThan(1e-6);
    expect(relErr(x, solveF64(A, b, n))).toBeLessThan(1e-5);
  });

  it('shift: factors A + shift·I', () => {
    const n = 17;
    const a = randomSpd(n, 5);
    const shifted = Float64Array.from(a);
    for (let i = 0; i < n; i++) shifted[i * n + i]! += 0.75;
    const a32 = lowerF32(a, n);
    const { ret, l } = factorOn(js, a32, n, 0.75);
    expect(ret).toBe(0);
    const want = storedF64(lowerF32(shifted, n), n);
    expect(factorError(l, want, n)).toBeLessThan(1e-6);
  });

  it.each([1e3, 1e4, 1e5, 1e6])('ill-conditioned SPD, κ = %d: forward error ≤ κ·u', (kappa) => {
    const n = 48;
    const a32 = lowerF32(fromSpectrum(spectrum(n, kappa), 3), n);
    const A = storedF64(a32, n);
    const b = rand(n, 11);
    const ref = solveF64(A, b, n);
    const { ret, l } = factorOn(js, a32, n);
    expect(ret).toBe(0);
    const x = solveOn(js, l, b, n);
    expect(relErr(x, ref)).toBeLessThan(kappa * U);
    expect(backwardError(A, x, b, n)).toBeLessThan(1e-6);
  });

  it('triangular solves match float64 forward / back substitution', () => {
    const n = 33;
    const { l } = factorOn(js, lowerF32(randomSpd(n, 9), n), n);
    const x0 = rand(n, 3);
    const y = runKernel(js, 'trsv_lower_f32', { inputs: { l, x: x0 }, outputs: { x: n }, args: (p) => [p.l!, p.x!, n] }).out.x!;
    const z = runKernel(js, 'trsv_lower_t_f32', { inputs: { l, x: x0 }, outputs: { x: n }, args: (p) => [p.l!, p.x!, n] }).out.x!;
    // L·y = x0 and Lᵀ·z = x0, checked by multiplying back in f64.
    for (let i = 0; i < n; i++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k <= i; k++) s += l[i * n + k]! * y[k]!;
      for (let k = i; k < n; k++) t += l[k * n + i]! * z[k]!;
      expect(Math.abs(s - x0[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(t - x0[i]!)).toBeLessThan(1e-6);
    }
  });

  it('syrk_acc: lower triangle of beta·H + JᵀJ, upper untouched', () => {
    for (const [rows, p] of [
      [1, 1],
      [7, 5],
      [300, 17],
      [3, 129],
    ] as const) {
      const J = rand(rows * p, rows + p);
      const H0 = rand(p * p, 99);
      for (const beta of [0, 1, 0.5]) {
        const h = runKernel(js, 'syrk_acc_f32', {
          inputs: { j: J, h: H0 },
          outputs: { h: p * p },
          args: (q) => [q.j!, q.h!, rows, p, beta],
        }).out.h!;
        for (let r = 0; r < p; r++) {
          for (let c = 0; c < p; c++) {
            if (c > r) {
              expect(h[r * p + c]).toBe(H0[r * p + c]);
              continue;
            }
            let s = beta * H0[r * p + c]!;
            for (let k = 0; k < rows; k++) s += J[k * p + r]! * J[k * p + c]!;
            expect(Math.abs(h[r * p + c]! - s)).toBeLessThan(1e-6 * (1 + Math.abs(s)));
          }
        }
      }
    }
  });

  it('dot, axpy, scale, copy, add_diag vs float64', () => {
    for (const n of [0, 1, 5, 17, 129, 1000]) {
      const x = rand(n, 1);
      const y = rand(n, 2);
      let d = 0;
      for (let i = 0; i < n; i++) d += x[i]! * y[i]!;
      const r = runKernel(js, 'dot_f32', { inputs: { x, y }, outputs: {}, args: (p) => [p.x!, p.y!, n] });
      expect(r.ret).toBe(Math.fround(d));
      const ax = runKernel(js, 'axpy_f32', { inputs: { x, y }, outputs: { y: n }, args: (p) => [-0.375, p.x!, p.y!, n] }).out.y!;
      const sc = runKernel(js, 'scale_f32', { inputs: { x }, outputs: { x: n }, args: (p) => [p.x!, 2.5, n] }).out.x!;
      const cp = runKernel(js, 'copy_f32', { inputs: { x }, outputs: { y: n }, args: (p) => [p.x!, p.y!, n] }).out.y!;
      for (let i = 0; i < n; i++) {
        expect(ax[i]).toBe(Math.fround(y[i]! - 0.375 * x[i]!));
        expect(sc[i]).toBe(Math.fround(2.5 * x[i]!));
        expect(cp[i]).toBe(x[i]);
      }
    }
    const n = 7;
    const a = rand(n * n, 4);
    const ad = runKernel(js, 'add_diag_f32', { inputs: { a }, outputs: { a: n * n }, args: (p) => [p.a!, n, 0.25] }).out.a!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(ad[i * n + j]).toBe(i === j ? Math.fround(a[i * n + j]! + 0.25) : a[i * n + j]);
    }
  });
});

// ---------------------------------------------------------------- non-positive-definite inputs

/** Matrices that are not (numerically) positive definite, with the pivot the kernels must report. */
function badMatrices(): { name: string; n: number; a: Float32Array; shift?: number; pivot?: number; ok?: boolean }[] {
  const out: { name: string; n: number; a: Float32Array; shift?: number; pivot?: number; ok?: boolean }[] = [];
  // diag(1, 2, −3, 4): pivot 2 (0-based) is negative → returns 3; a shift of 4 makes it SPD.
  const d = new Float64Array(16);
  [1, 2, -3, 4].forEach((v, i) => {
    d[i * 4 + i] = v;
  });
  out.push({ name: 'diag(1,2,-3,4)', n: 4, a: lowerF32(d, 4), pivot: 3 });
  out.push({ name: 'diag(1,2,-3,4) + 4I', n: 4, a: lowerF32(d, 4), shift: 4, ok: true });
  // [[1,2],[2,1]]: eigenvalues 3, −1 → second pivot 1 − 4 = −3.
  out.push({ name: '[[1,2],[2,1]]', n: 2, a: new Float32Array([1, NaN, 2, 1]), pivot: 2 });
  // Indefinite, dense: spectrum with one negative eigenvalue, n = 100 (crosses a panel).
  const sp = spectrum(100, 100);
  sp[60] = -0.5;
  out.push({ name: 'indefinite n=100', n: 100, a: lowerF32(fromSpectrum(sp, 8), 100) });
  // Exactly singular: SPD with row/column 70 zeroed → pivot 70 is exactly 0.
  for (const n of [5, 130]) {
    const j = n === 5 ? 2 : 70;
    const s = randomSpd(n, 21);
    for (let k = 0; k < n; k++) s[j * n + k] = s[k * n + j] = 0;
    out.push({ name: `zero row ${j}, n=${n}`, n, a: lowerF32(s, n), pivot: j + 1 });
  }
  // Rank-deficient Gram matrix (rank n/2): numerically singular.
  {
    const n = 80;
    const m = rand((n / 2) * n, 33);
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n / 2; k++) s += m[k * n + i]! * m[k * n + j]!;
        g[i * n + j] = s;
      }
    }
    out.push({ name: 'rank n/2 Gram, n=80', n, a: lowerF32(g, n) });
  }
  // The zero matrix.
  out.push({ name: 'zeros', n: 9, a: lowerF32(new Float64Array(81), 9, 0), pivot: 1 });
  // Non-finite entries: NaN below the diagonal at (i, j) → pivot i; NaN / +∞ on the diagonal.
  for (const [n, i, j, v] of [
    [6, 4, 1, NaN],
    [150, 120, 10, NaN],
    [150, 90, 90, NaN],
    [70, 33, 33, Infinity],
    [70, 50, 3, Infinity],
  ] as const) {
    const s = lowerF32(randomSpd(n, 40 + i), n);
    s[i * n + j] = v;
    out.push({ name: `${v} at (${i},${j}), n=${n}`, n, a: s, pivot: i + 1 });
  }
  // NaN in the upper triangle only is never read.
  {
    const s = lowerF32(randomSpd(20, 3), 20, NaN);
    out.push({ name: 'NaN upper triangle', n: 20, a: s, ok: true });
  }
  // NaN shift.
  out.push({ name: 'NaN shift', n: 3, a: lowerF32(randomSpd(3, 1), 3), shift: NaN, pivot: 1 });
  return out;
}

describe('linalg: not positive definite is reported, never NaN', () => {
  let list: [string, Backend][];
  beforeAll(async () => {
    list = await allBackends();
  });

  it.each(badMatrices().map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const [tag, b] of [['js-twin', jsTwin()] as [string, Backend], ...list]) {
      let res: { ret: number; l: Float32Array } | undefined;
      expect(() => (res = factorOn(b, c.a, c.n, c.shift ?? 0)), tag).not.toThrow();
      const { ret, l } = res!;
      if (c.ok) {
        expect(ret, tag).toBe(0);
        for (const v of l) expect(Number.isFinite(v), tag).toBe(true);
      } else if (c.pivot !== undefined) expect(ret, tag).toBe(c.pivot);
      else {
        expect(ret, tag).toBeGreaterThan(0);
        expect(ret, tag).toBeLessThanOrEqual(c.n);
      }
    }
  });
});

// ---------------------------------------------------------------- 2. wasm vs the js twin

describe('linalg wasm conformance', () => {
  let wasmList: [string, Backend][];
  beforeAll(async () => {
    wasmList = (await allBackends()).slice(1);
  });

  it.each([...FACTOR_SIZES, 2, 8, 47, 48, 49, 63, 65, 95, 97, 200, 333, 520])('cholesky_f32 n = %i', async (n) => {
    const a = randomSpd(n, 200 + n);
    const a32 = lowerF32(a, n);
    const tol = { abs: 2e-5, rel: 1e-4 };
    // With scratch (packed trailing updates from 256 trailing rows on) and without (strided path).
    const ref = await conform(
      'cholesky_f32',
      { inputs: { a: a32, ws: cholWs(n) }, outputs: { a: n * n }, args: (p) => [p.a!, n, 0.125, p.ws!] },
      tol,
      `n=${n} ws`,
    );
    expect(ref.ret).toBe(0);
    await conform('cholesky_f32', { inputs: { a: a32 }, outputs: { a: n * n }, args: (p) => [p.a!, n, 0.125, 0] }, tol, `n=${n} no ws`);
    // The wasm factor itself: backward error and solve residual within f32-accumulation bounds.
    const shifted = storedF64(a32, n);
    for (let i = 0; i < n; i++) shifted[i * n + i] = Math.fround(shifted[i * n + i]! + 0.125);
    const b = rand(n, 3);
    for (const [tag, be] of wasmList) {
      const { ret, l } = factorOn(be, a32, n, 0.125);
      expect(ret, tag).toBe(0);
      expect(Array.from(factorOn(be, a32, n, 0.125, false).l), `${tag}: ws and no-ws factors differ`).toEqual(Array.from(l));
      expect(isLowerFactor(l, n), tag).toBe(true);
      expect(factorError(l, shifted, n), tag).toBeLessThan(Math.max(1e-6, 4 * n * U));
      const x = solveOn(be, l, b, n);
      expect(backwardError(shifted, x, b, n), tag).toBeLessThan(Math.max(1e-6, 4 * n * U));
    }
  });

  it.each([1e3, 1e4, 1e5, 1e6])('ill-conditioned SPD, κ = %d: wasm forward error ≤ κ·u', (kappa) => {
    const n = 48;
    const a32 = lowerF32(fromSpectrum(spectrum(n, kappa), 3), n);
    const A = storedF64(a32, n);
    const b = rand(n, 11);
    const ref = solveF64(A, b, n);
    for (const [tag, be] of wasmList) {
      const { ret, l } = factorOn(be, a32, n);
      expect(ret, tag).toBe(0);
      const x = solveOn(be, l, b, n);
      expect(relErr(x, ref), tag).toBeLessThan(kappa * U);
      expect(backwardError(A, x, b, n), tag).toBeLessThan(Math.max(1e-6, 4 * n * U));
    }
  });

  it.each([1, 3, 5, 17, 64, 127, 128, 129, 300])('trsv_lower / trsv_lower_t / cholesky_solve n = %i', async (n) => {
    const { l } = factorOn(jsTwin(), lowerF32(randomSpd(n, 300 + n), n), n);
    const x = rand(n, n);
    const tol = { abs: 1e-5, rel: 1e-4 };
    for (const name of ['trsv_lower_f32', 'trsv_lower_t_f32', 'cholesky_solve_f32'] as const) {
      await conform(name, { inputs: { l, x }, outputs: { x: n }, args: (p) => [p.l!, p.x!, n] }, tol, `n=${n}`);
    }
  });

  it('syrk_acc_f32 over edge shapes, beta 0 / 1 / 0.5', async () => {
    for (const p of [...EDGE_SIZES, 6, 8, 13, 40, 257, 300]) {
      for (const rows of p > 200 ? [9, 300] : [1, 7, 300]) {
        const J = rand(rows * p, p * 31 + rows);
        for (const beta of [0, 1, 0.5]) {
          // beta = 0 must ignore old content, even NaN; the upper triangle must stay as it was.
          const H0 = beta === 0 ? new Float32Array(p * p).fill(NaN) : rand(p * p, 5);
          const got = await conform(
            'syrk_acc_f32',
            {
              inputs: { j: J, h: H0, ws: new Float32Array((SYRK_WS_PER_COL * p) / 4) },
              outputs: { h: p * p },
              args: (q) => [q.j!, q.h!, rows, p, beta, beta === 0.5 ? 0 : q.ws!],
            },
            { abs: 1e-5 * rows, rel: 1e-5 },
            `p=${p} rows=${rows} beta=${beta}`,
          );
          let bad = 0;
          for (let r = 0; r < p; r++) {
            for (let c = 0; c < p; c++) {
              const v = got.out.h![r * p + c]!;
              if (c > r ? !Object.is(v, H0[r * p + c]) : !Number.isFinite(v)) bad++;
            }
          }
          expect(bad, `p=${p} rows=${rows} beta=${beta}: upper triangle touched or non-finite lower`).toBe(0);
        }
      }
    }
  });

  it('syrk_acc_f32 accumulating sample blocks equals one call on all rows', async () => {
    const p = 29;
    const rows = 90;
    const J = rand(rows * p, 77);
    for (const [tag, b] of await allBackends()) {
      const whole = runKernel(b, 'syrk_acc_f32', { inputs: { j: J }, outputs: { h: p * p }, args: (q) => [q.j!, q.h!, rows, p, 0] }).out.h!;
      const jp = b.heap.alloc(rows * p * 4);
      const hp = b.heap.alloc(p * p * 4);
      b.heap.f32.set(J, jp >> 2);
      for (let r0 = 0; r0 < rows; r0 += 25) {
        b.k.syrk_acc_f32(jp + r0 * p * 4, hp, Math.min(25, rows - r0), p, r0 === 0 ? 0 : 1);
      }
      const blocks = b.heap.readF32(hp, p * p);
      b.heap.free(jp);
      b.heap.free(hp);
      expectClose(blocks, whole, { abs: 1e-5, rel: 1e-5 }, `syrk blocks ${tag}`);
    }
  });

  it('dot, axpy, scale, copy, add_diag', async () => {
    for (const n of [0, ...EDGE_SIZES, 1000, 4099]) {
      const x = rand(n, n + 1);
      const y = rand(n, n + 2);
      const args3 = (p: Record<string, number>) => [p.x!, p.y!, n];
      // dot: f64 accumulation on both sides, so the f32 results agree to an ulp.
      await conform('dot_f32', { inputs: { x, y }, outputs: {}, args: args3 }, { abs: 1e-7, rel: 1e-6 }, `n=${n}`);
      await conform(
        'axpy_f32',
        { inputs: { x, y }, outputs: { y: n }, args: (p) => [0.625, p.x!, p.y!, n] },
        { abs: 1e-7, rel: 1e-6 },
        `n=${n}`,
      );
      await conform('scale_f32', { inputs: { x }, outputs: { x: n }, args: (p) => [p.x!, -1.5, n] }, { abs: 0, rel: 0 }, `n=${n}`);
      await conform('copy_f32', { inputs: { x }, outputs: { y: n }, args: args3 }, { abs: 0, rel: 0 }, `n=${n}`);
    }
    for (const n of [1, 5, 17, 128]) {
      const a = rand(n * n, n);
      await conform('add_diag_f32', { inputs: { a }, outputs: { a: n * n }, args: (p) => [p.a!, n, 1e-3] }, { abs: 0, rel: 0 }, `n=${n}`);
    }
  });
});
