// Reference derivatives of the tanh family and gelu, written from the
// analytic derivatives (nothing here comes from src/ or assembly/):
//
//   tanh'       = sech^2 x = 4e / (1 + e)^2, e = e^-2|x|
//   tanhshrink' = tanh^2 x
//   mish'       = tanh(sp) + x sech^2(sp) sigma(x), sp = ln(1 + e^x)
//               = E (4(1 + x) + E (6 + 4x) + 4E^2 + E^3) / (2 + 2E + E^2)^2, E = e^x
//   gelu'       = Phi(x) + x phi(x)
//   geluTanh'   = d/dx x sigma(v) = sigma(v) + x sigma(v) (1 - sigma(v)) v',
//                 v = 2 sqrt(2/pi) (x + 0.044715 x^3), v' = 2 sqrt(2/pi) (1 + 3 0.044715 x^2)
//
// - `gradRef64[kernel](x, p)`: float64 evaluation written where it does not
//   cancel (error ~1e-13 relative or better: far below half an f32 ULP, the
//   exact value for f32 results). mish', gelu' and geluTanh' cross zero once;
//   there the float64 forms cancel, so within a small window around each zero
//   the value comes from the Decimal reference instead (a few hundred f32
//   inputs per window at most).
// - `gradRefDec[kernel](x, p)`: decimal.js at 60 digits (80 where a series
//   cancels), the exact value for f64 results, tails included.
import Decimal from 'decimal.js';
import { D, erfc64, type Params } from '../reference.js';

export type GradRef64 = (x: number, p: Params) => number;
export type GradRefDec = (x: Decimal, p: Params) => Decimal;

const DW = D.clone({ precision: 60 });
const DX = D.clone({ precision: 80 });

// ---------------------------------------------------------------- float64 --

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_K = Math.sqrt(2 / Math.PI);

/** Zeros of mish', gelu', geluTanh' (to ~1e-9; only used to place the Decimal windows) and the windows' half-widths. */
const ZEROS: Record<string, [number, number]> = {
  mish: [-1.1924312145, 1e-4],
  gelu: [-0.7517915247, 3e-4],
  geluTanh: [-0.7524614221, 3e-4],
};
function nearZero(name: string, x: number): boolean {
  const [x0, h] = ZEROS[name]!;
  return Math.abs(x - x0) < h;
}

function tanhGrad64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const e = Math.exp(-2 * Math.abs(x));
  return (4 * e) / ((1 + e) * (1 + e));
}

function tanhshrinkGrad64(x: number): number {
  const t = Math.tanh(x);
  return t * t;
}

function mishGrad64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  if (nearZero('mish', x)) return gradRefDec['mish']!(new DW(x), {}).toNumber();
  if (x > 0) {
    // Multiplied through by e^-4x: all terms positive.
    const w = Math.exp(-x);
    const w2 = w * w;
    const den = 1 + 2 * w + 2 * w2;
    return (1 + 4 * w + (6 + 4 * x) * w2 + 4 * (1 + x) * w2 * w) / (den * den);
  }
  // 4(1 + x) is exact and carries the tail; away from the zero the rest does not cancel it.
  const E = Math.exp(x);
  const om = 4 * (1 + x) + E * (6 + 4 * x) + 4 * E * E + E * E * E;
  const den = 2 + 2 * E + E * E;
  return (E * om) / (den * den);
}

function geluGrad64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  if (nearZero('gelu', x)) return gradRefDec['gelu']!(new DW(x), {}).toNumber();
  const a = Math.abs(x);
  const phi = Math.exp(-(x * x) / 2) * INV_SQRT_2PI;
  const tail = erfc64(a * Math.SQRT1_2) / 2; // Phi(-a)
  return x < 0 ? tail - a * phi : 1 - tail + a * phi;
}

function geluTanhGrad64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  if (nearZero('geluTanh', x)) return gradRefDec['geluTanh']!(new DW(x), {}).toNumber();
  const v = 2 * GELU_K * (x + 0.044715 * x * x * x);
  const dv = 2 * GELU_K * (1 + 3 * 0.044715 * x * x);
  if (x < 0) {
    // sigma(v) = e/(1 + e), 1 - sigma = 1/(1 + e), e = e^v.
    const e = Math.exp(v);
    return (e * (1 + e + x * dv)) / ((1 + e) * (1 + e));
  }
  const e = Math.exp(-v);
  if (e === 0) return 1;
  return (1 + e + x * dv * e) / ((1 + e) * (1 + e));
}

export const gradRef64: Readonly<Record<string, GradRef64>> = {
  tanh: tanhGrad64,
  tanhshrink: tanhshrinkGrad64,
  mish: mishGrad64,
  gelu: (x, p) => (p['approximate'] === 'tanh' ? geluTanhGrad64(x) : geluGrad64(x)),
  geluTanh: geluTanhGrad64,
};

// ---------------------------------------------------------------- Decimal --

const ZERO = new DW(0), ONE = new DW(1), TWO = new DW(2), FOUR = new DW(4);

/** e^x; 0 and Infinity where no float64 result could tell (|x| > 800). */
function expW(x: Decimal): Decimal {
  if (x.lt(-800)) return ZERO;
  if (x.gt(800)) return new DW(Infinity);
  return DW.exp(x);
}

function tanhW(x: Decimal): Decimal {
  const a = x.abs();
  let t: Decimal;
  if (a.lt(1e-6)) {
    // x - x^3/3 + 2x^5/15 - 17x^7/315: the next term is below 1e-42 relative.
    const z = a.times(a);
    t = a.times(ONE.minus(z.div(3)).plus(z.times(z).times(2).div(15)).minus(z.times(z).times(z).times(17).div(315)));
  } else {
    const e = expW(a.times(-2));
    t = ONE.minus(e).div(ONE.plus(e));
  }
  return x.isNegative() ? t.neg() : t;
}

/** Phi(-a) for a >= 0. */
function phiTail(a: Decimal): Decimal {
  if (a.gt(45)) return ZERO; // below 1e-440
  if (a.lt(9)) {
    // Phi(-a) = 1/2 - phi(a) (a + a^3/3 + a^5/15 + ...): positive terms, up to e^(a^2/2) times the result; 80 digits.
    const A = new DX(a);
    const z = A.times(A);
    let term = A, sum = A;
    for (let n = 1; n < 4000; n++) {
      term = term.times(z).div(2 * n + 1);
      sum = sum.plus(term);
      if (term.lt(sum.times('1e-82'))) break;
    }
    const phi = DX.exp(z.div(-2)).div(DX.sqrt(DX.acos(-1).times(2)));
    return new DW(new DX(0.5).minus(phi.times(sum)));
  }
  // Mills ratio R(a) = Phi(-a)/phi(a) = 1/(a + 1/(a + 2/(a + 3/(a + ...)))), evaluated from the bottom.
  let f = new DW(a);
  for (let k = 400; k >= 1; k--) f = a.plus(new DW(k).div(f));
  return DW.exp(a.times(a).div(-2)).div(DW.sqrt(DW.acos(-1).times(2))).div(f);
}

const GELU_KW = DW.sqrt(TWO.div(DW.acos(-1)));
const C044715 = new DW('0.044715');

export const gradRefDec: Readonly<Record<string, GradRefDec>> = {
  tanh: (x) => {
    if (x.isNaN()) return x;
    const e = expW(x.abs().times(-2));
    return FOUR.times(e).div(ONE.plus(e).pow(2));
  },
  tanhshrink: (x) => {
    if (x.isNaN()) return x;
    if (!x.isFinite()) return ONE;
    return tanhW(x).pow(2);
  },
  mish: (x) => {
    if (x.isNaN()) return x;
    if (!x.isFinite()) return x.isNegative() ? ZERO : ONE;
    if (x.gt(0)) {
      const w = expW(x.neg());
      const w2 = w.times(w);
      const den = ONE.plus(w.times(2)).plus(w2.times(2));
      return ONE.plus(w.times(4)).plus(x.times(4).plus(6).times(w2)).plus(x.plus(1).times(4).times(w2).times(w)).div(den.pow(2));
    }
    const E = expW(x);
    const om = x.plus(1).times(4).plus(E.times(x.times(4).plus(6))).plus(E.pow(2).times(4)).plus(E.pow(3));
    return E.times(om).div(TWO.plus(E.times(2)).plus(E.pow(2)).pow(2));
  },
  gelu: (x, p) => (p['approximate'] === 'tanh' ? gradRefDec['geluTanh']!(x, p) : geluGradDec(x)),
  geluTanh: (x) => {
    if (x.isNaN()) return x;
    if (!x.isFinite()) return x.isNegative() ? ZERO : ONE;
    const X = new DW(x);
    const v = GELU_KW.times(2).times(X.plus(C044715.times(X.pow(3))));
    const dv = GELU_KW.times(2).times(ONE.plus(C044715.times(3).times(X.pow(2))));
    if (X.isNegative()) {
      const e = expW(v);
      return e.times(ONE.plus(e).plus(X.times(dv))).div(ONE.plus(e).pow(2));
    }
    const e = expW(v.neg());
    return ONE.plus(e).plus(X.times(dv).times(e)).div(ONE.plus(e).pow(2));
  },
};

function geluGradDec(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (!x.isFinite()) return x.isNegative() ? ZERO : ONE;
  const X = new DW(x);
  const a = X.abs();
  const phi = expW(a.times(a).div(-2)).div(DW.sqrt(DW.acos(-1).times(2)));
  const tail = phiTail(a);
  return X.isNegative() ? tail.minus(a.times(phi)) : ONE.minus(tail).plus(a.times(phi));
}
