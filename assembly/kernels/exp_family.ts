// Exp-based family: sigmoid, silu, softplus, logSigmoid, elu, selu, celu.
//
// f32 kernels run the exp core in f32x4 (fast) and widen to f64 for the last
// few operations, where f32 would add roundings that break the 2-ulp bound:
// an f32 exp followed by an f32 division measured 4 ulp for sigmoid near
// outputs just under 2^-3; with the division in f64, the only errors left are
// the exp core's (<= 1 ulp, damped by the formula) and one final rounding.
// Products of two f32 values are exact in f64, which the widened steps use.
// f64 kernels stay in f64x2 and compensate the rounding of 1 + e^x.
import { mapF32, mapF64 } from './map';
import { expF32x4, expF32, expScaledF32x4, expScaledF32, expm1F32x4, expm1F32, log1pF32x4, log1pF32, expF64x2, expF64, expScaledF64x2, expScaledF64, expm1F64x2, expm1F64, log1pF64x2, log1pF64 } from '../core/exp';
import { productErrorF64x2, productErrorF64 } from '../core/dd';

const SIGN_F32 = 0x80000000;
const SIGN_F64: i64 = 0x8000000000000000;

@inline function negAbsF32x4(x: v128): v128 { return v128.or(x, i32x4.splat(SIGN_F32)); }
@inline function negAbsF64x2(x: v128): v128 { return v128.or(x, i64x2.splat(SIGN_F64)); }
@inline function widenLo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline function widenHi(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)); }
@inline function narrow(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// ------------------------------------------------------------ sigmoid ----
// sigma(x) = N / (1 + e) with e = e^-|x|, N = e for x < 0 and 1 otherwise:
// no cancellation on either side, and e <= 1 never overflows.

@inline function sigmoidWideF64x2(e: v128, neg: v128): v128 {
  const one = f64x2.splat(1.0);
  return f64x2.div(v128.bitselect(e, one, neg), f64x2.add(one, e));
}

// e^-|x| comes scaled by 2^64 (never an f32 subnormal) and is unscaled in f64,
// exactly, so tiny results keep their relative precision.
const SCALE_F32: f32 = 18446744073709551616.0; // 2^64
const UNSCALE: f64 = 5.421010862427522e-20; // 2^-64

@final class Sigmoid32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const es = expScaledF32x4(negAbsF32x4(x), 64);
    const ns = v128.bitselect(es, f32x4.splat(SCALE_F32), f32x4.lt(x, f32x4.splat(0)));
    const one = f64x2.splat(1.0), unscale = f64x2.splat(UNSCALE);
    const lo = f64x2.div(f64x2.mul(widenLo(ns), unscale), f64x2.add(one, f64x2.mul(widenLo(es), unscale)));
    const hi = f64x2.div(f64x2.mul(widenHi(ns), unscale), f64x2.add(one, f64x2.mul(widenHi(es), unscale)));
    return narrow(lo, hi);
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const es = expScaledF32(-abs(x), 64);
    const ns: f32 = x < 0 ? es : SCALE_F32;
    return <f32>((<f64>ns * UNSCALE) / (1.0 + <f64>es * UNSCALE));
  }
}

// f64: 1 + e rounds; d = e - ((1 + e) - 1) is that rounding exactly (Fast2Sum,
// 1 >= e), and q - q*d/(1 + e) removes it to first order, leaving the
// division's and the exp core's errors. For x < 0 the numerator e^-|x| is
// scaled by 2^128 so that silu can multiply by x before the one rounding into
// subnormals; unscaleF64(x) is then 2^-128, else 1 (x * 2^128 would overflow).
const UNSCALE_F64: f64 = 2.938735877055719e-39; // 2^-128

@inline function sigmoidScaledF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const es = expScaledF64x2(negAbsF64x2(x), 128);
  const e = f64x2.mul(es, f64x2.splat(UNSCALE_F64));
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const q = f64x2.div(v128.bitselect(es, one, f64x2.lt(x, f64x2.splat(0))), s);
  return f64x2.sub(q, f64x2.div(f64x2.mul(q, d), s));
}
@inline function sigmoidScaledF64(x: f64): f64 {
  const es = expScaledF64(-abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = (x < 0 ? es : 1.0) / s;
  return q - (q * d) / s;
}

@inline function unscaleF64x2(x: v128): v128 {
  return v128.bitselect(f64x2.splat(UNSCALE_F64), f64x2.splat(1.0), f64x2.lt(x, f64x2.splat(0)));
}
@inline function unscaleF64(x: f64): f64 {
  return x < 0 ? UNSCALE_F64 : 1.0;
}

@final class Sigmoid64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f64x2.mul(sigmoidScaledF64x2(x), unscaleF64x2(x)); }
  @inline one(x: f64, a: f64, b: f64): f64 { return sigmoidScaledF64(x) * unscaleF64(x); }
}

export function sigmoid_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Sigmoid32>(x, y, n, a, b); }
export function sigmoid_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Sigmoid64>(x, y, n, a, b); }

// --------------------------------------------------------------- silu ----
// silu(x) = x sigma(x). f32: x * N in f64 is exact, one division, one
// rounding to f32. x is clamped below at -200 so that silu(-Infinity) is
// -200 * 0 = -0 rather than -Infinity * 0 = NaN (below -160 e is 0 anyway, even scaled).

@final class Silu32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const es = expScaledF32x4(negAbsF32x4(x), 64);
    const ns = v128.bitselect(es, f32x4.splat(SCALE_F32), f32x4.lt(x, f32x4.splat(0)));
    const xc = f32x4.pmax(x, f32x4.splat(-200.0));
    const one = f64x2.splat(1.0), unscale = f64x2.splat(UNSCALE);
    const lo = f64x2.div(f64x2.mul(f64x2.mul(widenLo(xc), widenLo(ns)), unscale), f64x2.add(one, f64x2.mul(widenLo(es), unscale)));
    const hi = f64x2.div(f64x2.mul(f64x2.mul(widenHi(xc), widenHi(ns)), unscale), f64x2.add(one, f64x2.mul(widenHi(es), unscale)));
    return narrow(lo, hi);
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const es = expScaledF32(-abs(x), 64);
    const ns: f32 = x < 0 ? es : SCALE_F32;
    const xc: f32 = x < -200.0 ? -200.0 : x;
    return <f32>(((<f64>xc * <f64>ns) * UNSCALE) / (1.0 + <f64>es * UNSCALE));
  }
}

@final class Silu64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    return f64x2.mul(f64x2.mul(f64x2.pmax(x, f64x2.splat(-1.0e4)), sigmoidScaledF64x2(x)), unscaleF64x2(x));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    const xc = x < -1.0e4 ? -1.0e4 : x;
    return (xc * sigmoidScaledF64(x)) * unscaleF64(x);
  }
}

export function silu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Silu32>(x, y, n, a, b); }
export function silu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Silu64>(x, y, n, a, b); }

// ----------------------------------------------------------- softplus ----
// softplus(x; beta, threshold) = x where beta*x > threshold, else
// (max(y, 0) + log1p(e^-|y|)) / beta with y = beta*x. The product beta*x is
// carried exactly as y + yl (f32: in f64; f64: Dekker's product): rounding it
// would cost |y| * 2^-24 relative in e^-|y|, hundreds of ulps far out on the
// negative side. e^-|y - yl| = e^-|y| (1 -+ yl) to first order.
// The switch to x compares the rounded beta*x with threshold, as PyTorch does.

// Far out on the negative side e^-|y| is an f32 subnormal: it comes scaled by
// 2^64, and below 2^-20 log1p(e) is taken as e - e^2/2 in f64 (error < e^3/3).
const TINY_E: f64 = 9.5367431640625e-7; // 2^-20

@final class Softplus32 {
  @inline vec(x: v128, beta: v128, threshold: v128): v128 {
    const y = f32x4.mul(x, beta);
    const es = expScaledF32x4(negAbsF32x4(y), 64);
    const l = log1pF32x4(f32x4.mul(es, f32x4.splat(<f32>UNSCALE)));
    const yp = f32x4.pmax(y, f32x4.splat(0));
    const betaW = widenLo(beta);
    const lo = this.half(widenLo(x), widenLo(y), widenLo(es), widenLo(l), widenLo(yp), betaW);
    const hi = this.half(widenHi(x), widenHi(y), widenHi(es), widenHi(l), widenHi(yp), betaW);
    return v128.bitselect(x, narrow(lo, hi), f32x4.gt(y, threshold));
  }
  @inline half(x: v128, y: v128, es: v128, l: v128, yp: v128, beta: v128): v128 {
    const one = f64x2.splat(1.0);
    const e = f64x2.mul(es, f64x2.splat(UNSCALE));
    const lw = v128.bitselect(l, f64x2.sub(e, f64x2.mul(f64x2.mul(f64x2.splat(0.5), e), e)), f64x2.ge(e, f64x2.splat(TINY_E)));
    // yl = beta*x - y exactly; guarded where |y| is huge or infinite (inf - inf).
    const yl = v128.and(f64x2.sub(f64x2.mul(x, beta), y), f64x2.lt(f64x2.abs(y), f64x2.splat(1.0e30)));
    // d/dy [max(y,0) + log1p(e^-|y|)] = sigma(y): 1 - e/(1+e) for y > 0, e/(1+e) otherwise.
    const se = f64x2.div(e, f64x2.add(one, e));
    const slope = v128.bitselect(f64x2.sub(one, se), se, f64x2.gt(y, f64x2.splat(0)));
    return f64x2.div(f64x2.add(f64x2.add(yp, lw), f64x2.mul(yl, slope)), beta);
  }
  @inline one(x: f32, beta: f32, threshold: f32): f32 {
    const y = x * beta;
    if (y > threshold) return x;
    const es = expScaledF32(-abs(y), 64);
    const l = log1pF32(es * <f32>UNSCALE);
    const e = <f64>es * UNSCALE;
    const lw = e >= TINY_E ? <f64>l : e - (0.5 * e) * e;
    const yp: f32 = y < 0 ? 0 : y;
    const yl = abs(y) < 1.0e30 ? <f64>x * <f64>beta - <f64>y : 0.0;
    const se = e / (1.0 + e);
    const slope = y > 0 ? 1.0 - se : se;
    return <f32>(((<f64>yp + lw) + yl * slope) / <f64>beta);
  }
}

@final class Softplus64 {
  @inline vec(x: v128, beta: v128, threshold: v128): v128 {
    const one = f64x2.splat(1.0);
    const y = f64x2.mul(x, beta);
    const yl = productErrorF64x2(x, beta, y);
    const e = expF64x2(negAbsF64x2(y));
    const l = log1pF64x2(e);
    const yp = f64x2.pmax(y, f64x2.splat(0));
    const se = f64x2.div(e, f64x2.add(one, e));
    const slope = v128.bitselect(f64x2.sub(one, se), se, f64x2.gt(y, f64x2.splat(0)));
    const s = f64x2.add(yp, f64x2.add(l, f64x2.mul(yl, slope)));
    // Below y = -40, log1p(e) = e to 2^-57 and e may be subnormal: e (1 + yl) / beta from e * 2^128.
    const es = expScaledF64x2(negAbsF64x2(y), 128);
    const tiny = f64x2.mul(f64x2.div(f64x2.add(es, f64x2.mul(es, yl)), beta), f64x2.splat(UNSCALE_F64));
    const body = v128.bitselect(tiny, f64x2.div(s, beta), f64x2.lt(y, f64x2.splat(-40.0)));
    return v128.bitselect(x, body, f64x2.gt(y, threshold));
  }
  @inline one(x: f64, beta: f64, threshold: f64): f64 {
    const y = x * beta;
    if (y > threshold) return x;
    const yl = productErrorF64(x, beta, y);
    const e = expF64(-abs(y));
    const l = log1pF64(e);
    const yp = y < 0 ? 0.0 : y;
    const se = e / (1.0 + e);
    const slope = y > 0 ? 1.0 - se : se;
    if (y < -40.0) {
      const es = expScaledF64(-abs(y), 128);
      return ((es + es * yl) / beta) * UNSCALE_F64;
    }
    return (yp + (l + yl * slope)) / beta;
  }
}

export function softplus_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Softplus32>(x, y, n, a, b); }
export function softplus_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Softplus64>(x, y, n, a, b); }

// --------------------------------------------------------- logSigmoid ----
// ln sigma(x) = -(max(-x, 0) + log1p(e^-|x|)); f32 adds the two terms in f64.

@final class LogSigmoid32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const l = log1pF32x4(expF32x4(negAbsF32x4(x)));
    const m = f32x4.pmax(f32x4.neg(x), f32x4.splat(0));
    return f32x4.neg(narrow(f64x2.add(widenLo(m), widenLo(l)), f64x2.add(widenHi(m), widenHi(l))));
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const l = log1pF32(expF32(-abs(x)));
    const nx = -x;
    const m: f32 = nx < 0 ? 0 : nx;
    return -<f32>(<f64>m + <f64>l);
  }
}

@final class LogSigmoid64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const l = log1pF64x2(expF64x2(negAbsF64x2(x)));
    return f64x2.neg(f64x2.add(f64x2.pmax(f64x2.neg(x), f64x2.splat(0)), l));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    const l = log1pF64(expF64(-abs(x)));
    const nx = -x;
    return -((nx < 0 ? 0.0 : nx) + l);
  }
}

export function logSigmoid_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<LogSigmoid32>(x, y, n, a, b); }
export function logSigmoid_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<LogSigmoid64>(x, y, n, a, b); }

// ---------------------------------------------------------- elu, selu ----
// elu(x) = x > 0 ? x : alpha expm1(x). f32: alpha * expm1 in f64 is exact, so
// one rounding after the core's. selu uses the SPEC's f64 constants; for f32
// its products are formed in f64 and rounded once.

const SELU_ALPHA: f64 = 1.6732632423543772;
const SELU_SCALE: f64 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f64 = SELU_SCALE * SELU_ALPHA;

@final class Elu32 {
  @inline vec(x: v128, alpha: v128, b: v128): v128 {
    const m = expm1F32x4(x);
    const aw = widenLo(alpha);
    const neg = narrow(f64x2.mul(aw, widenLo(m)), f64x2.mul(aw, widenHi(m)));
    return v128.bitselect(x, neg, f32x4.gt(x, f32x4.splat(0)));
  }
  @inline one(x: f32, alpha: f32, b: f32): f32 {
    return x > 0 ? x : <f32>(<f64>alpha * <f64>expm1F32(x));
  }
}

@final class Elu64 {
  @inline vec(x: v128, alpha: v128, b: v128): v128 {
    return v128.bitselect(x, f64x2.mul(alpha, expm1F64x2(x)), f64x2.gt(x, f64x2.splat(0)));
  }
  @inline one(x: f64, alpha: f64, b: f64): f64 {
    return x > 0 ? x : alpha * expm1F64(x);
  }
}

@final class Selu32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const m = expm1F32x4(x);
    const pos = f32x4.gt(x, f32x4.splat(0));
    const s = f64x2.splat(SELU_SCALE), sa = f64x2.splat(SELU_SCALE_ALPHA);
    const posLane = narrow(f64x2.mul(s, widenLo(x)), f64x2.mul(s, widenHi(x)));
    const negLane = narrow(f64x2.mul(sa, widenLo(m)), f64x2.mul(sa, widenHi(m)));
    return v128.bitselect(posLane, negLane, pos);
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    return x > 0 ? <f32>(SELU_SCALE * <f64>x) : <f32>(SELU_SCALE_ALPHA * <f64>expm1F32(x));
  }
}

// f64: s * alpha * m in two roundings; alpha * m first keeps both products
// near their exact values (measured within the 2-ulp bound).
@final class Selu64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const s = f64x2.splat(SELU_SCALE);
    const negLane = f64x2.mul(s, f64x2.mul(f64x2.splat(SELU_ALPHA), expm1F64x2(x)));
    return v128.bitselect(f64x2.mul(s, x), negLane, f64x2.gt(x, f64x2.splat(0)));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    return x > 0 ? SELU_SCALE * x : SELU_SCALE * (SELU_ALPHA * expm1F64(x));
  }
}

export function elu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Elu32>(x, y, n, a, b); }
export function elu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Elu64>(x, y, n, a, b); }
export function selu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Selu32>(x, y, n, a, b); }
export function selu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Selu64>(x, y, n, a, b); }

// --------------------------------------------------------------- celu ----
// celu(x) = x > 0 ? x : alpha expm1(x / alpha) for any alpha != 0 (the max/min
// form of the definition reduces to this on each side). The quotient t = x/alpha
// rounds; tl = x/alpha - t exactly (f32: in f64; f64: from Dekker's product
// t*alpha) and expm1(t + tl) = expm1(t) + (1 + expm1(t)) tl to first order.

@final class Celu32 {
  @inline vec(x: v128, alpha: v128, b: v128): v128 {
    const t = f32x4.div(x, alpha);
    const m = expm1F32x4(t);
    const aw = widenLo(alpha);
    const lo = this.half(widenLo(x), widenLo(t), widenLo(m), aw);
    const hi = this.half(widenHi(x), widenHi(t), widenHi(m), aw);
    return v128.bitselect(x, narrow(lo, hi), f32x4.gt(x, f32x4.splat(0)));
  }
  @inline half(x: v128, t: v128, m: v128, alpha: v128): v128 {
    const tl = f64x2.sub(f64x2.div(x, alpha), t);
    const corr = f64x2.mul(f64x2.add(f64x2.splat(1.0), m), tl);
    return f64x2.mul(alpha, f64x2.add(m, v128.and(corr, f64x2.eq(corr, corr))));
  }
  @inline one(x: f32, alpha: f32, b: f32): f32 {
    if (x > 0) return x;
    const t = x / alpha;
    const m = <f64>expm1F32(t);
    const tl = <f64>x / <f64>alpha - <f64>t;
    let corr = (1.0 + m) * tl;
    corr = corr == corr ? corr : 0.0;
    return <f32>(<f64>alpha * (m + corr));
  }
}

@final class Celu64 {
  @inline vec(x: v128, alpha: v128, b: v128): v128 {
    const t = f64x2.div(x, alpha);
    const m = expm1F64x2(t);
    const p = f64x2.mul(t, alpha);
    // x - t*alpha exactly: x - p is exact (Sterbenz), minus the product's error.
    const tl = f64x2.div(f64x2.sub(f64x2.sub(x, p), productErrorF64x2(t, alpha, p)), alpha);
    const corr = f64x2.mul(f64x2.add(f64x2.splat(1.0), m), tl);
    const neg = f64x2.mul(alpha, f64x2.add(m, v128.and(corr, f64x2.eq(corr, corr))));
    return v128.bitselect(x, neg, f64x2.gt(x, f64x2.splat(0)));
  }
  @inline one(x: f64, alpha: f64, b: f64): f64 {
    if (x > 0) return x;
    const t = x / alpha;
    const m = expm1F64(t);
    const p = t * alpha;
    const tl = ((x - p) - productErrorF64(t, alpha, p)) / alpha;
    let corr = (1.0 + m) * tl;
    corr = corr == corr ? corr : 0.0;
    return alpha * (m + corr);
  }
}

export function celu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Celu32>(x, y, n, a, b); }
export function celu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Celu64>(x, y, n, a, b); }
