// PLACEHOLDER: filled in by the kernel work.
export const __reduce_placeholder: i32 = 0;
