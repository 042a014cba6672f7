// Profile of the exp-based f32 kernels (bench/profile.js): what each stage of
// sigmoid costs, so a missed speed target can be traced to its cause. Not part
// of the library; compiled by bench/profile.js with the library's settings.
import { mapF32 } from '../../assembly/kernels/map';
import { expF32x4 } from '../../assembly/core/exp';
export { sigmoid_f32, silu_f32, elu_f32 } from '../../assembly/kernels/exp_family';
export { tanh_f32 } from '../../assembly/kernels/tanh_family';

// The shared exp core alone (clamp, Cody-Waite reduction, degree-4 q, two-factor scaling).
@final class Exp32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return expF32x4(x); }
  @inline one(x: f32, a: f32, b: f32): f32 { return x; }
}
export function exp_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Exp32>(x, y, n, a, b); }

// sigmoid as most libraries write it: the exp core and one f32 division (up to ~2.5 ULP).
@final class SigmoidF32Division {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const e = expF32x4(v128.or(x, i32x4.splat(0x80000000)));
    const one = f32x4.splat(1);
    return f32x4.div(v128.bitselect(e, one, f32x4.lt(x, f32x4.splat(0))), f32x4.add(one, e));
  }
  @inline one(x: f32, a: f32, b: f32): f32 { return x; }
}
export function sigmoidF32Division_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<SigmoidF32Division>(x, y, n, a, b); }

// A load and a store: the floor of any in-place kernel.
@final class Copy32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return x; }
  @inline one(x: f32, a: f32, b: f32): f32 { return x; }
}
export function copy_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Copy32>(x, y, n, a, b); }
