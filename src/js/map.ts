// Loop driver of the pure-TypeScript backend. Each op mirrors the `one`
// method of its AssemblyScript operator class, operation for operation: f32
// ops wrap every +, -, *, / in Math.fround so they round exactly as f32
// arithmetic does; storing into a Float32Array rounds the final f64 value the
// way f32.demote_f64 does (to nearest, ties to even).
import type { FloatArray } from '../types.js';

/** A scalar elementwise op: (x, a, b) -> y, params already rounded to the dtype. */
export type ScalarOp = (x: number, a: number, b: number) => number;

/** An elementwise kernel as the JS backend holds it: one op per dtype. */
export interface JsUnaryKernel {
  readonly f32: ScalarOp;
  readonly f64: ScalarOp;
}

export function mapScalar(x: FloatArray, y: FloatArray, op: ScalarOp, a: number, b: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) y[i] = op(x[i]!, a, b);
}
