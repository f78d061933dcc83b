// PLACEHOLDER: filled in by the kernel work.
export const __losses_placeholder: i32 = 0;
