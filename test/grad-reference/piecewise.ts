// Reference derivatives of the piecewise family, from the math and PyTorch's
// values at kinks (never from src/): the exact f'(x) for a piecewise-linear
// function is a constant per piece; hardSwish' = x/3 + 1/2 on [-3, 3]
// (PyTorch's hardswish_backward), softsign' = 1 / (1 + |x|)^2.
import Decimal from 'decimal.js';
import { D, type Params } from '../reference.js';

type Ref64 = (x: number, p: Params) => number;
type RefDec = (x: Decimal, p: Params) => Decimal;
const num = (p: Params, k: string): number => p[k] as number;
const nan = (x: number, v: number): number => (Number.isNaN(x) ? NaN : v);

export const gradRef64: Readonly<Record<string, Ref64>> = {
  identity: (x) => nan(x, 1),
  step: (x) => nan(x, 0),
  threshold: (x, p) => nan(x, x > num(p, 'threshold') ? 1 : 0),
  relu: (x) => nan(x, x > 0 ? 1 : 0),
  relu6: (x) => nan(x, x > 0 && x < 6 ? 1 : 0),
  leakyRelu: (x, p) => nan(x, x > 0 ? 1 : num(p, 'alpha')),
  hardTanh: (x, p) => nan(x, x > num(p, 'min') && x < num(p, 'max') ? 1 : 0),
  softshrink: (x, p) => nan(x, Math.abs(x) > num(p, 'lambda') ? 1 : 0),
  hardshrink: (x, p) => nan(x, Math.abs(x) > num(p, 'lambda') ? 1 : 0),
  hardSigmoid: (x) => nan(x, x > -3 && x < 3 ? 1 / 6 : 0),
  // x/3 + 1/2 in float64 is within 2^-53 relative of exact except near x = -1.5, where 2x + 3 is exact.
  hardSwish: (x) => nan(x, x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6),
  softsign: (x) => 1 / (1 + Math.abs(x)) / (1 + Math.abs(x)),
};

export const gradRefDec: Readonly<Record<string, RefDec>> = {
  identity: () => new D(1),
  step: () => new D(0),
  threshold: (x, p) => new D(x.greaterThan(num(p, 'threshold')) ? 1 : 0),
  relu: (x) => new D(x.greaterThan(0) ? 1 : 0),
  relu6: (x) => new D(x.greaterThan(0) && x.lessThan(6) ? 1 : 0),
  leakyRelu: (x, p) => (x.greaterThan(0) ? new D(1) : new D(num(p, 'alpha'))),
  hardTanh: (x, p) => new D(x.greaterThan(num(p, 'min')) && x.lessThan(num(p, 'max')) ? 1 : 0),
  softshrink: (x, p) => new D(x.abs().greaterThan(num(p, 'lambda')) ? 1 : 0),
  hardshrink: (x, p) => new D(x.abs().greaterThan(num(p, 'lambda')) ? 1 : 0),
  hardSigmoid: (x) => (x.greaterThan(-3) && x.lessThan(3) ? new D(1).div(6) : new D(0)),
  hardSwish: (x) => (x.lessThan(-3) ? new D(0) : x.greaterThan(3) ? new D(1) : x.div(3).plus(0.5)),
  softsign: (x) => new D(1).div(x.abs().plus(1).pow(2)),
};
