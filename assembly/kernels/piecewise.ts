// Piecewise-linear family: exact functions (one rounding at most) built from
// compares, selects and pmin/pmax. `f32x4.pmax(x, c)` is `x < c ? c : x`: one
// instruction (maxps) where `f32x4.max` needs eight for its NaN and -0 rules,
// and it keeps a NaN in x because the compare is false. Every `one` below is
// written as that same compare-select so scalar, SIMD and JS agree on NaN and -0.
import { mapF32, mapF64 } from './map';

@final class Identity32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return x; }
  @inline one(x: f32, a: f32, b: f32): f32 { return x; }
}
@final class Identity64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return x; }
  @inline one(x: f64, a: f64, b: f64): f64 { return x; }
}
export function identity_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Identity32>(x, y, n, a, b); }
export function identity_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Identity64>(x, y, n, a, b); }

// relu(x) = x < 0 ? 0 : x
@final class Relu32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f32x4.pmax(x, f32x4.splat(0)); }
  @inline one(x: f32, a: f32, b: f32): f32 { return x < 0 ? 0 : x; }
}
@final class Relu64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f64x2.pmax(x, f64x2.splat(0)); }
  @inline one(x: f64, a: f64, b: f64): f64 { return x < 0 ? 0 : x; }
}
export function relu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Relu32>(x, y, n, a, b); }
export function relu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Relu64>(x, y, n, a, b); }
