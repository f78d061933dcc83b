/**
 * assembly/dropout.ts: generated masks (bit-identical in js and wasm for every size, rate and seed;
 * keep rate ≈ 1 − rate, scaled by 1/(1 − rate); golden mask of a fixed seed) and the fixed-mask
 * forward and backward (conformance and finite differences).
 */
import { describe, expect, it } from 'vitest';
import { allBackends, conform, EDGE_SIZES, EXACT, expectClose, FD_H, FD_TOL, rand, runKernel } from '../helpers/conformance.js';

describe('dropout', () => {
  it('generated masks are bit-identical in js and wasm, for every size, rate and seed', async () => {
    for (const n of [...EDGE_SIZES, 1000, 4097]) {
      for (const [rate, seed] of [
        [0, 1],
        [0.2, 7],
        [0.5, -123456],
        [0.9, 2 ** 31 - 1],
      ] as const) {
        const x = rand(n, n);
        await conform(
          'dropout_fwd_f32',
          { inputs: { x }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, rate, seed] },
          EXACT,
          `n=${n} rate=${rate} seed=${seed}`,
        );
      }
    }
  });

  it('keeps ≈ 1 − rate of the elements, scales them by 1/(1 − rate), is seed-deterministic', async () => {
    const n = 1 << 16;
    const x = rand(n, 5);
    for (const [tag, b] of await allBackends()) {
      for (const rate of [0, 0.1, 0.5, 0.8]) {
        const run = (seed: number) =>
          runKernel(b, 'dropout_fwd_f32', { inputs: { x }, outputs: { mask: n, y: n }, args: (p) => [p.x!, p.mask!, p.y!, n, rate, seed] })
            .out;
        const a = run(42);
        const keep = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
        let kept = 0;
        let bad = 0;
        for (let i = 0; i < n; i++) {
          const m = a.mask![i]!;
          if (!(m === 0 || m === keep) || a.y![i] !== Math.fround(x[i]! * m)) bad++;
          if (m !== 0) kept++;
        }
        expect(bad, `${tag} rate ${rate}: mask ∈ {0, 1/(1 − rate)} and y = x·mask everywhere`).toBe(0);
        const p = 1 - rate;
        const sd = Math.sqrt(n * p * (1 - p));
        expect(Math.abs(kept - n * p), `${tag} rate ${rate}: kept ${kept} of ${n}`).toBeLessThanOrEqual(5 * sd + 1e-9);
        expect(Array.from(run(42).mask!), `${tag} same seed, same mask`).toEqual(Array.from(a.mask!));
        if (rate > 0) {
          const other = run(43).mask!;
          let diff = 0;
          for (let i = 0; i < n; i++) if (other[i] !== a.mask![i]) diff++;
          expect(diff, `${tag} another seed differs`).toBeGreaterThan(n * 2 * p * (1 - p) * 0.9);
        }
      }
    }
  });

  it('the mask of a fixed seed never changes (golden values: saved models and experiments replay)', async () => {
    const n = 32;
    const x = new Float32Array(n).fill(1);
    for (const [tag, b] of await allBackends()) {
      const { out } = runKernel(b, 'dropout_fwd_f32', {
        inputs: { x },
        outputs: { mask: n, y: n },
        args: (p) => [p.x!, p.mask!, p.y!, n, 0.5, 12345],
      });
      const bits = Array.from(out.mask!, (m) => (m ? 1 : 0)).join('');
      expect(bits, `${tag} golden mask`).toBe(GOLDEN_MASK_12345);
    }
  });

  it('fixed-mask forward and backward conform, and match finite differences', async () => {
    for (const n of [...EDGE_SIZES, 1000]) {
      const x = rand(n, n);
      const mask = rand(n, n + 1, 0, 1).map((u) => (u < 0.3 ? 0 : 1 / 0.7));
      const dy = rand(n, n + 2);
      const f = await conform(
        'dropout_mask_fwd_f32',
        { inputs: { x, mask }, outputs: { y: n }, args: (p) => [p.x!, p.mask!, p.y!, n] },
        EXACT,
        `n=${n}`,
      );
      expectClose(
        f.out.y!,
        Array.from(x, (v, i) => Math.fround(v * mask[i]!)),
        EXACT,
        'dropout y = x·mask',
      );
      const bw = await conform(
        'dropout_bwd_f32',
        { inputs: { dy, mask }, outputs: { dy: n }, args: (p) => [p.dy!, p.mask!, p.dy!, n] },
        EXACT,
        `n=${n} in place`,
      );
      expectClose(
        bw.out.dy!,
        Array.from(dy, (v, i) => Math.fround(v * mask[i]!)),
        EXACT,
        'dropout dx = dy·mask',
      );
    }
    const n = 33;
    const x = rand(n, 1),
      mask = rand(n, 2, 0, 1).map((u) => (u < 0.5 ? 0 : 2)),
      G = rand(n, 3);
    for (const [tag, b] of await allBackends()) {
      const L = (xx: Float32Array) =>
        runKernel(b, 'dropout_mask_fwd_f32', {
          inputs: { x: xx, mask },
          outputs: { y: n },
          args: (p) => [p.x!, p.mask!, p.y!, n],
        }).out.y!.reduce((s, v, i) => s + G[i]! * v, 0);
      const fd = Array.from(x, (_, i) => {
        const xp = x.slice(),
          xm = x.slice();
        xp[i]! += FD_H;
        xm[i]! -= FD_H;
        return (L(xp) - L(xm)) / (xp[i]! - xm[i]!);
      });
      const dx = runKernel(b, 'dropout_bwd_f32', { inputs: { dy: G, mask }, outputs: { dx: n }, args: (p) => [p.dy!, p.mask!, p.dx!, n] })
        .out.dx!;
      expectClose(dx, fd, FD_TOL, `dropout [${tag}] dx vs FD`);
    }
  });
});

/** The keep pattern of dropout_fwd_f32(rate 0.5, seed 12345) over 32 elements (1 = kept). */
const GOLDEN_MASK_12345 = '01011000101101011110010110010111';
