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

/** A scalar gradient op: (x, dy, a, b) -> dy * f'(x), params already rounded to the dtype. */
export type GradScalarOp = (x: number, dy: number, a: number, b: number) => number;

/** A gradient kernel as the JS backend holds it (exported as `<kernel>_grad` by a family file). */
export interface JsGradKernel {
  readonly grad: true;
  readonly f32: GradScalarOp;
  readonly f64: GradScalarOp;
}

/** out[i] = dy[i] * f'(x[i]); dy null means ones (as the kernels' dy = 0). */
export function mapGradScalar(x: FloatArray, dy: FloatArray | null, y: FloatArray, op: GradScalarOp, a: number, b: number): void {
  const n = x.length;
  if (dy === null) for (let i = 0; i < n; i++) y[i] = op(x[i]!, 1, a, b);
  else for (let i = 0; i < n; i++) y[i] = op(x[i]!, dy[i]!, a, b);
}
