// Reference vector-Jacobian products of the softmax family over one slice,
// written from the math (never from src/):
//   s = softmax(v), v = x (softmin: v = -x)
//   softmax:    g_i = s_i (dy_i - T),  T = sum_j dy_j s_j
//   softmin:    g_i = -s_i (dy_i - T)  (the chain rule through v = -x)
//   logSoftmax: g_i = dy_i - s_i D,    D = sum_j dy_j
// with dy omitted meaning ones. Besides the value, each element gets the
// scale the error of any algorithm that starts from a softmax s~ with
// relative error eps must be measured against (the condition of the VJP):
//   M_i = s_i (|dy_i - T| + sum_j |dy_j| s_j)  (softmax, softmin)
//   M_i = s_i |D|                              (logSoftmax)
// since |g~_i - g_i| <= eps M_i + (rounding of the result) to first order, and
// the weight W_i = |dy_i - T| + sum_j |dy_j| s_j (logSoftmax |D|) of an
// absolute error in s (what an exp that underflows leaves).
// Slices that are NaN in the forward (NaN in x, +Inf in v, all -Inf) or hold
// a NaN in dy give NaN.
import Decimal from 'decimal.js';
import { D } from '../reference.js';
import { exactDecimal } from '../ulp.js';

export type AxisMode = 'softmax' | 'logSoftmax' | 'softmin';
export const AXIS_MODES: readonly AxisMode[] = ['softmax', 'logSoftmax', 'softmin'];

export interface VjpRef64 {
  /** the exact VJP (its float64 approximation, error ~1e-15 M_i) */
  readonly g: Float64Array;
  readonly scale: Float64Array;
  readonly weight: Float64Array;
}

/** Neumaier sum of a float64 array. */
function nsum(a: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

function nanSlice(n: number): VjpRef64 {
  return { g: new Float64Array(n).fill(NaN), scale: new Float64Array(n).fill(NaN), weight: new Float64Array(n).fill(NaN) };
}

/** The VJP of one slice in float64 (for float32 results: its error is far below 2^-24 M_i). */
export function vjpRef64(x: ArrayLike<number>, dy: ArrayLike<number> | null, mode: AxisMode): VjpRef64 {
  const n = x.length;
  const v = Array.from(x, (t) => (mode === 'softmin' ? -t : t));
  const d = dy === null ? new Array<number>(n).fill(1) : Array.from(dy);
  if (v.some(Number.isNaN) || d.some(Number.isNaN)) return nanSlice(n);
  let m = -Infinity, arg = -1;
  for (let i = 0; i < n; i++) if (v[i]! > m) { m = v[i]!; arg = i; }
  if (m === Infinity || m === -Infinity) return nanSlice(n);
  const e = v.map((t) => Math.exp(t - m));
  // S = 1 + rest, the largest term kept apart
  const rest = nsum(e.filter((_, i) => i !== arg));
  const S = 1 + rest;
  const s = e.map((t) => t / S);
  const g = new Float64Array(n), scale = new Float64Array(n), weight = new Float64Array(n);
  if (mode === 'logSoftmax') {
    const Dsum = nsum(d);
    for (let i = 0; i < n; i++) {
      g[i] = d[i]! - s[i]! * Dsum;
      scale[i] = s[i]! * Math.abs(Dsum);
      weight[i] = Math.abs(Dsum);
    }
  } else {
    const T = nsum(d.map((t, j) => t * s[j]!));
    const A = nsum(d.map((t, j) => Math.abs(t) * s[j]!));
    const sign = mode === 'softmin' ? -1 : 1;
    for (let i = 0; i < n; i++) {
      // dy_i - T with the error of T only (T's float64 error is ~2^-53 A)
      const diff = d[i]! - T;
      g[i] = sign * s[i]! * diff;
      scale[i] = s[i]! * (Math.abs(diff) + A);
      weight[i] = Math.abs(diff) + A;
    }
  }
  return { g, scale, weight };
}

export interface VjpRefDec {
  readonly g: Decimal[];
  readonly scale: Float64Array;
  readonly weight: Float64Array;
}

const DZERO = new D(0);

/**
 * The VJP of one slice in decimal.js (40 digits: for float64 results). With
 * `repeat` r > 1 the slice is x (and dy) repeated r times, and the result
 * is that of one period (every period is the same): the sums are r times
 * the period's, so long slices cost one period.
 */
export function vjpRefDec(x: ArrayLike<number>, dy: ArrayLike<number> | null, mode: AxisMode, repeat = 1): VjpRefDec {
  const n = x.length;
  const v = Array.from(x, (t) => (mode === 'softmin' ? -t : t));
  const d = dy === null ? new Array<number>(n).fill(1) : Array.from(dy);
  if (v.some(Number.isNaN) || d.some(Number.isNaN)) {
    const r = nanSlice(n);
    return { g: v.map(() => new D(NaN)), scale: r.scale, weight: r.weight };
  }
  let m = -Infinity;
  for (const t of v) if (t > m) m = t;
  if (m === Infinity || m === -Infinity) {
    const r = nanSlice(n);
    return { g: v.map(() => new D(NaN)), scale: r.scale, weight: r.weight };
  }
  const md = exactDecimal(m);
  const r = new D(repeat);
  // e^(v - m); below e^-800 the term is far below any float64 the result can hold, and counts as 0
  const e = v.map((t) => {
    if (t === -Infinity) return DZERO;
    const dd = new D(exactDecimal(t)).minus(md);
    return dd.lt(-800) ? DZERO : dd.exp();
  });
  const S = e.reduce((a, b) => a.plus(b), DZERO).times(r);
  const s = e.map((t) => t.div(S));
  const dd = d.map((t) => new D(exactDecimal(t)));
  const g: Decimal[] = [];
  const scale = new Float64Array(n), weight = new Float64Array(n);
  if (mode === 'logSoftmax') {
    const Dsum = dd.reduce((a, b) => a.plus(b), DZERO).times(r);
    for (let i = 0; i < n; i++) {
      g.push(dd[i]!.minus(s[i]!.times(Dsum)));
      scale[i] = s[i]!.times(Dsum.abs()).toNumber();
      weight[i] = Dsum.abs().toNumber();
    }
  } else {
    let T = DZERO, A = DZERO;
    for (let j = 0; j < n; j++) {
      T = T.plus(dd[j]!.times(s[j]!));
      A = A.plus(dd[j]!.abs().times(s[j]!));
    }
    T = T.times(r);
    A = A.times(r);
    for (let i = 0; i < n; i++) {
      const diff = dd[i]!.minus(T);
      const gi = s[i]!.times(diff);
      g.push(mode === 'softmin' ? gi.neg() : gi);
      scale[i] = s[i]!.times(diff.abs().plus(A)).toNumber();
      weight[i] = diff.abs().plus(A).toNumber();
    }
  }
  return { g, scale, weight };
}
