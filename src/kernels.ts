// The internal interface every backend implements. The public functions
// (src/api.ts) validate their input once, up front, and then call exactly one
// of these methods with arrays of one dtype and params already rounded to it.
import type { FloatArray } from './types.js';
import type { WasmArray } from './wasm-array.js';

/** What a kernel reads or writes: a typed array, or a block of WebAssembly memory. */
export type Operand = FloatArray | WasmArray;

export type BackendName = 'wasm-simd' | 'wasm' | 'js';

export interface KernelSet {
  readonly name: BackendName;
  readonly simd: boolean;
  readonly threads: number;
  /** out[i] = f(x[i]); out may be x. */
  unary(kernel: string, x: Operand, out: Operand, a: number, b: number): void;
  /** prelu with one alpha per channel; `alpha` has x's dtype, element i is in channel floor(i / inner) % alpha.length. */
  preluChannels(x: Operand, out: Operand, alpha: FloatArray, inner: number): void;
  /** softmax family over the middle axis of shape [outer, len, inner]; mode 0 softmax, 1 logSoftmax, 2 softmin. */
  axis(x: Operand, out: Operand, outer: number, len: number, inner: number, mode: number): void;
  /** out[i] = dy[i] * f'(x[i]) with the forward kernel's name and params; dy null means ones. out may be x or dy. */
  unaryGrad(kernel: string, x: Operand, dy: Operand | null, out: Operand, a: number, b: number): void;
  /** prelu's gradient with one alpha per channel (as preluChannels); dy null means ones. */
  preluChannelsGrad(x: Operand, dy: Operand | null, out: Operand, alpha: FloatArray, inner: number): void;
  /** Vector-Jacobian product of the softmax family (as axis) with dy (null: ones). out may be x or dy. */
  axisGrad(x: Operand, dy: Operand | null, out: Operand, outer: number, len: number, inner: number, mode: number): void;
  /** A zero-copy array in this backend's memory (WebAssembly backends only). */
  allocate(dtype: 'f32' | 'f64', length: number): WasmArray;
  /** Frees what the backend holds (WebAssembly memory); later calls throw. */
  release(): void;
}
