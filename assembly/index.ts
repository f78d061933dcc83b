// Re-exports every kernel family. Exports take pointers (usize), sizes (i32) and scalars (f32):
// no strings, arrays or classes cross the boundary. The module imports its memory (env.memory).
export * from './gemm';
export * from './gemm-slices';
export * from './gemv';
export * from './activations';
export * from './softmax';
export * from './losses';
export * from './reduce';
export * from './optimizers';
export * from './maxout';
export * from './dropout';
export * from './cholesky';
export * from './syrk';
export * from './vector';
export * from './curvature';

export * from './level';
