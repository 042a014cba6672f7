// Error-free transformations for f64 without FMA (Dekker 1971, Knuth): the
// rounding error of a product or a sum, exactly, so that a kernel can carry a
// quantity as hi + lo where one rounding would cost too much (beta*x in
// softplus, x^2 in gelu's e^(-x^2/2), the cubic inside geluTanh).

// 2^27 + 1: a*SPLIT splits a double into two halves of 26 bits.
const SPLIT: f64 = 134217729.0;

/** a*b - fl(a*b) exactly, given p = fl(a*b); 0 where the split overflows (|a|, |b| > 2^996). */
@inline export function productErrorF64x2(a: v128, b: v128, p: v128): v128 {
  const ca = f64x2.mul(a, f64x2.splat(SPLIT));
  const ah = f64x2.sub(ca, f64x2.sub(ca, a));
  const al = f64x2.sub(a, ah);
  const cb = f64x2.mul(b, f64x2.splat(SPLIT));
  const bh = f64x2.sub(cb, f64x2.sub(cb, b));
  const bl = f64x2.sub(b, bh);
  const e = f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(ah, bh), p), f64x2.mul(ah, bl)), f64x2.mul(al, bh));
  const err = f64x2.add(e, f64x2.mul(al, bl));
  return v128.and(err, f64x2.eq(err, err));
}

@inline export function productErrorF64(a: f64, b: f64, p: f64): f64 {
  const ca = a * SPLIT;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = b * SPLIT;
  const bh = cb - (cb - b);
  const bl = b - bh;
  const err = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
  return err == err ? err : 0.0;
}

/** a + b - fl(a + b) exactly, given s = fl(a + b), for any order of magnitudes (Knuth's TwoSum). */
@inline export function sumErrorF64x2(a: v128, b: v128, s: v128): v128 {
  const bb = f64x2.sub(s, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(s, bb)), f64x2.sub(b, bb));
}

@inline export function sumErrorF64(a: f64, b: f64, s: f64): f64 {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}
