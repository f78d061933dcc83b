import type { Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';

// PLACEHOLDER: filled in by the kernel work.
export function softmaxKernels(_heap: Heap): Partial<Kernels> {
  return {};
}
