/**
 * Slices of k (src/kernels/threaded.ts: Z = X·W of a layer wider than the batch split by rows of W —
 * the calling thread computes the first k-slices of the packed path into C, each worker its slices'
 * products apart, then gemm_ksum_f32 adds them to C in order):
 * - gemm_nn_kslices_f32 and gemm_ksum_f32 conform to the js reference on every build (debug asserts on).
 * - Every partition of the k-slices (as gemmKSlices(k) counts them) into a first block into C and
 *   later blocks apart, summed back by gemm_ksum_f32, equals the whole gemm_nn_f32 bit for bit on
 *   every wasm build: 2 to 5 slices (a short last one), partial edge tiles (n not a multiple of 8),
 *   two row blocks (m > 120), m just over the tiny-m limit, with and without bias, beta 0 and 1.
 * The threaded tables' use of them (2 and 3 threads, counted jobs, one thread's bits):
 * test/kernels/threads-cols.test.ts and test/kernels/threads-train.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { gemmKSlices } from '../../src/kernels/gemm-slices.js';
import { allBackends, conform, rand } from '../helpers/conformance.js';
import { sameBits, setup } from '../helpers/threads.js';

const U = 2 ** -24;

/** (m, n, k): slice counts 2 (k = 300), 3 (513, a short last slice), 4 (784), 5 (1100). */
const SHAPES: [number, number, number][] = [
  [9, 129, 300],
  [5, 37, 513],
  [64, 512, 784],
  [130, 20, 1100],
];

/** Every way to cut `count` slices into consecutive non-empty blocks: the bounds, 0 … count. */
function partitions(count: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << (count - 1); mask++) {
    const b = [0];
    for (let q = 1; q < count; q++) if (mask & (1 << (q - 1))) b.push(q);
    b.push(count);
    if (b.length > 2) out.push(b);
  }
  return out;
}

describe('gemm_nn_kslices_f32 and gemm_ksum_f32', () => {
  it('conform to the js reference (every build incl. debug)', async () => {
    for (const [m, n, k, q0, q1] of [
      [9, 129, 300, 0, 1],
      [9, 129, 300, 1, 2],
      [5, 37, 513, 1, 3],
    ] as const) {
      const A = rand(m * k, m + n);
      const B = rand(k * n, k);
      const bias = rand(n, 5);
      const C0 = rand(m * n, q0 + 7);
      const abs = (k + 3) * 2 * U * (k + 2);
      // Into C (q0 = 0: with bias and beta = 1), or each slice apart into sep (C untouched).
      const apart = q0 > 0;
      await conform(
        'gemm_nn_kslices_f32',
        {
          inputs: { a: A, b: B, bias },
          outputs: { c: m * n, sep: (q1 - q0) * m * n },
          init: { c: C0 },
          args: (p, be) => [p.a!, p.b!, p.c!, m, n, k, p.bias!, 1, be.ws, q0, q1, apart ? p.sep! : 0],
        },
        { abs, rel: 0 },
        `m=${m} n=${n} k=${k} slices ${q0}..${q1}${apart ? ' apart' : ''}`,
      );
    }
    const n = 103;
    await conform(
      'gemm_ksum_f32',
      {
        inputs: { s: rand(3 * n, 2) },
        outputs: { c: n },
        init: { c: rand(n, 3) },
        args: (p) => [p.c!, p.s!, n, 3, n],
      },
      { abs: 0, rel: 0 },
      'n=103, 3 parts',
    );
  });

  it('every partition of the k-slices, summed back in order, equals the whole call bit for bit; every wasm build', async () => {
    for (const [tag, b] of (await allBackends({ debug: true })).filter(([t]) => t !== 'js')) {
      for (const [m, n, k] of SHAPES) {
        const [, count] = gemmKSlices(k);
        expect(count, `k=${k}`).toBeGreaterThanOrEqual(2);
        const p = setup(b, m, n, k, m + 2 * n);
        const sep = b.heap.allocF32(count * m * n);
        const C0 = rand(m * n, 17);
        for (const [bias, beta] of [
          [p.bias, 0],
          [0, 1],
          [p.bias, 1],
        ] as const) {
          b.heap.writeF32(p.C, C0);
          b.k.gemm_nn_f32(p.A, p.B, p.C, m, n, k, bias, beta, b.ws);
          const whole = b.heap.readF32(p.C, m * n);
          for (const bounds of partitions(count)) {
            b.heap.writeF32(p.C, C0);
            b.k.gemm_nn_kslices_f32(p.A, p.B, p.C, m, n, k, bias, beta, b.ws, 0, bounds[1]!, 0);
            for (let s = 1; s + 1 < bounds.length; s++) {
              const [q0, q1] = [bounds[s]!, bounds[s + 1]!];
              b.k.gemm_nn_kslices_f32(p.A, p.B, p.C, m, n, k, bias, beta, b.ws, q0, q1, sep);
              b.k.gemm_ksum_f32(p.C, sep, m * n, q1 - q0, m * n);
            }
            sameBits(
              b.heap.readF32(p.C, m * n),
              whole,
              `${tag} m=${m} n=${n} k=${k} bias ${bias !== 0} beta ${beta}, slices ${bounds.join(',')}`,
            );
          }
        }
        b.heap.free(sep);
        for (const q of Object.values(p)) b.heap.free(q);
      }
    }
  });
});
