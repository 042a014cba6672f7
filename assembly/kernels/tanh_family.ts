// Tanh-based family and gelu: tanh, tanhshrink, mish, gelu, geluTanh.
//
// tanh and mish are hot in real networks and have f32x4 paths (the exp core
// in f32, the final quotient in f64). tanhshrink, gelu and geluTanh need more
// than f32 can give cheaply (cancellation, a tail of erfc, the cubic inside
// geluTanh), so their f32 kernels widen to f64 and run the f64 algorithm: one
// algorithm, one rounding to f32 at the end. The gradients (end of the file)
// all work that way: f32 gradients are the f64 ones rounded once.
import { mapF32, mapF64, mapGradF32, mapGradF64 } from './map';
import { expF64x2, expF64, expScaledF32x4, expScaledF32, expScaledF64x2, expScaledF64, expm1F32x4, expm1F32, expm1F64x2, expm1F64 } from '../core/exp';
import { widenLo, widenHi, narrow } from '../core/lanes';
import { productErrorF64x2, productErrorF64, sumErrorF64x2, sumErrorF64 } from '../core/dd';

const SIGN_F32 = 0x80000000;
const SIGN_F64: i64 = 0x8000000000000000;

// |magnitude| with the sign of x (magnitude may be -0, as -e/(2+e) is for e = +0).
@inline function copySignF32x4(magnitude: v128, x: v128): v128 { return v128.or(f32x4.abs(magnitude), v128.and(x, i32x4.splat(SIGN_F32))); }
@inline function copySignF64x2(magnitude: v128, x: v128): v128 { return v128.or(f64x2.abs(magnitude), v128.and(x, i64x2.splat(SIGN_F64))); }
@inline function copySignF64(magnitude: f64, x: f64): f64 {
  return copysign<f64>(magnitude, x);
}

// --------------------------------------------------------------- tanh ----
// tanh|x| = -e / (2 + e) with e = expm1(-2|x|) in (-1, 0]: no cancellation at
// either end, accurate near 0 because expm1 is. f32: the quotient in f64.
// f64: 2 + e rounds; d = e - ((2 + e) - 2) is that rounding exactly (Fast2Sum,
// 2 >= |e|) and q - q d / (2 + e) removes it to first order.

@inline function tanhF64x2(x: v128): v128 {
  const two = f64x2.splat(2.0);
  const e = expm1F64x2(f64x2.mul(f64x2.abs(x), f64x2.splat(-2.0)));
  const s = f64x2.add(two, e);
  const d = f64x2.sub(e, f64x2.sub(s, two));
  const q = f64x2.div(f64x2.neg(e), s);
  return copySignF64x2(f64x2.sub(q, f64x2.div(f64x2.mul(q, d), s)), x);
}
@inline function tanhF64(x: f64): f64 {
  const e = expm1F64(abs(x) * -2.0);
  const s = 2.0 + e;
  const d = e - (s - 2.0);
  const q = -e / s;
  return copySignF64(q - (q * d) / s, x);
}

@final class Tanh32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const e = expm1F32x4(f32x4.mul(f32x4.abs(x), f32x4.splat(-2.0)));
    const two = f64x2.splat(2.0);
    const lo = f64x2.div(f64x2.neg(widenLo(e)), f64x2.add(two, widenLo(e)));
    const hi = f64x2.div(f64x2.neg(widenHi(e)), f64x2.add(two, widenHi(e)));
    return copySignF32x4(narrow(lo, hi), x);
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const e = <f64>expm1F32(abs(x) * <f32>-2.0);
    return copysign<f32>(<f32>(-e / (2.0 + e)), x);
  }
}
@final class Tanh64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return tanhF64x2(x); }
  @inline one(x: f64, a: f64, b: f64): f64 { return tanhF64(x); }
}
export function tanh_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Tanh32>(x, y, n, a, b); }
export function tanh_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Tanh64>(x, y, n, a, b); }

// --------------------------------------------------------- tanhshrink ----
// x - tanh x cancels near 0: there it is x^3 G(x^2), G fitted by Chebyshev
// interpolation (degree 18, 60-digit mpmath) on x^2 in [0, 1.3] and evaluated
// in t = x^2 * G_SCALE + G_OFFSET in [-1, 1]: fit error 1e-20, measured
// double evaluation error 1.2 ulp. For |x| >= 1.14 the subtraction loses at
// most 1.3 bits and x - tanh x is used directly.
const G_SCALE: f64 = 1.5384615384615383;
const G_OFFSET: f64 = -1.0;
const G: StaticArray<f64> = [
  0.2647146012515194, -0.05433329819131436, 0.011307423575589276, -0.002357091190390925,
  0.0004914536098114232, -0.00010247106020580847, 2.13659217439058e-05, -4.454944181261505e-06,
  9.288871054452249e-07, -1.9367957638888685e-07, 4.038355045645874e-08, -8.420002959241808e-09,
  1.7556296887838035e-09, -3.664466877884907e-10, 7.640670526538685e-11, -1.5578803078046507e-11,
  3.248289737193452e-12, -8.535567052887797e-13, 1.7797256130731392e-13,
];
const TANHSHRINK_SERIES_END: f64 = 1.14;

@inline function tanhshrinkF64x2(x: v128): v128 {
  const z = f64x2.mul(x, x);
  const t = f64x2.add(f64x2.mul(z, f64x2.splat(G_SCALE)), f64x2.splat(G_OFFSET));
  let p = f64x2.splat(unchecked(G[18]));
  for (let j = 17; j >= 0; j--) p = f64x2.add(f64x2.mul(p, t), f64x2.splat(unchecked(G[j])));
  const small = f64x2.mul(x, f64x2.mul(z, p));
  const big = f64x2.sub(x, tanhF64x2(x));
  return v128.bitselect(small, big, f64x2.lt(f64x2.abs(x), f64x2.splat(TANHSHRINK_SERIES_END)));
}
@inline function tanhshrinkF64(x: f64): f64 {
  if (abs(x) < TANHSHRINK_SERIES_END) {
    const z = x * x;
    const t = z * G_SCALE + G_OFFSET;
    let p = unchecked(G[18]);
    for (let j = 17; j >= 0; j--) p = p * t + unchecked(G[j]);
    return x * (z * p);
  }
  return x - tanhF64(x);
}

@final class Tanhshrink32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return narrow(tanhshrinkF64x2(widenLo(x)), tanhshrinkF64x2(widenHi(x))); }
  @inline one(x: f32, a: f32, b: f32): f32 { return <f32>tanhshrinkF64(<f64>x); }
}
@final class Tanhshrink64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return tanhshrinkF64x2(x); }
  @inline one(x: f64, a: f64, b: f64): f64 { return tanhshrinkF64(x); }
}
export function tanhshrink_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Tanhshrink32>(x, y, n, a, b); }
export function tanhshrink_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Tanhshrink64>(x, y, n, a, b); }

// --------------------------------------------------------------- mish ----
// mish(x) = x tanh(ln(1 + e^x)) = x n / (n + 2) with n = e^x (e^x + 2), which
// needs only exp. For x >= 0, with w = e^-x: x (1 + 2w) / (1 + 2w + 2w^2), no
// overflow. Both sides use e = e^-|x|, taken scaled (2^64 for f32, 2^128 for
// f64) so that for x < 0 the product with x happens before the one rounding
// into subnormals; x is clamped below so that mish(-Infinity) = -0, not NaN.
const UNSCALE32: f64 = 5.421010862427522e-20; // 2^-64
const UNSCALE64: f64 = 2.938735877055719e-39; // 2^-128

@inline function mishWideF64x2(x: v128, es: v128, unscale: v128, xmin: v128): v128 {
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  const e = f64x2.mul(es, unscale);
  // x < 0: x e (e + 2) / (e (e + 2) + 2), the numerator scaled.
  const ep2 = f64x2.add(e, two);
  const negSide = f64x2.mul(f64x2.div(f64x2.mul(f64x2.pmax(x, xmin), f64x2.mul(es, ep2)), f64x2.add(f64x2.mul(e, ep2), two)), unscale);
  // x >= 0: x (1 + 2e) / (1 + 2e + 2e^2).
  const n = f64x2.add(one, f64x2.mul(two, e));
  const posSide = f64x2.mul(x, f64x2.div(n, f64x2.add(n, f64x2.mul(f64x2.mul(two, e), e))));
  return v128.bitselect(negSide, posSide, f64x2.lt(x, f64x2.splat(0)));
}
@inline function mishWideF64(x: f64, es: f64, unscale: f64, xmin: f64): f64 {
  const e = es * unscale;
  if (x < 0) {
    const ep2 = e + 2.0;
    return (((x < xmin ? xmin : x) * (es * ep2)) / (e * ep2 + 2.0)) * unscale;
  }
  const n = 1.0 + 2.0 * e;
  return x * (n / (n + (2.0 * e) * e));
}

@final class Mish32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const es = expScaledF32x4(v128.or(x, i32x4.splat(SIGN_F32)), 64);
    const unscale = f64x2.splat(UNSCALE32), xmin = f64x2.splat(-200.0);
    return narrow(mishWideF64x2(widenLo(x), widenLo(es), unscale, xmin), mishWideF64x2(widenHi(x), widenHi(es), unscale, xmin));
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    return <f32>mishWideF64(<f64>x, <f64>expScaledF32(-abs(x), 64), UNSCALE32, -200.0);
  }
}
@final class Mish64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const es = expScaledF64x2(v128.or(x, i64x2.splat(SIGN_F64)), 128);
    return mishWideF64x2(x, es, f64x2.splat(UNSCALE64), f64x2.splat(-1.0e4));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    return mishWideF64(x, expScaledF64(-abs(x), 128), UNSCALE64, -1.0e4);
  }
}
export function mish_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Mish32>(x, y, n, a, b); }
export function mish_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Mish64>(x, y, n, a, b); }

// --------------------------------------------------------------- gelu ----
// gelu(x) = x Phi(x). With a = |x|: Phi(-a) = e^(-a^2/2) S(a), S smooth, and
// Phi(a) = 1 - Phi(-a). x^2 is carried exactly (Dekker) so e^(-x^2/2) =
// e^(-h/2)(1 - l/2) has no argument error (one rounding of x/sqrt2 would cost
// x^2 ulps). S is fitted by Chebyshev interpolation (mpmath, 60 digits) on
// three pieces: a in [0, 1.5] and [1.5, 3.5] (degree 18, fit error < 2e-18),
// and a in [3.5, 9] as S(a) = H(1/a)/a (degree 16 in 1/a, fit error 7e-19);
// beyond 9 S is frozen, where |gelu| < 2^-59 and the absolute rule applies.
// Coefficients are selected per lane, so the vector runs one Horner loop.
const S_LOW: StaticArray<f64> = [
  0.30023246233995093, -0.1303259502348521, 0.04778620652955905, -0.015476201944741929,
  0.004543594394739755, -0.0012299183493844422, 0.00031065712925431297, -7.386920511533281e-05,
  1.6649150899704153e-05, -3.5762537082428767e-06, 7.353505333265879e-07, -1.4527264294250564e-07,
  2.7659739772441476e-08, -5.0902747104013564e-09, 9.07048933857846e-10, -1.5572268593949258e-10,
  2.6199884224336625e-11, -4.860253321224165e-12, 7.716725422553139e-13,
];
const S_MID: StaticArray<f64> = [
  0.1413313313805753, -0.04561395194999441, 0.013648225752794651, -0.00383112918933573,
  0.0010176006948636762, -0.00025742549043877557, 6.233949479647224e-05, -1.4510964750434812e-05,
  3.257760351786552e-06, -7.073961062927191e-07, 1.4892705862857912e-07, -3.0461370677578344e-08,
  6.064354612157496e-09, -1.1774339266348656e-09, 2.2307476752461372e-10, -4.0883003495028803e-11,
  7.414988527517557e-12, -1.5313740772117575e-12, 2.6517653475554186e-13,
];
const S_TAIL: StaticArray<f64> = [
  0.3848019747267541, -0.011270857884368754, -0.001593786169027214, 0.0002844522226869047,
  -1.0544635074839741e-05, -4.060926546717139e-06, 9.389605288867351e-07, -6.967162507388939e-08,
  -1.3372317074591229e-08, 5.2107032653045015e-09, -7.645573620738879e-10, -2.5583917246141834e-12,
  3.0638367616845506e-11, -8.355710263008531e-12, 1.017268691199974e-12, 1.4844892594005298e-13,
  -7.70160865386039e-14, 0.0, 0.0,
];
const S_LOW_SCALE: f64 = 1.3333333333333333;
const S_LOW_OFFSET: f64 = -1.0;
const S_MID_SCALE: f64 = 1.0;
const S_MID_OFFSET: f64 = -2.5;
const S_TAIL_SCALE: f64 = 11.454545454545455;
const S_TAIL_OFFSET: f64 = -2.272727272727273;
const LOW_END: f64 = 1.5;
const MID_END: f64 = 3.5;
const TAIL_W_MIN: f64 = 1.0 / 9.0;
const GELU_CLAMP: f64 = 40.0;

/** Phi(x) for |x| <= 40. */
@inline function phiF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const a = f64x2.abs(x);
  const h = f64x2.mul(x, x);
  const l = productErrorF64x2(x, x, h);
  const e = f64x2.mul(expF64x2(f64x2.mul(h, f64x2.splat(-0.5))), f64x2.sub(one, f64x2.mul(l, f64x2.splat(0.5))));
  const low = f64x2.lt(a, f64x2.splat(LOW_END));
  const mid = f64x2.lt(a, f64x2.splat(MID_END));
  const w = f64x2.pmax(f64x2.div(one, f64x2.pmax(a, f64x2.splat(MID_END))), f64x2.splat(TAIL_W_MIN));
  const u = v128.bitselect(a, w, mid);
  const scale = v128.bitselect(f64x2.splat(S_LOW_SCALE), v128.bitselect(f64x2.splat(S_MID_SCALE), f64x2.splat(S_TAIL_SCALE), mid), low);
  const offset = v128.bitselect(f64x2.splat(S_LOW_OFFSET), v128.bitselect(f64x2.splat(S_MID_OFFSET), f64x2.splat(S_TAIL_OFFSET), mid), low);
  const t = f64x2.add(f64x2.mul(u, scale), offset);
  let p = v128.bitselect(f64x2.splat(unchecked(S_LOW[18])), v128.bitselect(f64x2.splat(unchecked(S_MID[18])), f64x2.splat(unchecked(S_TAIL[18])), mid), low);
  for (let j = 17; j >= 0; j--) {
    const c = v128.bitselect(f64x2.splat(unchecked(S_LOW[j])), v128.bitselect(f64x2.splat(unchecked(S_MID[j])), f64x2.splat(unchecked(S_TAIL[j])), mid), low);
    p = f64x2.add(f64x2.mul(p, t), c);
  }
  const s = v128.bitselect(p, f64x2.mul(p, w), mid);
  const q = f64x2.mul(e, s);
  return v128.bitselect(q, f64x2.sub(one, q), f64x2.lt(x, f64x2.splat(0)));
}
@inline function phiF64(x: f64): f64 {
  const a = abs(x);
  const h = x * x;
  const l = productErrorF64(x, x, h);
  const e = expF64(h * -0.5) * (1.0 - l * 0.5);
  let w = 1.0 / (a < MID_END ? MID_END : a);
  w = w < TAIL_W_MIN ? TAIL_W_MIN : w;
  let s: f64;
  if (a < LOW_END) s = horner19(S_LOW, a * S_LOW_SCALE + S_LOW_OFFSET);
  else if (a < MID_END) s = horner19(S_MID, a * S_MID_SCALE + S_MID_OFFSET);
  else s = horner19(S_TAIL, w * S_TAIL_SCALE + S_TAIL_OFFSET) * w;
  const q = e * s;
  return x < 0 ? q : 1.0 - q;
}
@inline function horner19(c: StaticArray<f64>, t: f64): f64 {
  let p = unchecked(c[18]);
  for (let j = 17; j >= 0; j--) p = p * t + unchecked(c[j]);
  return p;
}

@inline function geluF64x2(x: v128): v128 {
  const lo = f64x2.splat(-GELU_CLAMP);
  const xc = f64x2.pmin(f64x2.pmax(x, lo), f64x2.splat(GELU_CLAMP));
  return f64x2.mul(f64x2.pmax(x, lo), phiF64x2(xc));
}
@inline function geluF64(x: f64): f64 {
  const xl = x < -GELU_CLAMP ? -GELU_CLAMP : x;
  const xc = GELU_CLAMP < xl ? GELU_CLAMP : xl;
  return xl * phiF64(xc);
}

@final class Gelu32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return narrow(geluF64x2(widenLo(x)), geluF64x2(widenHi(x))); }
  @inline one(x: f32, a: f32, b: f32): f32 { return <f32>geluF64(<f64>x); }
}
@final class Gelu64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return geluF64x2(x); }
  @inline one(x: f64, a: f64, b: f64): f64 { return geluF64(x); }
}
export function gelu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Gelu32>(x, y, n, a, b); }
export function gelu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Gelu64>(x, y, n, a, b); }

// ----------------------------------------------------------- geluTanh ----
// 0.5 x (1 + tanh u) = x sigma(v), v = 2u = x (C1 + C3 x^2), C1 = 2 sqrt(2/pi),
// C3 = 2 * 0.044715 * sqrt(2/pi). For x < 0, sigma(v) ~ e^v has relative error
// |dv|, and |v| reaches ~15 where |result| >= 2^-20: so v is carried as
// vh + vl in double-double (C1, C3 as hi + lo from mpmath), and e^-|v| =
// e^-|vh| (1 - sign(vh) vl). The sigmoid then is the compensated one above.
const C1_HI: f64 = 1.5957691216057308;
const C1_LO: f64 = -9.96930880911092e-17;
const C3_HI: f64 = 0.07135481627260025;
const C3_LO: f64 = -6.175149918155315e-19;
const GELU_TANH_CLAMP: f64 = 1.0e4;

@inline function geluTanhF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const lim = f64x2.splat(GELU_TANH_CLAMP);
  const xl = f64x2.pmax(x, f64x2.neg(lim));
  const xc = f64x2.pmin(xl, lim);
  const zh = f64x2.mul(xc, xc);
  const zl = productErrorF64x2(xc, xc, zh);
  const c3 = f64x2.splat(C3_HI);
  const p = f64x2.mul(c3, zh);
  const pe = productErrorF64x2(c3, zh, p);
  const c1 = f64x2.splat(C1_HI);
  const wh = f64x2.add(c1, p);
  const we = sumErrorF64x2(c1, p, wh);
  const wl = f64x2.add(we, f64x2.add(pe, f64x2.add(f64x2.mul(c3, zl), f64x2.add(f64x2.splat(C1_LO), f64x2.mul(f64x2.splat(C3_LO), zh)))));
  const vh = f64x2.mul(xc, wh);
  const vl = f64x2.add(productErrorF64x2(xc, wh, vh), f64x2.mul(xc, wl));
  const neg = f64x2.lt(vh, f64x2.splat(0));
  const e0 = expF64x2(v128.or(vh, i64x2.splat(SIGN_F64)));
  const e = f64x2.sub(e0, f64x2.mul(e0, v128.bitselect(f64x2.neg(vl), vl, neg)));
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const q = f64x2.div(v128.bitselect(e, one, neg), s);
  return f64x2.mul(xl, f64x2.sub(q, f64x2.div(f64x2.mul(q, d), s)));
}
@inline function geluTanhF64(x: f64): f64 {
  const xl = x < -GELU_TANH_CLAMP ? -GELU_TANH_CLAMP : x;
  const xc = GELU_TANH_CLAMP < xl ? GELU_TANH_CLAMP : xl;
  const zh = xc * xc;
  const zl = productErrorF64(xc, xc, zh);
  const p = C3_HI * zh;
  const pe = productErrorF64(C3_HI, zh, p);
  const wh = C1_HI + p;
  const we = sumErrorF64(C1_HI, p, wh);
  const wl = we + (pe + (C3_HI * zl + (C1_LO + C3_LO * zh)));
  const vh = xc * wh;
  const vl = productErrorF64(xc, wh, vh) + xc * wl;
  const e0 = expF64(-abs(vh));
  const e = e0 - e0 * (vh < 0 ? -vl : vl);
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = (vh < 0 ? e : 1.0) / s;
  return xl * (q - (q * d) / s);
}

@final class GeluTanh32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return narrow(geluTanhF64x2(widenLo(x)), geluTanhF64x2(widenHi(x))); }
  @inline one(x: f32, a: f32, b: f32): f32 { return <f32>geluTanhF64(<f64>x); }
}
@final class GeluTanh64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return geluTanhF64x2(x); }
  @inline one(x: f64, a: f64, b: f64): f64 { return geluTanhF64(x); }
}
export function geluTanh_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<GeluTanh32>(x, y, n, a, b); }
export function geluTanh_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<GeluTanh64>(x, y, n, a, b); }

// ---------------------------------------------------------- gradients ----
// One f64 algorithm per function, used by both dtypes: f32 widens, runs it and
// rounds dy * f'(x) once (<= 0.5 ulp + the f64 error, ~1e-7 ulp); f64 keeps
// the sums and products that cancel or matter as hi + lo (dd helpers). Each
// class ends with the product by dy. Limits at +-Infinity come out of clamped
// arguments (never inf * 0); NaN propagates through every branch, and the
// vector paths compute the branches that some lane needs and select, with the
// scalar's operations (so the same bits).
// Measured max errors (against decimal.js / mpmath) are in the test file.
const UNSCALE128: f64 = 2.938735877055719e-39; // 2^-128

// tanh' = sech^2 x = 4e / (1 + e)^2, e = e^-2|x| (taken scaled by 2^128 so
// that the result grades into subnormals with one rounding): no cancellation.
// s + d = 1 + e and t + te = s^2 exactly, the quotient corrected by both:
// what remains is exp's error (damped by (1 - e)/(1 + e)) and the division.
@inline function tanhGradF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const unscale = f64x2.splat(UNSCALE128);
  const es = expScaledF64x2(f64x2.mul(f64x2.abs(x), f64x2.splat(-2.0)), 128);
  const e = f64x2.mul(es, unscale);
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const t = f64x2.mul(s, s);
  const te = productErrorF64x2(s, s, t);
  const q = f64x2.div(f64x2.mul(f64x2.splat(4.0), es), t);
  const c = f64x2.div(f64x2.add(te, f64x2.mul(f64x2.mul(f64x2.splat(2.0), s), d)), t);
  return f64x2.mul(f64x2.sub(q, f64x2.mul(q, c)), unscale);
}
@inline function tanhGradF64(x: f64): f64 {
  const es = expScaledF64(abs(x) * -2.0, 128);
  const e = es * UNSCALE128;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const t = s * s;
  const te = productErrorF64(s, s, t);
  const q = (4.0 * es) / t;
  return (q - q * ((te + 2.0 * s * d) / t)) * UNSCALE128;
}

@final class TanhGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(f64x2.mul(widenLo(dy), tanhGradF64x2(widenLo(x))), f64x2.mul(widenHi(dy), tanhGradF64x2(widenHi(x))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>(<f64>dy * tanhGradF64(<f64>x)); }
}
@final class TanhGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return f64x2.mul(dy, tanhGradF64x2(x)); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return dy * tanhGradF64(x); }
}
export function tanh_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<TanhGrad32>(x, dy, y, n, a, b); }
export function tanh_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<TanhGrad64>(x, dy, y, n, a, b); }

// tanhshrink' = tanh^2 x. Below |x| = 0.9: tanh x = x (1 - z G(z)), z = x^2,
// with tanhshrink's G: z (1 - z G)^2 with z, 1 - zG and its square as hi + lo
// (G's own error is weighted by zG/(1 - zG) <= 0.26, no cancellation, and
// the result keeps its relative accuracy down to 0). From 0.9 on, sech^2 <=
// 0.49 and 1 - sech^2 (as tanh' above, unscaled) is taken as hi + lo.
const TANHSHRINK_GRAD_SPLIT: f64 = 0.9;

@inline function tanhshrinkGradF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  // Series side.
  const z = f64x2.mul(x, x);
  const zl = productErrorF64x2(x, x, z);
  const tt = f64x2.add(f64x2.mul(z, f64x2.splat(G_SCALE)), f64x2.splat(G_OFFSET));
  let g = f64x2.splat(unchecked(G[18]));
  for (let j = 17; j >= 0; j--) g = f64x2.add(f64x2.mul(g, tt), f64x2.splat(unchecked(G[j])));
  const w = f64x2.mul(z, g);
  const wl = f64x2.add(productErrorF64x2(z, g, w), f64x2.mul(zl, g));
  const u = f64x2.sub(one, w);
  const ul = f64x2.sub(sumErrorF64x2(one, f64x2.neg(w), u), wl);
  const p = f64x2.mul(u, u);
  const pl = f64x2.add(productErrorF64x2(u, u, p), f64x2.mul(f64x2.mul(two, u), ul));
  const r = f64x2.mul(z, p);
  const small = f64x2.add(r, f64x2.add(productErrorF64x2(z, p, r), f64x2.add(f64x2.mul(z, pl), f64x2.mul(zl, p))));
  const isSmall = f64x2.lt(f64x2.abs(x), f64x2.splat(TANHSHRINK_GRAD_SPLIT));
  if (v128.all_true<i64>(isSmall)) return small;
  // 1 - sech^2 side.
  const e = expF64x2(f64x2.mul(f64x2.abs(x), f64x2.splat(-2.0)));
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const t = f64x2.mul(s, s);
  const te = productErrorF64x2(s, s, t);
  const q = f64x2.div(f64x2.mul(f64x2.splat(4.0), e), t);
  const c = f64x2.mul(q, f64x2.div(f64x2.add(te, f64x2.mul(f64x2.mul(two, s), d)), t));
  const h = f64x2.sub(one, q);
  const big = f64x2.add(h, f64x2.add(sumErrorF64x2(one, f64x2.neg(q), h), c));
  return v128.bitselect(small, big, isSmall);
}
@inline function tanhshrinkGradF64(x: f64): f64 {
  if (abs(x) < TANHSHRINK_GRAD_SPLIT) {
    const z = x * x;
    const zl = productErrorF64(x, x, z);
    const g = horner19(G, z * G_SCALE + G_OFFSET);
    const w = z * g;
    const wl = productErrorF64(z, g, w) + zl * g;
    const u = 1.0 - w;
    const ul = sumErrorF64(1.0, -w, u) - wl;
    const p = u * u;
    const pl = productErrorF64(u, u, p) + 2.0 * u * ul;
    const r = z * p;
    return r + (productErrorF64(z, p, r) + (z * pl + zl * p));
  }
  const e = expF64(abs(x) * -2.0);
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const t = s * s;
  const te = productErrorF64(s, s, t);
  const q = (4.0 * e) / t;
  const c = q * ((te + 2.0 * s * d) / t);
  const h = 1.0 - q;
  return h + (sumErrorF64(1.0, -q, h) + c);
}

@final class TanhshrinkGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(f64x2.mul(widenLo(dy), tanhshrinkGradF64x2(widenLo(x))), f64x2.mul(widenHi(dy), tanhshrinkGradF64x2(widenHi(x))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>(<f64>dy * tanhshrinkGradF64(<f64>x)); }
}
@final class TanhshrinkGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return f64x2.mul(dy, tanhshrinkGradF64x2(x)); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return dy * tanhshrinkGradF64(x); }
}
export function tanhshrink_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<TanhshrinkGrad32>(x, dy, y, n, a, b); }
export function tanhshrink_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<TanhshrinkGrad64>(x, dy, y, n, a, b); }

// Near its zero x0 a gradient is t P(t), t = x - x0 (x0 = X0_HI + X0_LO,
// x - X0_HI exact by Sterbenz inside the window), P(t) = P0 + t Q(t) with P0
// as hi + lo and Q fitted by Chebyshev interpolation on the window (mpmath,
// scripts/fit/tanh_grad.py: fit error of P <= 5.4e-17 relative). t Q and the
// sums are carried as hi + lo: the result keeps its relative accuracy through
// the zero, where the closed forms cancel.
@inline function nearRootF64x2(x: v128, x0Hi: f64, x0Lo: f64, p0Hi: f64, p0Lo: f64, q: StaticArray<f64>): v128 {
  const th = f64x2.sub(x, f64x2.splat(x0Hi));
  const last = q.length - 1;
  let v = f64x2.splat(unchecked(q[last]));
  for (let j = last - 1; j >= 0; j--) v = f64x2.add(f64x2.mul(v, th), f64x2.splat(unchecked(q[j])));
  const tv = f64x2.mul(th, v);
  const tvl = productErrorF64x2(th, v, tv);
  const ph = f64x2.splat(p0Hi);
  const p = f64x2.add(ph, tv);
  const pl = f64x2.add(sumErrorF64x2(ph, tv, p), f64x2.add(f64x2.splat(p0Lo), tvl));
  const r = f64x2.mul(p, th);
  return f64x2.add(r, f64x2.add(productErrorF64x2(p, th, r), f64x2.sub(f64x2.mul(pl, th), f64x2.mul(p, f64x2.splat(x0Lo)))));
}
@inline function nearRootF64(x: f64, x0Hi: f64, x0Lo: f64, p0Hi: f64, p0Lo: f64, q: StaticArray<f64>): f64 {
  const th = x - x0Hi;
  const last = q.length - 1;
  let v = unchecked(q[last]);
  for (let j = last - 1; j >= 0; j--) v = v * th + unchecked(q[j]);
  const tv = th * v;
  const tvl = productErrorF64(th, v, tv);
  const p = p0Hi + tv;
  const pl = sumErrorF64(p0Hi, tv, p) + (p0Lo + tvl);
  const r = p * th;
  return r + (productErrorF64(p, th, r) + (pl * th - p * x0Lo));
}

// mish'(x) = tanh(sp) + x sech^2(sp) sigma(x), sp = softplus(x); with e = e^x:
// e om / dl^2, om = 4(1 + x) + e ((6 + 4x) + e (4 + e)), dl = 2 + e (2 + e).
// Below 0.5 that form, with every sum and product as hi + lo (4 (1 + x) is
// exact for x <= -1, where it carries the tail x e^x), e scaled by 2^128 for
// the subnormal tail, x clamped at -1e4 so that -Infinity gives 0. From 0.5
// on, with w = e^-x: 1 + w^2 ((4x - 2) + 4w ((x - 1) - w)) / (1 + 2w (1 + w))^2,
// x clamped at 1e4 so that +Infinity gives 1. On [-1.4, -0.85] around the zero
// x0 = -1.1924: the polynomial above.
const MISH_X0_HI: f64 = -1.1924312145154952;
const MISH_X0_LO: f64 = -4.8484829848031044e-17;
const MISH_P0_HI: f64 = 0.2669479140495345;
const MISH_P0_LO: f64 = 1.5332816617135587e-17;
const MISH_Q: StaticArray<f64> = [
  0.20473126408010586, 0.04190782104360987, -0.020271822716684245, -0.01582112656173333, -0.003360684927024047,
  0.0010924055409371823, 0.0009898181022273936, 0.00025412936428672835, -4.196150214986206e-05, -5.58289231223668e-05,
  -1.7299074400611338e-05, 9.425789638566597e-07, 2.9057980332252177e-06, 1.0787093822883744e-06, 4.135267434957783e-08,
  -2.0756952889162903e-07,
];
const MISH_ROOT_LO: f64 = -1.4;
const MISH_ROOT_HI: f64 = -0.85;
const MISH_SPLIT: f64 = 0.5;
const MISH_GRAD_CLAMP: f64 = 1.0e4;

@inline function mishGradF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0), four = f64x2.splat(4.0);
  const lim = f64x2.splat(MISH_GRAD_CLAMP);
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.neg(lim)), lim);
  const low = f64x2.lt(x, f64x2.splat(MISH_SPLIT));
  const es = expScaledF64x2(v128.bitselect(xc, f64x2.neg(xc), low), 128);
  const unscale = f64x2.splat(UNSCALE128);
  const e = f64x2.mul(es, unscale);
  const x4 = f64x2.mul(four, xc);
  // x >= 0.5: 1 + K.
  const d = f64x2.add(one, f64x2.mul(f64x2.mul(two, e), f64x2.add(one, e)));
  const br = f64x2.add(f64x2.sub(x4, two), f64x2.mul(f64x2.mul(four, e), f64x2.sub(f64x2.sub(xc, one), e)));
  const k = f64x2.div(f64x2.mul(f64x2.mul(e, e), br), f64x2.mul(d, d));
  const highSide = f64x2.add(one, k);
  let side = highSide;
  if (v128.any_true(low)) {
    // x < 0.5: e om / dl^2.
    const a1 = f64x2.add(one, xc);
    const a1l = sumErrorF64x2(one, xc, a1);
    const six = f64x2.splat(6.0);
    const b1 = f64x2.add(six, x4);
    const b1l = sumErrorF64x2(six, x4, b1);
    const f4 = f64x2.add(four, e);
    const c = f64x2.mul(e, f4);
    const cl = f64x2.add(productErrorF64x2(e, f4, c), f64x2.mul(e, sumErrorF64x2(four, e, f4)));
    const bb = f64x2.add(b1, c);
    const bl = f64x2.add(sumErrorF64x2(b1, c, bb), f64x2.add(b1l, cl));
    const eb = f64x2.mul(e, bb);
    const ebl = f64x2.add(productErrorF64x2(e, bb, eb), f64x2.mul(e, bl));
    const a4 = f64x2.mul(four, a1);
    const om = f64x2.add(a4, eb);
    const oml = f64x2.add(sumErrorF64x2(a4, eb, om), f64x2.add(f64x2.mul(four, a1l), ebl));
    const f2 = f64x2.add(two, e);
    const n = f64x2.mul(e, f2);
    const nl = f64x2.add(productErrorF64x2(e, f2, n), f64x2.mul(e, sumErrorF64x2(two, e, f2)));
    const dh = f64x2.add(two, n);
    const dl = f64x2.add(sumErrorF64x2(two, n, dh), nl);
    const t = f64x2.mul(dh, dh);
    const tl = f64x2.add(productErrorF64x2(dh, dh, t), f64x2.mul(f64x2.mul(two, dh), dl));
    const p = f64x2.mul(es, om);
    const q = f64x2.div(p, t);
    const pe = f64x2.add(productErrorF64x2(es, om, p), f64x2.mul(es, oml));
    const lowSide = f64x2.mul(f64x2.add(q, f64x2.div(f64x2.sub(pe, f64x2.mul(q, tl)), t)), unscale);
    side = v128.bitselect(lowSide, highSide, low);
  }
  const inRoot = v128.and(f64x2.ge(x, f64x2.splat(MISH_ROOT_LO)), f64x2.le(x, f64x2.splat(MISH_ROOT_HI)));
  if (!v128.any_true(inRoot)) return side;
  const root = nearRootF64x2(x, MISH_X0_HI, MISH_X0_LO, MISH_P0_HI, MISH_P0_LO, MISH_Q);
  return v128.bitselect(root, side, inRoot);
}
@inline function mishGradF64(x: f64): f64 {
  if (x >= MISH_ROOT_LO && x <= MISH_ROOT_HI) return nearRootF64(x, MISH_X0_HI, MISH_X0_LO, MISH_P0_HI, MISH_P0_LO, MISH_Q);
  const xl = x < -MISH_GRAD_CLAMP ? -MISH_GRAD_CLAMP : x;
  const xc = MISH_GRAD_CLAMP < xl ? MISH_GRAD_CLAMP : xl;
  const es = expScaledF64(x < MISH_SPLIT ? xc : -xc, 128);
  const e = es * UNSCALE128;
  if (x < MISH_SPLIT) {
    const a1 = 1.0 + xc;
    const a1l = sumErrorF64(1.0, xc, a1);
    const b1 = 6.0 + 4.0 * xc;
    const b1l = sumErrorF64(6.0, 4.0 * xc, b1);
    const f4 = 4.0 + e;
    const c = e * f4;
    const cl = productErrorF64(e, f4, c) + e * sumErrorF64(4.0, e, f4);
    const b = b1 + c;
    const bl = sumErrorF64(b1, c, b) + (b1l + cl);
    const eb = e * b;
    const ebl = productErrorF64(e, b, eb) + e * bl;
    const om = 4.0 * a1 + eb;
    const oml = sumErrorF64(4.0 * a1, eb, om) + (4.0 * a1l + ebl);
    const f2 = 2.0 + e;
    const n = e * f2;
    const nl = productErrorF64(e, f2, n) + e * sumErrorF64(2.0, e, f2);
    const dh = 2.0 + n;
    const dl = sumErrorF64(2.0, n, dh) + nl;
    const t = dh * dh;
    const tl = productErrorF64(dh, dh, t) + 2.0 * dh * dl;
    const p = es * om;
    const q = p / t;
    return (q + ((productErrorF64(es, om, p) + es * oml) - q * tl) / t) * UNSCALE128;
  }
  const d = 1.0 + 2.0 * e * (1.0 + e);
  const k = (e * e * ((4.0 * xc - 2.0) + 4.0 * e * ((xc - 1.0) - e))) / (d * d);
  return 1.0 + k;
}

@final class MishGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(f64x2.mul(widenLo(dy), mishGradF64x2(widenLo(x))), f64x2.mul(widenHi(dy), mishGradF64x2(widenHi(x))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>(<f64>dy * mishGradF64(<f64>x)); }
}
@final class MishGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return f64x2.mul(dy, mishGradF64x2(x)); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return dy * mishGradF64(x); }
}
export function mish_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<MishGrad32>(x, dy, y, n, a, b); }
export function mish_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<MishGrad64>(x, dy, y, n, a, b); }

// gelu'(x) = Phi(x) + x phi(x). With a = |x|, e = e^(-x^2/2) and gelu's
// S(a) = Phi(-a) e^(a^2/2): Phi(x) + x phi(x) = e (S - a/sqrt(2 pi)) for x < 0
// and 1 - e (S - a/sqrt(2 pi)) for x >= 0. D = S - a c (c = 1/sqrt(2 pi) as
// hi + lo) and e D are carried as hi + lo, x^2's rounding folded in as for
// gelu, so what remains is exp's and S's errors, S's weighted by S/|D| (< 1
// outside the window). On [-1.3, -0.3] around the zero x0 = -0.7518: the
// polynomial. From |x| = 9 on S is its asymptotic series to a^-40 (truncation
// 41!!/a^42 <= 1.1e-15 relative, weighted by S/|D| ~ 1/a^2 in the result:
// <= 0.06 ulp). x is clamped to +-40.
const INV_SQRT_2PI_HI: f64 = 0.3989422804014327;
const INV_SQRT_2PI_LO: f64 = -2.49232720227773e-17;
const S_ASYM_START: f64 = 9.0;
// (-1)^k (2k - 1)!!, k = 1..20: S(a) ~ (1/(a sqrt(2 pi))) (1 + sum c_k a^-2k).
const GAUSS_ASYM: StaticArray<f64> = [
  -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0, 2027025.0, -34459425.0, 654729075.0, -13749310575.0,
  316234143225.0, -7905853580625.0, 213458046676875.0, -6190283353629375.0, 1.9189878396251062e+17,
  -6.33265987076285e+18, 2.2164309547669976e+20, -8.200794532637892e+21, 3.1983098677287775e+23,
];
const GELU_X0_HI: f64 = -0.7517915246935645;
const GELU_X0_LO: f64 = 1.4956759177009883e-17;
const GELU_P0_HI: f64 = 0.4314939923140469;
const GELU_P0_LO: f64 = 2.7308688141129613e-17;
const GELU_Q: StaticArray<f64> = [
  0.388284982990552, -0.018199676398671087, -0.1140082332972217, -0.014771522148244337, 0.019421679838189064,
  0.004539228379125397, -0.002239538068073457, -0.0007448268386740175, 0.00018633974623145054, 8.615947859784912e-05,
  -1.12143801787282e-05, -7.748461148155506e-06, 4.3284501917839985e-07, 5.702753360763062e-07, -1.6045225539016572e-09,
  -3.545471958099867e-08, -1.3950846957305699e-09, 1.8903047147374293e-09, 1.377746907300367e-10, -7.444540867935678e-11,
];
const GELU_ROOT_LO: f64 = -1.3;
const GELU_ROOT_HI: f64 = -0.3;

@inline function gaussSAsymF64x2(a: v128): v128 {
  const r = f64x2.div(f64x2.splat(1.0), a);
  const w = f64x2.mul(r, r);
  let p = f64x2.splat(unchecked(GAUSS_ASYM[19]));
  for (let j = 18; j >= 0; j--) p = f64x2.add(f64x2.mul(p, w), f64x2.splat(unchecked(GAUSS_ASYM[j])));
  return f64x2.mul(f64x2.mul(f64x2.splat(INV_SQRT_2PI_HI), r), f64x2.add(f64x2.splat(1.0), f64x2.mul(p, w)));
}
@inline function gaussSAsymF64(a: f64): f64 {
  const r = 1.0 / a;
  const w = r * r;
  let p = unchecked(GAUSS_ASYM[19]);
  for (let j = 18; j >= 0; j--) p = p * w + unchecked(GAUSS_ASYM[j]);
  return (INV_SQRT_2PI_HI * r) * (1.0 + p * w);
}
/** S(a) for a >= 0 on f64 lanes: gelu's three pieces (one Horner loop, coefficients per lane), the series from 9 on. */
@inline function gaussSF64x2(a: v128): v128 {
  const one = f64x2.splat(1.0);
  const low = f64x2.lt(a, f64x2.splat(LOW_END));
  const mid = f64x2.lt(a, f64x2.splat(MID_END));
  const w = f64x2.pmax(f64x2.div(one, f64x2.pmax(a, f64x2.splat(MID_END))), f64x2.splat(TAIL_W_MIN));
  const u = v128.bitselect(a, w, mid);
  const scale = v128.bitselect(f64x2.splat(S_LOW_SCALE), v128.bitselect(f64x2.splat(S_MID_SCALE), f64x2.splat(S_TAIL_SCALE), mid), low);
  const offset = v128.bitselect(f64x2.splat(S_LOW_OFFSET), v128.bitselect(f64x2.splat(S_MID_OFFSET), f64x2.splat(S_TAIL_OFFSET), mid), low);
  const t = f64x2.add(f64x2.mul(u, scale), offset);
  let p = v128.bitselect(f64x2.splat(unchecked(S_LOW[18])), v128.bitselect(f64x2.splat(unchecked(S_MID[18])), f64x2.splat(unchecked(S_TAIL[18])), mid), low);
  for (let j = 17; j >= 0; j--) {
    const c = v128.bitselect(f64x2.splat(unchecked(S_LOW[j])), v128.bitselect(f64x2.splat(unchecked(S_MID[j])), f64x2.splat(unchecked(S_TAIL[j])), mid), low);
    p = f64x2.add(f64x2.mul(p, t), c);
  }
  const s = v128.bitselect(p, f64x2.mul(p, w), mid);
  return v128.bitselect(s, gaussSAsymF64x2(a), f64x2.lt(a, f64x2.splat(S_ASYM_START)));
}
@inline function gaussSF64(a: f64): f64 {
  if (a < LOW_END) return horner19(S_LOW, a * S_LOW_SCALE + S_LOW_OFFSET);
  if (a < MID_END) return horner19(S_MID, a * S_MID_SCALE + S_MID_OFFSET);
  if (a < S_ASYM_START) {
    const w = 1.0 / a;
    return horner19(S_TAIL, w * S_TAIL_SCALE + S_TAIL_OFFSET) * w;
  }
  return gaussSAsymF64(a);
}

@inline function geluGradF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const lim = f64x2.splat(GELU_CLAMP);
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.neg(lim)), lim);
  const a = f64x2.abs(xc);
  const h = f64x2.mul(xc, xc);
  const l = productErrorF64x2(xc, xc, h);
  const e = expF64x2(f64x2.mul(h, f64x2.splat(-0.5)));
  const s = gaussSF64x2(a);
  const chi = f64x2.splat(INV_SQRT_2PI_HI);
  const ach = f64x2.mul(a, chi);
  const acl = f64x2.add(productErrorF64x2(a, chi, ach), f64x2.mul(a, f64x2.splat(INV_SQRT_2PI_LO)));
  const dh = f64x2.sub(s, ach);
  const dl = f64x2.sub(sumErrorF64x2(s, f64x2.neg(ach), dh), acl);
  const m = f64x2.mul(e, dh);
  const c = f64x2.add(productErrorF64x2(e, dh, m), f64x2.sub(f64x2.mul(e, dl), f64x2.mul(m, f64x2.mul(l, f64x2.splat(0.5)))));
  const r = f64x2.sub(one, m);
  const pos = f64x2.add(r, f64x2.sub(sumErrorF64x2(one, f64x2.neg(m), r), c));
  const side = v128.bitselect(f64x2.add(m, c), pos, f64x2.lt(x, f64x2.splat(0)));
  const inRoot = v128.and(f64x2.ge(x, f64x2.splat(GELU_ROOT_LO)), f64x2.le(x, f64x2.splat(GELU_ROOT_HI)));
  if (!v128.any_true(inRoot)) return side;
  const root = nearRootF64x2(x, GELU_X0_HI, GELU_X0_LO, GELU_P0_HI, GELU_P0_LO, GELU_Q);
  return v128.bitselect(root, side, inRoot);
}
@inline function geluGradF64(x: f64): f64 {
  if (x >= GELU_ROOT_LO && x <= GELU_ROOT_HI) return nearRootF64(x, GELU_X0_HI, GELU_X0_LO, GELU_P0_HI, GELU_P0_LO, GELU_Q);
  const xl = x < -GELU_CLAMP ? -GELU_CLAMP : x;
  const xc = GELU_CLAMP < xl ? GELU_CLAMP : xl;
  const a = abs(xc);
  const h = xc * xc;
  const l = productErrorF64(xc, xc, h);
  const e = expF64(h * -0.5);
  const s = gaussSF64(a);
  const ach = a * INV_SQRT_2PI_HI;
  const acl = productErrorF64(a, INV_SQRT_2PI_HI, ach) + a * INV_SQRT_2PI_LO;
  const dh = s - ach;
  const dl = sumErrorF64(s, -ach, dh) - acl;
  const m = e * dh;
  const c = productErrorF64(e, dh, m) + (e * dl - m * (l * 0.5));
  if (x < 0) return m + c;
  const r = 1.0 - m;
  return r + (sumErrorF64(1.0, -m, r) - c);
}

@final class GeluGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(f64x2.mul(widenLo(dy), geluGradF64x2(widenLo(x))), f64x2.mul(widenHi(dy), geluGradF64x2(widenHi(x))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>(<f64>dy * geluGradF64(<f64>x)); }
}
@final class GeluGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return f64x2.mul(dy, geluGradF64x2(x)); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return dy * geluGradF64(x); }
}
export function gelu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<GeluGrad32>(x, dy, y, n, a, b); }
export function gelu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<GeluGrad64>(x, dy, y, n, a, b); }

// geluTanh' = d/dx x sigma(v), v = x (C1 + C3 x^2): with e = e^-|v| and
// m = x v' = x (C1 + 3 C3 x^2), e (1 + e + m) / (1 + e)^2 for x < 0 and
// (1 + e + e m) / (1 + e)^2 for x >= 0. v and m are carried as hi + lo (v as
// in geluTanh: e^-|v| then has no argument error), and so are 1 + e, its
// square, the numerator and the quotient: what remains is exp's error. On
// [-1.05, -0.5] around the zero x0 = -0.7525: the polynomial. x is clamped to
// +-1e4 (e = 0 there: the limits 0 and 1, never inf * 0).
const C3X3_HI: f64 = 0.21406444881780073;
const C3X3_LO: f64 = 1.2025242832367862e-17;
const GELU_TANH_X0_HI: f64 = -0.7524614220710163;
const GELU_TANH_X0_LO: f64 = 3.635560509207687e-17;
const GELU_TANH_P0_HI: f64 = 0.4304000910248585;
const GELU_TANH_P0_LO: f64 = 2.028254970529195e-17;
const GELU_TANH_Q: StaticArray<f64> = [
  0.38751844613578895, -0.01578285352184803, -0.11394448308095899, -0.01661932834305256, 0.01968230945983291,
  0.005261059254921375, -0.0024227318458503477, -0.0009274420229650819, 0.0002639276390613128, 0.00012425227488975496,
  -3.4956124316789544e-05, -1.595079503518365e-05, 5.917755709755577e-06, 2.4316664063574257e-06, -9.81670744186143e-07,
  -4.1254145088938775e-07, 1.0786579061144916e-07,
];
const GELU_TANH_ROOT_LO: f64 = -1.05;
const GELU_TANH_ROOT_HI: f64 = -0.5;

@inline function geluTanhGradF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  const lim = f64x2.splat(GELU_TANH_CLAMP);
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.neg(lim)), lim);
  const zh = f64x2.mul(xc, xc);
  const zl = productErrorF64x2(xc, xc, zh);
  const c1 = f64x2.splat(C1_HI), c1l = f64x2.splat(C1_LO);
  const c3 = f64x2.splat(C3_HI);
  const p = f64x2.mul(c3, zh);
  const pe = productErrorF64x2(c3, zh, p);
  const wh = f64x2.add(c1, p);
  const wl = f64x2.add(sumErrorF64x2(c1, p, wh), f64x2.add(pe, f64x2.add(f64x2.mul(c3, zl), f64x2.add(c1l, f64x2.mul(f64x2.splat(C3_LO), zh)))));
  const vh = f64x2.mul(xc, wh);
  const vl = f64x2.add(productErrorF64x2(xc, wh, vh), f64x2.mul(xc, wl));
  const c33 = f64x2.splat(C3X3_HI);
  const p3 = f64x2.mul(c33, zh);
  const p3e = productErrorF64x2(c33, zh, p3);
  const uh = f64x2.add(c1, p3);
  const ul = f64x2.add(sumErrorF64x2(c1, p3, uh), f64x2.add(p3e, f64x2.add(f64x2.mul(c33, zl), f64x2.add(c1l, f64x2.mul(f64x2.splat(C3X3_LO), zh)))));
  const mh = f64x2.mul(xc, uh);
  const ml = f64x2.add(productErrorF64x2(xc, uh, mh), f64x2.mul(xc, ul));
  const negV = f64x2.lt(vh, f64x2.splat(0));
  const e0 = expF64x2(v128.or(vh, i64x2.splat(SIGN_F64)));
  const e = f64x2.sub(e0, f64x2.mul(e0, v128.bitselect(f64x2.neg(vl), vl, negV)));
  const s = f64x2.add(one, e);
  const sd = f64x2.sub(e, f64x2.sub(s, one));
  const t = f64x2.mul(s, s);
  const tl = f64x2.add(productErrorF64x2(s, s, t), f64x2.mul(f64x2.mul(two, s), sd));
  // x < 0: e (s + m).
  const nh = f64x2.add(s, mh);
  const nl = f64x2.add(sumErrorF64x2(s, mh, nh), f64x2.add(sd, ml));
  const numN = f64x2.mul(e, nh);
  const numNl = f64x2.add(productErrorF64x2(e, nh, numN), f64x2.mul(e, nl));
  // x >= 0: s + e m.
  const em = f64x2.mul(e, mh);
  const eml = f64x2.add(productErrorF64x2(e, mh, em), f64x2.mul(e, ml));
  const numP = f64x2.add(s, em);
  const numPl = f64x2.add(sumErrorF64x2(s, em, numP), f64x2.add(sd, eml));
  const negX = f64x2.lt(x, f64x2.splat(0));
  const num = v128.bitselect(numN, numP, negX);
  const numl = v128.bitselect(numNl, numPl, negX);
  const q = f64x2.div(num, t);
  const side = f64x2.add(q, f64x2.div(f64x2.sub(numl, f64x2.mul(q, tl)), t));
  const inRoot = v128.and(f64x2.ge(x, f64x2.splat(GELU_TANH_ROOT_LO)), f64x2.le(x, f64x2.splat(GELU_TANH_ROOT_HI)));
  if (!v128.any_true(inRoot)) return side;
  const root = nearRootF64x2(x, GELU_TANH_X0_HI, GELU_TANH_X0_LO, GELU_TANH_P0_HI, GELU_TANH_P0_LO, GELU_TANH_Q);
  return v128.bitselect(root, side, inRoot);
}
@inline function geluTanhGradF64(x: f64): f64 {
  if (x >= GELU_TANH_ROOT_LO && x <= GELU_TANH_ROOT_HI) {
    return nearRootF64(x, GELU_TANH_X0_HI, GELU_TANH_X0_LO, GELU_TANH_P0_HI, GELU_TANH_P0_LO, GELU_TANH_Q);
  }
  const xl = x < -GELU_TANH_CLAMP ? -GELU_TANH_CLAMP : x;
  const xc = GELU_TANH_CLAMP < xl ? GELU_TANH_CLAMP : xl;
  const zh = xc * xc;
  const zl = productErrorF64(xc, xc, zh);
  const p = C3_HI * zh;
  const pe = productErrorF64(C3_HI, zh, p);
  const wh = C1_HI + p;
  const wl = sumErrorF64(C1_HI, p, wh) + (pe + (C3_HI * zl + (C1_LO + C3_LO * zh)));
  const vh = xc * wh;
  const vl = productErrorF64(xc, wh, vh) + xc * wl;
  const p3 = C3X3_HI * zh;
  const p3e = productErrorF64(C3X3_HI, zh, p3);
  const uh = C1_HI + p3;
  const ul = sumErrorF64(C1_HI, p3, uh) + (p3e + (C3X3_HI * zl + (C1_LO + C3X3_LO * zh)));
  const mh = xc * uh;
  const ml = productErrorF64(xc, uh, mh) + xc * ul;
  const e0 = expF64(-abs(vh));
  const e = e0 - e0 * (vh < 0 ? -vl : vl);
  const s = 1.0 + e;
  const sd = e - (s - 1.0);
  const t = s * s;
  const tl = productErrorF64(s, s, t) + 2.0 * s * sd;
  let num: f64, numl: f64;
  if (x < 0) {
    const nh = s + mh;
    const nl = sumErrorF64(s, mh, nh) + (sd + ml);
    num = e * nh;
    numl = productErrorF64(e, nh, num) + e * nl;
  } else {
    const em = e * mh;
    const eml = productErrorF64(e, mh, em) + e * ml;
    num = s + em;
    numl = sumErrorF64(s, em, num) + (sd + eml);
  }
  const q = num / t;
  return q + (numl - q * tl) / t;
}

@final class GeluTanhGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(f64x2.mul(widenLo(dy), geluTanhGradF64x2(widenLo(x))), f64x2.mul(widenHi(dy), geluTanhGradF64x2(widenHi(x))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>(<f64>dy * geluTanhGradF64(<f64>x)); }
}
@final class GeluTanhGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return f64x2.mul(dy, geluTanhGradF64x2(x)); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return dy * geluTanhGradF64(x); }
}
export function geluTanh_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<GeluTanhGrad32>(x, dy, y, n, a, b); }
export function geluTanh_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<GeluTanhGrad64>(x, dy, y, n, a, b); }
