/**
 * Reference column blocks of the elementwise activations (semantics for
 * assembly/activations-cols.ts): rows × [j0, j1) of [rows × cols] buffers, each row segment through
 * the whole-buffer reference kernel of activations.ts; `kind` indexes ACTIVATION_KINDS.
 */
import type { Heap } from '../heap.js';
import { ACTIVATION_KINDS, type Kernels } from '../kernels.js';
import { activationKernels } from './activations.js';

type Fwd = (z: number, a: number, n: number, alpha: number) => void;
type Bwd = (z: number, a: number, da: number, dz: number, n: number, alpha: number) => void;

export function activationColsKernels(heap: Heap): Pick<Kernels, 'act_cols_fwd_f32' | 'act_cols_bwd_f32'> {
  const act = activationKernels(heap);
  const fwd: Fwd[] = ACTIVATION_KINDS.map(([f]) => act[f] as Fwd);
  const bwd: Bwd[] = ACTIVATION_KINDS.map(([, b]) => act[b] as Bwd);
  return {
    act_cols_fwd_f32(kind, z, a, rows, cols, j0, j1, alpha) {
      const f = fwd[kind];
      if (!f || j1 <= j0) return;
      for (let r = 0; r < rows; r++) {
        const o = 4 * (r * cols + j0);
        f(z + o, a + o, j1 - j0, alpha);
      }
    },
    act_cols_bwd_f32(kind, z, a, da, dz, rows, cols, j0, j1, alpha) {
      const b = bwd[kind];
      if (!b || j1 <= j0) return;
      for (let r = 0; r < rows; r++) {
        const o = 4 * (r * cols + j0);
        b(z + o, a + o, da + o, dz + o, j1 - j0, alpha);
      }
    },
  };
}
