// Distance, in ULPs of the result type, between a computed value and the exact
// value (SPEC section 6).
//
// Each real v is mapped to a continuous "ordinal": the index of the float at or
// below |v| plus the fraction of the way to the next float, signed. Floats map
// to integers (adjacent floats differ by 1, +0 and -0 both map to 0), so the
// distance |ord(y) - ord(exact)| counts float steps across binades and across
// zero. A real value at or beyond the overflow threshold (it rounds to
// infinity) maps to the ordinal of infinity.
//
// SPEC 6 counts the error against "the exact value rounded once"; an integer
// distance <= k from round(exact) is the same as a real distance <= k + 1/2 from
// exact (ties aside), which is what `withinBound` accepts. For the exact class
// (k = 0) that means correctly rounded.
import Decimal from 'decimal.js';

export type DType = 'f32' | 'f64';

const F32_OVERFLOW = 2 ** 128 - 2 ** 103; // reals >= this round to Infinity in f32
const F32_INF_ORD = 255 * 2 ** 23;

/** Ordinal of a real value (given as a float64) on the float32 grid. */
export function ord32(v: number): number {
  if (Number.isNaN(v)) return NaN;
  if (v === 0) return 0;
  const s = v < 0 ? -1 : 1;
  const a = Math.abs(v);
  if (a >= F32_OVERFLOW) return s * F32_INF_ORD;
  if (a < 2 ** -126) return (s * a) / 2 ** -149;
  let e = Math.floor(Math.log2(a));
  let p = 2 ** e;
  if (p > a) { e--; p /= 2; } else if (2 * p <= a) { e++; p *= 2; }
  return s * ((e + 127) * 2 ** 23 + (a - p) / 2 ** (e - 23));
}

const D = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15, toExpNeg: -7, toExpPos: 21 });
const TWO = new D(2);
const P2 = new Map<number, Decimal>();
function pow2(e: number): Decimal {
  let p = P2.get(e);
  if (p === undefined) { p = TWO.pow(e); P2.set(e, p); }
  return p;
}
const F64_OVERFLOW = pow2(1024).minus(pow2(970));
const F64_INF_ORD = new D(2047).times(pow2(52));

/** Ordinal of a real value (a Decimal) on the float64 grid. */
export function ord64(v: Decimal): Decimal {
  if (v.isNaN()) return new D(NaN);
  if (v.isZero()) return new D(0);
  const neg = v.isNegative();
  const a = v.abs();
  let r: Decimal;
  if (!a.isFinite() || a.gte(F64_OVERFLOW)) r = F64_INF_ORD;
  else if (a.lt(pow2(-1022))) r = a.div(pow2(-1074));
  else {
    const approx = a.toNumber();
    let e = Math.floor(Math.log2(approx));
    if (e > 1023) e = 1023;
    let p = pow2(e);
    while (p.gt(a)) { e--; p = pow2(e); }
    while (pow2(e + 1).lte(a)) { e++; p = pow2(e); }
    r = new D(e + 1023).times(pow2(52)).plus(a.minus(p).div(pow2(e - 52)));
  }
  return neg ? r.neg() : r;
}

const view = new DataView(new ArrayBuffer(8));
/** Exact ordinal of a float64 (its bit pattern as a signed-magnitude integer). */
export function ordOfFloat64(y: number): Decimal {
  if (Number.isNaN(y)) return new D(NaN);
  if (y === Infinity) return F64_INF_ORD;
  if (y === -Infinity) return F64_INF_ORD.neg();
  view.setFloat64(0, Math.abs(y));
  const bits = view.getBigUint64(0);
  const d = new D(bits.toString());
  return y < 0 || Object.is(y, -0) ? d.neg() : d;
}

/** The exact value of a float64 as a Decimal (50 significant digits, far beyond float64). */
export function exactDecimal(x: number): Decimal {
  if (!Number.isFinite(x)) return new D(x);
  if (x === 0) return new D(Object.is(x, -0) ? '-0' : '0');
  return new D(x.toPrecision(50));
}

/** ULP distance for a float32 result y against an exact value given as a float64 (whose own error is far below an f32 ULP). */
export function ulpDistance32(y: number, exact: number): number {
  if (Number.isNaN(exact) || Number.isNaN(y)) return Number.isNaN(exact) && Number.isNaN(y) ? 0 : Infinity;
  return Math.abs(ord32(y) - ord32(exact));
}

/** ULP distance for a float64 result y against an exact Decimal value. */
export function ulpDistance64(y: number, exact: Decimal): number {
  if (exact.isNaN() || Number.isNaN(y)) return exact.isNaN() && Number.isNaN(y) ? 0 : Infinity;
  return ordOfFloat64(y).minus(ord64(exact)).abs().toNumber();
}

export interface Bound {
  /** Max ULPs from the correctly rounded value (0: exact). */
  readonly ulp: number;
  /** SPEC 6: where |result| < 2^-20, an absolute error of 2^-24 (f32) or 2^-53 (f64) is also accepted. */
  readonly absoluteBelowTiny: boolean;
}

/** Slack for the reference's own error (f32 side: a float64 reference is ~1e-8 f32 ULP off). */
const SLACK = 1e-3;

/** True when y meets the bound against the exact value (f32: exact as float64; f64: exact as Decimal). */
export function withinBound(dtype: DType, y: number, exact: number | Decimal, bound: Bound): boolean {
  const d = dtype === 'f32' ? ulpDistance32(y, exact as number) : ulpDistance64(y, exact as Decimal);
  if (d <= bound.ulp + 0.5 + SLACK) return true;
  if (!bound.absoluteBelowTiny || !Number.isFinite(y)) return false;
  if (dtype === 'f32') {
    const e = exact as number;
    return Math.abs(e) < 2 ** -20 && Math.abs(y - e) <= 2 ** -24;
  }
  const e = exact as Decimal;
  return e.abs().lt(2 ** -20) && exactDecimal(y).minus(e).abs().lte(2 ** -53);
}

/** Distance for reporting. */
export function distance(dtype: DType, y: number, exact: number | Decimal): number {
  return dtype === 'f32' ? ulpDistance32(y, exact as number) : ulpDistance64(y, exact as Decimal);
}
