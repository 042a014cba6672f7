// Piecewise-linear family: exact functions (one rounding at most) built from
// compares, selects and pmin/pmax. `f32x4.pmax(x, c)` is `x < c ? c : x`: one
// instruction (maxps) where `f32x4.max` needs eight for its NaN and -0 rules,
// and it keeps a NaN in x because the compare is false. Every `one` below is
// written as that same compare-select so scalar, SIMD and JS agree on NaN and -0.
import { mapF32, mapF64, mapGradF32, mapGradF64 } from './map';
import { widenLo, widenHi, narrow } from '../core/lanes';
import { productErrorF64x2, productErrorF64, sumErrorF64x2, sumErrorF64 } from '../core/dd';

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

// step(x) = x >= t ? 1 : 0, written as x < t ? 0 : (x >= t ? 1 : x) so that
// a NaN (both compares false) passes through.
@final class Step32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    return v128.bitselect(f32x4.splat(0), v128.bitselect(f32x4.splat(1), x, f32x4.ge(x, a)), f32x4.lt(x, a));
  }
  @inline one(x: f32, a: f32, b: f32): f32 { return x < a ? 0 : (x >= a ? 1 : x); }
}
@final class Step64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    return v128.bitselect(f64x2.splat(0), v128.bitselect(f64x2.splat(1), x, f64x2.ge(x, a)), f64x2.lt(x, a));
  }
  @inline one(x: f64, a: f64, b: f64): f64 { return x < a ? 0 : (x >= a ? 1 : x); }
}
export function step_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Step32>(x, y, n, a, b); }
export function step_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Step64>(x, y, n, a, b); }

// threshold(x) = x <= t ? value : x (a NaN fails the compare and passes through).
@final class Threshold32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return v128.bitselect(b, x, f32x4.le(x, a)); }
  @inline one(x: f32, a: f32, b: f32): f32 { return x <= a ? b : x; }
}
@final class Threshold64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return v128.bitselect(b, x, f64x2.le(x, a)); }
  @inline one(x: f64, a: f64, b: f64): f64 { return x <= a ? b : x; }
}
export function threshold_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Threshold32>(x, y, n, a, b); }
export function threshold_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Threshold64>(x, y, n, a, b); }

// relu6(x) = pmin(pmax(x, 0), 6): r = x < 0 ? 0 : x; 6 < r ? 6 : r.
@final class Relu632 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f32x4.pmin(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(6)); }
  @inline one(x: f32, a: f32, b: f32): f32 { const r: f32 = x < 0 ? 0 : x; return <f32>6 < r ? 6 : r; }
}
@final class Relu664 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f64x2.pmin(f64x2.pmax(x, f64x2.splat(0)), f64x2.splat(6)); }
  @inline one(x: f64, a: f64, b: f64): f64 { const r: f64 = x < 0 ? 0 : x; return <f64>6 < r ? 6 : r; }
}
export function relu6_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Relu632>(x, y, n, a, b); }
export function relu6_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Relu664>(x, y, n, a, b); }

// leakyRelu(x) = x >= 0 ? x : alpha x, one rounding. The only inf * 0 is
// x = -Infinity with alpha = +-0: the product is NaN while x is not, and the
// limit is -alpha (the sign alpha x has for every finite x < 0), so such a
// lane takes -alpha. A NaN x fails x >= 0 and gives alpha * NaN = NaN.
// prelu with per-channel alpha (below) runs these same methods.
@final class LeakyRelu32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const t = f32x4.mul(a, x);
    const bad = v128.and(f32x4.ne(t, t), f32x4.eq(x, x));
    return v128.bitselect(x, v128.bitselect(f32x4.neg(a), t, bad), f32x4.ge(x, f32x4.splat(0)));
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const t = a * x;
    return x >= 0 ? x : (t != t && x == x ? -a : t);
  }
}
@final class LeakyRelu64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const t = f64x2.mul(a, x);
    const bad = v128.and(f64x2.ne(t, t), f64x2.eq(x, x));
    return v128.bitselect(x, v128.bitselect(f64x2.neg(a), t, bad), f64x2.ge(x, f64x2.splat(0)));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    const t = a * x;
    return x >= 0 ? x : (t != t && x == x ? -a : t);
  }
}
export function leakyRelu_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<LeakyRelu32>(x, y, n, a, b); }
export function leakyRelu_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<LeakyRelu64>(x, y, n, a, b); }

// hardTanh(x) = pmin(pmax(x, min), max): r = x < min ? min : x; max < r ? max : r.
@final class HardTanh32 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f32x4.pmin(f32x4.pmax(x, a), b); }
  @inline one(x: f32, a: f32, b: f32): f32 { const r = x < a ? a : x; return b < r ? b : r; }
}
@final class HardTanh64 {
  @inline vec(x: v128, a: v128, b: v128): v128 { return f64x2.pmin(f64x2.pmax(x, a), b); }
  @inline one(x: f64, a: f64, b: f64): f64 { const r = x < a ? a : x; return b < r ? b : r; }
}
export function hardTanh_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<HardTanh32>(x, y, n, a, b); }
export function hardTanh_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<HardTanh64>(x, y, n, a, b); }

// softshrink(x) = |x| <= lambda ? 0 : (x > 0 ? x - lambda : x + lambda).
// One rounding (the subtraction or addition); a NaN fails both compares and
// gives NaN + lambda = NaN.
@final class Softshrink32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const s = v128.bitselect(f32x4.sub(x, a), f32x4.add(x, a), f32x4.gt(x, f32x4.splat(0)));
    return v128.bitselect(f32x4.splat(0), s, f32x4.le(v128.and(x, i32x4.splat(0x7fffffff)), a));
  }
  @inline one(x: f32, a: f32, b: f32): f32 { return Mathf.abs(x) <= a ? 0 : (x > 0 ? x - a : x + a); }
}
@final class Softshrink64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const s = v128.bitselect(f64x2.sub(x, a), f64x2.add(x, a), f64x2.gt(x, f64x2.splat(0)));
    return v128.bitselect(f64x2.splat(0), s, f64x2.le(v128.and(x, i64x2.splat(0x7fffffffffffffff)), a));
  }
  @inline one(x: f64, a: f64, b: f64): f64 { return Math.abs(x) <= a ? 0 : (x > 0 ? x - a : x + a); }
}
export function softshrink_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Softshrink32>(x, y, n, a, b); }
export function softshrink_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Softshrink64>(x, y, n, a, b); }

// hardshrink(x) = |x| <= lambda ? 0 : x (a NaN passes through).
@final class Hardshrink32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    return v128.bitselect(f32x4.splat(0), x, f32x4.le(v128.and(x, i32x4.splat(0x7fffffff)), a));
  }
  @inline one(x: f32, a: f32, b: f32): f32 { return Mathf.abs(x) <= a ? 0 : x; }
}
@final class Hardshrink64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    return v128.bitselect(f64x2.splat(0), x, f64x2.le(v128.and(x, i64x2.splat(0x7fffffffffffffff)), a));
  }
  @inline one(x: f64, a: f64, b: f64): f64 { return Math.abs(x) <= a ? 0 : x; }
}
export function hardshrink_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Hardshrink32>(x, y, n, a, b); }
export function hardshrink_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Hardshrink64>(x, y, n, a, b); }

// hardSigmoid(x) = clamp(x/6 + 1/2, 0, 1), <= 0.75 ULP in both dtypes.
// x is first clamped to [-3, 3] (pmax/pmin keep a NaN), then
//   x < -1:  (x + 3) / 6. x + 3 is exact on [-3, -1] (Sterbenz for |x| >= 1.5;
//            for 1 <= |x| < 1.5 the result in [1.5, 2] has x's ulp), so this
//            is one rounding: correctly rounded, and exactly 0 at x = -3.
//   x >= -1: x/6 + 1/2. The result lies in [1/3, 1] and |x/6| <= the result's
//            ulp-scale / 2, so rounding x/6 costs at most 1/4 ULP of the
//            result and the addition 1/2 ULP: <= 0.75 ULP. 3/6 + 1/2 = 1.
// (x/6 + 1/2 for all x loses everything near x = -3; (x + 3)/6 for all
// x < 0 reaches 1.17 ULP on [-1, 0) where x + 3 rounds.)
@final class HardSigmoid32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-3)), f32x4.splat(3));
    const lo = f32x4.div(f32x4.add(xc, f32x4.splat(3)), f32x4.splat(6));
    const hi = f32x4.add(f32x4.div(xc, f32x4.splat(6)), f32x4.splat(0.5));
    return v128.bitselect(lo, hi, f32x4.lt(xc, f32x4.splat(-1)));
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    let xc: f32 = x < -3 ? -3 : x;
    xc = <f32>3 < xc ? 3 : xc;
    return xc < -1 ? (xc + 3) / 6 : xc / 6 + 0.5;
  }
}
@final class HardSigmoid64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-3)), f64x2.splat(3));
    const lo = f64x2.div(f64x2.add(xc, f64x2.splat(3)), f64x2.splat(6));
    const hi = f64x2.add(f64x2.div(xc, f64x2.splat(6)), f64x2.splat(0.5));
    return v128.bitselect(lo, hi, f64x2.lt(xc, f64x2.splat(-1)));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    let xc: f64 = x < -3 ? -3 : x;
    xc = <f64>3 < xc ? 3 : xc;
    return xc < -1 ? (xc + 3) / 6 : xc / 6 + 0.5;
  }
}
export function hardSigmoid_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<HardSigmoid32>(x, y, n, a, b); }
export function hardSigmoid_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<HardSigmoid64>(x, y, n, a, b); }

// hardSwish(x) = x >= 3 ? x : (x <= -3 ? 0 : x (x + 3) / 6).
//
// f32: x (x + 3) / 6 in f64. x + 3 has relative error <= 2^-53 (0 where it
// matters, near -3, by Sterbenz), the product and quotient <= 2^-53 each, so
// the f64 value is within 3 * 2^-53 relative of the exact one and the demotion
// to f32 rounds once more: <= 0.5 + 2^-28 ULP.
//
// f64: compensated, so that only the last addition rounds noticeably:
//   s + e = xc + 3 exactly (Fast2Sum: |3| >= |xc|),
//   ph + pl = xc * s exactly (Dekker's product, splitting with 2^27 + 1; no FMA),
//   q = ph / 6 and its exact remainder ph - 6q (q split the same way: qh*6 and
//   ql*6 are exact, ph - qh*6 is exact by Sterbenz),
//   result = q + (rem + pl + xc*e) / 6: within 0.5 ULP + O(2^-100) relative.
// The selects outside (-3, 3) hide the inf * inf of the clamp-free ends.
@final class HardSwish32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const lo = f64x2.promote_low_f32x4(x);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1));
    const three = f64x2.splat(3), six = f64x2.splat(6);
    const rl = f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(lo, f64x2.add(lo, three)), six));
    const rh = f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(hi, f64x2.add(hi, three)), six));
    const r = v128.shuffle<i32>(rl, rh, 0, 1, 4, 5);
    return v128.bitselect(x, v128.bitselect(f32x4.splat(0), r, f32x4.le(x, f32x4.splat(-3))), f32x4.ge(x, f32x4.splat(3)));
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    const xd = <f64>x;
    return x >= 3 ? x : (x <= -3 ? 0 : <f32>(xd * (xd + 3) / 6));
  }
}
// @ts-ignore: decorator
@inline const SPLIT: f64 = 134217729; // 2^27 + 1
@final class HardSwish64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const three = f64x2.splat(3), six = f64x2.splat(6), C = f64x2.splat(SPLIT);
    const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-3)), three);
    const s = f64x2.add(xc, three);
    const e = f64x2.sub(xc, f64x2.sub(s, three));
    const ph = f64x2.mul(xc, s);
    const pl = productErrorF64x2(xc, s, ph);
    const q = f64x2.div(ph, six);
    const tq = f64x2.mul(C, q);
    const qh = f64x2.sub(tq, f64x2.sub(tq, q));
    const ql = f64x2.sub(q, qh);
    const rem = f64x2.sub(f64x2.sub(ph, f64x2.mul(qh, six)), f64x2.mul(ql, six));
    const r = f64x2.add(q, f64x2.div(f64x2.add(f64x2.add(rem, pl), f64x2.mul(xc, e)), six));
    // x = +-0 passes through (the split terms would turn -0 into +0; f32 keeps -0 too).
    const keep = v128.or(f64x2.ge(x, three), f64x2.eq(x, f64x2.splat(0)));
    return v128.bitselect(x, v128.bitselect(f64x2.splat(0), r, f64x2.le(x, f64x2.splat(-3))), keep);
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    let xc: f64 = x < -3 ? -3 : x;
    xc = <f64>3 < xc ? 3 : xc;
    const s = xc + 3;
    const e = xc - (s - 3);
    const ph = xc * s;
    const pl = productErrorF64(xc, s, ph);
    const q = ph / 6;
    const tq = SPLIT * q;
    const qh = tq - (tq - q);
    const ql = q - qh;
    const rem = (ph - qh * 6) - ql * 6;
    const r = q + ((rem + pl) + xc * e) / 6;
    return x >= 3 || x == 0 ? x : (x <= -3 ? 0 : r);
  }
}
export function hardSwish_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<HardSwish32>(x, y, n, a, b); }
export function hardSwish_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<HardSwish64>(x, y, n, a, b); }

// softsign(x) = x / (1 + |x|). x is first clamped to [-2^60, 2^60] (pmax/pmin
// keep a NaN): beyond 2^54 the exact result rounds to +-1 in both dtypes, and
// 2^60 / (1 + 2^60) does too, so +-Infinity give +-1 without inf / inf.
//
// f32: computed in f64 (1 + |x| is exact for |x| in [2^-29, 2^29], else off by
// <= 2^-53 relative; the division rounds once), then demoted:
// <= 0.5 + 2^-28 ULP.
//
// f64: d + e = 1 + |x| exactly (TwoSum), q = x / d and its exact remainder
// x - q d (Dekker's product; the clamp keeps 2^27 * d finite), then
// result = q + ((x - q d) - q e) / d: the exact x / (d + e) up to
// O(2^-100) relative before the last rounding: <= 0.5 ULP + tiny.
// @ts-ignore: decorator
@inline const BIG: f64 = 1152921504606846976; // 2^60
@final class Softsign32 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(<f32>-BIG)), f32x4.splat(<f32>BIG));
    const one = f64x2.splat(1), mask = i64x2.splat(0x7fffffffffffffff);
    const lo = f64x2.promote_low_f32x4(xc);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<i32>(xc, xc, 2, 3, 0, 1));
    const rl = f32x4.demote_f64x2_zero(f64x2.div(lo, f64x2.add(one, v128.and(lo, mask))));
    const rh = f32x4.demote_f64x2_zero(f64x2.div(hi, f64x2.add(one, v128.and(hi, mask))));
    return v128.shuffle<i32>(rl, rh, 0, 1, 4, 5);
  }
  @inline one(x: f32, a: f32, b: f32): f32 {
    let xc: f32 = x < <f32>-BIG ? <f32>-BIG : x;
    xc = <f32>BIG < xc ? <f32>BIG : xc;
    const xd = <f64>xc;
    return <f32>(xd / (1 + Math.abs(xd)));
  }
}
@final class Softsign64 {
  @inline vec(x: v128, a: v128, b: v128): v128 {
    const one = f64x2.splat(1);
    const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-BIG)), f64x2.splat(BIG));
    const ax = v128.and(xc, i64x2.splat(0x7fffffffffffffff));
    const d = f64x2.add(one, ax);
    const e = sumErrorF64x2(one, ax, d);
    const q = f64x2.div(xc, d);
    const ph = f64x2.mul(q, d);
    const pl = productErrorF64x2(q, d, ph);
    const rem = f64x2.sub(f64x2.sub(xc, ph), pl);
    // x = +-0 passes through (q + (+0) would turn -0 into +0; f32 keeps -0 too).
    return v128.bitselect(x, f64x2.add(q, f64x2.div(f64x2.sub(rem, f64x2.mul(q, e)), d)), f64x2.eq(x, f64x2.splat(0)));
  }
  @inline one(x: f64, a: f64, b: f64): f64 {
    let xc: f64 = x < -BIG ? -BIG : x;
    xc = BIG < xc ? BIG : xc;
    const ax = Math.abs(xc);
    const d = 1 + ax;
    const e = sumErrorF64(1, ax, d);
    const q = xc / d;
    const ph = q * d;
    const pl = productErrorF64(q, d, ph);
    const rem = (xc - ph) - pl;
    return x == 0 ? x : q + (rem - q * e) / d;
  }
}
export function softsign_f32(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF32<Softsign32>(x, y, n, a, b); }
export function softsign_f64(x: usize, y: usize, n: i32, a: f64, b: f64): void { mapF64<Softsign64>(x, y, n, a, b); }

// prelu with one alpha per channel. Element i of this call has global index
// g = offset + i and channel (g / inner) % channels; alpha holds `channels`
// values of the element dtype. The loop walks runs of elements that share a
// channel (one division per call, none per element) and applies leakyRelu's
// own methods to each run: `vec` on whole vectors and on the run's edge
// elements (splat/extract) in the SIMD build, `one` in the scalar build.
export function prelu_f32(x: usize, y: usize, n: i32, alpha: usize, channels: i32, inner: i32, offset: i32): void {
  const op = changetype<LeakyRelu32>(0);
  if (ASC_FEATURE_SIMD && inner == 1) {
    // Channels last (Dense layers, NHWC): the channel advances with every element, so a run of
    // one channel is one element. Walk rows instead: element i takes alpha[c], c = (offset + i) %
    // channels, and four consecutive elements of one row take four consecutive alphas.
    let c = offset % channels;
    let i = 0;
    while (i < n) {
      const end = <usize>min(channels - c, n - i) << 2;
      const from = x + (<usize>i << 2), to = y + (<usize>i << 2), a = alpha + (<usize>c << 2);
      let k: usize = 0;
      for (; k + 16 <= end; k += 16) {
        const av = v128.load(a + k);
        v128.store(to + k, op.vec(v128.load(from + k), av, av));
      }
      for (; k < end; k += 4) {
        const av = f32x4.splat(load<f32>(a + k));
        store<f32>(to + k, f32x4.extract_lane(op.vec(f32x4.splat(load<f32>(from + k)), av, av), 0));
      }
      i += <i32>(end >> 2);
      c = 0;
    }
    return;
  }
  let c = (offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const run = min(inner - pos, n - i);
    const af = load<f32>(alpha + (<usize>c << 2));
    const from = x + (<usize>i << 2), to = y + (<usize>i << 2);
    const end = <usize>run << 2;
    if (ASC_FEATURE_SIMD) {
      const av = f32x4.splat(af);
      let k: usize = 0;
      for (; k + 16 <= end; k += 16) v128.store(to + k, op.vec(v128.load(from + k), av, av));
      for (; k < end; k += 4) {
        store<f32>(to + k, f32x4.extract_lane(op.vec(f32x4.splat(load<f32>(from + k)), av, av), 0));
      }
    } else {
      for (let k: usize = 0; k < end; k += 4) store<f32>(to + k, op.one(load<f32>(from + k), af, af));
    }
    i += run;
    pos = 0;
    if (++c == channels) c = 0;
  }
}

export function prelu_f64(x: usize, y: usize, n: i32, alpha: usize, channels: i32, inner: i32, offset: i32): void {
  const op = changetype<LeakyRelu64>(0);
  if (ASC_FEATURE_SIMD && inner == 1) {
    // Channels last: as prelu_f32, two consecutive elements of one row take two consecutive alphas.
    let c = offset % channels;
    let i = 0;
    while (i < n) {
      const end = <usize>min(channels - c, n - i) << 3;
      const from = x + (<usize>i << 3), to = y + (<usize>i << 3), a = alpha + (<usize>c << 3);
      let k: usize = 0;
      for (; k + 16 <= end; k += 16) {
        const av = v128.load(a + k);
        v128.store(to + k, op.vec(v128.load(from + k), av, av));
      }
      for (; k < end; k += 8) {
        const av = f64x2.splat(load<f64>(a + k));
        store<f64>(to + k, f64x2.extract_lane(op.vec(f64x2.splat(load<f64>(from + k)), av, av), 0));
      }
      i += <i32>(end >> 3);
      c = 0;
    }
    return;
  }
  let c = (offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const run = min(inner - pos, n - i);
    const af = load<f64>(alpha + (<usize>c << 3));
    const from = x + (<usize>i << 3), to = y + (<usize>i << 3);
    const end = <usize>run << 3;
    if (ASC_FEATURE_SIMD) {
      const av = f64x2.splat(af);
      let k: usize = 0;
      for (; k + 16 <= end; k += 16) v128.store(to + k, op.vec(v128.load(from + k), av, av));
      for (; k < end; k += 8) {
        store<f64>(to + k, f64x2.extract_lane(op.vec(f64x2.splat(load<f64>(from + k)), av, av), 0));
      }
    } else {
      for (let k: usize = 0; k < end; k += 8) store<f64>(to + k, op.one(load<f64>(from + k), af, af));
    }
    i += run;
    pos = 0;
    if (++c == channels) c = 0;
  }
}

// ------------------------------------------------------------ gradients ----
// dy * f'(x), f' a constant per piece, so one rounding at most: exact, as SPEC
// section 6 asks of piecewise-linear functions. Kinks follow PyTorch: the
// derivative at a kink is that of the flat side (relu'(0) = 0, hardTanh' = 0
// at both bounds, soft/hardshrink' = 0 at +-lambda) except leakyRelu'(0) =
// alpha. The product is IEEE (dy = +-Infinity where f' = 0 gives NaN, as
// dy * 0 does); a NaN x gives NaN though every compare with it is false,
// which is what `keepNaN` restores.
@inline function keepNaNF32x4(x: v128, r: v128): v128 { return v128.bitselect(x, r, f32x4.ne(x, x)); }
@inline function keepNaNF64x2(x: v128, r: v128): v128 { return v128.bitselect(x, r, f64x2.ne(x, x)); }
@inline function keepNaNF32(x: f32, r: f32): f32 { return x != x ? x : r; }
@inline function keepNaNF64(x: f64, r: f64): f64 { return x != x ? x : r; }
// 1.0 where the mask is set, +0 elsewhere.
@inline function oneWhereF32x4(mask: v128): v128 { return v128.and(mask, f32x4.splat(1)); }
@inline function oneWhereF64x2(mask: v128): v128 { return v128.and(mask, f64x2.splat(1)); }

@final class IdentityGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF32x4(x, dy); }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy); }
}
@final class IdentityGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF64x2(x, dy); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy); }
}
export function identity_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<IdentityGrad32>(x, dy, y, n, a, b); }
export function identity_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<IdentityGrad64>(x, dy, y, n, a, b); }

// step' = 0 everywhere (the jump at the threshold has no finite derivative; PyTorch's
// heaviside has none at all): dy * 0.
@final class StepGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF32x4(x, f32x4.mul(dy, f32x4.splat(0))); }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * 0); }
}
@final class StepGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF64x2(x, f64x2.mul(dy, f64x2.splat(0))); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * 0); }
}
export function step_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<StepGrad32>(x, dy, y, n, a, b); }
export function step_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<StepGrad64>(x, dy, y, n, a, b); }

// threshold' = 1 where x > threshold (x passes), 0 where the constant value is taken.
@final class ThresholdGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF32x4(x, f32x4.mul(dy, oneWhereF32x4(f32x4.gt(x, a)))); }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * (x > a ? <f32>1 : <f32>0)); }
}
@final class ThresholdGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF64x2(x, f64x2.mul(dy, oneWhereF64x2(f64x2.gt(x, a)))); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * (x > a ? 1.0 : 0.0)); }
}
export function threshold_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ThresholdGrad32>(x, dy, y, n, a, b); }
export function threshold_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ThresholdGrad64>(x, dy, y, n, a, b); }

// relu' = 1 for x > 0, 0 for x <= 0: threshold's gradient at 0.
@final class ReluGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF32x4(x, f32x4.mul(dy, oneWhereF32x4(f32x4.gt(x, f32x4.splat(0))))); }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * (x > 0 ? <f32>1 : <f32>0)); }
}
@final class ReluGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF64x2(x, f64x2.mul(dy, oneWhereF64x2(f64x2.gt(x, f64x2.splat(0))))); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * (x > 0 ? 1.0 : 0.0)); }
}
export function relu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ReluGrad32>(x, dy, y, n, a, b); }
export function relu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ReluGrad64>(x, dy, y, n, a, b); }

// relu6' and hardTanh' = 1 strictly inside (low, high), 0 on and beyond both bounds.
@final class ClampGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return keepNaNF32x4(x, f32x4.mul(dy, oneWhereF32x4(v128.and(f32x4.gt(x, a), f32x4.lt(x, b)))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * (x > a && x < b ? <f32>1 : <f32>0)); }
}
@final class ClampGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return keepNaNF64x2(x, f64x2.mul(dy, oneWhereF64x2(v128.and(f64x2.gt(x, a), f64x2.lt(x, b)))));
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * (x > a && x < b ? 1.0 : 0.0)); }
}
export function relu6_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ClampGrad32>(x, dy, y, n, 0, 6); }
export function relu6_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ClampGrad64>(x, dy, y, n, 0, 6); }
export function hardTanh_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ClampGrad32>(x, dy, y, n, a, b); }
export function hardTanh_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ClampGrad64>(x, dy, y, n, a, b); }

// leakyRelu' = 1 for x > 0, alpha for x <= 0 (PyTorch: alpha at 0); prelu runs it per channel.
@final class LeakyReluGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return keepNaNF32x4(x, f32x4.mul(dy, v128.bitselect(f32x4.splat(1), a, f32x4.gt(x, f32x4.splat(0)))));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * (x > 0 ? <f32>1 : a)); }
}
@final class LeakyReluGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    return keepNaNF64x2(x, f64x2.mul(dy, v128.bitselect(f64x2.splat(1), a, f64x2.gt(x, f64x2.splat(0)))));
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * (x > 0 ? 1.0 : a)); }
}
export function leakyRelu_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<LeakyReluGrad32>(x, dy, y, n, a, b); }
export function leakyRelu_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<LeakyReluGrad64>(x, dy, y, n, a, b); }

// softshrink' = hardshrink' = 1 where |x| > lambda, 0 on [-lambda, lambda].
@final class ShrinkGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF32x4(x, f32x4.mul(dy, oneWhereF32x4(f32x4.gt(f32x4.abs(x), a)))); }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, dy * (abs(x) > a ? <f32>1 : <f32>0)); }
}
@final class ShrinkGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 { return keepNaNF64x2(x, f64x2.mul(dy, oneWhereF64x2(f64x2.gt(f64x2.abs(x), a)))); }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, dy * (abs(x) > a ? 1.0 : 0.0)); }
}
export function softshrink_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ShrinkGrad32>(x, dy, y, n, a, b); }
export function softshrink_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ShrinkGrad64>(x, dy, y, n, a, b); }
export function hardshrink_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<ShrinkGrad32>(x, dy, y, n, a, b); }
export function hardshrink_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<ShrinkGrad64>(x, dy, y, n, a, b); }

// hardSigmoid' = 1/6 strictly inside (-3, 3), 0 elsewhere (PyTorch). dy / 6 is
// one rounding of the exact dy/6 (dy * round(1/6) would be two); dy = 1 gives round(1/6).
@final class HardSigmoidGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const inside = v128.and(f32x4.gt(x, f32x4.splat(-3)), f32x4.lt(x, f32x4.splat(3)));
    return keepNaNF32x4(x, v128.bitselect(f32x4.div(dy, f32x4.splat(6)), f32x4.mul(dy, f32x4.splat(0)), inside));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 { return keepNaNF32(x, x > -3 && x < 3 ? dy / 6 : dy * 0); }
}
@final class HardSigmoidGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const inside = v128.and(f64x2.gt(x, f64x2.splat(-3)), f64x2.lt(x, f64x2.splat(3)));
    return keepNaNF64x2(x, v128.bitselect(f64x2.div(dy, f64x2.splat(6)), f64x2.mul(dy, f64x2.splat(0)), inside));
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 { return keepNaNF64(x, x > -3 && x < 3 ? dy / 6 : dy * 0); }
}
export function hardSigmoid_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<HardSigmoidGrad32>(x, dy, y, n, a, b); }
export function hardSigmoid_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<HardSigmoidGrad64>(x, dy, y, n, a, b); }

// hardSwish' = 0 below -3, (2x + 3)/6 on [-3, 3] (PyTorch's x/3 + 1/2, so -1/2
// at -3 and 3/2 at 3), 1 above. 2x + 3 is exact where it cancels (x in
// [-3, -0.75], Sterbenz); elsewhere it and the quotient round once each
// (<= 1 ULP in f64, and then the product with dy). f32: all of it in f64, one
// rounding at the end: <= 0.5 + 2^-27 ULP.
@final class HardSwishGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const two = f64x2.splat(2), three = f64x2.splat(3), six = f64x2.splat(6);
    const xl = widenLo(x), xh = widenHi(x);
    const rl = f64x2.mul(widenLo(dy), f64x2.div(f64x2.add(f64x2.mul(two, xl), three), six));
    const rh = f64x2.mul(widenHi(dy), f64x2.div(f64x2.add(f64x2.mul(two, xh), three), six));
    const mid = narrow(rl, rh);
    const below = f32x4.lt(x, f32x4.splat(-3)), above = f32x4.gt(x, f32x4.splat(3));
    return keepNaNF32x4(x, v128.bitselect(f32x4.mul(dy, f32x4.splat(0)), v128.bitselect(dy, mid, above), below));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 {
    if (x < -3) return dy * 0;
    if (x > 3) return dy;
    const xd = <f64>x;
    return keepNaNF32(x, <f32>(<f64>dy * ((2 * xd + 3) / 6)));
  }
}
@final class HardSwishGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const mid = f64x2.mul(dy, f64x2.div(f64x2.add(f64x2.mul(f64x2.splat(2), x), f64x2.splat(3)), f64x2.splat(6)));
    const below = f64x2.lt(x, f64x2.splat(-3)), above = f64x2.gt(x, f64x2.splat(3));
    return keepNaNF64x2(x, v128.bitselect(f64x2.mul(dy, f64x2.splat(0)), v128.bitselect(dy, mid, above), below));
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 {
    if (x < -3) return dy * 0;
    if (x > 3) return dy;
    return keepNaNF64(x, dy * ((2 * x + 3) / 6));
  }
}
export function hardSwish_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<HardSwishGrad32>(x, dy, y, n, a, b); }
export function hardSwish_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<HardSwishGrad64>(x, dy, y, n, a, b); }

// softsign' = 1 / (1 + |x|)^2, taken as r * r with r = 1/(1 + |x|) so that it
// underflows gracefully instead of overflowing (1 + |x|)^2; 0 at +-Infinity.
// f32: in f64, one rounding at the end (<= 0.5 + 2^-50 ULP before dy).
// f64: d + e = 1 + |x| exactly (TwoSum; e = 0 once 1 is below d's precision,
// and for infinite d, where TwoSum gives NaN), r = 1/d corrected by -r^2 e,
// so r is within 0.5 ULP + tiny of 1/(1 + |x|) and r * r within 1.5 ULP.
@final class SoftsignGrad32 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const one = f64x2.splat(1);
    const rl = f64x2.div(one, f64x2.add(one, f64x2.abs(widenLo(x))));
    const rh = f64x2.div(one, f64x2.add(one, f64x2.abs(widenHi(x))));
    return narrow(f64x2.mul(widenLo(dy), f64x2.mul(rl, rl)), f64x2.mul(widenHi(dy), f64x2.mul(rh, rh)));
  }
  @inline one(x: f32, dy: f32, a: f32, b: f32): f32 {
    const r = 1.0 / (1.0 + abs(<f64>x));
    return <f32>(<f64>dy * (r * r));
  }
}
@final class SoftsignGrad64 {
  @inline vec(x: v128, dy: v128, a: v128, b: v128): v128 {
    const one = f64x2.splat(1);
    const ax = f64x2.abs(x);
    const d = f64x2.add(one, ax);
    const e = v128.and(sumErrorF64x2(one, ax, d), f64x2.lt(ax, f64x2.splat(BIG)));
    const r0 = f64x2.div(one, d);
    const r = f64x2.sub(r0, f64x2.mul(f64x2.mul(r0, r0), e));
    return f64x2.mul(dy, f64x2.mul(r, r));
  }
  @inline one(x: f64, dy: f64, a: f64, b: f64): f64 {
    const ax = abs(x);
    const d = 1.0 + ax;
    const e = ax < BIG ? sumErrorF64(1.0, ax, d) : 0.0;
    const r0 = 1.0 / d;
    const r = r0 - r0 * r0 * e;
    return dy * (r * r);
  }
}
export function softsign_grad_f32(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF32<SoftsignGrad32>(x, dy, y, n, a, b); }
export function softsign_grad_f64(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void { mapGradF64<SoftsignGrad64>(x, dy, y, n, a, b); }

// prelu's gradient with one alpha per channel: leakyRelu's gradient op over
// runs of one channel, as prelu_f32/prelu_f64 walk them; dy = 0 means ones.
export function prelu_grad_f32(x: usize, dy: usize, y: usize, n: i32, alpha: usize, channels: i32, inner: i32, offset: i32): void {
  let c = (offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const run = min(inner - pos, n - i);
    const af = load<f32>(alpha + (<usize>c << 2));
    const at = <usize>i << 2;
    mapGradF32<LeakyReluGrad32>(x + at, dy == 0 ? 0 : dy + at, y + at, run, af, 0);
    i += run;
    pos = 0;
    if (++c == channels) c = 0;
  }
}

export function prelu_grad_f64(x: usize, dy: usize, y: usize, n: i32, alpha: usize, channels: i32, inner: i32, offset: i32): void {
  let c = (offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const run = min(inner - pos, n - i);
    const af = load<f64>(alpha + (<usize>c << 3));
    const at = <usize>i << 3;
    mapGradF64<LeakyReluGrad64>(x + at, dy == 0 ? 0 : dy + at, y + at, run, af, 0);
    i += run;
    pos = 0;
    if (++c == channels) c = 0;
  }
}
