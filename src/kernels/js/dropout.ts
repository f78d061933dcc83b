/**
 * Reference inverted dropout (semantics for assembly/dropout.ts), bit-identical masks: element i
 * under seed s is dropped iff (hash(i, s) >>> 8) < trunc(rate·2^24), with
 * hash = lowbias32(i·0x9E3779B9 + fmix32(s)); kept elements are scaled by f32(1/(1 − rate)).
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';
import { fmix32 } from '../../random.js';

/** murmur3 fmix32 of the seed: the per-call key. */
export const dropoutKey = fmix32;

/** lowbias32(i·φ + key) as an unsigned 32-bit integer. */
export function dropoutHash(i: number, key: number): number {
  let x = (Math.imul(i, 0x9e3779b9) + key) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function dropoutKernels(heap: Heap): Pick<Kernels, 'dropout_fwd_f32' | 'dropout_mask_fwd_f32' | 'dropout_bwd_f32'> {
  const mul = (a: number, b: number, out: number, n: number): void => {
    const f = heap.f32;
    const ai = a >>> 2,
      bi = b >>> 2,
      oi = out >>> 2;
    for (let i = 0; i < n; i++) f[oi + i] = f[ai + i]! * f[bi + i]!;
  };
  return {
    /** mask_i = keep ? 1/(1 − rate) : 0, y = x·mask */
    dropout_fwd_f32(x, mask, y, n, rate, seed) {
      const f = heap.f32;
      const r = Math.fround(rate);
      const key = dropoutKey(seed | 0);
      const thr = Math.trunc(r * 16777216);
      const keep = Math.fround(1 / Math.fround(1 - r));
      const xi = x >>> 2,
        mi = mask >>> 2,
        yi = y >>> 2;
      for (let i = 0; i < n; i++) {
        const m = dropoutHash(i, key) >>> 8 >= thr ? keep : 0;
        f[mi + i] = m;
        f[yi + i] = f[xi + i]! * m;
      }
    },
    /** y = x·mask */
    dropout_mask_fwd_f32(x, mask, y, n) {
      mul(x, mask, y, n);
    },
    /** dx = dy·mask */
    dropout_bwd_f32(dy, mask, dx, n) {
      mul(dy, mask, dx, n);
    },
  };
}
