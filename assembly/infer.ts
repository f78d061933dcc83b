// The forward kernels only: the entry of simdnn/infer's builds (simdnn-infer.wasm and
// simdnn-infer-relaxed.wasm, about a third of the full module), which that entry's init() loads
// when it runs on one thread. The list is INFERENCE_KERNEL_NAMES in src/kernels/kernels.ts
// (test/kernels/infer-build.test.ts checks that the two agree). The kernels are the full build's
// own functions, compiled from the same sources with the same options: the same bits out.
export { gemm_nn_f32 } from './gemm';
export { gemv_row_f32 } from './gemv';
export {
  linear_fwd_f32,
  relu_fwd_f32,
  sigmoid_fwd_f32,
  tanh_fwd_f32,
  leaky_relu_fwd_f32,
  elu_fwd_f32,
  softplus_fwd_f32,
  hard_tanh_fwd_f32,
  abs_fwd_f32,
  prelu_fwd_f32,
} from './activations';
export { softmax_rows_f32 } from './softmax';
export { maxout_fwd_f32 } from './maxout';
export { argmax_rows_f32, find_nonfinite_f32, fnv1a_u8 } from './reduce';
export { copy_f32 } from './vector';
export * from './level';
