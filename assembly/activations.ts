// PLACEHOLDER: filled in by the kernel work.
export const __activations_placeholder: i32 = 0;
