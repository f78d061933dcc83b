/**
 * assembly/reduce.ts: colsum (beta 0 / 1), gather_rows, argmax_rows, count_correct,
 * find_nonfinite, count_correct_binary. Selections and counts are exact; sums use SUM (f32 sums of up
 * to 129 terms against float64).
 */
import { describe, expect, it } from 'vitest';
import { binaryTargets, COLS, conform, EDGE_SIZES, EXACT, expectClose, f32, oneHot, rand, ROWS, SUM } from '../helpers/conformance.js';

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

describe('binary accuracy', () => {
  it('count_correct_binary counts (a > 0.5) == (y > 0.5) exactly', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const a = rand(n, n, 0, 1);
      if (n > 1) a[1] = 0.5; // the threshold counts as negative
      const y = binaryTargets(n, n + 1);
      const ref = await conform(
        'count_correct_binary_f32',
        { inputs: { a, y }, outputs: {}, args: (p) => [p.a!, p.y!, n] },
        EXACT,
        `n=${n}`,
      );
      let want = 0;
      for (let i = 0; i < n; i++) if (a[i]! > 0.5 === y[i]! > 0.5) want++;
      expect(ref.ret).toBe(want);
    }
  });
});
