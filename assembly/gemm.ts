// PLACEHOLDER: filled in by the kernel work.
export const __gemm_placeholder: i32 = 0;
