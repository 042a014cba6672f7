// The accuracy sweep's reference module (AssemblyScript, compiled by
// accuracy/build.js into build/accuracy/reference.wasm; never part of the
// package). It evaluates the exact value of every elementwise function and
// derivative (accuracy/functions.ts) and of the softmax family, and measures
// the ULP error of results computed by the library in place, so that only a
// few numbers per chunk cross back to JavaScript.
//
// ULP error (SPEC section 6). Every real v has an ordinal on the float grid of
// the result type: the index of the float at or below |v| (the bit pattern
// of |float| read as an integer, so steps cross binades and subnormals
// evenly) plus the fraction of the way to the next, signed; +0 and -0 are 0;
// a real at or beyond the overflow threshold sits at infinity's ordinal. For
// a result y and exact value e:
//   - int error  = |ord(y) - ord(round(e))|, the SPEC's count: float steps
//     from the correctly rounded value (round to nearest, ties to even);
//   - real error = |ord(y) - ord(e)|, in [int - 1/2, int + 1/2];
//   - NaN must meet NaN and an exact infinity must be met exactly, else the
//     error is infinite.
// A result is within bound k when int <= k, or (for the classes that SPEC 6
// gives it) when |e| < 2^-20 and |y - e| <= 2^-24 (float64: 2^-53).
import { LO, twoSum, ddAdd, ddAddD, ddDiv, ddMulD, pow2, scaleBy } from './dd';
import {
  SC, GRAD, evalDD, evalF, evalFinite32, dd32, IDENTITY, STEP, THRESHOLD, SIGMOID, TANH, RELU, RELU6, LEAKY_RELU, ELU, SELU, CELU, GELU,
  GELU_TANH, SILU, MISH, SOFTPLUS, SOFTSIGN, HARD_SIGMOID, HARD_SWISH, HARD_TANH, LOG_SIGMOID, TANHSHRINK, SOFTSHRINK,
  HARDSHRINK, expKPublic, EKPublic, log1pPublic, SQRT2_H, SQRT2_L, SQRTPI_H, SQRTPI_L, INV_SQRT2PI_H, INV_SQRT2PI_L, GK_H, GK_L, GC_H, GC_L,
} from './functions';

// ------------------------------------------------------------ ids for JS --
export const F_identity = IDENTITY;
export const F_step = STEP;
export const F_threshold = THRESHOLD;
export const F_sigmoid = SIGMOID;
export const F_tanh = TANH;
export const F_relu = RELU;
export const F_relu6 = RELU6;
export const F_leakyRelu = LEAKY_RELU;
export const F_prelu = LEAKY_RELU;
export const F_elu = ELU;
export const F_selu = SELU;
export const F_celu = CELU;
export const F_gelu = GELU;
export const F_geluTanh = GELU_TANH;
export const F_silu = SILU;
export const F_mish = MISH;
export const F_softplus = SOFTPLUS;
export const F_softsign = SOFTSIGN;
export const F_hardSigmoid = HARD_SIGMOID;
export const F_hardSwish = HARD_SWISH;
export const F_hardTanh = HARD_TANH;
export const F_logSigmoid = LOG_SIGMOID;
export const F_tanhshrink = TANHSHRINK;
export const F_softshrink = SOFTSHRINK;
export const F_hardshrink = HARDSHRINK;
export const F_GRAD = GRAD;

export function alloc(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

// ------------------------------------------------------- single values ----
let lastLo: f64 = 0;
let lastSc: i32 = 0;

/** evalF (the float32 sweep's reference) at x, scale applied; low part via lastLow(). */
export function refF(fid: i32, x: f64, a: f64, b: f64): f64 {
  const h = evalF(fid, x, a, b); // scale already applied (dd32)
  lastLo = LO;
  lastSc = 0;
  return h;
}

/** evalDD at x: (hi + lastLow()) * 2^lastScale(). */
export function refDD(fid: i32, x: f64, a: f64, b: f64, f32mode: i32): f64 {
  const h = evalDD(fid, x, a, b, f32mode != 0);
  lastLo = LO;
  lastSc = SC;
  return h;
}

export function lastLow(): f64 {
  return lastLo;
}

export function lastScale(): i32 {
  return lastSc;
}

/** Derived dd constants, for the test that checks them against decimal.js. */
export function constant(i: i32, low: i32): f64 {
  switch (i) {
    case 0: return low ? SQRT2_L : SQRT2_H;
    case 1: return low ? SQRTPI_L : SQRTPI_H;
    case 2: return low ? INV_SQRT2PI_L : INV_SQRT2PI_H;
    case 3: return low ? GK_L : GK_H;
    case 4: return low ? GC_L : GC_H;
  }
  return NaN;
}

// ---------------------------------------------------------------- ordinals --
/** Ordinal of the exact value: integer part K, fraction F (both signed), and of round(e): CR. */
let OK: i64 = 0;
let OF: f64 = 0;
let OCR: i64 = 0;

const F32_INF_ORD: i64 = 0x7f800000;
const F64_INF_ORD: i64 = 0x7ff0000000000000;

function finishOrd(neg: bool, K: i64, F: f64): void {
  const CR = K + (F > 0.5 ? 1 : F < 0.5 ? 0 : K & 1);
  OK = neg ? -K : K;
  OF = neg ? -F : F;
  OCR = neg ? -CR : CR;
}

/** Ordinal of h + l on the float32 grid. */
function ordExact32(h: f64, l: f64): void {
  const hh = h + l;
  l = l - (hh - h);
  h = hh;
  const neg = h < 0 || (h == 0 && l < 0);
  const a = neg ? -h : h;
  const r = neg ? -l : l;
  if (a == 0 && r == 0) {
    finishOrd(false, 0, 0);
    return;
  }
  if (a >= 3.402823669209385e38) {
    finishOrd(neg, F32_INF_ORD, 0);
    return;
  }
  if (a < 1.1754943508222875e-38) {
    // subnormal float32 range: spacing 2^-149
    const t = a * pow2(149);
    const lt = r * pow2(149);
    let k = Math.floor(t);
    let f = (t - k) + lt;
    if (f < 0) {
      k -= 1;
      f += 1;
    } else if (f >= 1) {
      k += 1;
      f -= 1;
    }
    finishOrd(neg, <i64>k, f);
    return;
  }
  const bits = reinterpret<u64>(a) & 0xffffffffe0000000;
  const t = reinterpret<f64>(bits);
  let K = <i64>reinterpret<u32>(<f32>t);
  let rem = (a - t) + r;
  let F: f64;
  if (rem < 0) {
    K -= 1;
    const t2 = <f64>reinterpret<f32>(<u32>K);
    rem = (a - t2) + r;
    F = rem / (t - t2);
  } else {
    F = rem / (reinterpret<f64>(bits & 0x7ff0000000000000) * 1.1920928955078125e-7);
  }
  finishOrd(neg, K, F);
}

/** Ordinal of (h + l) * 2^sc on the float64 grid. */
function ordExact64(h: f64, l: f64, sc: i32): void {
  const hh = h + l;
  l = l - (hh - h);
  h = hh;
  const neg = h < 0 || (h == 0 && l < 0);
  let a = neg ? -h : h;
  let r = neg ? -l : l;
  if (a == 0 && r == 0) {
    finishOrd(false, 0, 0);
    return;
  }
  if (!isFinite(a)) {
    finishOrd(neg, F64_INF_ORD, 0);
    return;
  }
  if (a < pow2(-960)) {
    a *= pow2(200);
    r *= pow2(200);
    sc -= 200;
  }
  const ea = <i32>((reinterpret<u64>(a) >> 52) & 0x7ff) - 1023;
  const E = ea + sc;
  if (E > 1023) {
    finishOrd(neg, F64_INF_ORD, 0);
    return;
  }
  if (E >= -1022) {
    let K = <i64>reinterpret<u64>(a) + (<i64>sc << 52);
    const u = pow2(ea - 52);
    let F = r / u;
    if (F < 0) {
      K -= 1;
      const pow2a = (reinterpret<u64>(a) & 0xfffffffffffff) == 0;
      const up = pow2a && E > -1022 ? u * 0.5 : u;
      F = 1 + r / up;
    }
    finishOrd(neg, K, F);
    return;
  }
  const t = scaleBy(a, sc + 1074);
  const lt = scaleBy(r, sc + 1074);
  let k = Math.floor(t);
  let f = (t - k) + lt;
  if (f < 0) {
    k -= 1;
    f += 1;
  } else if (f >= 1) {
    k += 1;
    f -= 1;
  }
  finishOrd(neg, <i64>k, f);
}

/** |p - q| for signed ordinals, without i64 overflow. */
// @ts-ignore: decorator
@inline function ordDist(p: i64, q: i64): f64 {
  if ((p ^ q) >= 0) return <f64>abs<i64>(p - q);
  return Math.abs(<f64>p - <f64>q);
}

// ------------------------------------------------------------------ stats --
// Per check call the stats live in globals; they are read from and written
// back to a 16-slot f64 record that JavaScript owns (so calls accumulate).
let sCount: f64 = 0;
let sCR: f64 = 0;
let sMaxInt: f64 = 0;
let sRealAtMax: f64 = 0;
let sXAtMax: f64 = NaN;
let sYAtMax: f64 = NaN;
let sEAtMax: f64 = NaN;
let sFail: f64 = 0;
let sFailMax: f64 = 0;
let sXAtFail: f64 = NaN;
let sAllowed: f64 = 0;
let sMaxAbsAllowed: f64 = 0;
let sMaxIntBig: f64 = 0;
let sXAtMaxBig: f64 = NaN;
let sRealAtMaxBig: f64 = 0;

let bUlp: f64 = 0;
let bAllow: bool = false;
let bTinyAbs: f64 = 0;
const TINY_REL: f64 = 9.5367431640625e-7; // 2^-20

function loadStats(p: usize): void {
  sCount = load<f64>(p, 0);
  sCR = load<f64>(p, 8);
  sMaxInt = load<f64>(p, 16);
  sRealAtMax = load<f64>(p, 24);
  sXAtMax = load<f64>(p, 32);
  sYAtMax = load<f64>(p, 40);
  sEAtMax = load<f64>(p, 48);
  sFail = load<f64>(p, 56);
  sFailMax = load<f64>(p, 64);
  sXAtFail = load<f64>(p, 72);
  sAllowed = load<f64>(p, 80);
  sMaxAbsAllowed = load<f64>(p, 88);
  sMaxIntBig = load<f64>(p, 96);
  sXAtMaxBig = load<f64>(p, 104);
  sRealAtMaxBig = load<f64>(p, 112);
}

function storeStats(p: usize): void {
  store<f64>(p, sCount, 0);
  store<f64>(p, sCR, 8);
  store<f64>(p, sMaxInt, 16);
  store<f64>(p, sRealAtMax, 24);
  store<f64>(p, sXAtMax, 32);
  store<f64>(p, sYAtMax, 40);
  store<f64>(p, sEAtMax, 48);
  store<f64>(p, sFail, 56);
  store<f64>(p, sFailMax, 64);
  store<f64>(p, sXAtFail, 72);
  store<f64>(p, sAllowed, 80);
  store<f64>(p, sMaxAbsAllowed, 88);
  store<f64>(p, sMaxIntBig, 96);
  store<f64>(p, sXAtMaxBig, 104);
  store<f64>(p, sRealAtMaxBig, 112);
}

/** Records one result y (the float, and its signed ordinal) against the exact (h + l) * 2^sc. f64grid: the result type. */
function record(x: f64, y: f64, yOrd: i64, h: f64, l: f64, sc: i32, f64grid: bool): void {
  sCount += 1;
  let intD: f64, realD: f64;
  if (isNaN(h) || isNaN(y)) {
    if (isNaN(h) && isNaN(y)) {
      sCR += 1;
      return;
    }
    intD = Infinity;
    realD = Infinity;
  } else if (!isFinite(h)) {
    // an exact infinity (x infinite): met exactly or not at all
    if (y == h) {
      sCR += 1;
      return;
    }
    intD = Infinity;
    realD = Infinity;
  } else {
    if (f64grid) ordExact64(h, l, sc);
    else ordExact32(h, l);
    intD = ordDist(yOrd, OCR);
    if ((yOrd ^ OK) >= 0) realD = Math.abs(<f64>(yOrd - OK) - OF);
    else realD = Math.abs(<f64>yOrd - <f64>OK - OF);
  }
  if (intD == 0) {
    sCR += 1;
    return;
  }
  const e = sc == 0 ? h + l : scaleBy(h, sc) + scaleBy(l, sc);
  if (intD > sMaxInt || (intD == sMaxInt && realD > sRealAtMax)) {
    sMaxInt = intD;
    sRealAtMax = realD;
    sXAtMax = x;
    sYAtMax = y;
    sEAtMax = e;
  }
  const big = !(Math.abs(e) < TINY_REL);
  if (big && (intD > sMaxIntBig || (intD == sMaxIntBig && realD > sRealAtMaxBig))) {
    sMaxIntBig = intD;
    sRealAtMaxBig = realD;
    sXAtMaxBig = x;
  }
  if (intD <= bUlp) return;
  if (bAllow && !big && isFinite(y)) {
    const ae = Math.abs((y - h) - l) / bTinyAbs;
    if (sc == 0 ? ae <= 1 : Math.abs(y - e) <= bTinyAbs) {
      sAllowed += 1;
      const aa = sc == 0 ? ae : Math.abs(y - e) / bTinyAbs;
      if (aa > sMaxAbsAllowed) sMaxAbsAllowed = aa;
      return;
    }
  }
  sFail += 1;
  if (intD > sFailMax || isNaN(sXAtFail)) {
    sFailMax = intD;
    sXAtFail = x;
  }
}

function setBound(ulp: f64, allow: i32, tinyAbs: f64): void {
  bUlp = ulp;
  bAllow = allow != 0;
  bTinyAbs = tinyAbs;
}

const F32_SMALLEST_NORMAL: f64 = 1.1754943508222875e-38;

/**
 * True when h (a float64 estimate of relative error below 2^-41) could lie on
 * either side of a float32 rounding midpoint: then only a double-double decides.
 */
// @ts-ignore: decorator
@inline function nearMidpoint32(h: f64): bool {
  const a = Math.abs(h);
  if (a >= F32_SMALLEST_NORMAL) {
    const frac = <i64>(reinterpret<u64>(h) & 0x1fffffff) - 0x10000000;
    return abs<i64>(frac) <= 4096;
  }
  const t = a * pow2(149); // in units of 2^-149
  return Math.abs(t - Math.floor(t) - 0.5) < 1.52587890625e-5;
}

/** The rare cases of sweep32: results that differ from the estimate's rounding, ties at stake, subnormals. */
function slow32(fid: i32, x: f64, y: f32, h: f64, l: f64, a: f64, b: f64): void {
  if (l == 0 && nearMidpoint32(h)) {
    h = dd32(fid, x, a, b);
    l = LO;
  }
  const yb = reinterpret<u32>(y);
  const yo = <i64>(yb & 0x7fffffff);
  record(x, <f64>y, yb >> 31 ? -yo : yo, h, l, 0, false);
}

/** Non-finite x: NaN must give NaN; at the infinities the limits (evalDD). */
function special32(fid: i32, x: f64, y: f32, a: f64, b: f64): void {
  const h = dd32(fid, x, a, b);
  const yb = reinterpret<u32>(y);
  const yo = <i64>(yb & 0x7fffffff);
  record(x, <f64>y, yb >> 31 ? -yo : yo, h, LO, 0, false);
}

/** The loop of check32 for one function: inlined with a constant fid, so evalFinite32's switch folds away. */
// @ts-ignore: decorator
@inline function sweep32(fid: i32, xPtr: usize, start: u32, n: i32, yPtr: usize, a: f64, b: f64): void {
  let fast = 0; // counted in a local: a global's load-add-store each input would chain the loop through memory
  let i = 0;
  const c = xPtr == 0 && !isExact32(fid) ? constantOver(fid, start, n, a, b) : NaN;
  if (!isNaN(c)) {
    // Every input here rounds to c (see constantOver): four at a time, other lanes through the scalar path.
    constantRanges++;
    const vc = f32x4.splat(<f32>c);
    for (; i + 4 <= n; i += 4) {
      if (i32x4.all_true(f32x4.eq(v128.load(yPtr + (<usize>i << 2)), vc))) {
        fast += 4;
        continue;
      }
      for (let k = i; k < i + 4; k++) fast += step32(fid, xPtr, start, k, yPtr, a, b);
    }
  } else if (isExact32(fid)) {
    // Four at a time where one IEEE float32 operation on exact inputs gives the correctly rounded
    // value (see exact32x4); any lane that differs goes through the scalar path below.
    const va = f32x4.splat(<f32>a);
    const vb = f32x4.splat(<f32>b);
    for (; i + 4 <= n; i += 4) {
      const xv = xPtr != 0 ? v128.load(xPtr + (<usize>i << 2)) : i32x4.add(i32x4.splat(start + <u32>i), i32x4(0, 1, 2, 3));
      const yv = v128.load(yPtr + (<usize>i << 2));
      if (i32x4.all_true(f32x4.eq(exact32x4(fid, xv, va, vb), yv))) {
        fast += 4;
        continue;
      }
      for (let k = i; k < i + 4; k++) fast += step32(fid, xPtr, start, k, yPtr, a, b);
    }
  }
  for (; i < n; i++) fast += step32(fid, xPtr, start, i, yPtr, a, b);
  sCount += <f64>fast;
  sCR += <f64>fast;
}

let constantRanges: i32 = 0;

/** How many ranges sweep32 has found to round to one value (for the tests). */
export function constantRangeCount(): i32 {
  return constantRanges;
}

/** The correctly rounded float32 value of fid at a finite float32 x. */
function roundedAt(fid: i32, x: f64, a: f64, b: f64): f64 {
  let h = evalF(fid, x, a, b);
  let l = LO;
  if (l == 0 && nearMidpoint32(h)) {
    h = dd32(fid, x, a, b);
    l = LO;
  }
  ordExact32(h, l);
  const cr = OCR;
  const bits = <u32>(cr < 0 ? -cr : cr) | (cr < 0 || (cr == 0 && h < 0) ? 0x80000000 : 0);
  return <f64>reinterpret<f32>(bits);
}

/**
 * The float32 value every input with bits [start, start + n) rounds to, or NaN when they need not
 * all round alike. A float32 range within one binade and sign is an interval of x; where |x| < 2^-4
 * or |x| >= 16, every function and derivative measured is monotonic on each side of 0 (their
 * extrema and kinks lie in between), so f(x) lies between the ends' values and, rounding being
 * monotonic too, rounds to the same float as both ends when those agree.
 */
function constantOver(fid: i32, start: u32, n: i32, a: f64, b: f64): f64 {
  const last = start + <u32>(n - 1);
  if (n < 64 || start >> 23 != last >> 23) return NaN;
  const e = (start >> 23) & 0xff;
  if (e == 255 || (e >= 127 - 4 && e < 127 + 4)) return NaN;
  const c0 = roundedAt(fid, <f64>reinterpret<f32>(start), a, b);
  const c1 = roundedAt(fid, <f64>reinterpret<f32>(last), a, b);
  return c0 == c1 ? c0 : NaN;
}

/** One input of sweep32: 1 when its result is correctly rounded by the fast test, else 0 (and recorded). */
// @ts-ignore: decorator
@inline function step32(fid: i32, xPtr: usize, start: u32, i: i32, yPtr: usize, a: f64, b: f64): i32 {
  const xf = xPtr != 0 ? load<f32>(xPtr + (<usize>i << 2)) : reinterpret<f32>(start + <u32>i);
  const y = load<f32>(yPtr + (<usize>i << 2));
  const x = <f64>xf;
  if (!isFinite(xf)) {
    special32(fid, x, y, a, b);
    return 0;
  }
  const h = evalFinite32(fid, x, a, b);
  const l = LO;
  // Fast path: y is the float32 nearest to h, and no nearby midpoint makes that uncertain.
  if (<f64><f32>h == <f64>y && (h != 0 ? !nearMidpoint32(h) : l == 0)) return 1;
  slow32(fid, x, y, h, l, a, b);
  return 0;
}

/** The functions whose correctly rounded float32 value is one IEEE float32 operation (or none) on x and the params. */
// @ts-ignore: decorator
@inline function isExact32(fid: i32): bool {
  return fid == IDENTITY || fid == STEP || fid == THRESHOLD || fid == RELU || fid == RELU6 || fid == LEAKY_RELU ||
    fid == HARD_TANH || fid == SOFTSHRINK || fid == HARDSHRINK || fid == IDENTITY + GRAD || fid == STEP + GRAD ||
    fid == THRESHOLD + GRAD || fid == RELU + GRAD || fid == RELU6 + GRAD || fid == LEAKY_RELU + GRAD ||
    fid == HARD_TANH + GRAD || fid == SOFTSHRINK + GRAD || fid == HARDSHRINK + GRAD || fid == HARD_SIGMOID + GRAD;
}

/**
 * The correctly rounded float32 values of an exact function at four x: selections, and at most one
 * IEEE float32 multiplication or subtraction of exact operands (alpha x, x -+ lambda), which IEEE 754
 * rounds correctly. A NaN lane never compares equal, so NaN inputs always take the scalar path.
 */
// @ts-ignore: decorator
@inline function exact32x4(fid: i32, x: v128, a: v128, b: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (fid) {
    case IDENTITY: return x;
    case STEP: return v128.bitselect(one, zero, f32x4.ge(x, a));
    case THRESHOLD: return v128.bitselect(x, b, f32x4.gt(x, a));
    case RELU: return v128.bitselect(x, zero, f32x4.gt(x, zero));
    case RELU6: {
      const six = f32x4.splat(6);
      return v128.bitselect(six, v128.bitselect(x, zero, f32x4.gt(x, zero)), f32x4.gt(x, six));
    }
    case LEAKY_RELU: return v128.bitselect(x, f32x4.mul(a, x), f32x4.ge(x, zero));
    case HARD_TANH: return v128.bitselect(a, v128.bitselect(b, x, f32x4.gt(x, b)), f32x4.lt(x, a));
    case SOFTSHRINK: {
      const na = f32x4.neg(a);
      return v128.bitselect(f32x4.sub(x, a), v128.bitselect(f32x4.add(x, a), zero, f32x4.lt(x, na)), f32x4.gt(x, a));
    }
    case HARDSHRINK: return v128.bitselect(x, zero, f32x4.gt(f32x4.abs(x), a));
    case IDENTITY + GRAD: return one;
    case STEP + GRAD: return zero;
    case THRESHOLD + GRAD: return v128.bitselect(one, zero, f32x4.gt(x, a));
    case RELU + GRAD: return v128.bitselect(one, zero, f32x4.gt(x, zero));
    case RELU6 + GRAD: return v128.bitselect(one, zero, v128.and(f32x4.gt(x, zero), f32x4.lt(x, f32x4.splat(6))));
    case LEAKY_RELU + GRAD: return v128.bitselect(one, a, f32x4.gt(x, zero));
    case HARD_TANH + GRAD: return v128.bitselect(one, zero, v128.and(f32x4.gt(x, a), f32x4.lt(x, b)));
    case SOFTSHRINK + GRAD:
    case HARDSHRINK + GRAD: return v128.bitselect(one, zero, f32x4.gt(f32x4.abs(x), a));
    case HARD_SIGMOID + GRAD: {
      // 1/6 rounded once to float32 (the float64 1/6 is nowhere near a float32 midpoint)
      const c = f32x4.splat(<f32>(1.0 / 6.0));
      return v128.bitselect(c, zero, v128.and(f32x4.gt(x, f32x4.splat(-3)), f32x4.lt(x, f32x4.splat(3))));
    }
  }
  return f32x4.splat(NaN);
}

/**
 * Float32 results y[0..n) of function fid at x_i = the float32 with bits
 * start + i (xPtr == 0) or x[i] (xPtr != 0), against evalF; accumulates into stats.
 */
export function check32(fid: i32, xPtr: usize, start: u32, n: i32, yPtr: usize, a: f64, b: f64, ulp: f64, allow: i32, stats: usize): void {
  setBound(ulp, allow, 5.960464477539063e-8);
  loadStats(stats);
  switch (fid) {
    case IDENTITY: sweep32(IDENTITY, xPtr, start, n, yPtr, a, b); break;
    case IDENTITY + GRAD: sweep32(IDENTITY + GRAD, xPtr, start, n, yPtr, a, b); break;
    case STEP: sweep32(STEP, xPtr, start, n, yPtr, a, b); break;
    case STEP + GRAD: sweep32(STEP + GRAD, xPtr, start, n, yPtr, a, b); break;
    case THRESHOLD: sweep32(THRESHOLD, xPtr, start, n, yPtr, a, b); break;
    case THRESHOLD + GRAD: sweep32(THRESHOLD + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SIGMOID: sweep32(SIGMOID, xPtr, start, n, yPtr, a, b); break;
    case SIGMOID + GRAD: sweep32(SIGMOID + GRAD, xPtr, start, n, yPtr, a, b); break;
    case TANH: sweep32(TANH, xPtr, start, n, yPtr, a, b); break;
    case TANH + GRAD: sweep32(TANH + GRAD, xPtr, start, n, yPtr, a, b); break;
    case RELU: sweep32(RELU, xPtr, start, n, yPtr, a, b); break;
    case RELU + GRAD: sweep32(RELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case RELU6: sweep32(RELU6, xPtr, start, n, yPtr, a, b); break;
    case RELU6 + GRAD: sweep32(RELU6 + GRAD, xPtr, start, n, yPtr, a, b); break;
    case LEAKY_RELU: sweep32(LEAKY_RELU, xPtr, start, n, yPtr, a, b); break;
    case LEAKY_RELU + GRAD: sweep32(LEAKY_RELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case ELU: sweep32(ELU, xPtr, start, n, yPtr, a, b); break;
    case ELU + GRAD: sweep32(ELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SELU: sweep32(SELU, xPtr, start, n, yPtr, a, b); break;
    case SELU + GRAD: sweep32(SELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case CELU: sweep32(CELU, xPtr, start, n, yPtr, a, b); break;
    case CELU + GRAD: sweep32(CELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case GELU: sweep32(GELU, xPtr, start, n, yPtr, a, b); break;
    case GELU + GRAD: sweep32(GELU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case GELU_TANH: sweep32(GELU_TANH, xPtr, start, n, yPtr, a, b); break;
    case GELU_TANH + GRAD: sweep32(GELU_TANH + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SILU: sweep32(SILU, xPtr, start, n, yPtr, a, b); break;
    case SILU + GRAD: sweep32(SILU + GRAD, xPtr, start, n, yPtr, a, b); break;
    case MISH: sweep32(MISH, xPtr, start, n, yPtr, a, b); break;
    case MISH + GRAD: sweep32(MISH + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SOFTPLUS: sweep32(SOFTPLUS, xPtr, start, n, yPtr, a, b); break;
    case SOFTPLUS + GRAD: sweep32(SOFTPLUS + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SOFTSIGN: sweep32(SOFTSIGN, xPtr, start, n, yPtr, a, b); break;
    case SOFTSIGN + GRAD: sweep32(SOFTSIGN + GRAD, xPtr, start, n, yPtr, a, b); break;
    case HARD_SIGMOID: sweep32(HARD_SIGMOID, xPtr, start, n, yPtr, a, b); break;
    case HARD_SIGMOID + GRAD: sweep32(HARD_SIGMOID + GRAD, xPtr, start, n, yPtr, a, b); break;
    case HARD_SWISH: sweep32(HARD_SWISH, xPtr, start, n, yPtr, a, b); break;
    case HARD_SWISH + GRAD: sweep32(HARD_SWISH + GRAD, xPtr, start, n, yPtr, a, b); break;
    case HARD_TANH: sweep32(HARD_TANH, xPtr, start, n, yPtr, a, b); break;
    case HARD_TANH + GRAD: sweep32(HARD_TANH + GRAD, xPtr, start, n, yPtr, a, b); break;
    case LOG_SIGMOID: sweep32(LOG_SIGMOID, xPtr, start, n, yPtr, a, b); break;
    case LOG_SIGMOID + GRAD: sweep32(LOG_SIGMOID + GRAD, xPtr, start, n, yPtr, a, b); break;
    case TANHSHRINK: sweep32(TANHSHRINK, xPtr, start, n, yPtr, a, b); break;
    case TANHSHRINK + GRAD: sweep32(TANHSHRINK + GRAD, xPtr, start, n, yPtr, a, b); break;
    case SOFTSHRINK: sweep32(SOFTSHRINK, xPtr, start, n, yPtr, a, b); break;
    case SOFTSHRINK + GRAD: sweep32(SOFTSHRINK + GRAD, xPtr, start, n, yPtr, a, b); break;
    case HARDSHRINK: sweep32(HARDSHRINK, xPtr, start, n, yPtr, a, b); break;
    case HARDSHRINK + GRAD: sweep32(HARDSHRINK + GRAD, xPtr, start, n, yPtr, a, b); break;
  }
  storeStats(stats);
}

/** Float64 results y[0..n) of function fid at x[0..n), against evalDD. */
export function check64(fid: i32, xPtr: usize, n: i32, yPtr: usize, a: f64, b: f64, ulp: f64, allow: i32, stats: usize): void {
  setBound(ulp, allow, 1.1102230246251565e-16);
  loadStats(stats);
  let fast = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(xPtr + (<usize>i << 3));
    const y = load<f64>(yPtr + (<usize>i << 3));
    const h = evalDD(fid, x, a, b, false);
    const l = LO;
    const sc = SC;
    if (sc == 0 && l == 0 && y == h) {
      fast++;
      continue;
    }
    const yb = reinterpret<u64>(y);
    const yo = <i64>(yb & 0x7fffffffffffffff);
    record(x, y, yb >> 63 ? -yo : yo, h, l, sc, true);
  }
  sCount += <f64>fast;
  sCR += <f64>fast;
  storeStats(stats);
}

// ------------------------------------------------------------ samples -----
let rs: u64 = 0;

function nextU64(): u64 {
  // splitmix64
  rs += 0x9e3779b97f4a7c15;
  let z = rs;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Uniform in [0, 1). */
function nextUnit(): f64 {
  return <f64>(nextU64() >> 11) * 1.1102230246251565e-16;
}

export function seed(s: f64): void {
  rs = <u64>s * 0x2545f4914f6cdd1d + 0x1234567;
  nextU64();
}

/**
 * n float64 samples: 30% random bit patterns (every exponent, NaN and
 * infinities included), 40% log-uniform magnitudes 2^-40..2^8 with either
 * sign, 30% uniform in [-20, 20].
 */
export function fill64(xPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const u = nextUnit();
    let x: f64;
    if (u < 0.3) {
      x = reinterpret<f64>(nextU64());
    } else if (u < 0.7) {
      const m = 1 + nextUnit();
      const e = -40 + <i32>(nextUnit() * 49);
      x = m * pow2(e);
      if (nextU64() & 1) x = -x;
    } else {
      x = (nextUnit() * 2 - 1) * 20;
    }
    store<f64>(xPtr + (<usize>i << 3), x);
  }
}

/**
 * count rows of len entries for the softmax family: centre + spread * u with
 * u uniform in [-1, 1] (one entry in eight ten times wider), a share negInf of
 * entries -Infinity, occasional exact ties; float32 (rounded) or float64.
 */
export function fillRows(xPtr: usize, f32: i32, count: i32, len: i32, centre: f64, spread: f64, negInf: f64): void {
  const total = count * len;
  for (let i = 0; i < total; i++) {
    let v = centre + spread * (nextUnit() * 2 - 1) * (nextUnit() < 0.125 ? 10 : 1);
    if (nextUnit() < negInf) v = -Infinity;
    if (i % len > 0 && nextUnit() < 0.01) {
      v = f32 ? <f64>load<f32>(xPtr + (<usize>(i - 1) << 2)) : load<f64>(xPtr + (<usize>(i - 1) << 3));
    }
    if (f32) store<f32>(xPtr + (<usize>i << 2), <f32>v);
    else store<f64>(xPtr + (<usize>i << 3), v);
  }
}

// ------------------------------------------------------- softmax family ---
// Per-entry scratch of the softmax reference, grown as needed.
let scratchCap: i32 = 0;
let EH: usize = 0;
let EL: usize = 0;
let EX: usize = 0;
let DH: usize = 0;
let DL: usize = 0;
let RH: usize = 0;
let RL: usize = 0;
let RS: usize = 0;

function ensureScratch(len: i32): void {
  if (len <= scratchCap) return;
  scratchCap = len;
  EH = heap.alloc(<usize>len << 3);
  EL = heap.alloc(<usize>len << 3);
  EX = heap.alloc(<usize>len << 2);
  DH = heap.alloc(<usize>len << 3);
  DL = heap.alloc(<usize>len << 3);
  RH = heap.alloc(<usize>len << 3);
  RL = heap.alloc(<usize>len << 3);
  RS = heap.alloc(<usize>len << 2);
}

/**
 * The exact softmax-family values of one row of len entries at x (float32
 * or float64), mode 0 softmax, 1 logSoftmax, 2 softmin, into the scratch
 * arrays RH, RL (dd) and RS (scale): d_i = x_i - max exactly (TwoSum), e^d_i
 * as mantissa and exponent, the sum in dd, softmax = e^d_i / sum,
 * logSoftmax = d_i - log1p(sum of all but one maximum). A row with a NaN or
 * +Infinity, or all -Infinity, is NaN. Modes 3 to 5: their gradients, dy omitted.
 */
function axisRowRef(mode0: i32, f32: bool, xPtr: usize, len: i32): void {
  ensureScratch(len);
  // modes 3, 4, 5: the gradients with dy omitted (all ones). softmax and softmin:
  // y (1 - sum y) = 0 exactly; logSoftmax: 1 - len softmax_i.
  const grad = mode0 >= 3;
  const mode = mode0 % 3;
  const sz: usize = f32 ? 2 : 3;
  let m: f64 = -Infinity;
  let arg = -1;
  let nan = false;
  for (let i = 0; i < len; i++) {
    let v = f32 ? <f64>load<f32>(xPtr + (<usize>i << sz)) : load<f64>(xPtr + (<usize>i << sz));
    if (mode == 2) v = -v;
    if (isNaN(v)) nan = true;
    if (v > m) {
      m = v;
      arg = i;
    }
  }
  if (nan || !isFinite(m)) {
    for (let i = 0; i < len; i++) {
      store<f64>(RH + (<usize>i << 3), NaN);
      store<f64>(RL + (<usize>i << 3), 0);
      store<i32>(RS + (<usize>i << 2), 0);
    }
    return;
  }
  let sh: f64 = 0, sl: f64 = 0;
  let kmax: i32 = -2147483647;
  for (let i = 0; i < len; i++) {
    let v = f32 ? <f64>load<f32>(xPtr + (<usize>i << sz)) : load<f64>(xPtr + (<usize>i << sz));
    if (mode == 2) v = -v;
    let dh: f64 = -Infinity, dl: f64 = 0;
    if (v != -Infinity) {
      dh = twoSum(v, -m);
      dl = LO;
    }
    store<f64>(DH + (<usize>i << 3), dh);
    store<f64>(DL + (<usize>i << 3), dl);
    let eh: f64 = 0, el: f64 = 0;
    let ek: i32 = 0;
    if (dh >= -1e4) {
      eh = expKPublic(dh, dl);
      el = LO;
      ek = EKPublic();
    }
    store<f64>(EH + (<usize>i << 3), eh);
    store<f64>(EL + (<usize>i << 3), el);
    store<i32>(EX + (<usize>i << 2), ek);
    if (i != arg && eh != 0 && ek > kmax) kmax = ek;
  }
  // rest = sum of all terms but the maximum's (which is exactly 1), as (sh + sl) * 2^kmax
  if (kmax > -2147483647) {
    for (let i = 0; i < len; i++) {
      const eh = load<f64>(EH + (<usize>i << 3));
      if (i == arg || eh == 0) continue;
      const d = load<i32>(EX + (<usize>i << 2)) - kmax;
      sh = ddAdd(sh, sl, scaleBy(eh, d), scaleBy(load<f64>(EL + (<usize>i << 3)), d));
      sl = LO;
    }
  } else kmax = 0;
  // A rest below 2^-900 is nothing next to 1 (softmax) or to the other entries' d_i (logSoftmax),
  // but it is the whole logSoftmax of the maximum: -log1p(rest) = -rest (1 - rest/2 ...).
  const tinyRest = kmax < -900;
  let Sh: f64 = 1, Sl: f64 = 0;
  let lnh: f64 = 0, lnl: f64 = 0;
  if (!tinyRest) {
    const rh = scaleBy(sh, kmax);
    const rl = scaleBy(sl, kmax);
    Sh = ddAddD(rh, rl, 1);
    Sl = LO;
    if (mode == 1 && !grad) {
      lnh = log1pPublic(rh, rl);
      lnl = LO;
    }
  }
  for (let i = 0; i < len; i++) {
    let h: f64 = 0, l: f64 = 0;
    let sc: i32 = 0;
    if (grad) {
      if (mode == 1) {
        // 1 - len * e_i / sum
        h = 1;
        const eh = load<f64>(EH + (<usize>i << 3));
        const ek = load<i32>(EX + (<usize>i << 2));
        if (eh != 0 && ek > -1100) {
          const q = ddDiv(eh, load<f64>(EL + (<usize>i << 3)), Sh, Sl);
          const ql = scaleBy(LO, ek);
          const p = ddMulD(scaleBy(q, ek), ql, <f64>len);
          h = ddAdd(1, 0, -p, -LO);
          l = LO;
        }
      }
    } else if (mode == 1) {
      const dh = load<f64>(DH + (<usize>i << 3));
      if (dh == -Infinity) h = -Infinity;
      else if (tinyRest && i == arg) {
        h = -sh;
        l = -sl;
        sc = kmax;
      } else {
        h = ddAdd(dh, load<f64>(DL + (<usize>i << 3)), -lnh, -lnl);
        l = LO;
      }
    } else {
      const eh = load<f64>(EH + (<usize>i << 3));
      if (eh != 0) {
        h = ddDiv(eh, load<f64>(EL + (<usize>i << 3)), Sh, Sl);
        l = LO;
        sc = load<i32>(EX + (<usize>i << 2));
      }
    }
    store<f64>(RH + (<usize>i << 3), h);
    store<f64>(RL + (<usize>i << 3), l);
    store<i32>(RS + (<usize>i << 2), sc);
  }
}

/** The reference values of one row into out: (hi, lo, scale) triplets of f64, value (hi + lo) * 2^scale. */
export function axisRow(mode: i32, f32: i32, xPtr: usize, len: i32, out: usize): void {
  axisRowRef(mode, f32 != 0, xPtr, len);
  for (let i = 0; i < len; i++) {
    store<f64>(out + <usize>i * 24, load<f64>(RH + (<usize>i << 3)));
    store<f64>(out + <usize>i * 24 + 8, load<f64>(RL + (<usize>i << 3)));
    store<f64>(out + <usize>i * 24 + 16, <f64>load<i32>(RS + (<usize>i << 2)));
  }
}

/** Results y of rows [count, len] of the softmax family over x (float32 or float64), against axisRowRef. */
export function checkAxis(mode: i32, f32: i32, xPtr: usize, yPtr: usize, count: i32, len: i32, ulp: f64, allow: i32, stats: usize): void {
  setBound(ulp, allow, f32 ? 5.960464477539063e-8 : 1.1102230246251565e-16);
  loadStats(stats);
  const sz: usize = f32 ? 2 : 3;
  for (let r = 0; r < count; r++) {
    const rowX = xPtr + (<usize>(r * len) << sz);
    const rowY = yPtr + (<usize>(r * len) << sz);
    axisRowRef(mode, f32 != 0, rowX, len);
    for (let i = 0; i < len; i++) {
      const x = f32 ? <f64>load<f32>(rowX + (<usize>i << sz)) : load<f64>(rowX + (<usize>i << sz));
      let h = load<f64>(RH + (<usize>i << 3));
      let l = load<f64>(RL + (<usize>i << 3));
      const sc = load<i32>(RS + (<usize>i << 2));
      if (f32) {
        if (sc != 0) {
          h = scaleBy(h, sc);
          l = scaleBy(l, sc);
        }
        const y = load<f32>(rowY + (<usize>i << sz));
        const yb = reinterpret<u32>(y);
        const yo = <i64>(yb & 0x7fffffff);
        record(x, <f64>y, yb >> 31 ? -yo : yo, h, l, 0, false);
      } else {
        const y = load<f64>(rowY + (<usize>i << sz));
        const yb = reinterpret<u64>(y);
        const yo = <i64>(yb & 0x7fffffffffffffff);
        record(x, y, yb >> 63 ? -yo : yo, h, l, sc, true);
      }
    }
  }
  storeStats(stats);
}
