// The exact values the accuracy sweep measures against: every elementwise
// activation of SPEC section 4 and its derivative, written from the formulas
// and nothing in assembly/ or src/.
//
// Two evaluators:
//
// - evalDD(fid, x, a, b, f32mode): double-double (about 106 bits) for every
//   function, the reference for float64 results (relative error ~2^-100, a
//   few 2^-48 of a float64 ULP). Results whose magnitude leaves the float64
//   range (tails like e^-740, 1/x^2 for x near 2^1000) come scaled: the value
//   is (hi + LO) * 2^SC.
// - evalF(fid, x, a, b): for float32 inputs (x exact as a float64). Float64
//   arithmetic on AssemblyScript's std Math (NativeMath: musl-derived exp,
//   expm1, log1p, tanh, each below 1 float64 ULP), arranged so that nothing
//   cancels: sigmoid on the side of x where it does not, softplus as
//   x + log1p(e^-x), tanhshrink as its Taylor series near 0, mish's
//   tanh(softplus x) as the rational e(e+2)/(e(e+2)+2) of e = e^x, gelu's
//   Phi from erfc (series / continued fraction, no 1 - erf in the tail). Its
//   relative error is a few 2^-53, ~2^-28 of a float32 ULP. Where a result
//   is a small difference of large terms (the derivatives of silu, gelu, mish
//   near their zeros) it calls evalDD; exact and rational functions are
//   evalDD too, which is exact or within 2^-100 there.
//
// Each evaluator returns hi and leaves the low part in LO (dd.ts).
//
// PyTorch's conventions at kinks: relu'(0) = 0, leakyRelu'(0) = alpha,
// relu6' and hardTanh' are 0 at both bounds, hardSigmoid' is 0 at +-3,
// hardSwish' = x/3 + 1/2 on [-3, 3] (so -1/2 at -3 and 3/2 at 3), 0 below, 1
// above, elu'(0) = alpha, softshrink' and hardshrink' are 0 at +-lambda.
// Derivatives at +-Infinity are the limits.
import { LO, twoSum, quickTwoSum, twoProd, ddAdd, ddAddD, ddMul, ddMulD, ddSqr, ddDiv, ddDivD, ddRecip, ddSqrt, pow2, scaleBy } from './dd';

// ------------------------------------------------------------ function ids --
// Kept in step with accuracy/tasks.js through the exported F_* globals of reference.ts.
export const IDENTITY = 0;
export const STEP = 1;
export const THRESHOLD = 2;
export const SIGMOID = 3;
export const TANH = 4;
export const RELU = 5;
export const RELU6 = 6;
export const LEAKY_RELU = 7;
export const ELU = 8;
export const SELU = 9;
export const CELU = 10;
export const GELU = 11;
export const GELU_TANH = 12;
export const SILU = 13;
export const MISH = 14;
export const SOFTPLUS = 15;
export const SOFTSIGN = 16;
export const HARD_SIGMOID = 17;
export const HARD_SWISH = 18;
export const HARD_TANH = 19;
export const LOG_SIGMOID = 20;
export const TANHSHRINK = 21;
export const SOFTSHRINK = 22;
export const HARDSHRINK = 23;
/** fid + GRAD is the derivative of fid. */
export const GRAD = 32;

/** Binary scale of the last evalDD result: the value is (hi + LO) * 2^SC. */
export let SC: i32 = 0;
/** Binary exponent left by expK (and erfcX): e^x = (hi + LO) * 2^EK. */
let EK: i32 = 0;

// -------------------------------------------------------------- constants --
// pi and ln 2 as double-doubles (the QD library's values; test/accuracy-reference.test.ts
// checks them and everything derived here against decimal.js).
const PI_H: f64 = 3.141592653589793116;
const PI_L: f64 = 1.224646799147353207e-16;
const LN2_H: f64 = 6.931471805599452862e-1;
const LN2_L: f64 = 2.319046813846299558e-17;
const INV_LN2: f64 = 1.4426950408889634;

export const SELU_ALPHA: f64 = 1.6732632423543772;
export const SELU_SCALE: f64 = 1.0507009873554805;

const INVF_H = new StaticArray<f64>(16);
const INVF_L = new StaticArray<f64>(16);
{
  let f: f64 = 1;
  for (let n = 0; n < 16; n++) {
    if (n > 0) f *= <f64>n;
    INVF_H[n] = ddRecip(f, 0);
    INVF_L[n] = LO;
  }
}

export let SQRT2_H: f64 = ddSqrt(2, 0);
export let SQRT2_L: f64 = LO;
export let INV_SQRT2_H: f64 = ddRecip(SQRT2_H, SQRT2_L);
export let INV_SQRT2_L: f64 = LO;
export let SQRTPI_H: f64 = ddSqrt(PI_H, PI_L);
export let SQRTPI_L: f64 = LO;
export let INV_SQRTPI_H: f64 = ddRecip(SQRTPI_H, SQRTPI_L);
export let INV_SQRTPI_L: f64 = LO;
export let INV_SQRT2PI_H: f64 = ddMul(INV_SQRT2_H, INV_SQRT2_L, INV_SQRTPI_H, INV_SQRTPI_L);
export let INV_SQRT2PI_L: f64 = LO;
/** sqrt(2 / pi), gelu's tanh form. */
export let GK_H: f64 = 0;
export let GK_L: f64 = 0;
{
  const q = ddDiv(2, 0, PI_H, PI_L);
  GK_H = ddSqrt(q, LO);
  GK_L = LO;
}
/** 0.044715 exactly (as a dd: 44715 / 10^6). */
export let GC_H: f64 = ddDivD(44715, 0, 1e6);
export let GC_L: f64 = LO;
/** 3/5 = tanh(ln 2) = mish'(0). */
export let C35_H: f64 = ddDivD(3, 0, 5);
export let C35_L: f64 = LO;
export let C16_H: f64 = ddDivD(1, 0, 6);
export let C16_L: f64 = LO;

/** Taylor coefficients of x - tanh x = sum_{n>=1} c_n x^(2n+1), as dd (from tanh' = 1 - tanh^2). */
const NSHRINK = 40;
const SHR_H = new StaticArray<f64>(NSHRINK);
const SHR_L = new StaticArray<f64>(NSHRINK);
{
  // a[k]: coefficient of x^k in tanh x; (k + 1) a[k+1] = -sum_{i odd, i < k} a[i] a[k - i] for even k >= 2.
  const M = 2 * NSHRINK + 4;
  const AH = new StaticArray<f64>(M);
  const AL = new StaticArray<f64>(M);
  AH[1] = 1;
  for (let k = 2; k + 1 < M; k += 2) {
    let sh: f64 = 0, sl: f64 = 0;
    for (let i = 1; i < k; i += 2) {
      const ph = ddMul(AH[i], AL[i], AH[k - i], AL[k - i]);
      sh = ddAdd(sh, sl, ph, LO);
      sl = LO;
    }
    AH[k + 1] = ddDivD(-sh, -sl, <f64>(k + 1));
    AL[k + 1] = LO;
  }
  for (let n = 1; n <= NSHRINK; n++) {
    SHR_H[n - 1] = -AH[2 * n + 1];
    SHR_L[n - 1] = -AL[2 * n + 1];
  }
}

// ------------------------------------------------ elementary functions (dd) --

/** expm1 of a dd |x| <= 0.35: Taylor on x/1024, then ten doublings in expm1 form e <- e(2 + e). */
function expm1Small(xh: f64, xl: f64): f64 {
  const sh = xh * 0.0009765625;
  const sl = xl * 0.0009765625;
  let ph = unchecked(INVF_H[11]), pl = unchecked(INVF_L[11]);
  for (let n = 10; n >= 1; n--) {
    ph = ddMul(ph, pl, sh, sl);
    ph = ddAdd(ph, LO, unchecked(INVF_H[n]), unchecked(INVF_L[n]));
    pl = LO;
  }
  let eh = ddMul(ph, pl, sh, sl), el = LO;
  for (let i = 0; i < 10; i++) {
    const th = ddAddD(eh, el, 2);
    eh = ddMul(eh, el, th, LO);
    el = LO;
  }
  LO = el;
  return eh;
}

/** e^x as a mantissa dd in about [0.7, 1.42] with the exponent in EK: e^x = m * 2^EK. Needs |x| < 1e4. */
function expK(xh: f64, xl: f64): f64 {
  const k = Math.floor(xh * INV_LN2 + 0.5);
  let ph = twoProd(k, LN2_H);
  let rh = ddAdd(xh, xl, -ph, -LO);
  let rl = LO;
  ph = twoProd(k, LN2_L);
  rh = ddAdd(rh, rl, -ph, -LO);
  rl = LO;
  const eh = expm1Small(rh, rl);
  const r = ddAddD(eh, LO, 1);
  EK = <i32>k;
  return r;
}

/** expK for other modules (the exponent through EKPublic()). */
export function expKPublic(xh: f64, xl: f64): f64 {
  return expK(xh, xl);
}

export function EKPublic(): i32 {
  return EK;
}

/** log1p of a dd, for other modules. */
export function log1pPublic(ah: f64, al: f64): f64 {
  return log1pDD(ah, al);
}

/** e^x as a plain dd (for results in the normal float64 range; tails go through expK). */
function expDD(xh: f64, xl: f64): f64 {
  if (xh > 709.79) {
    LO = 0;
    return Infinity;
  }
  if (xh < -745.2) {
    LO = 0;
    return 0;
  }
  const mh = expK(xh, xl);
  const ml = LO;
  LO = scaleBy(ml, EK);
  return scaleBy(mh, EK);
}

function expm1DD(xh: f64, xl: f64): f64 {
  if (Math.abs(xh) < 0.34) return expm1Small(xh, xl);
  const eh = expDD(xh, xl);
  return ddAddD(eh, LO, -1);
}

/** log(1 + a) for a dd a > -1: float64 log1p, then one Newton step on expm1. */
function log1pDD(ah: f64, al: f64): f64 {
  if (ah == 0) {
    LO = 0;
    return 0;
  }
  const r0 = Math.log1p(ah);
  const emh = expm1DD(r0, 0);
  const eml = LO;
  const nh = ddAdd(ah, al, -emh, -eml);
  const dh = ddAddD(emh, eml, 1);
  return quickTwoSum(r0, nh / dh);
}

/** tanh of a dd x >= 0. */
function tanhPos(xh: f64, xl: f64): f64 {
  if (xh > 20) {
    // 1 - 2q + 2q^2 - ..., q = e^-2x < 5e-18: the q^2 term is below 2^-110.
    return ddAddD(1, 0, -2 * Math.exp(-2 * xh));
  }
  if (xh < 0.17) {
    const eh = expm1Small(2 * xh, 2 * xl);
    const el = LO;
    const dh = ddAddD(eh, el, 2);
    return ddDiv(eh, el, dh, LO);
  }
  const qh = expDD(-2 * xh, -2 * xl);
  const ql = LO;
  const nh = ddAdd(1, 0, -qh, -ql);
  const nl = LO;
  const dh = ddAdd(1, 0, qh, ql);
  return ddDiv(nh, nl, dh, LO);
}

/** sigma(u) = 1 / (1 + e^-u) for a dd u >= -600 (the far tail is the caller's, scaled). */
function sigmoidDD(uh: f64, ul: f64): f64 {
  if (uh >= 0) {
    const qh = expDD(-uh, -ul);
    const dh = ddAddD(qh, LO, 1);
    return ddRecip(dh, LO);
  }
  const eh = expDD(uh, ul);
  const el = LO;
  const dh = ddAddD(eh, el, 1);
  return ddDiv(eh, el, dh, LO);
}

/** Mantissa of e^(-x^2/2) left by erfcX (scaled by the same 2^EK as its result). */
let GH: f64 = 0;
let GL: f64 = 0;

/**
 * erfc(ax / sqrt 2) for ax >= 0 (ax < 140), as m * 2^EK; z^2 = ax^2 / 2 is
 * formed exactly. Below z = 3: 1 - erf with erf = (2/sqrt pi) z e^-z^2
 * sum (2z^2)^n / (2n+1)!! (positive terms); above: the continued fraction
 * e^-z^2 / sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))) evaluated
 * backwards from a depth that reaches 2^-110 (checked against decimal.js).
 */
function erfcX(ax: f64): f64 {
  const zh = ddMulD(INV_SQRT2_H, INV_SQRT2_L, ax);
  const zl = LO;
  const wh = twoProd(ax, ax); // 2 z^2
  const wl = LO;
  const z2h = wh * 0.5;
  const z2l = wl * 0.5;
  if (zh < 3) {
    let th: f64 = 1, tl: f64 = 0, sh: f64 = 1, sl: f64 = 0;
    for (let n = 1; n < 500; n++) {
      th = ddMul(th, tl, wh, wl);
      th = ddDivD(th, LO, <f64>(2 * n + 1));
      tl = LO;
      sh = ddAdd(sh, sl, th, tl);
      sl = LO;
      if (th < sh * 1e-34) break;
    }
    GH = expDD(-z2h, -z2l);
    GL = LO;
    let eh = ddMul(GH, GL, sh, sl);
    eh = ddMul(eh, LO, zh, zl);
    eh = ddMul(eh, LO, 2 * INV_SQRTPI_H, 2 * INV_SQRTPI_L);
    EK = 0;
    return ddAdd(1, 0, -eh, -LO);
  }
  const N = <i32>(20 + 900 / z2h);
  let th = zh, tl = zl;
  for (let n = N; n >= 1; n--) {
    const qh = ddDiv(<f64>n * 0.5, 0, th, tl);
    th = ddAdd(zh, zl, qh, LO);
    tl = LO;
  }
  GH = expK(-z2h, -z2l);
  GL = LO;
  const k = EK;
  const rh = ddMul(GH, GL, INV_SQRTPI_H, INV_SQRTPI_L);
  const r = ddDiv(rh, LO, th, tl);
  EK = k;
  return r;
}

/** c * x for |x| < 2^-600 (or any x, when c * x must stay exact), scaled: SC = -600. */
function linTiny(ch: f64, cl: f64, x: f64): f64 {
  SC = -600;
  return ddMulD(ch, cl, x * pow2(600));
}

/** c * x for |x| > 2^900, scaled: SC = 600. */
function linHuge(ch: f64, cl: f64, x: f64): f64 {
  SC = 600;
  return ddMulD(ch, cl, x * pow2(-600));
}

/** c * x exactly (scaled at the ends of the range). */
function linear(ch: f64, cl: f64, x: f64): f64 {
  const ax = Math.abs(x);
  if (ax < pow2(-600)) return linTiny(ch, cl, x);
  if (ax > pow2(900)) return linHuge(ch, cl, x);
  return ddMulD(ch, cl, x);
}

/** A dd result of known value (hi, lo). */
// @ts-ignore: decorator
@inline function ret(h: f64, l: f64): f64 {
  LO = l;
  return h;
}

// ------------------------------------------------------------------ evalDD --

/** The exact value of function fid at x (params a, b) as a scaled dd; f32mode: params and the softplus switch in float32. */
export function evalDD(fid: i32, x: f64, a: f64, b: f64, f32mode: bool): f64 {
  SC = 0;
  if (isNaN(x)) return ret(NaN, 0);
  const inf = !isFinite(x);
  const ax = Math.abs(x);
  const tiny = ax < pow2(-600) && x != 0;
  switch (fid) {
    // ---------------------------------------------------------- exact --
    case IDENTITY: return ret(x, 0);
    case STEP: return ret(x >= a ? 1 : 0, 0);
    case THRESHOLD: return ret(x > a ? x : b, 0);
    case RELU: return ret(x > 0 ? x : 0, 0);
    case RELU6: return ret(x > 6 ? 6 : x > 0 ? x : 0, 0);
    case LEAKY_RELU: {
      if (x >= 0) return ret(x, 0);
      if (inf) return ret(a * x, 0);
      return linear(a, 0, x);
    }
    case HARD_TANH: return ret(x < a ? a : x > b ? b : x, 0);
    case SOFTSHRINK: {
      if (x > a) return inf ? ret(x, 0) : twoSum(x, -a);
      if (x < -a) return inf ? ret(x, 0) : twoSum(x, a);
      return ret(0, 0);
    }
    case HARDSHRINK: return ret(ax > a ? x : 0, 0);
    case IDENTITY + GRAD: return ret(1, 0);
    case STEP + GRAD: return ret(0, 0);
    case THRESHOLD + GRAD: return ret(x > a ? 1 : 0, 0);
    case RELU + GRAD: return ret(x > 0 ? 1 : 0, 0);
    case RELU6 + GRAD: return ret(x > 0 && x < 6 ? 1 : 0, 0);
    case LEAKY_RELU + GRAD: return ret(x > 0 ? 1 : a, 0);
    case HARD_TANH + GRAD: return ret(x > a && x < b ? 1 : 0, 0);
    case SOFTSHRINK + GRAD: return ret(ax > a ? 1 : 0, 0);
    case HARDSHRINK + GRAD: return ret(ax > a ? 1 : 0, 0);

    // ------------------------------------------------------- rational --
    case HARD_SIGMOID: {
      if (x <= -3) return ret(0, 0);
      if (x >= 3) return ret(1, 0);
      const s = twoSum(x, 3);
      return ddDivD(s, LO, 6);
    }
    case HARD_SIGMOID + GRAD: return x > -3 && x < 3 ? ret(C16_H, C16_L) : ret(0, 0);
    case HARD_SWISH: {
      if (x <= -3) return ret(0, 0);
      if (x >= 3) return ret(x, 0);
      if (tiny) return linTiny(0.5, 0, x);
      const sq = twoProd(x, x);
      const sql = LO;
      const t = twoProd(3, x);
      const s = ddAdd(sq, sql, t, LO);
      return ddDivD(s, LO, 6);
    }
    case HARD_SWISH + GRAD: {
      if (x < -3) return ret(0, 0);
      if (x > 3) return ret(1, 0);
      const s = twoSum(2 * x, 3);
      return ddDivD(s, LO, 6);
    }
    case SOFTSIGN: {
      if (inf) return ret(x > 0 ? 1 : -1, 0);
      if (tiny) return ret(x, 0); // x - x|x| + ...: the correction is below 2^-600 of x
      if (ax > pow2(900)) {
        const r = ddAddD(1, 0, -1 / ax);
        return x > 0 ? ret(r, LO) : ret(-r, -LO);
      }
      const d = twoSum(1, ax);
      return ddDiv(x, 0, d, LO);
    }
    case SOFTSIGN + GRAD: {
      if (inf) return ret(0, 0);
      if (ax > pow2(400)) {
        const d = twoSum(ax * pow2(-600), pow2(-600));
        const sq = ddSqr(d, LO);
        SC = -1200;
        return ddRecip(sq, LO);
      }
      const d = twoSum(1, ax);
      const sq = ddSqr(d, LO);
      return ddRecip(sq, LO);
    }

    // -------------------------------------------------------- sigmoid --
    case SIGMOID: {
      if (inf) return ret(x > 0 ? 1 : 0, 0);
      if (x < -600) {
        if (x < -1e4) return ret(0, 0);
        const m = expK(x, 0);
        SC = EK;
        return m; // e^x / (1 + e^x) = e^x (1 - e^x ...): the correction is below 2^-1000
      }
      return sigmoidDD(x, 0);
    }
    case SIGMOID + GRAD: {
      if (inf) return ret(0, 0);
      if (ax > 600) {
        if (ax > 1e4) return ret(0, 0);
        const m = expK(-ax, 0);
        SC = EK;
        return m;
      }
      const qh = expDD(-ax, 0);
      const ql = LO;
      const dh = ddAddD(qh, ql, 1);
      const d2 = ddSqr(dh, LO);
      return ddDiv(qh, ql, d2, LO);
    }
    case LOG_SIGMOID: {
      if (inf) return ret(x > 0 ? 0 : x, 0);
      if (x < 0) {
        if (x < -1e300) return ret(x, 0);
        let eh: f64 = 0, el: f64 = 0;
        if (x >= -745) {
          eh = expDD(x, 0);
          el = LO;
        }
        const lh = log1pDD(eh, el);
        return ddAdd(x, 0, -lh, -LO);
      }
      if (x > 600) {
        if (x > 1e4) return ret(-0.0, 0);
        const m = expK(-x, 0);
        SC = EK;
        return ret(-m, -LO); // -log1p(q) = -q (1 - q/2 ...)
      }
      const qh = expDD(-x, 0);
      const lh = log1pDD(qh, LO);
      return ret(-lh, -LO);
    }
    case LOG_SIGMOID + GRAD: {
      // sigma(-x)
      if (inf) return ret(x > 0 ? 0 : 1, 0);
      if (x > 600) {
        if (x > 1e4) return ret(0, 0);
        const m = expK(-x, 0);
        SC = EK;
        return m;
      }
      return sigmoidDD(-x, 0);
    }
    case SOFTPLUS:
    case SOFTPLUS + GRAD: {
      // a = beta, b = threshold; the switch compares beta x as the dtype rounds it.
      const grad = fid == SOFTPLUS + GRAD;
      let bx = a * x;
      if (f32mode) bx = <f64><f32>bx;
      if (bx > b) return grad ? ret(1, 0) : ret(x, 0);
      if (inf) return ret(0, 0); // x = -inf (beta > 0)
      let uh: f64, ul: f64;
      if (ax < pow2(-600) || ax > pow2(900)) {
        uh = a * x; // the product's rounding is far below anything these tails resolve
        ul = 0;
      } else {
        uh = twoProd(a, x);
        ul = LO;
      }
      if (grad) {
        if (uh < -600) {
          if (uh < -1e4) return ret(0, 0);
          const m = expK(uh, ul);
          SC = EK;
          return m;
        }
        return sigmoidDD(uh, ul);
      }
      if (uh < -600) {
        if (uh < -1e4) return ret(0, 0);
        const m = expK(uh, ul);
        SC = EK;
        return ddDivD(m, LO, a); // log1p(e^u) = e^u (1 - e^u/2 ...)
      }
      let sh: f64, sl: f64;
      if (uh > 0) {
        const qh = expDD(-uh, -ul);
        const lh = log1pDD(qh, LO);
        sh = ddAdd(uh, ul, lh, LO);
        sl = LO;
      } else {
        const eh = expDD(uh, ul);
        sh = log1pDD(eh, LO);
        sl = LO;
      }
      return ddDivD(sh, sl, a);
    }

    // ------------------------------------------------------------ tanh --
    case TANH: {
      if (inf) return ret(x > 0 ? 1 : -1, 0);
      if (tiny) return ret(x, 0); // x - x^3/3: the correction is below 2^-1200 of x
      const t = tanhPos(ax, 0);
      return x < 0 ? ret(-t, -LO) : ret(t, LO);
    }
    case TANH + GRAD: {
      if (inf) return ret(0, 0);
      if (ax > 300) {
        if (ax > 5000) return ret(0, 0);
        const m = expK(-2 * ax, 0);
        SC = EK + 2;
        return m; // 4 q / (1 + q)^2 = 4q (1 - 2q ...)
      }
      const qh = expDD(-2 * ax, 0);
      const ql = LO;
      const dh = ddAddD(qh, ql, 1);
      const d2 = ddSqr(dh, LO);
      return ddDiv(4 * qh, 4 * ql, d2, LO);
    }
    case TANHSHRINK: {
      if (inf) return ret(x, 0);
      if (ax < pow2(-300)) {
        const xs = x * pow2(300);
        const sq = twoProd(xs, xs);
        const cu = ddMulD(sq, LO, xs);
        SC = -900;
        return ddDivD(cu, LO, 3);
      }
      if (ax < 0.5) {
        const x2h = twoProd(x, x);
        const x2l = LO;
        let sh = unchecked(SHR_H[NSHRINK - 1]), sl = unchecked(SHR_L[NSHRINK - 1]);
        for (let n = NSHRINK - 2; n >= 0; n--) {
          sh = ddMul(sh, sl, x2h, x2l);
          sh = ddAdd(sh, LO, unchecked(SHR_H[n]), unchecked(SHR_L[n]));
          sl = LO;
        }
        sh = ddMul(sh, sl, x2h, x2l);
        return ddMulD(sh, LO, x);
      }
      const t = tanhPos(ax, 0);
      const tl = LO;
      return x < 0 ? ddAdd(x, 0, t, tl) : ddAdd(x, 0, -t, -tl);
    }
    case TANHSHRINK + GRAD: {
      // tanh^2 x
      if (inf) return ret(1, 0);
      if (ax < pow2(-300)) {
        const xs = x * pow2(300);
        SC = -600;
        return twoProd(xs, xs);
      }
      const t = tanhPos(ax, 0);
      return ddSqr(t, LO);
    }

    // ----------------------------------------------------- elu family --
    case ELU:
    case SELU:
    case CELU: {
      // elu: alpha = a; selu: scale s, alpha_s; celu: alpha (e^(x/alpha) - 1)
      const s: f64 = fid == SELU ? SELU_SCALE : 1;
      if (x > 0) return fid == SELU ? (inf ? ret(Infinity, 0) : linear(s, 0, x)) : ret(x, 0);
      const al: f64 = fid == SELU ? SELU_ALPHA : a;
      let ch = twoProd(s, al); // s * alpha exactly
      let cl = LO;
      if (x == 0) return ret(0, 0);
      if (tiny) {
        // elu/selu: s alpha x; celu: alpha (x/alpha) = x
        if (fid == CELU) return linTiny(1, 0, x);
        return linTiny(ch, cl, x);
      }
      let uh = x, ul: f64 = 0;
      if (fid == CELU) {
        if (ax > pow2(900)) uh = x / al;
        else {
          uh = ddDivD(x, 0, al);
          ul = LO;
        }
      }
      if (inf || uh < -800) return ret(-ch, -cl);
      const em = expm1DD(uh, ul);
      return ddMul(em, LO, ch, cl);
    }
    case ELU + GRAD:
    case SELU + GRAD:
    case CELU + GRAD: {
      const f = fid - GRAD;
      const s: f64 = f == SELU ? SELU_SCALE : 1;
      if (x > 0) return ret(s, 0);
      // elu: alpha e^x; selu: s alpha e^x; celu: e^(x/alpha)
      let ch: f64 = 1, cl: f64 = 0;
      if (f == ELU) ch = a;
      if (f == SELU) {
        ch = twoProd(SELU_SCALE, SELU_ALPHA);
        cl = LO;
      }
      if (inf) return ret(0, 0);
      let uh = x, ul: f64 = 0;
      if (f == CELU) {
        if (ax > pow2(900)) uh = x / a;
        else {
          uh = ddDivD(x, 0, a);
          ul = LO;
        }
      }
      if (uh < -600) {
        if (uh < -1e4) return ret(0, 0);
        const m = expK(uh, ul);
        SC = EK;
        return ddMul(m, LO, ch, cl);
      }
      const e = expDD(uh, ul);
      return ddMul(e, LO, ch, cl);
    }

    // ------------------------------------------------------------ silu --
    case SILU: {
      if (inf) return ret(x > 0 ? x : 0, 0);
      if (tiny) return linTiny(0.5, 0, x);
      if (x > 800) return ret(x, 0);
      if (x < -600) {
        if (x < -1e4) return ret(-0.0, 0);
        const m = expK(x, 0);
        SC = EK;
        return ddMulD(m, LO, x);
      }
      const s = sigmoidDD(x, 0);
      return ddMulD(s, LO, x);
    }
    case SILU + GRAD: {
      // sigma(x) (1 + x sigma(-x))
      if (inf) return ret(x > 0 ? 1 : 0, 0);
      if (x > 800) return ret(1, 0);
      if (x < -600) {
        if (x < -1e4) return ret(-0.0, 0);
        const m = expK(x, 0);
        const ml = LO;
        SC = EK;
        const f = twoSum(1, x);
        return ddMul(m, ml, f, LO);
      }
      const qh = expDD(-ax, 0);
      const ql = LO;
      const dh = ddAddD(qh, ql, 1);
      const dl = LO;
      let sh: f64, sl: f64, th: f64, tl: f64;
      if (x >= 0) {
        sh = ddRecip(dh, dl);
        sl = LO;
        th = ddDiv(qh, ql, dh, dl);
        tl = LO;
      } else {
        sh = ddDiv(qh, ql, dh, dl);
        sl = LO;
        th = ddRecip(dh, dl);
        tl = LO;
      }
      const xt = ddMulD(th, tl, x);
      const f = ddAddD(xt, LO, 1);
      return ddMul(sh, sl, f, LO);
    }

    // ------------------------------------------------------------ gelu --
    case GELU: {
      if (inf) return ret(x > 0 ? x : 0, 0);
      if (tiny) return linTiny(0.5, 0, x);
      if (x > 40) return ret(x, 0);
      if (x < -40) return ret(-0.0, 0);
      const e = erfcX(ax);
      const el = LO;
      if (x >= 0) {
        const eh = scaleBy(e, EK - 1);
        const ph = ddAdd(1, 0, -eh, -scaleBy(el, EK - 1));
        return ddMulD(ph, LO, x);
      }
      SC = EK - 1;
      return ddMulD(e, el, x);
    }
    case GELU + GRAD: {
      // Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi)
      if (inf) return ret(x > 0 ? 1 : 0, 0);
      if (tiny) return ret(0.5, 0);
      if (x > 40) return ret(1, 0);
      if (x < -40) return ret(-0.0, 0);
      const e = erfcX(ax);
      const el = LO;
      const k = EK;
      // phi's mantissa: GH (same 2^EK)
      const ph = ddMul(GH, GL, INV_SQRT2PI_H, INV_SQRT2PI_L);
      const xph = ddMulD(ph, LO, x);
      const xpl = LO;
      if (x >= 0) {
        const hh = ddAdd(1, 0, -scaleBy(e, k - 1), -scaleBy(el, k - 1));
        const hl = LO;
        return ddAdd(hh, hl, scaleBy(xph, k), scaleBy(xpl, k));
      }
      SC = k;
      return ddAdd(e * 0.5, el * 0.5, xph, xpl);
    }
    case GELU_TANH:
    case GELU_TANH + GRAD: {
      const grad = fid == GELU_TANH + GRAD;
      if (inf) return grad ? ret(x > 0 ? 1 : 0, 0) : ret(x > 0 ? x : 0, 0);
      if (tiny) return grad ? ret(0.5, 0) : linTiny(0.5, 0, x);
      if (x > 100) return ret(grad ? 1 : x, 0);
      if (x < -100) return ret(-0.0, 0);
      // v = 2u = 2 K (x + c x^3)
      const x2h = twoProd(x, x);
      const x2l = LO;
      const x3h = ddMulD(x2h, x2l, x);
      const cx3 = ddMul(x3h, LO, GC_H, GC_L);
      const inner = ddAddD(cx3, LO, x);
      const uh = ddMul(inner, LO, GK_H, GK_L);
      const vh = 2 * uh;
      const vl = 2 * LO;
      if (!grad) {
        if (vh < -600) {
          const m = expK(vh, vl);
          SC = EK;
          return ddMulD(m, LO, x);
        }
        const s = sigmoidDD(vh, vl);
        return ddMulD(s, LO, x);
      }
      // sigma(v) (1 + 2 x u' sigma(-v)), u' = K (1 + 3 c x^2)
      const c3 = ddMulD(GC_H, GC_L, 3);
      const c3x2 = ddMul(c3, LO, x2h, x2l);
      const up0 = ddAddD(c3x2, LO, 1);
      const uph = ddMul(up0, LO, GK_H, GK_L);
      const g = ddMulD(uph, LO, 2 * x); // 2 x u'
      const gl = LO;
      if (vh < -600) {
        const m = expK(vh, vl);
        const ml = LO;
        SC = EK;
        const f = ddAddD(g, gl, 1);
        return ddMul(m, ml, f, LO);
      }
      const qh = expDD(-Math.abs(vh), vh < 0 ? vl : -vl);
      const ql = LO;
      const dh = ddAddD(qh, ql, 1);
      const dl = LO;
      let sh: f64, sl: f64, th: f64, tl: f64;
      if (vh >= 0) {
        sh = ddRecip(dh, dl);
        sl = LO;
        th = ddDiv(qh, ql, dh, dl);
        tl = LO;
      } else {
        sh = ddDiv(qh, ql, dh, dl);
        sl = LO;
        th = ddRecip(dh, dl);
        tl = LO;
      }
      const gt = ddMul(g, gl, th, tl);
      const f = ddAddD(gt, LO, 1);
      return ddMul(sh, sl, f, LO);
    }

    // ------------------------------------------------------------ mish --
    case MISH:
    case MISH + GRAD: {
      const grad = fid == MISH + GRAD;
      if (inf) return grad ? ret(x > 0 ? 1 : 0, 0) : ret(x > 0 ? x : 0, 0);
      if (tiny) return grad ? ret(C35_H, C35_L) : linTiny(C35_H, C35_L, x);
      if (x > 400) return ret(grad ? 1 : x, 0);
      if (x < -600) {
        if (x < -1e4) return ret(-0.0, 0);
        // mish = x e^x (1 + O(e^x)); mish' = e^x (1 + x) (1 + O(x e^x))
        const m = expK(x, 0);
        const ml = LO;
        SC = EK;
        if (!grad) return ddMulD(m, ml, x);
        const f = twoSum(1, x);
        return ddMul(m, ml, f, LO);
      }
      if (x > 20) {
        // q = e^-x: tanh(softplus x) = (1 + 2q) / (1 + 2q + 2q^2)
        const qh = expDD(-x, 0);
        const ql = LO;
        const n1 = ddAddD(2 * qh, 2 * ql, 1);
        const n1l = LO;
        const q2 = ddSqr(qh, ql);
        const q2l = LO;
        const d1 = ddAdd(n1, n1l, 2 * q2, 2 * q2l);
        const t = ddDiv(n1, n1l, d1, LO);
        const tl = LO;
        if (!grad) return ddMulD(t, tl, x);
        // + 4 x q^2 (1 + q) / ((1 + q)^2 + q^2)^2
        const opq = ddAddD(qh, ql, 1);
        const opql = LO;
        const num0 = ddMul(q2, q2l, opq, opql);
        const num = ddMulD(num0, LO, 4 * x);
        const numl = LO;
        const o2 = ddSqr(opq, opql);
        const den0 = ddAdd(o2, LO, q2, q2l);
        const den = ddSqr(den0, LO);
        const sec = ddDiv(num, numl, den, LO);
        return ddAdd(t, tl, sec, LO);
      }
      // e = e^x: tanh(softplus x) = e(e + 2) / (e(e + 2) + 2)
      const eh = expDD(x, 0);
      const el = LO;
      const ep2 = ddAddD(eh, el, 2);
      const nh = ddMul(eh, el, ep2, LO);
      const nl = LO;
      const dh = ddAddD(nh, nl, 2);
      const t = ddDiv(nh, nl, dh, LO);
      const tl = LO;
      if (!grad) return ddMulD(t, tl, x);
      // + 4 x e (1 + e) / ((1 + e)^2 + 1)^2
      const ope = ddAddD(eh, el, 1);
      const opel = LO;
      const num0 = ddMul(eh, el, ope, opel);
      const num = ddMulD(num0, LO, 4 * x);
      const numl = LO;
      const o2 = ddSqr(ope, opel);
      const den0 = ddAddD(o2, LO, 1);
      const den = ddSqr(den0, LO);
      const sec = ddDiv(num, numl, den, LO);
      return ddAdd(t, tl, sec, LO);
    }
  }
  return ret(NaN, 0);
}

// ------------------------------------------------------------------- evalF --

const SQRT1_2: f64 = 0.7071067811865476;

/** erfc(z) in float64 for z >= 0 with z2 = z^2 given exactly; relative error ~2^-44 at worst (z near 2). */
function erfc64(z: f64, z2: f64): f64 {
  if (z < 2) {
    const w = 2 * z2;
    let term: f64 = 1, sum: f64 = 1;
    for (let n = 1; n < 200; n++) {
      term *= w / <f64>(2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - 2 * INV_SQRTPI_H * z * Math.exp(-z2) * sum;
  }
  const N = <i32>(10 + 300 / z2);
  let t = z;
  for (let n = N; n >= 1; n--) t = z + (<f64>n * 0.5) / t;
  return (Math.exp(-z2) * INV_SQRTPI_H) / t;
}

const T28: f64 = 3.725290298461914e-9; // 2^-28
const T26: f64 = 1.4901161193847656e-8; // 2^-26

/** evalDD for a float32 input, its scale applied (float32-range values neither under- nor overflow). */
export function dd32(fid: i32, x: f64, a: f64, b: f64): f64 {
  const h = evalDD(fid, x, a, b, true);
  let l = LO;
  if (SC == 0) return h;
  const sc = SC;
  SC = 0;
  l = scaleBy(l, sc);
  return ret(scaleBy(h, sc), l);
}

/** The exact value for a float32 input x (see the header): hi returned, LO set. */
export function evalF(fid: i32, x: f64, a: f64, b: f64): f64 {
  if (isNaN(x) || !isFinite(x)) return dd32(fid, x, a, b);
  return evalFinite32(fid, x, a, b);
}

/**
 * evalF for a finite float32 x. Inlined into the sweep's loop with a constant
 * fid, so that only one case remains there. Relative error below 2^-44 (the
 * float64 paths: a few roundings, erfc64 near z = 2 the worst); the sweep
 * recomputes with evalDD wherever that could decide a rounding (a value
 * within 2^-41 of a float32 midpoint).
 */
// @ts-ignore: decorator
@inline export function evalFinite32(fid: i32, x: f64, a: f64, b: f64): f64 {
  const ax = Math.abs(x);
  switch (fid) {
    // exact: the value itself, or an error-free sum
    case IDENTITY: return ret(x, 0);
    case STEP: return ret(x >= a ? 1 : 0, 0);
    case THRESHOLD: return ret(x > a ? x : b, 0);
    case RELU: return ret(x > 0 ? x : 0, 0);
    case RELU6: return ret(x > 6 ? 6 : x > 0 ? x : 0, 0);
    case LEAKY_RELU: return ret(x >= 0 ? x : a * x, 0); // a product of two float32: exact in float64
    case HARD_TANH: return ret(x < a ? a : x > b ? b : x, 0);
    case SOFTSHRINK: {
      if (x > a) return twoSum(x, -a);
      if (x < -a) return twoSum(x, a);
      return ret(0, 0);
    }
    case HARDSHRINK: return ret(ax > a ? x : 0, 0);
    case IDENTITY + GRAD: return ret(1, 0);
    case STEP + GRAD: return ret(0, 0);
    case THRESHOLD + GRAD: return ret(x > a ? 1 : 0, 0);
    case RELU + GRAD: return ret(x > 0 ? 1 : 0, 0);
    case RELU6 + GRAD: return ret(x > 0 && x < 6 ? 1 : 0, 0);
    case LEAKY_RELU + GRAD: return ret(x > 0 ? 1 : a, 0);
    case HARD_TANH + GRAD: return ret(x > a && x < b ? 1 : 0, 0);
    case SOFTSHRINK + GRAD: return ret(ax > a ? 1 : 0, 0);
    case HARDSHRINK + GRAD: return ret(ax > a ? 1 : 0, 0);
    // rational: float64 (two or three roundings); near a midpoint the sweep asks evalDD
    case HARD_SIGMOID: return ret(x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6, 0);
    case HARD_SIGMOID + GRAD: return x > -3 && x < 3 ? ret(C16_H, C16_L) : ret(0, 0);
    case HARD_SWISH: return ret(x <= -3 ? 0 : x >= 3 ? x : (x * x + 3 * x) / 6, 0);
    case HARD_SWISH + GRAD: return ret(x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6, 0);
    case SOFTSIGN: return ret(x / (1 + ax), 0);
    case SOFTSIGN + GRAD: {
      const d = 1 + ax;
      return ret(1 / (d * d), 0);
    }
    case SIGMOID: {
      if (ax < T28) return quickTwoSum(0.5, x * 0.25);
      if (x > 110) return ret(1, 0);
      if (x < -131) return ret(0, 0);
      if (x >= 0) return ret(1 / (1 + Math.exp(-x)), 0);
      const e = Math.exp(x);
      return ret(e / (1 + e), 0);
    }
    case SIGMOID + GRAD: {
      if (ax < T28) return quickTwoSum(0.25, -x * x * 0.0625);
      if (ax > 131) return ret(0, 0);
      const q = Math.exp(-ax);
      const d = 1 + q;
      return ret(q / (d * d), 0);
    }
    case TANH: {
      if (ax < T26) return ret(x, (-x * x * x) / 3);
      if (ax > 45) return ret(x > 0 ? 1 : -1, 0);
      return ret(Math.tanh(x), 0);
    }
    case TANH + GRAD: {
      if (ax < T26) return ret(1, -x * x);
      if (ax > 66) return ret(0, 0);
      const q = Math.exp(-2 * ax);
      const d = 1 + q;
      return ret((4 * q) / (d * d), 0);
    }
    case ELU:
    case SELU:
    case CELU: {
      if (x > 0) return fid == SELU ? twoProd(SELU_SCALE, x) : ret(x, 0);
      if (x == 0) return ret(0, 0);
      const al: f64 = fid == SELU ? SELU_ALPHA : a;
      const c: f64 = fid == SELU ? SELU_SCALE * SELU_ALPHA : al;
      const u = fid == CELU ? x / al : x;
      if (u < -120) return dd32(fid, x, a, b); // -s alpha exactly
      if (fid != CELU && ax < T28) return ret(c * x, c * x * x * 0.5);
      return ret(c * Math.expm1(u), 0);
    }
    case ELU + GRAD:
    case SELU + GRAD:
    case CELU + GRAD: {
      const f = fid - GRAD;
      if (x > 0) return ret(f == SELU ? SELU_SCALE : 1, 0);
      const c: f64 = f == SELU ? SELU_SCALE * SELU_ALPHA : f == ELU ? a : 1;
      const u = f == CELU ? x / a : x;
      if (u < -745) return ret(0, 0);
      return ret(c * Math.exp(u), 0);
    }
    case SILU: {
      if (ax < T28) return ret(x * 0.5, x * x * 0.25);
      if (x > 45) return ret(x, 0);
      if (x < -142) return ret(-0.0, 0);
      if (x >= 0) return ret(x / (1 + Math.exp(-x)), 0);
      const e = Math.exp(x);
      return ret((x * e) / (1 + e), 0);
    }
    case SILU + GRAD: {
      if (x > -1.4 && x < -1.15) return dd32(fid, x, a, b); // near the zero at -1.2785
      if (ax < T28) return quickTwoSum(0.5, x * 0.5);
      if (x > 50) return ret(1, 0);
      if (x < -142) return ret(-0.0, 0);
      const q = Math.exp(-ax);
      const d = 1 + q;
      const s = x >= 0 ? 1 / d : q / d;
      const t = x >= 0 ? q / d : 1 / d;
      return ret(s * (1 + x * t), 0);
    }
    case GELU: {
      if (ax < T28) return ret(x * 0.5, x * x * INV_SQRT2PI_H);
      if (x > 10) return ret(x, 0);
      if (x < -16.5) return ret(-0.0, 0);
      const e = erfc64(ax * SQRT1_2, x * x * 0.5);
      if (x >= 0) return ret(x * (1 - 0.5 * e), 0);
      return ret(x * 0.5 * e, 0);
    }
    case GELU + GRAD: {
      if (x > -0.85 && x < -0.65) return dd32(fid, x, a, b); // near the zero at -0.7518
      if (ax < T28) return quickTwoSum(0.5, 2 * x * INV_SQRT2PI_H);
      if (x > 10) return ret(1, 0);
      if (x < -16.5) return ret(-0.0, 0);
      const z2 = x * x * 0.5;
      const e = erfc64(ax * SQRT1_2, z2);
      const phi = Math.exp(-z2) * INV_SQRT2PI_H;
      const cdf = x >= 0 ? 1 - 0.5 * e : 0.5 * e;
      return ret(cdf + x * phi, 0);
    }
    case GELU_TANH: {
      if (ax < T28) return ret(x * 0.5, x * x * GK_H * 0.5);
      if (x > 12) return ret(x, 0);
      if (x < -12) return ret(-0.0, 0);
      const v = 2 * GK_H * (x + GC_H * x * x * x);
      if (x >= 0) return ret(x / (1 + Math.exp(-v)), 0);
      const e = Math.exp(v);
      return ret((x * e) / (1 + e), 0);
    }
    case GELU_TANH + GRAD: {
      if (x > -0.9 && x < -0.6) return dd32(fid, x, a, b); // near the zero at -0.7528
      if (ax < T28) return quickTwoSum(0.5, GK_H * x);
      if (x > 12) return ret(1, 0);
      if (x < -12.5) return ret(-0.0, 0);
      const x2 = x * x;
      const v = 2 * GK_H * (x + GC_H * x2 * x);
      const up = GK_H * (1 + 3 * GC_H * x2);
      const q = Math.exp(-Math.abs(v));
      const d = 1 + q;
      const s = v >= 0 ? 1 / d : q / d;
      const t = v >= 0 ? q / d : 1 / d;
      return ret(s * (1 + 2 * x * up * t), 0);
    }
    case MISH: {
      if (ax < T28) {
        const h = ddMulD(C35_H, C35_L, x);
        return ddAddD(h, LO, 0.32 * x * x);
      }
      if (x > 45) return ret(x, 0);
      if (x < -142) return ret(-0.0, 0);
      const e = Math.exp(x);
      const n = e * (e + 2);
      return ret((x * n) / (n + 2), 0);
    }
    case MISH + GRAD: {
      if (x > -1.35 && x < -1.05) return dd32(fid, x, a, b); // near the zero at -1.1924
      if (ax < T28) return ddAddD(C35_H, C35_L, 0.64 * x);
      if (x > 45) return ret(1, 0);
      if (x < -142) return ret(-0.0, 0);
      if (x > 20) return dd32(fid, x, a, b);
      const e = Math.exp(x);
      const n = e * (e + 2);
      const t = n / (n + 2);
      const ope = 1 + e;
      const den = ope * ope + 1;
      return ret(t + (4 * x * e * ope) / (den * den), 0);
    }
    case SOFTPLUS:
    case SOFTPLUS + GRAD: {
      const u = a * x; // exact: both float32
      if (<f64><f32>u > b) return ret(fid == SOFTPLUS ? x : 1, 0);
      if (fid == SOFTPLUS + GRAD) {
        if (u < -745) return ret(0, 0);
        if (u >= 0) return ret(1 / (1 + Math.exp(-u)), 0);
        const e = Math.exp(u);
        return ret(e / (1 + e), 0);
      }
      if (u < -745) return ret(0, 0);
      let s: f64;
      if (Math.abs(u) < T28) {
        s = ddAddD(LN2_H, LN2_L, u * 0.5);
        if (a == 1) return s;
        return ddDivD(s, LO, a);
      }
      s = u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
      return ret(s / a, 0);
    }
    case LOG_SIGMOID: {
      if (ax < T28) return ddAddD(-LN2_H, -LN2_L, x * 0.5);
      if (x < -45) return ret(x, 0);
      if (x > 131) return ret(-0.0, 0);
      if (x < 0) return ret(x - Math.log1p(Math.exp(x)), 0);
      return ret(-Math.log1p(Math.exp(-x)), 0);
    }
    case LOG_SIGMOID + GRAD: {
      if (ax < T28) return quickTwoSum(0.5, -x * 0.25);
      if (x > 131) return ret(0, 0);
      if (x < -110) return ret(1, 0);
      if (x <= 0) return ret(1 / (1 + Math.exp(x)), 0);
      const q = Math.exp(-x);
      return ret(q / (1 + q), 0);
    }
    case TANHSHRINK: {
      if (ax < T26) return ret((x * x * x) / 3, 0);
      if (ax < 0.5) {
        const x2 = x * x;
        const terms = ax < 0.00390625 ? 5 : ax < 0.0625 ? 8 : 20;
        let s = unchecked(SHR_H[terms - 1]);
        for (let n = terms - 2; n >= 0; n--) s = s * x2 + unchecked(SHR_H[n]);
        return ret(s * x2 * x, 0);
      }
      if (ax > 45) return twoSum(x, x > 0 ? -1 : 1);
      return ret(x - Math.tanh(x), 0);
    }
    case TANHSHRINK + GRAD: {
      if (ax < T26) return ret(x * x, (-2 * x * x * x * x) / 3);
      if (ax > 45) return ret(1, 0);
      const t = Math.tanh(ax);
      return ret(t * t, 0);
    }
  }
  return dd32(fid, x, a, b);
}
