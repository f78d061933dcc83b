/**
 * assembly/maxout.ts: maxout forward (values and argmax, exact for k = 1..5) and backward (routing
 * to the argmax), and the backward against finite differences of L = Σ G ⊙ maxout(z).
 */
import { describe, expect, it } from 'vitest';
import { allBackends, asI32, conform, EXACT, expectClose, FD_TOL, rand, runKernel } from '../helpers/conformance.js';

describe('maxout', () => {
  it('fwd (values and argmax) and bwd conform exactly for k = 1..5 over rows × units', async () => {
    for (const k of [1, 2, 3, 4, 5]) {
      for (const rows of [1, 3, 17, 129]) {
        for (const units of [1, 3, 10, 17, 128]) {
          const n = rows * units;
          // Quantised so that ties occur: the first maximum must win everywhere.
          const z = rand(n * k, n * k + units, -3, 3).map((v) => Math.round(v * 2) / 2);
          const ref = await conform(
            'maxout_fwd_f32',
            { inputs: { z }, outputs: { a: n, idx: n }, args: (p) => [p.z!, p.a!, p.idx!, rows, units, k] },
            EXACT,
            `k=${k} ${rows}×${units}`,
          );
          const wantA: number[] = [];
          const wantIdx: number[] = [];
          for (let i = 0; i < n; i++) {
            const piece = Array.from(z.subarray(i * k, (i + 1) * k));
            const m = Math.max(...piece);
            wantA.push(m);
            wantIdx.push(piece.indexOf(m));
          }
          expectClose(ref.out.a!, wantA, EXACT, `maxout k=${k} a`);
          expect(asI32(ref.out.idx!), `maxout k=${k} idx`).toEqual(wantIdx);
          const da = rand(n, n + 2);
          const idx = Int32Array.from(wantIdx);
          const nan = new Float32Array(n * k).fill(NaN);
          const b = await conform(
            'maxout_bwd_f32',
            { inputs: { da, idx }, outputs: { dz: n * k }, init: { dz: nan }, args: (p) => [p.da!, p.idx!, p.dz!, rows, units, k] },
            EXACT,
            `k=${k} ${rows}×${units}`,
          );
          const wantDz = new Array<number>(n * k).fill(0);
          for (let i = 0; i < n; i++) wantDz[i * k + wantIdx[i]!] = da[i]!;
          expectClose(b.out.dz!, wantDz, EXACT, `maxout bwd k=${k}`);
        }
      }
    }
  });

  it('bwd matches finite differences of L = Σ G ⊙ maxout(z) (every backend, no ties)', async () => {
    for (const k of [2, 3, 4]) {
      const rows = 3,
        units = 5,
        n = rows * units;
      const z = rand(n * k, 40 + k, -2, 2); // distinct values, gaps ≫ h almost surely
      const G = rand(n, 41);
      for (const [tag, b] of await allBackends()) {
        const fwdRun = (zz: Float32Array) =>
          runKernel(b, 'maxout_fwd_f32', {
            inputs: { z: zz },
            outputs: { a: n, idx: n },
            args: (p) => [p.z!, p.a!, p.idx!, rows, units, k],
          }).out;
        const L = (zz: Float32Array) => fwdRun(zz).a!.reduce((s, v, i) => s + G[i]! * v, 0);
        const idx = Int32Array.from(asI32(fwdRun(z).idx!));
        const dz = runKernel(b, 'maxout_bwd_f32', {
          inputs: { da: G, idx },
          outputs: { dz: n * k },
          args: (p) => [p.da!, p.idx!, p.dz!, rows, units, k],
        }).out.dz!;
        const h = 1e-3;
        const fd = Array.from(z, (_, i) => {
          const zp = z.slice(),
            zm = z.slice();
          zp[i]! += h;
          zm[i]! -= h;
          return (L(zp) - L(zm)) / (zp[i]! - zm[i]!);
        });
        expectClose(dz, fd, FD_TOL, `maxout k=${k} [${tag}] dz vs FD`);
      }
    }
  });
});
