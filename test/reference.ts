// Independent references for every catalog function, written from the
// formulas of SPEC section 4 and nothing in src/:
//
// - `ref64[name](x, p)`: the function evaluated in float64 arithmetic with
//   care (log1p/expm1, no cancellation: series for x - tanh x near 0, erfc by
//   continued fraction in the tails, sigmoid written on the side where it
//   does not cancel). Its error is a few float64 ULPs, about 1e-8 of a
//   float32 ULP, so it serves as the exact value for float32 results.
// - `refDec[name](x, p)`: the same in decimal.js at 40 digits (48 and 64 inside, where sums cancel), the exact value
//   for float64 results.
//
// `p` holds the params already resolved (defaults filled in) and rounded to
// the array's precision, as SPEC 3 says the functions use them.
import Decimal from 'decimal.js';
import { exactDecimal } from './ulp.js';

export type Params = Readonly<Record<string, number | string>>;
export type Ref64 = (x: number, p: Params) => number;
export type RefDec = (x: Decimal, p: Params) => Decimal;

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15, toExpNeg: -7, toExpPos: 21 });
/** Wider working precision for sums with cancellation (erf series). */
const DW = D.clone({ precision: 48 });
/** Wider still for the erf series (terms up to e^25 times the sum). */
const DE = D.clone({ precision: 64 });

export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

const num = (p: Params, k: string): number => p[k] as number;
/**
 * The switch of softplus ("x where beta x > threshold") is decided on beta x
 * as the array's arithmetic computes it (as PyTorch does), so the reference
 * rounds that product to the dtype given in p.$dtype.
 */
const inDtype = (p: Params, v: number): number => (p['$dtype'] === 'f32' ? Math.fround(v) : v);

// ---------------------------------------------------------------- float64 --

/** Taylor coefficients of tanh: tanh' = 1 - tanh^2, computed exactly enough in Decimal. */
function tanhCoefficients(count: number): Decimal[] {
  // a[k] is the coefficient of x^k; only odd k are nonzero.
  const a: Decimal[] = new Array(2 * count + 2).fill(new DW(0));
  a[1] = new DW(1);
  for (let k = 2; k <= 2 * count; k += 2) {
    // (k + 1) a[k+1] = -sum_{i + j = k} a[i] a[j]  (k >= 2 even)
    let s = new DW(0);
    for (let i = 1; i < k; i += 2) s = s.plus(a[i]!.times(a[k - i]!));
    a[k + 1] = s.neg().div(k + 1);
  }
  return a;
}
const TANH_A = tanhCoefficients(60);
/** Coefficients c_n of x - tanh x = sum_n c_n x^(2n+1), n >= 1, as float64 and Decimal. */
const SHRINK_C64: number[] = [];
const SHRINK_CD: Decimal[] = [];
for (let k = 3; k < TANH_A.length; k += 2) {
  SHRINK_CD.push(TANH_A[k]!.neg());
  SHRINK_C64.push(TANH_A[k]!.neg().toNumber());
}

function tanhshrinkSeries64(x: number): number {
  // |x| < 0.5: terms fall by about (2x/pi)^2 <= 0.1 each; 30 terms is far beyond float64.
  const x2 = x * x;
  let s = 0;
  for (let n = 29; n >= 0; n--) s = s * x2 + SHRINK_C64[n]!;
  return s * x2 * x;
}

function sigmoid64(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = ln(1 + e^x) without cancellation or overflow. */
function softplus64(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** erfc(z) for z >= 0 in float64, relative error ~1e-13 or better. */
export function erfc64(z: number): number {
  if (z < 2.5) {
    // erf z = 2/sqrt(pi) e^{-z^2} sum_n 2^n z^{2n+1} / (1 3 5 ... (2n+1)): all terms positive.
    const z2 = z * z;
    let term = z, sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-18) break;
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-z2) * sum;
  }
  // Continued fraction erfc z = e^{-z^2}/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = z, C = z, Dd = 0;
  for (let n = 1; n < 5000; n++) {
    const an = n / 2;
    Dd = z + an * Dd; if (Dd === 0) Dd = tiny; Dd = 1 / Dd;
    C = z + an / C; if (C === 0) C = tiny;
    const delta = C * Dd;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return (Math.exp(-z * z) * INV_SQRT_PI) / f;
}

function gelu64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return 0;
  const z = Math.abs(x) * SQRT1_2;
  if (x >= 0) return x * (1 - erfc64(z) / 2);
  // e^{-z^2} with z^2 = x^2/2 exactly for float32 x (x*x exact in float64).
  return (x * erfc64(z)) / 2;
}

const GELU_K = Math.sqrt(2 / Math.PI);
function geluTanh64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return 0;
  // 0.5 x (1 + tanh u) = x sigmoid(2u): no cancellation in the negative tail.
  const u = GELU_K * (x + 0.044715 * x * x * x);
  return x * sigmoid64(2 * u);
}

function elu64(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

export const ref64: Readonly<Record<string, Ref64>> = {
  identity: (x) => x,
  step: (x, p) => (Number.isNaN(x) ? NaN : x >= num(p, 'threshold') ? 1 : 0),
  threshold: (x, p) => (Number.isNaN(x) ? NaN : x > num(p, 'threshold') ? x : num(p, 'value')),
  sigmoid: (x) => sigmoid64(x),
  tanh: (x) => Math.tanh(x),
  relu: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0),
  relu6: (x) => (Number.isNaN(x) ? NaN : x > 6 ? 6 : x > 0 ? x : 0),
  leakyRelu: (x, p) => (x >= 0 ? x : num(p, 'alpha') * x),
  prelu: (x, p) => (x >= 0 ? x : num(p, 'alpha') * x),
  elu: (x, p) => elu64(x, num(p, 'alpha')),
  selu: (x) => SELU_SCALE * elu64(x, SELU_ALPHA),
  celu: (x, p) => {
    const a = num(p, 'alpha');
    if (Number.isNaN(x)) return NaN;
    return Math.max(0, x) + Math.min(0, a * Math.expm1(x / a));
  },
  gelu: (x, p) => (p['approximate'] === 'tanh' ? geluTanh64(x) : gelu64(x)),
  silu: (x) => (x === -Infinity ? 0 : x * sigmoid64(x)),
  mish: (x) => (x === -Infinity ? 0 : x * Math.tanh(softplus64(x))),
  softplus: (x, p) => {
    const b = num(p, 'beta');
    const bx = b * x;
    if (inDtype(p, bx) > num(p, 'threshold')) return x;
    return softplus64(bx) / b;
  },
  softsign: (x) => (x === Infinity ? 1 : x === -Infinity ? -1 : x / (1 + Math.abs(x))),
  hardSigmoid: (x) => (Number.isNaN(x) ? NaN : x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6),
  hardSwish: (x) => (Number.isNaN(x) ? NaN : x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
  hardTanh: (x, p) => (Number.isNaN(x) ? NaN : x < num(p, 'min') ? num(p, 'min') : x > num(p, 'max') ? num(p, 'max') : x),
  logSigmoid: (x) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x))),
  tanhshrink: (x) => (Math.abs(x) < 0.5 ? tanhshrinkSeries64(x) : x - Math.tanh(x)),
  softshrink: (x, p) => {
    const l = num(p, 'lambda');
    return Number.isNaN(x) ? NaN : x > l ? x - l : x < -l ? x + l : 0;
  },
  hardshrink: (x, p) => (Number.isNaN(x) ? NaN : Math.abs(x) > num(p, 'lambda') ? x : 0),
};

// ---------------------------------------------------------------- Decimal --

const ZERO = new D(0), ONE = new D(1);
const PI_D = DW.acos(-1);
const SQRT_PI = PI_D.sqrt();
const SQRT_PI_E = DE.acos(-1).sqrt();
const SQRT2 = new DW(2).sqrt();
const GELU_KD = new DW(2).div(PI_D).sqrt();

/** e^x, with the tails that need no digits cut short (|x| beyond any float result). */
function expD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  // Beyond +-760 e^x is below half the smallest float64 subnormal relative to
  // anything it is added to or divided into, and decimal.js is slow there.
  if (x.gt(760)) return new D(Infinity);
  if (x.lt(-760)) return ZERO;
  return x.exp();
}

function expm1D(x: Decimal): Decimal {
  if (x.abs().lt(1e-8)) {
    // x + x^2/2! + ... + x^7/7!: relative error below 1e-56.
    let term = x, sum = x;
    for (let k = 2; k <= 7; k++) { term = term.times(x).div(k); sum = sum.plus(term); }
    return sum;
  }
  if (x.lt(-760)) return new D(-1);
  return DW.exp(x).minus(1);
}

function log1pD(y: Decimal): Decimal {
  if (y.isZero()) return y;
  if (y.abs().lt(1e-8)) {
    let pw = y, sum = y;
    for (let k = 2; k <= 7; k++) { pw = pw.times(y); sum = k % 2 === 0 ? sum.minus(pw.div(k)) : sum.plus(pw.div(k)); }
    return sum;
  }
  if (!y.isFinite()) return y;
  return DW.ln(new DW(y).plus(1));
}

function sigmoidD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.gte(0)) return ONE.div(ONE.plus(expD(x.neg())));
  const e = expD(x);
  return e.div(ONE.plus(e));
}

function softplusD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  return x.gt(0) ? x.plus(log1pD(expD(x.neg()))) : log1pD(expD(x));
}

function tanhD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.abs().gt(200)) return new D(x.isNegative() ? -1 : 1).times(ONE.minus(expD(x.abs().times(-2)).times(2)));
  // tanh x = expm1(2x) / (expm1(2x) + 2): no cancellation for either sign.
  const e = expm1D(x.times(2));
  return e.div(e.plus(2));
}

function tanhshrinkD(x: Decimal): Decimal {
  if (!x.isFinite()) return x;
  if (x.abs().lt(0.5)) {
    const x2 = x.times(x);
    let s = ZERO;
    for (let n = SHRINK_CD.length - 1; n >= 0; n--) s = s.times(x2).plus(SHRINK_CD[n]!);
    return s.times(x2).times(x);
  }
  return new DW(x).minus(tanhD(x));
}

/** erfc(z) for z >= 0 in Decimal. */
function erfcD(z: Decimal): Decimal {
  if (z.gt(1e4)) return ZERO;
  if (z.lt(5)) {
    const Z = new DE(z);
    const z2 = Z.times(Z);
    let term = Z, sum = Z;
    for (let n = 1; n < 2000; n++) {
      term = term.times(z2).times(2).div(2 * n + 1);
      sum = sum.plus(term);
      if (term.lt(sum.times('1e-60'))) break;
    }
    return new D(new DE(1).minus(sum.times(DE.exp(z2.neg())).times(2).div(SQRT_PI_E)));
  }
  const tiny = new DW('1e-300');
  const Z = new DW(z);
  let f = Z, C = Z, Dd = new DW(0);
  for (let n = 1; n < 20000; n++) {
    const an = new DW(n).div(2);
    Dd = Z.plus(an.times(Dd)); if (Dd.isZero()) Dd = tiny; Dd = new DW(1).div(Dd);
    C = Z.plus(an.div(C)); if (C.isZero()) C = tiny;
    const delta = C.times(Dd);
    f = f.times(delta);
    if (delta.minus(1).abs().lt('1e-45')) break;
  }
  return DW.exp(Z.times(Z).neg()).div(SQRT_PI).div(f);
}

function geluD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return x.isNegative() ? ZERO : x;
  const z = x.abs().div(SQRT2);
  if (x.gte(0)) return x.times(ONE.minus(erfcD(z).div(2)));
  return x.times(erfcD(z)).div(2);
}

function geluTanhD(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return x.isNegative() ? ZERO : x;
  const u = GELU_KD.times(x.plus(new DW('0.044715').times(x.pow(3))));
  return x.times(sigmoidD(u.times(2)));
}

const nd = (p: Params, k: string): Decimal => exactDecimal(num(p, k));
const SELU_AD = exactDecimal(SELU_ALPHA);
const SELU_SD = exactDecimal(SELU_SCALE);

function eluD(x: Decimal, a: Decimal): Decimal {
  if (x.isNaN()) return x;
  return x.gt(0) ? x : a.times(expm1D(x));
}

const maxD = (a: Decimal, b: Decimal): Decimal => (a.gt(b) ? a : b);
const minD = (a: Decimal, b: Decimal): Decimal => (a.lt(b) ? a : b);

export const refDec: Readonly<Record<string, RefDec>> = {
  identity: (x) => x,
  step: (x, p) => (x.isNaN() ? x : x.gte(nd(p, 'threshold')) ? ONE : ZERO),
  threshold: (x, p) => (x.isNaN() ? x : x.gt(nd(p, 'threshold')) ? x : nd(p, 'value')),
  sigmoid: (x) => sigmoidD(x),
  tanh: (x) => tanhD(x),
  relu: (x) => (x.isNaN() ? x : x.gt(0) ? x : ZERO),
  relu6: (x) => (x.isNaN() ? x : x.gt(6) ? new D(6) : x.gt(0) ? x : ZERO),
  leakyRelu: (x, p) => (x.isNaN() ? x : x.gte(0) ? x : nd(p, 'alpha').times(x)),
  prelu: (x, p) => (x.isNaN() ? x : x.gte(0) ? x : nd(p, 'alpha').times(x)),
  elu: (x, p) => eluD(x, nd(p, 'alpha')),
  selu: (x) => (x.isNaN() ? x : SELU_SD.times(eluD(x, SELU_AD))),
  celu: (x, p) => {
    if (x.isNaN()) return x;
    const a = nd(p, 'alpha');
    const neg = a.times(expm1D(new DW(x).div(a)));
    return maxD(ZERO, x).plus(minD(ZERO, neg));
  },
  gelu: (x, p) => (p['approximate'] === 'tanh' ? geluTanhD(x) : geluD(x)),
  silu: (x) => (x.isNaN() ? x : x.isFinite() ? x.times(sigmoidD(x)) : x.isNegative() ? ZERO : x),
  mish: (x) => (x.isNaN() ? x : x.isFinite() ? x.times(tanhD(softplusD(x))) : x.isNegative() ? ZERO : x),
  softplus: (x, p) => {
    if (x.isNaN()) return x;
    const b = nd(p, 'beta');
    const bx = b.times(x);
    if (inDtype(p, num(p, 'beta') * x.toNumber()) > num(p, 'threshold')) return x;
    return softplusD(bx).div(b);
  },
  softsign: (x) => (x.isNaN() ? x : x.isFinite() ? x.div(ONE.plus(x.abs())) : new D(x.isNegative() ? -1 : 1)),
  hardSigmoid: (x) => (x.isNaN() ? x : x.lte(-3) ? ZERO : x.gte(3) ? ONE : x.plus(3).div(6)),
  hardSwish: (x) => (x.isNaN() ? x : x.lte(-3) ? ZERO : x.gte(3) ? x : x.times(x.plus(3)).div(6)),
  hardTanh: (x, p) => (x.isNaN() ? x : x.lt(nd(p, 'min')) ? nd(p, 'min') : x.gt(nd(p, 'max')) ? nd(p, 'max') : x),
  logSigmoid: (x) => (x.isNaN() ? x : softplusD(x.neg()).neg()),
  tanhshrink: (x) => (x.isNaN() ? x : tanhshrinkD(x)),
  softshrink: (x, p) => {
    if (x.isNaN()) return x;
    const l = nd(p, 'lambda');
    return x.gt(l) ? x.minus(l) : x.lt(l.neg()) ? x.plus(l) : ZERO;
  },
  hardshrink: (x, p) => (x.isNaN() ? x : x.abs().gt(nd(p, 'lambda')) ? x : ZERO),
};

// ------------------------------------------------------------ axis family --

export type AxisMode = 'softmax' | 'logSoftmax' | 'softmin';

/**
 * softmax family over one slice in float64 (for float32 results): the sum
 * without its largest term is kept apart so that ln(sum) = log1p(rest) keeps
 * full relative accuracy when the sum is close to 1.
 */
export function axisRef64(row: ArrayLike<number>, mode: AxisMode): number[] {
  const n = row.length;
  const v = Array.from(row, (t) => (mode === 'softmin' ? -t : t));
  if (v.some((t) => Number.isNaN(t))) return v.map(() => NaN);
  let m = -Infinity, arg = -1;
  for (let i = 0; i < n; i++) if (v[i]! > m) { m = v[i]!; arg = i; }
  if (m === Infinity || m === -Infinity) return v.map(() => NaN);
  const e = v.map((t) => Math.exp(t - m));
  let rest = 0;
  for (let i = 0; i < n; i++) if (i !== arg) rest += e[i]!;
  const s = 1 + rest;
  if (mode === 'logSoftmax') {
    const ls = Math.log1p(rest);
    return v.map((t) => t - m - ls);
  }
  return e.map((t) => t / s);
}

/** softmax family over one slice in Decimal (for float64 results). */
export function axisRefDec(row: ArrayLike<number>, mode: AxisMode): Decimal[] {
  const n = row.length;
  const v = Array.from(row, (t) => exactDecimal(mode === 'softmin' ? -t : t));
  if (v.some((t) => t.isNaN())) return v.map(() => new D(NaN));
  let m = new D(-Infinity);
  for (const t of v) if (t.gt(m)) m = t;
  if (!m.isFinite()) return v.map(() => new D(NaN));
  const e = v.map((t) => expD(t.minus(m)));
  const s = e.reduce((a, b) => a.plus(b), new DW(0));
  if (mode === 'logSoftmax') {
    const ls = DW.ln(s);
    return v.map((t) => (t.isFinite() ? new DW(t).minus(m).minus(ls) : t));
  }
  return e.map((t) => new DW(t).div(s));
}
