// Mirror of assembly/kernels/tanh_family.ts (the `one` methods), operation for
// operation; see there for the algorithms, fits and error bounds.
import type { JsUnaryKernel } from './map.js';
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
