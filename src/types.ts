export type FloatArray = Float32Array | Float64Array;
export type DType = 'f32' | 'f64';

export function dtypeOf(x: FloatArray): DType {
  return x instanceof Float32Array ? 'f32' : 'f64';
}
