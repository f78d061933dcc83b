/**
 * Column-block activations (assembly/activations-cols.ts; src/kernels/threaded.ts runs the
 * activation after a product split by columns on the same column blocks, so each thread reads the
 * lines it has just written):
 * - act_cols_fwd_f32 / act_cols_bwd_f32, run over column blocks that cover the matrix, equal the
 *   whole-buffer kernel bit for bit for every activation of ACTIVATION_KINDS, on every build (js,
 *   baseline, relaxed, debug with its asserts): blocks at multiples of 16 (the pool's rule), of 8,
 *   odd widths (vector tails inside every row segment), a narrow last block; columns outside the
 *   block are left untouched; an unknown kind writes nothing.
 * - The threaded tables (2 and 3 threads, both builds): after Z = X·W split by columns, each
 *   activation's forward, and its backward after dX = dZ·Wᵀ split by columns (or on the forward's
 *   z), go to the workers as column blocks (the pool counts the jobs per kernel) and equal one
 *   thread bit for bit; an activation over a buffer no column-split product wrote keeps its range
 *   split.
 * Training 784-512-256-10 (relu) and 784-200-96-10 (tanh, relu) bit-identically on 2 and 3 threads,
 * with these jobs counted: test/kernels/threads-train.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type Backend } from '../../src/index.js';
import { ACTIVATION_KINDS, type Kernels } from '../../src/kernels/kernels.js';
import { KERNEL_INDEX } from '../../src/kernels/pool.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { allBackends, rand } from '../helpers/conformance.js';
import { sameBits } from '../helpers/threads.js';

type Fwd = (z: number, a: number, n: number, alpha: number) => void;
type Bwd = (z: number, a: number, da: number, dz: number, n: number, alpha: number) => void;

/** The parameter each activation is run with (leaky slope, ELU α; ignored by the others). */
const ALPHA = 0.3;

/** z with a spread of magnitudes and the special points (±0, NaN, the saturated tails, ±1 for hard tanh). */
function inputs(n: number, seed: number): Float32Array {
  const z = rand(n, seed, -6, 6);
  const special = [0, -0, Number.NaN, 1, -1, 1e-5, -1e-5, 60, -60, 1e4, -1e4];
  for (let i = 0; i < n; i += 5) z[i] = special[(i / 5) % special.length]!;
  return z;
}

/** Column bounds covering [0, cols): blocks of `step` columns (the last one narrower). */
function blocks(cols: number, step: number): number[] {
  const b: number[] = [];
  for (let j = 0; j < cols; j += step) b.push(j);
  b.push(cols);
  return b;
}

/** (rows, cols): a partial last vector in every row (37, 129), a wide layer, one row. */
const SHAPES: [number, number][] = [
  [7, 37],
  [5, 129],
  [12, 512],
  [1, 40],
];

describe('act_cols_fwd_f32 and act_cols_bwd_f32', () => {
  it('column blocks covering the matrix equal the whole-buffer kernel bit for bit, every activation and build', async () => {
    for (const [tag, b] of await allBackends({ debug: true })) {
      const h = b.heap;
      const table = b.k as unknown as Record<string, Fwd & Bwd>;
      for (const [rows, cols] of SHAPES) {
        const n = rows * cols;
        const z = h.allocF32(n);
        const a = h.allocF32(n);
        const da = h.allocF32(n);
        const dz = h.allocF32(n);
        h.writeF32(z, inputs(n, rows + cols));
        h.writeF32(da, rand(n, cols, -2, 2));
        for (const [kind, [fwdName, bwdName]] of ACTIVATION_KINDS.entries()) {
          // The whole calls: a = f(z), then dz = da·f'(z) (reading the whole call's a).
          table[fwdName]!(z, a, n, ALPHA);
          const wantA = h.readF32(a, n);
          table[bwdName]!(z, a, da, dz, n, ALPHA);
          const wantDz = h.readF32(dz, n);
          for (const step of [16, 8, 5, Math.ceil(cols / 3), cols]) {
            const bounds = blocks(cols, step);
            const what = `${tag} kind ${kind} (${fwdName}) ${rows}×${cols}, blocks ${bounds.join(',')}`;
            h.writeF32(a, new Float32Array(n).fill(7));
            for (let s = 0; s + 1 < bounds.length; s++) b.k.act_cols_fwd_f32(kind, z, a, rows, cols, bounds[s]!, bounds[s + 1]!, ALPHA);
            sameBits(h.readF32(a, n), wantA, `${what}: a`);
            // dz = da·f'(z) from the whole call's a (sigmoid, tanh and elu read it).
            h.writeF32(a, wantA);
            h.writeF32(dz, new Float32Array(n).fill(7));
            for (let s = 0; s + 1 < bounds.length; s++) {
              b.k.act_cols_bwd_f32(kind, z, a, da, dz, rows, cols, bounds[s]!, bounds[s + 1]!, ALPHA);
            }
            sameBits(h.readF32(dz, n), wantDz, `${what}: dz`);
          }
          // One block leaves every other column as it was.
          const j0 = Math.min(8, cols - 1);
          const j1 = Math.min(cols, j0 + 13);
          h.writeF32(a, new Float32Array(n).fill(7));
          b.k.act_cols_fwd_f32(kind, z, a, rows, cols, j0, j1, ALPHA);
          const got = h.readF32(a, n);
          for (let i = 0; i < n; i++) {
            const j = i % cols;
            if (j < j0 || j >= j1) expect(got[i], `${tag} kind ${kind}: element ${i} outside columns ${j0}..${j1}`).toBe(7);
          }
        }
        // An unknown kind writes nothing.
        h.writeF32(a, new Float32Array(n).fill(7));
        b.k.act_cols_fwd_f32(ACTIVATION_KINDS.length, z, a, rows, cols, 0, cols, ALPHA);
        b.k.act_cols_bwd_f32(-1, z, a, da, a, rows, cols, 0, cols, ALPHA);
        expect(
          h.readF32(a, n).every((v) => v === 7),
          `${tag}: unknown kind`,
        ).toBe(true);
        for (const p of [z, a, da, dz]) h.free(p);
      }
    }
  });
});

describe('threaded tables run the activation of a column-split product on its column blocks', () => {
  const created: Backend[] = [];
  afterAll(async () => {
    await Promise.all(created.map((b) => b.dispose()));
  });

  it('every activation, forward and backward, 2 and 3 threads, both builds: column jobs, one thread’s bits', async () => {
    // Z = X·W (64×512×784, 51 MFLOP) and dX = dZ·Wᵀ (64×784×512) split by columns in 2 or 3 even at
    // the ceilings; the activations over 64×512 and 64×784 floats follow them.
    const [m, n, k] = [64, 512, 784];
    for (const simd of ['baseline', 'relaxed'] as const) {
      const run = (b: Backend): Float32Array[] => {
        const h = b.heap;
        const table = b.k as unknown as Record<string, Fwd & Bwd>;
        const x = h.allocF32(m * k);
        const w = h.allocF32(k * n);
        const bias = h.allocF32(n);
        const z = h.allocF32(m * n);
        const a = h.allocF32(m * n);
        const dz = h.allocF32(m * n);
        const dx = h.allocF32(m * k);
        const dxz = h.allocF32(m * k);
        const dxa = h.allocF32(m * k);
        const plain = h.allocF32(m * n);
        h.writeF32(x, rand(m * k, 1, -1, 1));
        h.writeF32(w, rand(k * n, 2, -0.2, 0.2));
        h.writeF32(bias, rand(n, 3));
        h.writeF32(dxz, inputs(m * k, 4));
        h.writeF32(plain, inputs(m * n, 5));
        const out: Float32Array[] = [];
        for (const [fwdName, bwdName] of ACTIVATION_KINDS) {
          b.k.gemm_nn_f32(x, w, z, m, n, k, bias, 0, b.ws);
          table[fwdName]!(z, a, m * n, ALPHA);
          out.push(h.readF32(a, m * n));
          // dZ = dA·f'(Z) with dA = A (any values do), then dX = dZ·Wᵀ (by columns of dX).
          table[bwdName]!(z, a, a, dz, m * n, ALPHA);
          out.push(h.readF32(dz, m * n));
          b.k.gemm_nt_f32(dz, w, dx, m, k, n, 0, b.ws);
          // The backward of an activation whose da is that dX (z: any 64×784 values).
          table[fwdName]!(dxz, dxa, m * k, ALPHA);
          table[bwdName]!(dxz, dxa, dx, dx, m * k, ALPHA);
          out.push(h.readF32(dx, m * k));
          // A buffer no product wrote: the range split (or none).
          table[fwdName]!(plain, a, m * n, ALPHA);
          out.push(h.readF32(a, m * n));
        }
        for (const p of [x, w, bias, z, a, dz, dx, dxz, dxa, plain]) h.free(p);
        return out;
      };
      const one = await init({ backend: 'wasm', simd, threads: 1 });
      created.push(one);
      const want = run(one);
      for (const threads of [2, 3]) {
        const b = await init({ backend: 'wasm', simd, threads });
        created.push(b);
        const pool = threadPoolOf(b)!;
        const before = Float64Array.from(pool.jobsByKernel);
        const jobs = (name: keyof Kernels): number => pool.jobsByKernel[KERNEL_INDEX[name]]! - before[KERNEL_INDEX[name]]!;
        const got = run(b);
        const kinds = ACTIVATION_KINDS.length;
        // Per activation: the forward over Z (column-split product), the forward over dX's z (not
        // column-split: ranges) and the one over `plain` (ranges); the backward over Z, and over dX
        // (its da: column-split), each by columns.
        expect(jobs('gemm_nn_cols_f32')).toBe((threads - 1) * kinds);
        expect(jobs('gemm_nt_cols_f32')).toBe((threads - 1) * kinds);
        expect(jobs('act_cols_fwd_f32')).toBe((threads - 1) * kinds);
        expect(jobs('act_cols_bwd_f32')).toBe((threads - 1) * 2 * kinds);
        for (const [i, x] of got.entries()) {
          const [fwdName] = ACTIVATION_KINDS[Math.floor(i / 4)]!;
          sameBits(x, want[i]!, `${simd} ${threads} threads, ${fwdName}, output ${i % 4}`);
        }
      }
    }
  });
});
