// Moving f32x4 lanes to and from f64x2: the f32 kernels that compute in f64
// (for accuracy) widen the low and high halves, run the f64 algorithm on
// each, and narrow the two results back into one f32x4 (one rounding each).

@inline export function widenLo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline export function widenHi(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)); }
@inline export function narrow(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
