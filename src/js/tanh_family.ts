// Mirror of assembly/kernels/tanh_family.ts (the `one` methods), operation for
// operation; see there for the algorithms, fits and error bounds.
import type { JsGradKernel, JsUnaryKernel } from './map.js';
import { expF64, expScaledF32, expScaledF64, expm1F32, expm1F64 } from './core/exp.js';
import { productErrorF64, sumErrorF64 } from './core/dd.js';

const fr = Math.fround;

/** |magnitude| with the sign of x, like copysign. */
function copySign(magnitude: number, x: number): number {
  const m = Math.abs(magnitude);
  return x < 0 || Object.is(x, -0) ? -m : m;
}

function tanhF64(x: number): number {
  const e = expm1F64(Math.abs(x) * -2.0);
  const s = 2.0 + e;
  const d = e - (s - 2.0);
  const q = -e / s;
  return copySign(q - (q * d) / s, x);
}

export const tanh: JsUnaryKernel = {
  f32: (x) => {
    const e = expm1F32(fr(Math.abs(x) * -2.0));
    return copySign(fr(-e / (2.0 + e)), x);
  },
  f64: tanhF64,
};

const G_SCALE = 1.5384615384615383;
const G_OFFSET = -1.0;
const G = [
  0.2647146012515194, -0.05433329819131436, 0.011307423575589276, -0.002357091190390925,
  0.0004914536098114232, -0.00010247106020580847, 2.13659217439058e-05, -4.454944181261505e-06,
  9.288871054452249e-07, -1.9367957638888685e-07, 4.038355045645874e-08, -8.420002959241808e-09,
  1.7556296887838035e-09, -3.664466877884907e-10, 7.640670526538685e-11, -1.5578803078046507e-11,
  3.248289737193452e-12, -8.535567052887797e-13, 1.7797256130731392e-13,
];
const TANHSHRINK_SERIES_END = 1.14;

function horner19(c: readonly number[], t: number): number {
  let p = c[18]!;
  for (let j = 17; j >= 0; j--) p = p * t + c[j]!;
  return p;
}

function tanhshrinkF64(x: number): number {
  if (Math.abs(x) < TANHSHRINK_SERIES_END) {
    const z = x * x;
    return x * (z * horner19(G, z * G_SCALE + G_OFFSET));
  }
  return x - tanhF64(x);
}

export const tanhshrink: JsUnaryKernel = { f32: tanhshrinkF64, f64: tanhshrinkF64 };

const UNSCALE32 = 5.421010862427522e-20; // 2^-64
const UNSCALE64 = 2.938735877055719e-39; // 2^-128

function mishWideF64(x: number, es: number, unscale: number, xmin: number): number {
  const e = es * unscale;
  if (x < 0) {
    const ep2 = e + 2.0;
    return (((x < xmin ? xmin : x) * (es * ep2)) / (e * ep2 + 2.0)) * unscale;
  }
  const n = 1.0 + 2.0 * e;
  return x * (n / (n + (2.0 * e) * e));
}

export const mish: JsUnaryKernel = {
  f32: (x) => mishWideF64(x, expScaledF32(-Math.abs(x), 64), UNSCALE32, -200.0),
  f64: (x) => mishWideF64(x, expScaledF64(-Math.abs(x), 128), UNSCALE64, -1.0e4),
};

const S_LOW = [
  0.30023246233995093, -0.1303259502348521, 0.04778620652955905, -0.015476201944741929,
  0.004543594394739755, -0.0012299183493844422, 0.00031065712925431297, -7.386920511533281e-05,
  1.6649150899704153e-05, -3.5762537082428767e-06, 7.353505333265879e-07, -1.4527264294250564e-07,
  2.7659739772441476e-08, -5.0902747104013564e-09, 9.07048933857846e-10, -1.5572268593949258e-10,
  2.6199884224336625e-11, -4.860253321224165e-12, 7.716725422553139e-13,
];
const S_MID = [
  0.1413313313805753, -0.04561395194999441, 0.013648225752794651, -0.00383112918933573,
  0.0010176006948636762, -0.00025742549043877557, 6.233949479647224e-05, -1.4510964750434812e-05,
  3.257760351786552e-06, -7.073961062927191e-07, 1.4892705862857912e-07, -3.0461370677578344e-08,
  6.064354612157496e-09, -1.1774339266348656e-09, 2.2307476752461372e-10, -4.0883003495028803e-11,
  7.414988527517557e-12, -1.5313740772117575e-12, 2.6517653475554186e-13,
];
const S_TAIL = [
  0.3848019747267541, -0.011270857884368754, -0.001593786169027214, 0.0002844522226869047,
  -1.0544635074839741e-05, -4.060926546717139e-06, 9.389605288867351e-07, -6.967162507388939e-08,
  -1.3372317074591229e-08, 5.2107032653045015e-09, -7.645573620738879e-10, -2.5583917246141834e-12,
  3.0638367616845506e-11, -8.355710263008531e-12, 1.017268691199974e-12, 1.4844892594005298e-13,
  -7.70160865386039e-14, 0.0, 0.0,
];
const S_LOW_SCALE = 1.3333333333333333;
const S_LOW_OFFSET = -1.0;
const S_MID_SCALE = 1.0;
const S_MID_OFFSET = -2.5;
const S_TAIL_SCALE = 11.454545454545455;
const S_TAIL_OFFSET = -2.272727272727273;
const LOW_END = 1.5;
const MID_END = 3.5;
const TAIL_W_MIN = 1.0 / 9.0;
const GELU_CLAMP = 40.0;

function phiF64(x: number): number {
  const a = Math.abs(x);
  const h = x * x;
  const l = productErrorF64(x, x, h);
  const e = expF64(h * -0.5) * (1.0 - l * 0.5);
  let w = 1.0 / (a < MID_END ? MID_END : a);
  w = w < TAIL_W_MIN ? TAIL_W_MIN : w;
  let s: number;
  if (a < LOW_END) s = horner19(S_LOW, a * S_LOW_SCALE + S_LOW_OFFSET);
  else if (a < MID_END) s = horner19(S_MID, a * S_MID_SCALE + S_MID_OFFSET);
  else s = horner19(S_TAIL, w * S_TAIL_SCALE + S_TAIL_OFFSET) * w;
  const q = e * s;
  return x < 0 ? q : 1.0 - q;
}

function geluF64(x: number): number {
  const xl = x < -GELU_CLAMP ? -GELU_CLAMP : x;
  const xc = GELU_CLAMP < xl ? GELU_CLAMP : xl;
  return xl * phiF64(xc);
}

export const gelu: JsUnaryKernel = { f32: geluF64, f64: geluF64 };

const C1_HI = 1.5957691216057308;
const C1_LO = -9.96930880911092e-17;
const C3_HI = 0.07135481627260025;
const C3_LO = -6.175149918155315e-19;
const GELU_TANH_CLAMP = 1.0e4;

function geluTanhF64(x: number): number {
  const xl = x < -GELU_TANH_CLAMP ? -GELU_TANH_CLAMP : x;
  const xc = GELU_TANH_CLAMP < xl ? GELU_TANH_CLAMP : xl;
  const zh = xc * xc;
  const zl = productErrorF64(xc, xc, zh);
  const p = C3_HI * zh;
  const pe = productErrorF64(C3_HI, zh, p);
  const wh = C1_HI + p;
  const we = sumErrorF64(C1_HI, p, wh);
  const wl = we + (pe + (C3_HI * zl + (C1_LO + C3_LO * zh)));
  const vh = xc * wh;
  const vl = productErrorF64(xc, wh, vh) + xc * wl;
  const e0 = expF64(-Math.abs(vh));
  const e = e0 - e0 * (vh < 0 ? -vl : vl);
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = (vh < 0 ? e : 1.0) / s;
  return xl * (q - (q * d) / s);
}

export const geluTanh: JsUnaryKernel = { f32: geluTanhF64, f64: geluTanhF64 };

// ------------------------------------------------------------ gradients ----
// Mirror of the gradient kernels of assembly/kernels/tanh_family.ts: one f64
// algorithm per function (f32 widens to it and rounds once, at the store),
// dy * f'(x) taken last.

const UNSCALE128 = 2.938735877055719e-39; // 2^-128

function tanhGradF64(x: number): number {
  const es = expScaledF64(Math.abs(x) * -2.0, 128);
  const e = es * UNSCALE128;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const t = s * s;
  const te = productErrorF64(s, s, t);
  const q = (4.0 * es) / t;
  return (q - q * ((te + 2.0 * s * d) / t)) * UNSCALE128;
}

export const tanh_grad: JsGradKernel = { grad: true, f32: (x, dy) => dy * tanhGradF64(x), f64: (x, dy) => dy * tanhGradF64(x) };

const TANHSHRINK_GRAD_SPLIT = 0.9;

function tanhshrinkGradF64(x: number): number {
  if (Math.abs(x) < TANHSHRINK_GRAD_SPLIT) {
    const z = x * x;
    const zl = productErrorF64(x, x, z);
    const g = horner19(G, z * G_SCALE + G_OFFSET);
    const w = z * g;
    const wl = productErrorF64(z, g, w) + zl * g;
    const u = 1.0 - w;
    const ul = sumErrorF64(1.0, -w, u) - wl;
    const p = u * u;
    const pl = productErrorF64(u, u, p) + 2.0 * u * ul;
    const r = z * p;
    return r + (productErrorF64(z, p, r) + (z * pl + zl * p));
  }
  const e = expF64(Math.abs(x) * -2.0);
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const t = s * s;
  const te = productErrorF64(s, s, t);
  const q = (4.0 * e) / t;
  const c = q * ((te + 2.0 * s * d) / t);
  const h = 1.0 - q;
  return h + (sumErrorF64(1.0, -q, h) + c);
}

export const tanhshrink_grad: JsGradKernel = { grad: true, f32: (x, dy) => dy * tanhshrinkGradF64(x), f64: (x, dy) => dy * tanhshrinkGradF64(x) };

/** t P(t), t = x - (x0Hi + x0Lo), P(t) = (p0Hi + p0Lo) + t Q(t): a gradient near its zero, P carried as hi + lo. */
function nearRoot(x: number, x0Hi: number, x0Lo: number, p0Hi: number, p0Lo: number, q: readonly number[]): number {
  const th = x - x0Hi;
  let v = q[q.length - 1]!;
  for (let j = q.length - 2; j >= 0; j--) v = v * th + q[j]!;
  const tv = th * v;
  const tvl = productErrorF64(th, v, tv);
  const p = p0Hi + tv;
  const pl = sumErrorF64(p0Hi, tv, p) + (p0Lo + tvl);
  const r = p * th;
  return r + (productErrorF64(p, th, r) + (pl * th - p * x0Lo));
}

const MISH_X0_HI = -1.1924312145154952;
const MISH_X0_LO = -4.8484829848031044e-17;
const MISH_P0_HI = 0.2669479140495345;
const MISH_P0_LO = 1.5332816617135587e-17;
const MISH_Q = [
  0.20473126408010586, 0.04190782104360987, -0.020271822716684245, -0.01582112656173333, -0.003360684927024047,
  0.0010924055409371823, 0.0009898181022273936, 0.00025412936428672835, -4.196150214986206e-05, -5.58289231223668e-05,
  -1.7299074400611338e-05, 9.425789638566597e-07, 2.9057980332252177e-06, 1.0787093822883744e-06, 4.135267434957783e-08,
  -2.0756952889162903e-07,
];
const MISH_ROOT_LO = -1.4;
const MISH_ROOT_HI = -0.85;
const MISH_SPLIT = 0.5;
const MISH_GRAD_CLAMP = 1.0e4;

function mishGradF64(x: number): number {
  if (x >= MISH_ROOT_LO && x <= MISH_ROOT_HI) return nearRoot(x, MISH_X0_HI, MISH_X0_LO, MISH_P0_HI, MISH_P0_LO, MISH_Q);
  const xl = x < -MISH_GRAD_CLAMP ? -MISH_GRAD_CLAMP : x;
  const xc = MISH_GRAD_CLAMP < xl ? MISH_GRAD_CLAMP : xl;
  // e = e^x below MISH_SPLIT, e^-x from there on.
  const es = expScaledF64(x < MISH_SPLIT ? xc : -xc, 128);
  const e = es * UNSCALE128;
  if (x < MISH_SPLIT) {
    // om = 4 (1 + x) + e b, b = (6 + 4x) + e (4 + e), the sums carried as hi + lo.
    const a1 = 1.0 + xc;
    const a1l = sumErrorF64(1.0, xc, a1);
    const b1 = 6.0 + 4.0 * xc;
    const b1l = sumErrorF64(6.0, 4.0 * xc, b1);
    const f4 = 4.0 + e;
    const c = e * f4;
    const cl = productErrorF64(e, f4, c) + e * sumErrorF64(4.0, e, f4);
    const b = b1 + c;
    const bl = sumErrorF64(b1, c, b) + (b1l + cl);
    const eb = e * b;
    const ebl = productErrorF64(e, b, eb) + e * bl;
    const om = 4.0 * a1 + eb;
    const oml = sumErrorF64(4.0 * a1, eb, om) + (4.0 * a1l + ebl);
    // dh + dl = 2 + e (2 + e).
    const f2 = 2.0 + e;
    const n = e * f2;
    const nl = productErrorF64(e, f2, n) + e * sumErrorF64(2.0, e, f2);
    const dh = 2.0 + n;
    const dl = sumErrorF64(2.0, n, dh) + nl;
    const t = dh * dh;
    const tl = productErrorF64(dh, dh, t) + 2.0 * dh * dl;
    const p = es * om;
    const q = p / t;
    return (q + ((productErrorF64(es, om, p) + es * oml) - q * tl) / t) * UNSCALE128;
  }
  const d = 1.0 + 2.0 * e * (1.0 + e);
  const k = (e * e * ((4.0 * xc - 2.0) + 4.0 * e * ((xc - 1.0) - e))) / (d * d);
  return 1.0 + k;
}

export const mish_grad: JsGradKernel = { grad: true, f32: (x, dy) => dy * mishGradF64(x), f64: (x, dy) => dy * mishGradF64(x) };

const INV_SQRT_2PI_HI = 0.3989422804014327;
const INV_SQRT_2PI_LO = -2.49232720227773e-17;
const S_ASYM_START = 9.0;
/** (-1)^k (2k - 1)!!, k = 1..20: S(a) ~ (1/(a sqrt(2 pi))) (1 + sum c_k a^-2k). */
const GAUSS_ASYM = [
  -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0, 2027025.0, -34459425.0, 654729075.0, -13749310575.0,
  316234143225.0, -7905853580625.0, 213458046676875.0, -6190283353629375.0, 1.9189878396251062e+17,
  -6.33265987076285e+18, 2.2164309547669976e+20, -8.200794532637892e+21, 3.1983098677287775e+23,
];
const GELU_X0_HI = -0.7517915246935645;
const GELU_X0_LO = 1.4956759177009883e-17;
const GELU_P0_HI = 0.4314939923140469;
const GELU_P0_LO = 2.7308688141129613e-17;
const GELU_Q = [
  0.388284982990552, -0.018199676398671087, -0.1140082332972217, -0.014771522148244337, 0.019421679838189064,
  0.004539228379125397, -0.002239538068073457, -0.0007448268386740175, 0.00018633974623145054, 8.615947859784912e-05,
  -1.12143801787282e-05, -7.748461148155506e-06, 4.3284501917839985e-07, 5.702753360763062e-07, -1.6045225539016572e-09,
  -3.545471958099867e-08, -1.3950846957305699e-09, 1.8903047147374293e-09, 1.377746907300367e-10, -7.444540867935678e-11,
];
const GELU_ROOT_LO = -1.3;
const GELU_ROOT_HI = -0.3;

/** S(a) = Phi(-a) e^(a^2/2), a >= 0: gelu's pieces, and from 9 on the asymptotic series to a^-40. */
function gaussSF64(a: number): number {
  if (a < LOW_END) return horner19(S_LOW, a * S_LOW_SCALE + S_LOW_OFFSET);
  if (a < MID_END) return horner19(S_MID, a * S_MID_SCALE + S_MID_OFFSET);
  if (a < S_ASYM_START) {
    const w = 1.0 / a;
    return horner19(S_TAIL, w * S_TAIL_SCALE + S_TAIL_OFFSET) * w;
  }
  return gaussSAsymF64(a);
}
function gaussSAsymF64(a: number): number {
  const r = 1.0 / a;
  const w = r * r;
  let p = GAUSS_ASYM[19]!;
  for (let j = 18; j >= 0; j--) p = p * w + GAUSS_ASYM[j]!;
  return (INV_SQRT_2PI_HI * r) * (1.0 + p * w);
}

function geluGradF64(x: number): number {
  if (x >= GELU_ROOT_LO && x <= GELU_ROOT_HI) return nearRoot(x, GELU_X0_HI, GELU_X0_LO, GELU_P0_HI, GELU_P0_LO, GELU_Q);
  const xl = x < -GELU_CLAMP ? -GELU_CLAMP : x;
  const xc = GELU_CLAMP < xl ? GELU_CLAMP : xl;
  const a = Math.abs(xc);
  const h = xc * xc;
  const l = productErrorF64(xc, xc, h);
  const e = expF64(h * -0.5);
  const s = gaussSF64(a);
  const ach = a * INV_SQRT_2PI_HI;
  const acl = productErrorF64(a, INV_SQRT_2PI_HI, ach) + a * INV_SQRT_2PI_LO;
  const dh = s - ach;
  const dl = sumErrorF64(s, -ach, dh) - acl;
  const m = e * dh;
  const c = productErrorF64(e, dh, m) + (e * dl - m * (l * 0.5));
  if (x < 0) return m + c;
  const r = 1.0 - m;
  return r + (sumErrorF64(1.0, -m, r) - c);
}

export const gelu_grad: JsGradKernel = { grad: true, f32: (x, dy) => dy * geluGradF64(x), f64: (x, dy) => dy * geluGradF64(x) };

const C3X3_HI = 0.21406444881780073;
const C3X3_LO = 1.2025242832367862e-17;
const GELU_TANH_X0_HI = -0.7524614220710163;
const GELU_TANH_X0_LO = 3.635560509207687e-17;
const GELU_TANH_P0_HI = 0.4304000910248585;
const GELU_TANH_P0_LO = 2.028254970529195e-17;
const GELU_TANH_Q = [
  0.38751844613578895, -0.01578285352184803, -0.11394448308095899, -0.01661932834305256, 0.01968230945983291,
  0.005261059254921375, -0.0024227318458503477, -0.0009274420229650819, 0.0002639276390613128, 0.00012425227488975496,
  -3.4956124316789544e-05, -1.595079503518365e-05, 5.917755709755577e-06, 2.4316664063574257e-06, -9.81670744186143e-07,
  -4.1254145088938775e-07, 1.0786579061144916e-07,
];
const GELU_TANH_ROOT_LO = -1.05;
const GELU_TANH_ROOT_HI = -0.5;

function geluTanhGradF64(x: number): number {
  if (x >= GELU_TANH_ROOT_LO && x <= GELU_TANH_ROOT_HI) {
    return nearRoot(x, GELU_TANH_X0_HI, GELU_TANH_X0_LO, GELU_TANH_P0_HI, GELU_TANH_P0_LO, GELU_TANH_Q);
  }
  const xl = x < -GELU_TANH_CLAMP ? -GELU_TANH_CLAMP : x;
  const xc = GELU_TANH_CLAMP < xl ? GELU_TANH_CLAMP : xl;
  const zh = xc * xc;
  const zl = productErrorF64(xc, xc, zh);
  // v = x (C1 + C3 x^2) as vh + vl, as geluTanh does.
  const p = C3_HI * zh;
  const pe = productErrorF64(C3_HI, zh, p);
  const wh = C1_HI + p;
  const wl = sumErrorF64(C1_HI, p, wh) + (pe + (C3_HI * zl + (C1_LO + C3_LO * zh)));
  const vh = xc * wh;
  const vl = productErrorF64(xc, wh, vh) + xc * wl;
  // m = x v' = x (C1 + 3 C3 x^2) as mh + ml.
  const p3 = C3X3_HI * zh;
  const p3e = productErrorF64(C3X3_HI, zh, p3);
  const uh = C1_HI + p3;
  const ul = sumErrorF64(C1_HI, p3, uh) + (p3e + (C3X3_HI * zl + (C1_LO + C3X3_LO * zh)));
  const mh = xc * uh;
  const ml = productErrorF64(xc, uh, mh) + xc * ul;
  // e = e^-|v|, s + sd = 1 + e, t + tl = s^2.
  const e0 = expF64(-Math.abs(vh));
  const e = e0 - e0 * (vh < 0 ? -vl : vl);
  const s = 1.0 + e;
  const sd = e - (s - 1.0);
  const t = s * s;
  const tl = productErrorF64(s, s, t) + 2.0 * s * sd;
  let num: number, numl: number;
  if (x < 0) {
    // e (1 + e + m) / (1 + e)^2
    const nh = s + mh;
    const nl = sumErrorF64(s, mh, nh) + (sd + ml);
    num = e * nh;
    numl = productErrorF64(e, nh, num) + e * nl;
  } else {
    // (1 + e + e m) / (1 + e)^2
    const em = e * mh;
    const eml = productErrorF64(e, mh, em) + e * ml;
    num = s + em;
    numl = sumErrorF64(s, em, num) + (sd + eml);
  }
  const q = num / t;
  return q + (numl - q * tl) / t;
}

export const geluTanh_grad: JsGradKernel = { grad: true, f32: (x, dy) => dy * geluTanhGradF64(x), f64: (x, dy) => dy * geluTanhGradF64(x) };
