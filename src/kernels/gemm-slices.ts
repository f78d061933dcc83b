/**
 * How the packed GEMM (assembly/gemm-packed.ts) slices k, for the thread pool's split of Z = X·W by slices
 * of k (threaded.ts) and the JS twins of the slice kernels. Its own module, imported only by those
 * lazily loaded parts, so that a page that only predicts does not download it.
 */

/**
 * Where in a `ws` the packing area ends (it takes 1,179,776 bytes, assembly/gemm-blocking.ts): past this
 * offset a worker's ws holds its k-slices' separate products (gemm_nn_kslices_f32 with sep).
 */
export const GEMM_WS_SEP_OFFSET = 5 << 18;
/** Depth of the packed GEMM's k-slices (KC in assembly/gemm-blocking.ts). */
export const GEMM_KC = 256;

/**
 * How the packed GEMM slices k (gemmPacked in assembly/gemm-packed.ts): [kcStep, count] — count equal slices of kcStep
 * (≤ GEMM_KC, a multiple of 4; the last one may be shorter) covering k.
 */
export function gemmKSlices(k: number): [number, number] {
  const step = kSliceStep(k);
  return [step, Math.ceil(k / step)];
}

/** The count of gemmKSlices, without an array (the threaded table allocates nothing per call). */
export function gemmKSliceCount(k: number): number {
  return Math.ceil(k / kSliceStep(k));
}

/** The depth of each of k's slices: ⌈k / ⌈k / GEMM_KC⌉⌉ rounded up to a multiple of 4, at most GEMM_KC. */
function kSliceStep(k: number): number {
  const slices = Math.ceil(k / GEMM_KC);
  return Math.min(GEMM_KC, (Math.ceil(k / slices) + 3) & ~3);
}
