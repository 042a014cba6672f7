// float64 references for the accuracy columns of the benchmark, and the max ULP error of a
// float32 result against them. Params are the catalog's defaults rounded to float32 (what a
// call on a Float32Array uses); alpha of leakyRelu is fround(0.01) and so on.
//
// ULP error: the distance, in float32 steps, between the result and the float64 reference
// rounded to float32 (0 = correctly rounded, as in SPEC section 6).

const f = Math.fround;

/** erf(z) for |z| < 2 by its Taylor series (absolute error < 1e-15). */
function erfSeries(z) {
  // erf z = 2/sqrt(pi) sum_k (-1)^k z^(2k+1) / (k! (2k+1))
  const z2 = z * z;
  let term = z, sum = z;
  for (let k = 1; k < 200; k++) {
    term *= -z2 / k;
    const add = term / (2 * k + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(z) for z >= 2 by its continued fraction (modified Lentz; relative error < 1e-15). */
function erfcFraction(z) {
  // erfc z = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...)))))
  const tiny = 1e-300;
  let fv = z, C = z, D = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    D = z + a * D; if (D === 0) D = tiny; D = 1 / D;
    C = z + a / C; if (C === 0) C = tiny;
    const delta = C * D;
    fv *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / fv;
}

/** Phi(x) = (1 + erf(x / sqrt 2)) / 2, accurate in the lower tail too. */
function normalCdf(x) {
  const z = x * Math.SQRT1_2;
  if (z <= -2) return erfcFraction(-z) / 2;
  if (z >= 2) return 1 - erfcFraction(z) / 2;
  return (1 + erfSeries(z)) / 2;
}

/** x - tanh x without cancellation near 0. */
function tanhshrink(x) {
  if (Math.abs(x) >= 0.1) return x - Math.tanh(x);
  const x2 = x * x;
  // x^3/3 - 2x^5/15 + 17x^7/315 - 62x^9/2835 + 1382x^11/155925 - 21844x^13/6081075 + 929569x^15/638512875
  const c = [1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075, 929569 / 638512875];
  let p = 0;
  for (let i = c.length - 1; i >= 0; i--) p = p * x2 + c[i];
  return p * x2 * x;
}

const SELU_A = 1.6732632423543772, SELU_S = 1.0507009873554805;
const elu = (x, a) => (x > 0 ? x : a * Math.expm1(x));
const hardSigmoid = (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5);
const softplus = (x) => (x > 20 ? x : x > -30 ? Math.log1p(Math.exp(x)) : Math.exp(x));

/** name -> elementwise float64 function. */
const ELEMENTWISE = {
  identity: (x) => x,
  step: (x) => (x >= 0 ? 1 : 0),
  threshold: (x) => (x > f(0.1) ? x : -1),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(Math.max(0, x), 6),
  leakyRelu: (x) => (x >= 0 ? x : f(0.01) * x),
  prelu: (x) => (x >= 0 ? x : 0.25 * x),
  elu: (x) => elu(x, 1),
  selu: (x) => SELU_S * elu(x, SELU_A),
  celu: (x) => Math.max(0, x) + Math.min(0, Math.expm1(x)),
  gelu: (x) => x * normalCdf(x),
  silu: (x) => x / (1 + Math.exp(-x)),
  mish: (x) => x * Math.tanh(softplus(x)),
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  hardSigmoid,
  hardSwish: (x) => x * hardSigmoid(x),
  hardTanh: (x) => Math.min(Math.max(x, -1), 1),
  logSigmoid: (x) => -softplus(-x),
  tanhshrink,
  softshrink: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0),
  hardshrink: (x) => (Math.abs(x) > 0.5 ? x : 0),
};

/** The float64 reference of `name` on the first `limit` elements of x (axis functions over all of x). */
export function reference(name, x, limit = x.length) {
  const m = Math.min(limit, x.length);
  const ref = new Float64Array(m);
  const g = ELEMENTWISE[name];
  if (g) {
    for (let i = 0; i < m; i++) ref[i] = g(x[i]);
    return ref;
  }
  const sign = name === 'softmin' ? -1 : 1;
  if (name !== 'softmax' && name !== 'logSoftmax' && name !== 'softmin') return null;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, sign * x[i]);
  // Neumaier summation of exp(x_i - max).
  let s = 0, c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.exp(sign * x[i] - max);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  s += c;
  if (name === 'logSoftmax') {
    const l = Math.log(s);
    for (let i = 0; i < m; i++) ref[i] = (x[i] - max) - l;
  } else {
    for (let i = 0; i < m; i++) ref[i] = Math.exp(sign * x[i] - max) / s;
  }
  return ref;
}

const bits = new Uint32Array(1);
const flt = new Float32Array(bits.buffer);
/** Position of a float32 on the ordered line of float32 values (+0 and -0 both 0). */
function ordinal(v) {
  flt[0] = v;
  const u = bits[0];
  return u & 0x80000000 ? -(u & 0x7fffffff) : u;
}

/** Max ULP distance of y[0..ref.length) from ref rounded to float32; Infinity when a NaN is where none belongs. */
export function maxUlp(y, ref) {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = f(ref[i]), v = y[i];
    if (v === r) continue;
    if (Number.isNaN(v) || Number.isNaN(r)) {
      if (Number.isNaN(v) && Number.isNaN(r)) continue;
      return Infinity;
    }
    const d = Math.abs(ordinal(v) - ordinal(r));
    if (d > worst) worst = d;
  }
  return worst;
}
