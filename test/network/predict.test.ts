/**
 * The predict paths: predictOne (one row: gemv_row_f32 in every dense/maxout layer) against predict
 * (batches: gemm_nn_f32) for every activation and backend, big batches against row-by-row and
 * against their own chunks, and bad input found by predict's in-kernel NaN scan.
 *
 * Which comparisons are bit-identical, and why:
 * - predictOne(x) and predict of the one-row matrix [x]: both run the same one-row kernel → exact.
 * - predict(X, { batchSize: b }) and the concatenation of predict(chunk, { batchSize: b }) over
 *   X's chunks of b rows: the same kernels on the same shapes → exact (the chunking loses no row).
 * - predictOne and a row of a larger predict: the one-row kernel and the GEMM sum the k products
 *   in different orders (and the relaxed build fuses them), so they agree to rounding only. For one
 *   layer, any f32 order is within (k + 1)·2⁻²⁴·Σ|x·w| of the exact sum (Higham §3.1); here k ≤ 37,
 *   |x| ≤ 1 and weights and biases in [−0.3, 0.3) give Σ|x·w| ≤ 11.4, so ≤ 2.6e-5 per layer, and every activation is
 *   1-Lipschitz (slopes ≤ 1, softmax included). TOL = 1e-4 covers two layers with a margin; a real
 *   fault (a wrong row, a lost bias, a missed activation) is off by 1e-2 or more.
 */
import { describe, expect, it } from 'vitest';
import { activationNames, dense, maxout, sequential, type ActivationName, type Backend, type Sequential } from '../../src/index.js';
import { allBackends, rand } from '../helpers/conformance.js';

const TOL = 1e-4;
const NIN = 37;

function model(backend: Backend, act: ActivationName): Sequential {
  const m = sequential([dense({ units: 29, activation: act, inputShape: [NIN] }), dense({ units: 5, activation: act })], {
    backend,
    seed: 3,
  });
  m.compile({ loss: 'meanSquaredError' });
  return randomized(m);
}

/** Every tensor (biases too: they start at zero) set to uniform values in [−0.3, 0.3). */
function randomized(m: Sequential): Sequential {
  m.setWeights(m.getWeights().map((w, i) => rand(w.length, 100 + i, -0.3, 0.3)));
  return m;
}

function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let j = 0; j < want.length; j++) {
    const d = Math.abs(got[j]! - want[j]!);
    if (!(d <= TOL)) expect.fail(`${label}: output ${j} is ${got[j]}, predict gives ${want[j]} (|Δ| ${d} > ${TOL})`);
  }
}

describe('predict paths', async () => {
  const list = await allBackends();
  for (const [tag, backend] of list) {
    it(`${tag}: predictOne equals predict of the same row (every activation)`, () => {
      const rows = 9;
      const x = rand(rows * NIN, 5);
      for (const act of activationNames() as ActivationName[]) {
        const m = model(backend, act);
        const batch = m.predict({ data: x, shape: [rows, NIN] }).data;
        for (let r = 0; r < rows; r++) {
          const row = x.subarray(r * NIN, (r + 1) * NIN);
          const one = m.predictOne(row);
          expectNear(one, batch.subarray(r * 5, (r + 1) * 5), `${tag} ${act} row ${r}`);
          // A one-row predict runs the same kernel as predictOne: bit for bit.
          expect(Array.from(m.predict({ data: row, shape: [1, NIN] }).data), `${tag} ${act} row ${r} [1-row predict]`).toEqual(
            Array.from(one),
          );
        }
        m.dispose();
      }
    });

    it(`${tag}: maxout layers — predictOne equals predict of the same row`, () => {
      const m = sequential([maxout({ units: 13, pieces: 3, inputShape: [NIN] }), dense({ units: 4, activation: 'softmax' })], {
        backend,
        seed: 2,
      });
      m.compile({ loss: 'categoricalCrossentropy' });
      randomized(m);
      const x = rand(6 * NIN, 9);
      const batch = m.predict({ data: x, shape: [6, NIN] }).data;
      for (let r = 0; r < 6; r++)
        expectNear(m.predictOne(x.subarray(r * NIN, (r + 1) * NIN)), batch.subarray(r * 4, (r + 1) * 4), `${tag} row ${r}`);
      m.dispose();
    });

    it(`${tag}: a big batch equals row-by-row, and its chunks bit for bit`, () => {
      const rows = 1000;
      const x = rand(rows * NIN, 17);
      const m = model(backend, 'relu');
      const all = m.predict({ data: x, shape: [rows, NIN] }, { batchSize: 256 }).data;
      for (let r = 0; r < rows; r += 7) {
        expectNear(m.predictOne(x.subarray(r * NIN, (r + 1) * NIN)), all.subarray(r * 5, (r + 1) * 5), `${tag} row ${r}`);
      }
      // 1000 = 3 × 256 + 232: the chunks predicted alone, same chunk size, concatenated.
      const parts: number[] = [];
      for (let r0 = 0; r0 < rows; r0 += 256) {
        const m0 = Math.min(256, rows - r0);
        parts.push(...m.predict({ data: x.subarray(r0 * NIN, (r0 + m0) * NIN), shape: [m0, NIN] }, { batchSize: 256 }).data);
      }
      expect(Array.from(all)).toEqual(parts);
      // Any chunk size gives the same outputs up to rounding (1 row, odd sizes, everything at once).
      for (const b of [1, 3, 97, 1000]) {
        const other = m.predict({ data: x, shape: [rows, NIN] }, { batchSize: b }).data;
        expectNear(other, all, `${tag} batchSize ${b}`);
      }
      m.dispose();
    });

    it(`${tag}: NaN or ±Infinity in x is refused with its row and column (any chunk)`, () => {
      const rows = 600;
      const m = model(backend, 'tanh');
      for (const [at, v, name] of [
        [0, Number.NaN, 'NaN'],
        [(300 * NIN + 11) as number, Number.POSITIVE_INFINITY, 'Infinity'],
        [(rows * NIN - 1) as number, Number.NEGATIVE_INFINITY, '-Infinity'],
      ] as const) {
        const x = rand(rows * NIN, 4);
        x[at] = v;
        const row = Math.floor(at / NIN);
        const col = at % NIN;
        expect(() => m.predict({ data: x, shape: [rows, NIN] }, { batchSize: 256 })).toThrow(
          `${name} in x at row ${row}, column ${col}: clean or impute the data first.`,
        );
        // number[][] input takes the same path.
        const nested = Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * NIN, (r + 1) * NIN)));
        expect(() => m.predict(nested)).toThrow(`${name} in x at row ${row}, column ${col}`);
      }
      // The model still predicts afterwards.
      expect(m.predict({ data: rand(3 * NIN, 1), shape: [3, NIN] }).data.every(Number.isFinite)).toBe(true);
      m.dispose();
    });
  }
});
