// Entry of both WebAssembly builds (SIMD and scalar: see asconfig.json).
// Every kernel family lives in its own file; the wrapper in src/ finds the
// kernels by name (`<kernel>_f32`, `<kernel>_f64`).
export * from './kernels/piecewise';
export * from './kernels/exp_family';
export * from './kernels/tanh_family';
export * from './kernels/softmax';

// First byte the wrapper may use for its own buffers: everything below holds
// the module's static data.
export function heapBase(): usize { return __heap_base; }

// 1 in the SIMD build, 0 in the scalar one: lets the wrapper check which build it was handed.
export function simd(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }
