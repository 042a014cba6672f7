// Reference derivatives of the exp family, written from the math (never from
// src/), keyed by kernel name, with params resolved and rounded as the
// functions use them (test/reference.ts `Params`):
//   sigmoid'(x)    = sigma(x) (1 - sigma(x)) = e / (1 + e)^2, e = e^-|x|
//   logSigmoid'(x) = sigma(-x)
//   silu'(x)       = sigma(x) (1 + x (1 - sigma(x)))
//   softplus'(x)   = sigma(beta x); 1 where the rounded beta x > threshold
//   elu'(x)        = 1 (x > 0), alpha e^x (x <= 0)
//   selu'(x)       = scale (x > 0), scale alpha e^x (x <= 0)
//   celu'(x)       = 1 (x > 0), e^(x / alpha) (x <= 0)
// gradRef64: float64 with care (no cancellation; near silu's zero at
// x = -1.2785 the Decimal one), the exact value for float32 results.
// gradRefDec: decimal.js at 40 digits, the exact value for float64 results.
import Decimal from 'decimal.js';
import { D, SELU_ALPHA, SELU_SCALE, type Params } from '../reference.js';
import { exactDecimal } from '../ulp.js';

type Ref64 = (x: number, p: Params) => number;
type RefDec = (x: Decimal, p: Params) => Decimal;

const num = (p: Params, k: string): number => p[k] as number;
const inDtype = (p: Params, v: number): number => (p['$dtype'] === 'f32' ? Math.fround(v) : v);

function sigmoidPrime64(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return e / (1 + e) / (1 + e);
}
function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
const sigmoidDec = (x: Decimal): Decimal => {
  if (x.isNegative()) {
    const e = D.exp(x);
    return e.div(e.plus(1));
  }
  return new D(1).div(D.exp(x.neg()).plus(1));
};
const dec = (x: number): Decimal => exactDecimal(x);

// sigma(x) (1 + x sigma(-x)), with 1 - sigma(x) taken as sigma(-x) so that nothing cancels at 40 digits
// but the factor's own zero near x = -1.2785 (the reason for the wider precision there).
const siluDec: RefDec = (x) => {
  const DP = D.clone({ precision: 80 });
  const xs = new DP(x);
  const sig = (v: Decimal): Decimal => (v.isNegative() ? DP.exp(v).div(DP.exp(v).plus(1)) : new DP(1).div(DP.exp(v.neg()).plus(1)));
  return new D(sig(xs).times(xs.times(sig(xs.neg())).plus(1)));
};

export const gradRef64: Readonly<Record<string, Ref64>> = {
  sigmoid: (x) => (Number.isNaN(x) ? NaN : sigmoidPrime64(x)),
  logSigmoid: (x) => sigmoid64(-x),
  silu: (x, p) => {
    if (Number.isNaN(x)) return NaN;
    if (x === Infinity) return 1;
    if (x === -Infinity) return 0;
    // Near the zero of silu' the float64 formula cancels: use the exact one.
    if (x > -1.4 && x < -1.15) return siluDec(dec(x), p).toNumber();
    if (x >= 0) return sigmoid64(x) + x * sigmoidPrime64(x);
    const e = Math.exp(x);
    return (e * (1 + x + e)) / (1 + e) / (1 + e);
  },
  softplus: (x, p) => {
    const beta = num(p, 'beta');
    if (inDtype(p, beta * x) > num(p, 'threshold')) return 1;
    // beta x is exact in float64 for float32 params and x.
    return sigmoid64(beta * x);
  },
  elu: (x, p) => (x > 0 ? 1 : num(p, 'alpha') * Math.exp(x)),
  selu: (x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x)),
  celu: (x, p) => (x > 0 ? 1 : Math.exp(x / num(p, 'alpha'))),
};

export const gradRefDec: Readonly<Record<string, RefDec>> = {
  // e / (1 + e)^2 with e = e^-|x|: s (1 - s) would cancel at any fixed precision for large x.
  sigmoid: (x) => {
    const e = D.exp(x.abs().neg());
    return e.div(e.plus(1).pow(2));
  },
  logSigmoid: (x) => sigmoidDec(x.neg()),
  silu: siluDec,
  softplus: (x, p) => {
    const beta = num(p, 'beta');
    if (inDtype(p, beta * x.toNumber()) > num(p, 'threshold')) return new D(1);
    return sigmoidDec(x.times(dec(beta)));
  },
  elu: (x, p) => (x.greaterThan(0) ? new D(1) : dec(num(p, 'alpha')).times(D.exp(x))),
  selu: (x) => (x.greaterThan(0) ? dec(SELU_SCALE) : dec(SELU_SCALE).times(dec(SELU_ALPHA)).times(D.exp(x))),
  celu: (x, p) => (x.greaterThan(0) ? new D(1) : D.exp(x.div(dec(num(p, 'alpha'))))),
};
