/**
 * The pure-TypeScript backend: the same kernels as assembly/, written plainly over the heap's typed
 * views. It defines the semantics (the conformance tests compare wasm against it), serves as the
 * fallback where WebAssembly SIMD is missing, and is the "pure JS" column of every benchmark.
 */
import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';
import { activationKernels } from './activations.js';
import { curvatureKernels } from './curvature.js';
import { dropoutKernels } from './dropout.js';
import { gemmKernels } from './gemm.js';
import { gemmKSliceKernels } from './gemm-kslices.js';
import { gemvKernels } from './gemv.js';
import { linalgKernels } from './linalg.js';
import { lossKernels } from './losses.js';
import { maxoutKernels } from './maxout.js';
import { optimizerKernels } from './optimizers.js';
import { reduceKernels } from './reduce.js';
import { softmaxKernels } from './softmax.js';

/**
 * The js kernel table. Checked at compile time: `satisfies Kernels` fails if a kernel of the contract
 * is missing, and every family returns a `Pick<Kernels, …>` (an object literal, so excess-property
 * checked), so no name outside the contract can get in.
 */
export function jsKernels(heap: Heap): Kernels {
  return {
    ...gemmKernels(heap),
    ...gemmKSliceKernels(heap),
    ...gemvKernels(heap),
    ...activationKernels(heap),
    ...softmaxKernels(heap),
    ...lossKernels(heap),
    ...reduceKernels(heap),
    ...optimizerKernels(heap),
    ...maxoutKernels(heap),
    ...dropoutKernels(heap),
    ...linalgKernels(heap),
    ...curvatureKernels(heap),
  } satisfies Kernels;
}
