// The shared math core: exp, expm1 and log1p for f32 (f32x4 and scalar) and
// f64 (f64x2 and scalar). Every kernel that needs one of these calls it here;
// src/js/core/exp.ts mirrors each scalar function operation for operation.
//
// exp(x) = 2^n * e^r with n = round(x / ln2) and r = x - n*ln2:
// - n comes from the shifter trick: x*log2(e) + 1.5*2^23 (2^52 for f64) rounds
//   to an integer in the low mantissa bits, ties to even, with no conversion
//   instruction, and the same trick gives n's bits for the scaling below.
// - ln2 is split Cody-Waite style into LN2_HI, whose trailing mantissa bits are
//   zero so that n*LN2_HI is exact for every n we meet, and LN2_LO; then
//   x - n*LN2_HI is exact (Sterbenz) and r carries an error below 2^-10 ulp.
// - |r| <= ln2/2 = 0.3466; e^r = 1 + t, t = r + r^2 q(r). f32: q a degree-4
//   minimax fit (|error| < 2^-28.2); f64: q the Taylor polynomial, degree 13
//   in e^r, truncation 0.3466^14/14! = 4.0e-18 (0.04 ulp). Adding
//   the 1 last keeps the error near the final rounding (measured <= 1 ulp).
// - 2^n is built from exponent bits in two factors, 2^(n>>1) and
//   2^(n-(n>>1)), both normal for every clamped x: the first product is exact
//   and only the second rounds, so results grade into subnormals correctly and
//   overflow to +Infinity exactly where exp does.
// The argument is clamped first (a compare-select, which keeps NaN): below
// the clamp exp is 0, above it +Infinity, so +-Infinity give the limits.

// ---------------------------------------------------------------- f32 ----

const LOG2E_F32: f32 = 1.44269502;
const SHIFT_F32: f32 = 12582912.0; // 1.5 * 2^23
const LN2_HI_F32: f32 = 0.693145751953125; // 0x3f317200: 16 significant bits
const LN2_LO_F32: f32 = 1.428606765330187e-6; // ln2 - LN2_HI_F32
// exp(-160) rounds to 0 even when scaled by 2^64 (expScaled); exp(89) > 2^128
// overflows. n stays in [-231, 129], so both factors 2^(n>>1), 2^(n-(n>>1)) are normal.
const EXP_MIN_F32: f32 = -160.0;
const EXP_MAX_F32: f32 = 89.0;
// q(r) = (e^r - 1 - r)/r^2: a degree-4 minimax fit weighted by r^2 on
// [-0.3467, 0.3467] (Remez exchange in mpmath at 60 digits, rounded to f32),
// |error of r^2 q| < 2^-28.2: one Horner step fewer than the degree-7 Taylor
// polynomial for the same accuracy.
const E2_F32: f32 = reinterpret<f32>(0x3f000000); // 0.5000000095339905
const E3_F32: f32 = reinterpret<f32>(0x3e2aaa47); // 0.1666651868289468
const E4_F32: f32 = reinterpret<f32>(0x3d2aaa2f); // 0.04166620530250455
const E5_F32: f32 = reinterpret<f32>(0x3c091dbf); // 0.008368908216522494
const E6_F32: f32 = reinterpret<f32>(0x3ab6da31); // 0.001395052451230958

/** e^r - 1 for |r| <= ln2/2, absolute error < 2^-28. */
@inline function expm1ReducedF32x4(r: v128): v128 {
  let q = f32x4.add(f32x4.mul(f32x4.splat(E6_F32), r), f32x4.splat(E5_F32));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(E4_F32));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(E3_F32));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(E2_F32));
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
}

@inline function expm1ReducedF32(r: f32): f32 {
  let q = E6_F32 * r + E5_F32;
  q = q * r + E4_F32;
  q = q * r + E3_F32;
  q = q * r + E2_F32;
  return r + (r * r) * q;
}

/** 2^n as f32 from an integer lane (n in [-126, 127]). */
@inline function pow2F32x4(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

@inline function pow2F32(n: i32): f32 {
  return reinterpret<f32>((n + 127) << 23);
}

/** e^x for f32 lanes, <= 1 ulp, subnormal results correctly graded. */
@inline export function expF32x4(x: v128): v128 {
  return expScaledF32x4(x, 0);
}

/**
 * e^x * 2^k for f32 lanes. With k = 64 and x <= 0 the result is never
 * subnormal, so callers that widen to f64 (and multiply by 2^-64 there, exactly)
 * keep full relative precision where e^x itself would be an f32 subnormal.
 */
@inline export function expScaledF32x4(x: v128, k: i32): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_MIN_F32)), f32x4.splat(EXP_MAX_F32));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E_F32)), f32x4.splat(SHIFT_F32));
  const n = f32x4.sub(shifted, f32x4.splat(SHIFT_F32));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI_F32))), f32x4.mul(n, f32x4.splat(LN2_LO_F32)));
  const p = f32x4.add(f32x4.splat(1.0), expm1ReducedF32x4(r));
  const ni = i32x4.sub(shifted, f32x4.splat(SHIFT_F32));
  const n1 = i32x4.shr_s(ni, 1);
  return f32x4.mul(f32x4.mul(p, pow2F32x4(n1)), pow2F32x4(i32x4.add(i32x4.sub(ni, n1), i32x4.splat(k))));
}

@inline export function expF32(x: f32): f32 {
  return expScaledF32(x, 0);
}

@inline export function expScaledF32(x: f32, k: i32): f32 {
  x = x < EXP_MIN_F32 ? EXP_MIN_F32 : x;
  x = EXP_MAX_F32 < x ? EXP_MAX_F32 : x;
  const shifted = x * LOG2E_F32 + SHIFT_F32;
  const n = shifted - SHIFT_F32;
  const r = (x - n * LN2_HI_F32) - n * LN2_LO_F32;
  const p: f32 = 1.0 + expm1ReducedF32(r);
  const ni = reinterpret<i32>(shifted) - reinterpret<i32>(SHIFT_F32);
  const n1 = ni >> 1;
  return (p * pow2F32(n1)) * pow2F32(ni - n1 + k);
}

// expm1: e^x - 1 = 2^n t + (2^n - 1) with t = e^r - 1. For n <= 24 both terms
// are exact (2^n t is a scaling, 2^n - 1 fits in 24 bits) and one rounding
// remains, so the result keeps its relative accuracy near 0 (n = 0 gives t
// itself). For n > 24 the -1 is below half an ulp and e^x - 1 is taken from
// the exp path. Below -40, e^x - 1 rounds to -1.
const EXPM1_MIN_F32: f32 = -40.0;

/** e^x - 1 for f32 lanes, <= 1 ulp, accurate relative to the result near 0. */
@inline export function expm1F32x4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXPM1_MIN_F32)), f32x4.splat(EXP_MAX_F32));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E_F32)), f32x4.splat(SHIFT_F32));
  const n = f32x4.sub(shifted, f32x4.splat(SHIFT_F32));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI_F32))), f32x4.mul(n, f32x4.splat(LN2_LO_F32)));
  const t = expm1ReducedF32x4(r);
  const ni = i32x4.sub(shifted, f32x4.splat(SHIFT_F32));
  // Small n: 2^n t + (2^n - 1), with n clamped so that 2^n stays normal.
  const scale = pow2F32x4(i32x4.min_s(ni, i32x4.splat(24)));
  const small = f32x4.add(f32x4.mul(t, scale), f32x4.sub(scale, f32x4.splat(1.0)));
  // Large n: e^x from two factors (it may overflow), minus 1.
  const n1 = i32x4.shr_s(ni, 1);
  const big = f32x4.sub(f32x4.mul(f32x4.mul(f32x4.add(f32x4.splat(1.0), t), pow2F32x4(n1)), pow2F32x4(i32x4.sub(ni, n1))), f32x4.splat(1.0));
  return v128.bitselect(big, small, i32x4.gt_s(ni, i32x4.splat(24)));
}

@inline export function expm1F32(x: f32): f32 {
  x = x < EXPM1_MIN_F32 ? EXPM1_MIN_F32 : x;
  x = EXP_MAX_F32 < x ? EXP_MAX_F32 : x;
  const shifted = x * LOG2E_F32 + SHIFT_F32;
  const n = shifted - SHIFT_F32;
  const r = (x - n * LN2_HI_F32) - n * LN2_LO_F32;
  const t = expm1ReducedF32(r);
  const ni = reinterpret<i32>(shifted) - reinterpret<i32>(SHIFT_F32);
  if (ni > 24) {
    const n1 = ni >> 1;
    return ((<f32>1.0 + t) * pow2F32(n1)) * pow2F32(ni - n1) - <f32>1.0;
  }
  const scale = pow2F32(ni);
  return t * scale + (scale - <f32>1.0);
}

// log1p(u) = ln(w) + c with w = 1 + u rounded and c = (u - (w - 1)) / w the
// first-order correction for that rounding. ln(w): w = 2^k m with m in
// [sqrt(2)/2, sqrt(2)), f = m - 1, and ln(1 + f) = 2 atanh(s), s = f/(2+f),
// |s| <= 0.1716, written as f - (hfsq - s (hfsq + R(s^2))) with hfsq = f^2/2
// and R(z) = 2z/3 + 2z^2/5 + ... (the atanh series), so the large terms f and
// hfsq are exact-ish and R only corrects. f32 takes R to z^5: the next term is
// 2/13 z^6 s < 2^-34 relative; f64 to z^10: next 2/23 z^11 s < 2^-60.
const SQRT1_2_BITS: i32 = 0x3f3504f3; // sqrt(2)/2 in f32
const LN2_HI_LOG_F32: f32 = 0.693145751953125;
const LN2_LO_LOG_F32: f32 = 1.428606765330187e-6;
const L1_F32: f32 = 0.6666667; // 2/3
const L2_F32: f32 = 0.4; // 2/5
const L3_F32: f32 = 0.2857143; // 2/7
const L4_F32: f32 = 0.22222222; // 2/9
const L5_F32: f32 = 0.18181819; // 2/11

/** ln(1 + u) for f32 lanes, u > -1; ln(1 + Infinity) = Infinity, u < -1 gives NaN. */
@inline export function log1pF32x4(u: v128): v128 {
  const one = f32x4.splat(1.0);
  const w = f32x4.add(one, u);
  const c = f32x4.div(f32x4.sub(u, f32x4.sub(w, one)), w);
  // Shift w's bits so that the exponent counts from sqrt(2)/2, not from 1.
  const ix = i32x4.add(w, i32x4.splat(0x3f800000 - SQRT1_2_BITS));
  const k = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(ix, 23), i32x4.splat(127)));
  const m = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(SQRT1_2_BITS));
  const f = f32x4.sub(m, one);
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2.0), f));
  const z = f32x4.mul(s, s);
  let R = f32x4.add(f32x4.mul(f32x4.splat(L5_F32), z), f32x4.splat(L4_F32));
  R = f32x4.add(f32x4.mul(R, z), f32x4.splat(L3_F32));
  R = f32x4.add(f32x4.mul(R, z), f32x4.splat(L2_F32));
  R = f32x4.add(f32x4.mul(R, z), f32x4.splat(L1_F32));
  R = f32x4.mul(R, z);
  const hfsq = f32x4.mul(f32x4.mul(f32x4.splat(0.5), f), f);
  const low = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, R)), f32x4.add(f32x4.mul(k, f32x4.splat(LN2_LO_LOG_F32)), c));
  const y = f32x4.add(f32x4.mul(k, f32x4.splat(LN2_HI_LOG_F32)), f32x4.sub(f, f32x4.sub(hfsq, low)));
  // w = +Infinity, 0 (u = -1), below 0 and NaN fall outside the bit arithmetic
  // above: they give w, -Infinity, NaN, NaN.
  const finite = v128.and(f32x4.lt(w, f32x4.splat(Infinity)), f32x4.gt(w, f32x4.splat(0.0)));
  const zeroOrBad = v128.bitselect(f32x4.splat(-Infinity), f32x4.splat(NaN), f32x4.eq(w, f32x4.splat(0.0)));
  const limit = v128.bitselect(w, zeroOrBad, f32x4.gt(w, f32x4.splat(0.0)));
  return v128.bitselect(y, limit, finite);
}

@inline export function log1pF32(u: f32): f32 {
  const w: f32 = 1.0 + u;
  if (!(w < Infinity && w > 0)) return w > 0 ? w : w == 0 ? -Infinity : NaN;
  const c = (u - (w - <f32>1.0)) / w;
  const ix = reinterpret<i32>(w) + (0x3f800000 - SQRT1_2_BITS);
  const k = <f32>((ix >> 23) - 127);
  const f = reinterpret<f32>((ix & 0x007fffff) + SQRT1_2_BITS) - <f32>1.0;
  const s = f / (<f32>2.0 + f);
  const z = s * s;
  let R = L5_F32 * z + L4_F32;
  R = R * z + L3_F32;
  R = R * z + L2_F32;
  R = R * z + L1_F32;
  R = R * z;
  const hfsq = (<f32>0.5 * f) * f;
  const low = s * (hfsq + R) + (k * LN2_LO_LOG_F32 + c);
  return k * LN2_HI_LOG_F32 + (f - (hfsq - low));
}

// ---------------------------------------------------------------- f64 ----

const LOG2E_F64: f64 = 1.4426950408889634;
const SHIFT_F64: f64 = 6755399441055744.0; // 1.5 * 2^52
const LN2_HI_F64: f64 = 6.93147180369123816490e-01; // 0x3fe62e42fee00000: low 21 bits zero
const LN2_LO_F64: f64 = 1.90821492927058770002e-10; // ln2 - LN2_HI_F64
// exp(-840) rounds to 0 even when scaled by 2^128; exp(710) > 2^1024 overflows.
// n stays in [-1212, 1025], so both factors are normal.
const EXP_MIN_F64: f64 = -840.0;
const EXP_MAX_F64: f64 = 710.0;
// 1/k!, k = 2..13, rounded to f64.
const E2: f64 = 0.5;
const E3: f64 = 1.0 / 6.0;
const E4: f64 = 1.0 / 24.0;
const E5: f64 = 1.0 / 120.0;
const E6: f64 = 1.0 / 720.0;
const E7: f64 = 1.0 / 5040.0;
const E8: f64 = 1.0 / 40320.0;
const E9: f64 = 1.0 / 362880.0;
const E10: f64 = 1.0 / 3628800.0;
const E11: f64 = 1.0 / 39916800.0;
const E12: f64 = 1.0 / 479001600.0;
const E13: f64 = 1.0 / 6227020800.0;

@inline function expm1ReducedF64x2(r: v128): v128 {
  let q = f64x2.add(f64x2.mul(f64x2.splat(E13), r), f64x2.splat(E12));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E11));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E10));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E9));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E8));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E7));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E6));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E5));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E4));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E3));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(E2));
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
}

@inline function expm1ReducedF64(r: f64): f64 {
  let q = E13 * r + E12;
  q = q * r + E11;
  q = q * r + E10;
  q = q * r + E9;
  q = q * r + E8;
  q = q * r + E7;
  q = q * r + E6;
  q = q * r + E5;
  q = q * r + E4;
  q = q * r + E3;
  q = q * r + E2;
  return r + (r * r) * q;
}

@inline function pow2F64x2(n: v128): v128 {
  return i64x2.shl(i64x2.add(n, i64x2.splat(1023)), 52);
}

@inline function pow2F64(n: i64): f64 {
  return reinterpret<f64>((n + 1023) << 52);
}

/** e^x for f64 lanes, <= 1 ulp, subnormal results correctly graded. */
@inline export function expF64x2(x: v128): v128 {
  return expScaledF64x2(x, 0);
}

/** e^x * 2^k for f64 lanes (k <= 128 for x <= 0): tiny results stay normal until the caller unscales. */
@inline export function expScaledF64x2(x: v128, k: i64): v128 {
  x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(EXP_MIN_F64)), f64x2.splat(EXP_MAX_F64));
  const shifted = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E_F64)), f64x2.splat(SHIFT_F64));
  const n = f64x2.sub(shifted, f64x2.splat(SHIFT_F64));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI_F64))), f64x2.mul(n, f64x2.splat(LN2_LO_F64)));
  const p = f64x2.add(f64x2.splat(1.0), expm1ReducedF64x2(r));
  const ni = i64x2.sub(shifted, f64x2.splat(SHIFT_F64));
  const n1 = i64x2.shr_s(ni, 1);
  return f64x2.mul(f64x2.mul(p, pow2F64x2(n1)), pow2F64x2(i64x2.add(i64x2.sub(ni, n1), i64x2.splat(k))));
}

@inline export function expF64(x: f64): f64 {
  return expScaledF64(x, 0);
}

@inline export function expScaledF64(x: f64, k: i64): f64 {
  x = x < EXP_MIN_F64 ? EXP_MIN_F64 : x;
  x = EXP_MAX_F64 < x ? EXP_MAX_F64 : x;
  const shifted = x * LOG2E_F64 + SHIFT_F64;
  const n = shifted - SHIFT_F64;
  const r = (x - n * LN2_HI_F64) - n * LN2_LO_F64;
  const p = 1.0 + expm1ReducedF64(r);
  const ni = reinterpret<i64>(shifted) - reinterpret<i64>(SHIFT_F64);
  const n1 = ni >> 1;
  return (p * pow2F64(n1)) * pow2F64(ni - n1 + k);
}

// expm1 for f64: as for f32, with 53 in place of 24. Below -45, e^x - 1 rounds to -1.
const EXPM1_MIN_F64: f64 = -45.0;

@inline export function expm1F64x2(x: v128): v128 {
  x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(EXPM1_MIN_F64)), f64x2.splat(EXP_MAX_F64));
  const shifted = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E_F64)), f64x2.splat(SHIFT_F64));
  const n = f64x2.sub(shifted, f64x2.splat(SHIFT_F64));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI_F64))), f64x2.mul(n, f64x2.splat(LN2_LO_F64)));
  const t = expm1ReducedF64x2(r);
  const ni = i64x2.sub(shifted, f64x2.splat(SHIFT_F64));
  const isBig = i64x2.gt_s(ni, i64x2.splat(53));
  const scale = pow2F64x2(v128.bitselect(i64x2.splat(53), ni, isBig));
  const small = f64x2.add(f64x2.mul(t, scale), f64x2.sub(scale, f64x2.splat(1.0)));
  const n1 = i64x2.shr_s(ni, 1);
  const big = f64x2.sub(f64x2.mul(f64x2.mul(f64x2.add(f64x2.splat(1.0), t), pow2F64x2(n1)), pow2F64x2(i64x2.sub(ni, n1))), f64x2.splat(1.0));
  return v128.bitselect(big, small, isBig);
}

@inline export function expm1F64(x: f64): f64 {
  x = x < EXPM1_MIN_F64 ? EXPM1_MIN_F64 : x;
  x = EXP_MAX_F64 < x ? EXP_MAX_F64 : x;
  const shifted = x * LOG2E_F64 + SHIFT_F64;
  const n = shifted - SHIFT_F64;
  const r = (x - n * LN2_HI_F64) - n * LN2_LO_F64;
  const t = expm1ReducedF64(r);
  const ni = reinterpret<i64>(shifted) - reinterpret<i64>(SHIFT_F64);
  if (ni > 53) {
    const n1 = ni >> 1;
    return ((1.0 + t) * pow2F64(n1)) * pow2F64(ni - n1) - 1.0;
  }
  const scale = pow2F64(ni);
  return t * scale + (scale - 1.0);
}

const SQRT1_2_HI: i64 = 0x3fe6a09e; // high word of sqrt(2)/2 in f64
// 2/(2k+1), k = 1..10.
const L1: f64 = 2.0 / 3.0;
const L2: f64 = 2.0 / 5.0;
const L3: f64 = 2.0 / 7.0;
const L4: f64 = 2.0 / 9.0;
const L5: f64 = 2.0 / 11.0;
const L6: f64 = 2.0 / 13.0;
const L7: f64 = 2.0 / 15.0;
const L8: f64 = 2.0 / 17.0;
const L9: f64 = 2.0 / 19.0;
const L10: f64 = 2.0 / 21.0;

/** ln(1 + u) for f64 lanes, u > -1. */
@inline export function log1pF64x2(u: v128): v128 {
  const one = f64x2.splat(1.0);
  const w = f64x2.add(one, u);
  const c = f64x2.div(f64x2.sub(u, f64x2.sub(w, one)), w);
  // Exponent counted from sqrt(2)/2: add (1 - sqrt(2)/2) in the high word.
  const ix = i64x2.add(w, i64x2.splat((0x3ff00000 - SQRT1_2_HI) << 32));
  const kInt = i64x2.sub(i64x2.shr_s(ix, 52), i64x2.splat(1023));
  // k to f64 exactly: |k| < 2^31, so via the shifter: bits of (SHIFT + k).
  const k = f64x2.sub(i64x2.add(kInt, f64x2.splat(SHIFT_F64)), f64x2.splat(SHIFT_F64));
  const m = i64x2.add(v128.and(ix, i64x2.splat(0x000fffffffffffff)), i64x2.splat(SQRT1_2_HI << 32));
  const f = f64x2.sub(m, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  let R = f64x2.add(f64x2.mul(f64x2.splat(L10), z), f64x2.splat(L9));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L8));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L7));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L6));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L5));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L4));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L3));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L2));
  R = f64x2.add(f64x2.mul(R, z), f64x2.splat(L1));
  R = f64x2.mul(R, z);
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const low = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.add(f64x2.mul(k, f64x2.splat(LN2_LO_F64)), c));
  const y = f64x2.add(f64x2.mul(k, f64x2.splat(LN2_HI_F64)), f64x2.sub(f, f64x2.sub(hfsq, low)));
  const finite = v128.and(f64x2.lt(w, f64x2.splat(Infinity)), f64x2.gt(w, f64x2.splat(0.0)));
  const zeroOrBad = v128.bitselect(f64x2.splat(-Infinity), f64x2.splat(NaN), f64x2.eq(w, f64x2.splat(0.0)));
  const limit = v128.bitselect(w, zeroOrBad, f64x2.gt(w, f64x2.splat(0.0)));
  return v128.bitselect(y, limit, finite);
}

@inline export function log1pF64(u: f64): f64 {
  const w = 1.0 + u;
  if (!(w < Infinity && w > 0)) return w > 0 ? w : w == 0 ? -Infinity : NaN;
  const c = (u - (w - 1.0)) / w;
  const ix = reinterpret<i64>(w) + ((0x3ff00000 - SQRT1_2_HI) << 32);
  const k = <f64>((ix >> 52) - 1023);
  const f = reinterpret<f64>((ix & 0x000fffffffffffff) + (SQRT1_2_HI << 32)) - 1.0;
  const s = f / (2.0 + f);
  const z = s * s;
  let R = L10 * z + L9;
  R = R * z + L8;
  R = R * z + L7;
  R = R * z + L6;
  R = R * z + L5;
  R = R * z + L4;
  R = R * z + L3;
  R = R * z + L2;
  R = R * z + L1;
  R = R * z;
  const hfsq = (0.5 * f) * f;
  const low = s * (hfsq + R) + (k * LN2_LO_F64 + c);
  return k * LN2_HI_F64 + (f - (hfsq - low));
}
