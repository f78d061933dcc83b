// PLACEHOLDER: filled in by the kernel work.
export const __optimizers_placeholder: i32 = 0;
