// Exp-based family: sigmoid, silu, softplus, logSigmoid, elu, selu, celu.
//
// f32 kernels run the exp core in f32x4 (fast) and widen to f64 for the last
// few operations, where f32 would add roundings that break the 2-ulp bound:
// an f32 exp followed by an f32 division measured 4 ulp for sigmoid near
// outputs just under 2^-3; with the division in f64, the only errors left are
// the exp core's (<= 1 ulp, damped by the formula) and one final rounding.
// Products of two f32 values are exact in f64, which the widened steps use.
// f64 kernels stay in f64x2 and compensate the rounding of 1 + e^x.
import { mapF32, mapF64, mapGradF32, mapGradF64 } from './map';
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

// ------------------------------------------------------------ gradients ----
// dy * f'(x). Every f32 gradient widens x to f64 and runs the f64 algorithm
// below, rounding once at the end: its f64 error (a few f64 ULPs) is ~2^-28 of
// an f32 ULP, so f32 gradients are within 0.5 + 2^-27 ULP. The f64 ones keep
// each step near its exact value (errors measured by test/grad.exp.test.ts).
// Results that can be f64 subnormals come from e^-|x| scaled by 2^128 and are
// unscaled last, in one rounding. x is clamped where a factor x would meet a
// zero (x = +-Infinity), so the limits come out instead of inf * 0.

// sigma'(x) = e / (1 + e)^2 with e = e^-|x| (an even function). s = 1 + e
// rounds; d = e - (s - 1) is that rounding exactly (Fast2Sum), and
// (1 + e)^2 = s^2 (1 + d/s)^2, so sigma' = (e / s) / s * (1 - 2 d / s).
// Returned scaled by 2^128 (multiply by UNSCALE_F64).
@inline function sigmoidPrimeScaledF64x2(x: v128): v128 {
  const one = f64x2.splat(1.0);
  const es = expScaledF64x2(negAbsF64x2(x), 128);
  const e = f64x2.mul(es, f64x2.splat(UNSCALE_F64));
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const q = f64x2.div(f64x2.div(es, s), s);
  return f64x2.sub(q, f64x2.div(f64x2.mul(f64x2.mul(q, f64x2.splat(2.0)), d), s));
}
@inline function sigmoidPrimeScaledF64(x: f64): f64 {
  const es = expScaledF64(-abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = (es / s) / s;
  return q - ((q * 2.0) * d) / s;
}

@inline function sigmoidGradF64x2(x: v128, dy: v128): v128 {
  return f64x2.mul(dy, f64x2.mul(sigmoidPrimeScaledF64x2(x), f64x2.splat(UNSCALE_F64)));
}
@inline function sigmoidGradF64(x: f64, dy: f64): f64 { return dy * (sigmoidPrimeScaledF64(x) * UNSCALE_F64); }

@final class SigmoidGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(sigmoidGradF64x2(widenLo(x), widenLo(dy)), sigmoidGradF64x2(widenHi(x), widenHi(dy)));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>sigmoidGradF64(<f64>x, <f64>dy); }
}
@final class SigmoidGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return sigmoidGradF64x2(x, dy); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return sigmoidGradF64(x, dy); }
}
export function sigmoid_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<SigmoidGrad32>(x, dy, y, n, a, b); }
export function sigmoid_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<SigmoidGrad64>(x, dy, y, n, a, b); }

// logSigmoid'(x) = 1 - sigma(x) = sigma(-x): the forward sigmoid at -x.
@inline function logSigmoidGradF64x2(x: v128, dy: v128): v128 {
  const nx = f64x2.neg(x);
  return f64x2.mul(dy, f64x2.mul(sigmoidScaledF64x2(nx), unscaleF64x2(nx)));
}
@inline function logSigmoidGradF64(x: f64, dy: f64): f64 { return dy * (sigmoidScaledF64(-x) * unscaleF64(-x)); }

@final class LogSigmoidGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(logSigmoidGradF64x2(widenLo(x), widenLo(dy)), logSigmoidGradF64x2(widenHi(x), widenHi(dy)));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>logSigmoidGradF64(<f64>x, <f64>dy); }
}
@final class LogSigmoidGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return logSigmoidGradF64x2(x, dy); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return logSigmoidGradF64(x, dy); }
}
export function logSigmoid_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<LogSigmoidGrad32>(x, dy, y, n, a, b); }
export function logSigmoid_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<LogSigmoidGrad64>(x, dy, y, n, a, b); }

// silu'(x) = sigma(x) (1 + x (1 - sigma(x))).
//   x >= 0: sigma + x sigma', two positive terms (sigma = 1/s corrected as in
//           the forward, sigma' as above), x clamped at 1e4 (sigma' = 0 there).
//   x < 0:  with e = e^x, = e (1 + x + e) / (1 + e)^2 = sigma'(x) (1 + x + e);
//           1 + x is exact on [-2, -0.5] (Sterbenz), where the factor crosses 0
//           (x = -1.2785): only e's own error is left there. x clamped at -1e4.
// Near its zero x0 = -1.27846454276107379510935873902298 (the root of
// 1 + x + e^x), silu' cancels in every form: there it is taken as h P(h) with
// h = (x - X0_HI) - X0_LO (x - X0_HI exact by Sterbenz, so h keeps its
// relative precision however close x is to x0) and P the Taylor polynomial of
// silu'(x0 + h) / h, degree 17, coefficients from decimal.js at 80 digits
// (power-series arithmetic on e^(x0 + h); truncation < 3e-20 relative for
// |h| < 0.3). Elsewhere on x < 0 the form above is within ~3 ULP.
const SILU_X0_HI: f64 = -1.2784645427610737;
const SILU_X0_LO: f64 = -1.0946994183093437e-16;
const SILU_ROOT_REACH: f64 = 0.3;
const SILU_P: StaticArray<f64> = [
  0.2178117057198001, 0.1466487969969469, 0.018874814223782312, -0.015222655223188032,
  -0.006606589138356696, 0.000126627410081122, 0.0007985218818397998, 0.00018570724361186496,
  -4.090534237428612e-05, -2.9733542213263917e-05, -2.942631888842464e-06, 2.346029682463866e-06,
  8.599695028268575e-07, -3.051244750055421e-08, -9.266646309267441e-08, -1.8877622907727957e-08,
  4.619379769031606e-09, 2.9177603026903803e-09,
];
@inline function siluNearRootF64x2(x: v128): v128 {
  const h = f64x2.sub(f64x2.sub(x, f64x2.splat(SILU_X0_HI)), f64x2.splat(SILU_X0_LO));
  let p = f64x2.splat(unchecked(SILU_P[17]));
  for (let j = 16; j >= 0; j--) p = f64x2.add(f64x2.mul(p, h), f64x2.splat(unchecked(SILU_P[j])));
  return f64x2.mul(h, p);
}
@inline function siluNearRootF64(x: f64): f64 {
  const h = (x - SILU_X0_HI) - SILU_X0_LO;
  let p = unchecked(SILU_P[17]);
  for (let j = 16; j >= 0; j--) p = p * h + unchecked(SILU_P[j]);
  return h * p;
}

@inline function siluGradF64x2(x: v128, dy: v128): v128 {
  const one = f64x2.splat(1.0);
  const gs = sigmoidPrimeScaledF64x2(x);
  const es = expScaledF64x2(negAbsF64x2(x), 128);
  const e = f64x2.mul(es, f64x2.splat(UNSCALE_F64));
  const s = f64x2.add(one, e);
  const d = f64x2.sub(e, f64x2.sub(s, one));
  const q = f64x2.div(one, s);
  const sig = f64x2.sub(q, f64x2.div(f64x2.mul(q, d), s));
  const pos = f64x2.add(sig, f64x2.mul(f64x2.pmin(x, f64x2.splat(1.0e4)), f64x2.mul(gs, f64x2.splat(UNSCALE_F64))));
  const factor = f64x2.add(f64x2.add(one, f64x2.pmax(x, f64x2.splat(-1.0e4))), e);
  const far = f64x2.mul(f64x2.mul(gs, factor), f64x2.splat(UNSCALE_F64));
  const nearRoot = f64x2.lt(f64x2.abs(f64x2.sub(x, f64x2.splat(SILU_X0_HI))), f64x2.splat(SILU_ROOT_REACH));
  const neg = v128.bitselect(siluNearRootF64x2(x), far, nearRoot);
  return f64x2.mul(dy, v128.bitselect(neg, pos, f64x2.lt(x, f64x2.splat(0))));
}
@inline function siluGradF64(x: f64, dy: f64): f64 {
  const gs = sigmoidPrimeScaledF64(x);
  const es = expScaledF64(-abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = 1.0 / s;
  const sig = q - (q * d) / s;
  const xh = x > 1.0e4 ? 1.0e4 : x;
  const pos = sig + xh * (gs * UNSCALE_F64);
  const xl = x < -1.0e4 ? -1.0e4 : x;
  const far = (gs * ((1.0 + xl) + e)) * UNSCALE_F64;
  const neg = abs(x - SILU_X0_HI) < SILU_ROOT_REACH ? siluNearRootF64(x) : far;
  return dy * (x < 0 ? neg : pos);
}

@final class SiluGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return narrow(siluGradF64x2(widenLo(x), widenLo(dy)), siluGradF64x2(widenHi(x), widenHi(dy)));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>siluGradF64(<f64>x, <f64>dy); }
}
@final class SiluGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return siluGradF64x2(x, dy); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return siluGradF64(x, dy); }
}
export function silu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<SiluGrad32>(x, dy, y, n, a, b); }
export function silu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<SiluGrad64>(x, dy, y, n, a, b); }

// softplus'(x) = sigma(beta x), and exactly 1 where the forward returns x
// (the rounded beta*x above threshold, compared in the array's precision as
// the forward does). beta*x = y + yl exactly (f32: the f64 product of two f32
// values is exact, yl = 0; f64: Dekker's product), and
// sigma(y + yl) = sigma(y) (1 + (1 - sigma(y)) yl) to first order: without
// it, y's rounding would cost |y| 2^-53 relative (hundreds of ULPs at y = -700).
@inline function softplusGradF64x2(y: v128, yl: v128, dy: v128): v128 {
  const one = f64x2.splat(1.0);
  const sig = f64x2.mul(sigmoidScaledF64x2(y), unscaleF64x2(y));
  const corr = f64x2.mul(f64x2.sub(one, sig), yl);
  return f64x2.mul(dy, f64x2.add(sig, f64x2.mul(sig, corr)));
}
@inline function softplusGradF64(y: f64, yl: f64, dy: f64): f64 {
  const sig = sigmoidScaledF64(y) * unscaleF64(y);
  return dy * (sig + sig * ((1.0 - sig) * yl));
}

@final class SoftplusGrad32 {
  @inline vec(x: v128, dy: v128, beta: v128, threshold: v128): v128 {
    const zero = f64x2.splat(0.0);
    const bw = widenLo(beta);
    const lo = softplusGradF64x2(f64x2.mul(widenLo(x), bw), zero, widenLo(dy));
    const hi = softplusGradF64x2(f64x2.mul(widenHi(x), bw), zero, widenHi(dy));
    return v128.bitselect(dy, narrow(lo, hi), f32x4.gt(f32x4.mul(x, beta), threshold));
  }
  @inline one(x: f32, dy: f32, beta: f32, threshold: f32): f32 {
    if (x * beta > threshold) return dy;
    return <f32>softplusGradF64(<f64>x * <f64>beta, 0.0, <f64>dy);
  }
}
@final class SoftplusGrad64 {
  @inline vec(x: v128, dy: v128, beta: v128, threshold: v128): v128 {
    const y = f64x2.mul(x, beta);
    const g = softplusGradF64x2(y, productErrorF64x2(x, beta, y), dy);
    return v128.bitselect(dy, g, f64x2.gt(y, threshold));
  }
  @inline one(x: f64, dy: f64, beta: f64, threshold: f64): f64 {
    const y = x * beta;
    if (y > threshold) return dy;
    return softplusGradF64(y, productErrorF64(x, beta, y), dy);
  }
}
export function softplus_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<SoftplusGrad32>(x, dy, y, n, a, b); }
export function softplus_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<SoftplusGrad64>(x, dy, y, n, a, b); }

// elu'(x) = 1 for x > 0, alpha e^x for x <= 0 (PyTorch: alpha at 0); selu'
// = scale times elu' with selu's alpha (scale*alpha one f64 constant). e^x
// for x <= 0 comes scaled by 2^128, the product with the constant rounds,
// then the unscaling (one more rounding only for subnormal results).
@inline function expNegScaledGradF64x2(x: v128, c: v128, pos: v128, dy: v128): v128 {
  const es = expScaledF64x2(f64x2.pmin(x, f64x2.splat(0.0)), 128);
  const neg = f64x2.mul(f64x2.mul(c, es), f64x2.splat(UNSCALE_F64));
  return f64x2.mul(dy, v128.bitselect(pos, neg, f64x2.gt(x, f64x2.splat(0.0))));
}
@inline function expNegScaledGradF64(x: f64, c: f64, pos: f64, dy: f64): f64 {
  if (x > 0) return dy * pos;
  return dy * ((c * expScaledF64(x, 128)) * UNSCALE_F64);
}

@final class EluGrad32 {
  @inline vec(x: v128, dy: v128, alpha: v128, b: v128): v128 {
    const aw = widenLo(alpha), one = f64x2.splat(1.0);
    return narrow(expNegScaledGradF64x2(widenLo(x), aw, one, widenLo(dy)), expNegScaledGradF64x2(widenHi(x), aw, one, widenHi(dy)));
  }
  @inline one(x: f32, dy: f32, alpha: f32, b: f32): f32 { return <f32>expNegScaledGradF64(<f64>x, <f64>alpha, 1.0, <f64>dy); }
}
@final class EluGrad64 {
  @inline vec(x: v128, dy: v128, alpha: v128, b: v128): v128 { return expNegScaledGradF64x2(x, alpha, f64x2.splat(1.0), dy); }
  @inline one(x: f64, dy: f64, alpha: f64, b: f64): f64 { return expNegScaledGradF64(x, alpha, 1.0, dy); }
}
@final class SeluGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const sa = f64x2.splat(SELU_SCALE_ALPHA), s = f64x2.splat(SELU_SCALE);
    return narrow(expNegScaledGradF64x2(widenLo(x), sa, s, widenLo(dy)), expNegScaledGradF64x2(widenHi(x), sa, s, widenHi(dy)));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return <f32>expNegScaledGradF64(<f64>x, SELU_SCALE_ALPHA, SELU_SCALE, <f64>dy); }
}
@final class SeluGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return expNegScaledGradF64x2(x, f64x2.splat(SELU_SCALE_ALPHA), f64x2.splat(SELU_SCALE), dy);
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return expNegScaledGradF64(x, SELU_SCALE_ALPHA, SELU_SCALE, dy); }
}
export function elu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<EluGrad32>(x, dy, y, n, a, b); }
export function elu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<EluGrad64>(x, dy, y, n, a, b); }
export function selu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<SeluGrad32>(x, dy, y, n, a, b); }
export function selu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<SeluGrad64>(x, dy, y, n, a, b); }

// celu'(x) = 1 for x > 0, e^(x/alpha) for x <= 0. t = x/alpha rounds; tl is
// the rest, exactly (Dekker's product t*alpha, as the forward), and
// e^(t + tl) = e^t (1 + tl). f32: t in f64 (|t| 2^-53 relative is far below
// an f32 ULP for every t where e^t is neither 0 nor overflowing in f32).
@inline function celuGradF64x2(x: v128, alpha: v128, dy: v128, exactQuotient: bool): v128 {
  const t = f64x2.div(f64x2.pmin(x, f64x2.splat(0.0)), alpha);
  let es = expScaledF64x2(t, 128);
  if (exactQuotient) {
    const p = f64x2.mul(t, alpha);
    const tl = f64x2.div(f64x2.sub(f64x2.sub(f64x2.pmin(x, f64x2.splat(0.0)), p), productErrorF64x2(t, alpha, p)), alpha);
    const corr = f64x2.mul(es, tl);
    es = f64x2.add(es, v128.and(corr, f64x2.eq(corr, corr)));
  }
  const neg = f64x2.mul(es, f64x2.splat(UNSCALE_F64));
  return f64x2.mul(dy, v128.bitselect(f64x2.splat(1.0), neg, f64x2.gt(x, f64x2.splat(0.0))));
}
@inline function celuGradF64(x: f64, alpha: f64, dy: f64, exactQuotient: bool): f64 {
  if (x > 0) return dy;
  const t = x / alpha;
  let es = expScaledF64(t, 128);
  if (exactQuotient) {
    const p = t * alpha;
    const tl = ((x - p) - productErrorF64(t, alpha, p)) / alpha;
    const corr = es * tl;
    es = es + (corr == corr ? corr : 0.0);
  }
  return dy * (es * UNSCALE_F64);
}

@final class CeluGrad32 {
  @inline vec(x: v128, dy: v128, alpha: v128, b: v128): v128 {
    const aw = widenLo(alpha);
    return narrow(celuGradF64x2(widenLo(x), aw, widenLo(dy), false), celuGradF64x2(widenHi(x), aw, widenHi(dy), false));
  }
  @inline one(x: f32, dy: f32, alpha: f32, b: f32): f32 { return <f32>celuGradF64(<f64>x, <f64>alpha, <f64>dy, false); }
}
@final class CeluGrad64 {
  @inline vec(x: v128, dy: v128, alpha: v128, b: v128): v128 { return celuGradF64x2(x, alpha, dy, true); }
  @inline one(x: f64, dy: f64, alpha: f64, b: f64): f64 { return celuGradF64(x, alpha, dy, true); }
}
export function celu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<CeluGrad32>(x, dy, y, n, a, b); }
export function celu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<CeluGrad64>(x, dy, y, n, a, b); }
