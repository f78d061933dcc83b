/**
 * The Gauss–Newton rank-k update on every core (src/kernels/threaded.ts, assembly/syrk.ts):
 * - syrk_acc_rows_f32 (rows [r0, r1) of H = β·H + JᵀJ) conforms to the js reference, on every build
 *   including the debug one (asserts on), and leaves the rows outside its range untouched.
 * - Row ranges covering [0, p) (starting at multiples of 4, the rule the threaded table follows)
 *   give the whole syrk_acc_f32 bit for bit, on every path (unpacked and packed J, several passes of
 *   256 rows of J, p not a multiple of 4 or 8, rows = 0, β = 0 over NaN and β = 1), with or without
 *   ws for each range, on every wasm build.
 * - triangleBounds balances the triangle's area and follows the alignment rule.
 * - The threaded tables (2 and 3 threads, baseline and relaxed) give one thread's bits and did split.
 * - Levenberg–Marquardt training (its JᵀJ is accumulated by syrk_acc_f32, its step solved by
 *   cholesky_f32) and Newton training (cholesky_f32) with 2 and 3 threads give the weights and
 *   predictions of one thread bit for bit (a 499-parameter net: every syrk call, 200 rows × 499²,
 *   and the first trailing update of every Cholesky are far above the split ceiling).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dense, init, levenbergMarquardt, newton, sequential, type Backend } from '../../src/index.js';
import { GEMM_SPLIT_CEILING_FLOP } from '../../src/kernels/split-thresholds.js';
import { triangleBounds } from '../../src/kernels/threaded.js';
import { threadPoolOf } from '../../src/kernels/threads.js';
import { SYRK_WS_PER_COL } from '../../src/kernels/kernels.js';
import { allBackends, conform, rand } from '../helpers/conformance.js';

function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) expect.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
}

/** Row bounds of p that follow the rule (starts at multiples of 4), from ranges of `step` rows. */
function byStep(p: number, step: number): number[] {
  const b = [0];
  for (let r = step; r < p; r += step) b.push(r);
  b.push(p);
  return b;
}

/** Several splits of [0, p): fixed steps, the balanced bounds for 2 and 3 parts, a lone last row range. */
function splits(p: number): number[][] {
  const out: number[][] = [];
  for (const step of [4, 8, 12, 36, 128]) if (step < p) out.push(byStep(p, step));
  for (const parts of [2, 3]) {
    const b = new Int32Array(parts + 1);
    const n = triangleBounds(p, parts, b);
    if (n > 1) out.push(Array.from(b.subarray(0, n + 1)));
  }
  const last = Math.floor((p - 1) / 4) * 4;
  if (last > 0) out.push([0, last, p]);
  return out;
}

/** (p, rows of J): unpacked, p mod 8 ≠ 0, two and three passes of 256 rows, packed (p ≥ 256), rows = 0. */
const SHAPES: [number, number][] = [
  [5, 3],
  [13, 7],
  [40, 300],
  [130, 64],
  [67, 0],
  [257, 300],
  [300, 520],
];

describe('syrk_acc_rows_f32', () => {
  it('conforms to the js reference on row ranges and leaves the other rows untouched (every build incl. debug)', async () => {
    for (const [p, rows, r0, r1] of [
      [13, 7, 4, 12],
      [13, 7, 8, 13],
      [40, 300, 0, 20],
      [130, 64, 64, 128],
      [257, 300, 128, 257],
    ] as const) {
      const J = rand(rows * p, p + rows);
      const H0 = rand(p * p, r0 + 1);
      const ref = await conform(
        'syrk_acc_rows_f32',
        {
          inputs: { j: J, ws: new Float32Array((SYRK_WS_PER_COL * p) / 4) },
          outputs: { h: p * p },
          init: { h: H0 },
          args: (q) => [q.j!, q.h!, rows, p, 1, q.ws!, r0, r1],
        },
        { abs: 1e-5 * rows, rel: 1e-5 },
        `p=${p} rows=${rows} [${r0}, ${r1})`,
      );
      // The js reference itself: rows outside the range and the upper triangle keep H0.
      const h = ref.out.h!;
      for (let r = 0; r < p; r++) {
        for (let c = 0; c < p; c++) {
          if (r < r0 || r >= r1 || c > r) expect(Object.is(h[r * p + c], H0[r * p + c]), `js row ${r} col ${c}`).toBe(true);
        }
      }
    }
  });

  it('row ranges covering [0, p) equal the whole syrk_acc_f32 bit for bit, with or without ws (every wasm build)', async () => {
    for (const [tag, b] of (await allBackends({ debug: true })).filter(([t]) => t !== 'js')) {
      const h = b.heap;
      for (const [p, rows] of SHAPES) {
        const J = h.allocF32(Math.max(1, rows * p));
        const H = h.allocF32(p * p);
        const ws = h.alloc(SYRK_WS_PER_COL * p);
        h.writeF32(J, rand(rows * p, p * 7 + rows));
        for (const beta of [0, 1]) {
          const H0 = beta === 0 ? new Float32Array(p * p).fill(Number.NaN) : rand(p * p, p);
          h.writeF32(H, H0);
          b.k.syrk_acc_f32(J, H, rows, p, beta, ws);
          const whole = h.readF32(H, p * p);
          for (const bounds of splits(p)) {
            h.writeF32(H, H0);
            // Every other range packs J into ws (when p ≥ 256); packing must not change a bit.
            for (let s = 0; s + 1 < bounds.length; s++)
              b.k.syrk_acc_rows_f32(J, H, rows, p, beta, s % 2 ? 0 : ws, bounds[s]!, bounds[s + 1]!);
            sameBits(h.readF32(H, p * p), whole, `${tag} p=${p} rows=${rows} beta=${beta} split ${bounds.join(',')}`);
          }
          // One range alone writes its rows only.
          const [r0, r1] = [Math.floor(p / 8) * 4, p];
          h.writeF32(H, H0);
          b.k.syrk_acc_rows_f32(J, H, rows, p, beta, ws, r0, r1);
          const got = h.readF32(H, p * p);
          sameBits(got.subarray(0, r0 * p), H0.subarray(0, r0 * p), `${tag} p=${p} rows before ${r0} untouched`);
          sameBits(got.subarray(r0 * p), whole.subarray(r0 * p), `${tag} p=${p} rows from ${r0}`);
        }
        for (const q of [J, H, ws]) h.free(q);
      }
    }
  });
});

describe('triangleBounds', () => {
  it('starts ranges at multiples of 4, ends at p, and balances the triangle area', () => {
    const out = new Int32Array(9);
    const area = (a: number, b: number): number => (b * (b + 1) - a * (a + 1)) / 2;
    for (let p = 1; p <= 700; p++) {
      for (let parts = 1; parts <= 8; parts++) {
        const n = triangleBounds(p, parts, out);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(parts);
        expect(out[0]).toBe(0);
        expect(out[n]).toBe(p);
        for (let t = 1; t <= n; t++) expect(out[t]!).toBeGreaterThan(out[t - 1]!);
        for (let t = 1; t < n; t++) expect(out[t]! % 4).toBe(0);
        // With room for every part (≥ 16 rows each), no part is off the ideal area by more than
        // the rounding of its two bounds to multiples of 4 (at most 2 rows each: ≤ 4·p elements).
        if (p >= 16 * parts) {
          expect(n).toBe(parts);
          const ideal = area(0, p) / parts;
          for (let t = 1; t <= n; t++) expect(Math.abs(area(out[t - 1]!, out[t]!) - ideal)).toBeLessThanOrEqual(4 * p);
        }
      }
    }
  });
});

const created: Backend[] = [];
afterAll(async () => {
  await Promise.all(created.map((b) => b.dispose()));
});

async function threaded(simd: 'baseline' | 'relaxed', threads: number): Promise<Backend> {
  const b = await init({ backend: 'wasm', simd, threads });
  created.push(b);
  expect(b.threads).toBe(threads);
  return b;
}

const levels = ['baseline', 'relaxed'] as const;

describe('the threaded syrk_acc_f32 equals one thread', () => {
  it('2 and 3 threads, baseline and relaxed, β = 0 then β = 1, and it split', async () => {
    // (p, rows): every one at least twice GEMM_SPLIT_CEILING_FLOP (rows·p·(p+1)), so it splits
    // into as many ranges as threads whatever thresholds the pool measured (each range carries at
    // least half a threshold); p = 517 packs J in ws, 300 and 960 rows make several passes.
    const shapes: [number, number][] = [
      [300, 200],
      [517, 300],
      [130, 960],
    ];
    for (const [p, rows] of shapes) expect(rows * p * (p + 1)).toBeGreaterThanOrEqual(2 * GEMM_SPLIT_CEILING_FLOP);
    for (const simd of levels) {
      const run = (b: Backend): Float32Array[] => {
        const out: Float32Array[] = [];
        for (const [p, rows] of shapes) {
          const h = b.heap;
          const [J, H] = [h.allocF32(rows * p), h.allocF32(p * p)];
          h.writeF32(J, rand(rows * p, p));
          h.writeF32(H, new Float32Array(p * p).fill(Number.NaN));
          b.k.syrk_acc_f32(J, H, rows, p, 0);
          out.push(h.readF32(H, p * p));
          h.writeF32(J, rand(rows * p, p + 1));
          b.k.syrk_acc_f32(J, H, rows, p, 1, b.ws);
          out.push(h.readF32(H, p * p));
          h.free(J);
          h.free(H);
        }
        return out;
      };
      const want = run(await threaded(simd, 1));
      for (const threads of [2, 3]) {
        const b = await threaded(simd, threads);
        const pool = threadPoolOf(b)!;
        const before = pool.jobs;
        const got = run(b);
        expect(pool.jobs - before).toBe((threads - 1) * 2 * shapes.length);
        for (const [i, x] of got.entries()) sameBits(x, want[i]!, `${simd} ${threads} threads, output ${i}`);
      }
    }
  });
});

const ROWS = 200;
const INPUTS = 20;
const OUTPUTS = 3;
const x = { data: rand(ROWS * INPUTS, 21), shape: [ROWS, INPUTS] as [number, number] };
const y = { data: rand(ROWS * OUTPUTS, 22, -0.8, 0.8), shape: [ROWS, OUTPUTS] as [number, number] };

type SecondOrder = 'lm' | 'newton';

/** Trains a 20-16-8-3 tanh net (20·16+16 + 16·8+8 + 8·3+3 = 499 parameters) for 3 full-batch epochs; returns weights and predictions. */
async function train(b: Backend, opt: SecondOrder): Promise<{ w: Float32Array; p: Float32Array }> {
  const m = sequential(
    [dense({ units: 16, activation: 'tanh', inputShape: [INPUTS] }), dense({ units: 8, activation: 'tanh' }), dense({ units: OUTPUTS })],
    { seed: 4, backend: b },
  );
  m.compile({ loss: 'mse', optimizer: opt === 'lm' ? levenbergMarquardt() : newton() });
  expect(m.paramCount).toBe(499);
  await m.fit(x, y, { epochs: 3, yieldEvery: 'never' });
  const out = { w: m.getFlatWeights(), p: m.predict(x).data.slice() };
  m.dispose();
  return out;
}

describe('second-order training with threads is bit-identical to one thread', () => {
  for (const simd of levels) {
    for (const opt of ['lm', 'newton'] as SecondOrder[]) {
      it(`${opt}, ${simd} build: weights and predictions with 2 and 3 threads equal 1 thread`, async () => {
        const one = await train(await threaded(simd, 1), opt);
        for (const threads of [2, 3]) {
          const b = await threaded(simd, threads);
          const pool = threadPoolOf(b)!;
          const before = pool.jobs;
          const got = await train(b, opt);
          // Levenberg–Marquardt: JᵀJ over 200 rows × 499² (2 flop each) per output, 3 outputs, 3 epochs;
          // both: at least one Cholesky of 499 a epoch, whose first trailing update (96·403·404 flop) splits.
          expect(pool.jobs - before).toBeGreaterThanOrEqual((threads - 1) * 3 * (opt === 'lm' ? OUTPUTS + 1 : 1));
          sameBits(got.w, one.w, `${simd} ${opt} ${threads} threads: weights`);
          sameBits(got.p, one.p, `${simd} ${opt} ${threads} threads: predictions`);
        }
      });
    }
  }
});
