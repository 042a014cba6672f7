// Mirror of assembly/kernels/exp_family.ts (the `one` methods), operation for
// operation. In f32 ops, steps the kernel widens to f64 are plain JS
// arithmetic, and the Float32Array store does the final rounding.
import type { JsUnaryKernel } from './map.js';
import { expScaledF32, expm1F32, log1pF32, expF32, expF64, expScaledF64, expm1F64, log1pF64 } from './core/exp.js';
import { productErrorF64 } from './core/dd.js';

const fr = Math.fround;
const SCALE_F32 = 18446744073709551616.0; // 2^64
const UNSCALE = 5.421010862427522e-20; // 2^-64
const UNSCALE_F64 = 2.938735877055719e-39; // 2^-128
const TINY_E = 9.5367431640625e-7; // 2^-20

function sigmoidScaledF64(x: number): number {
  const es = expScaledF64(-Math.abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = (x < 0 ? es : 1.0) / s;
  return q - (q * d) / s;
}

export const sigmoid: JsUnaryKernel = {
  f32: (x) => {
    const es = expScaledF32(-Math.abs(x), 64);
    const ns = x < 0 ? es : SCALE_F32;
    return (ns * UNSCALE) / (1.0 + es * UNSCALE);
  },
  f64: (x) => sigmoidScaledF64(x) * (x < 0 ? UNSCALE_F64 : 1.0),
};

export const silu: JsUnaryKernel = {
  f32: (x) => {
    const es = expScaledF32(-Math.abs(x), 64);
    const ns = x < 0 ? es : SCALE_F32;
    const xc = x < -200.0 ? -200.0 : x;
    return ((xc * ns) * UNSCALE) / (1.0 + es * UNSCALE);
  },
  f64: (x) => ((x < -1.0e4 ? -1.0e4 : x) * sigmoidScaledF64(x)) * (x < 0 ? UNSCALE_F64 : 1.0),
};

export const softplus: JsUnaryKernel = {
  f32: (x, beta, threshold) => {
    const y = fr(x * beta);
    if (y > threshold) return x;
    const es = expScaledF32(-Math.abs(y), 64);
    const l = log1pF32(fr(es * fr(UNSCALE)));
    const e = es * UNSCALE;
    const lw = e >= TINY_E ? l : e - (0.5 * e) * e;
    const yp = y < 0 ? 0 : y;
    const yl = Math.abs(y) < 1.0e30 ? x * beta - y : 0.0;
    const se = e / (1.0 + e);
    const slope = y > 0 ? 1.0 - se : se;
    return ((yp + lw) + yl * slope) / beta;
  },
  f64: (x, beta, threshold) => {
    const y = x * beta;
    if (y > threshold) return x;
    const yl = productErrorF64(x, beta, y);
    const e = expF64(-Math.abs(y));
    const l = log1pF64(e);
    const yp = y < 0 ? 0.0 : y;
    const se = e / (1.0 + e);
    const slope = y > 0 ? 1.0 - se : se;
    if (y < -40.0) {
      const es = expScaledF64(-Math.abs(y), 128);
      return ((es + es * yl) / beta) * UNSCALE_F64;
    }
    return (yp + (l + yl * slope)) / beta;
  },
};

export const logSigmoid: JsUnaryKernel = {
  f32: (x) => {
    const l = log1pF32(expF32(-Math.abs(x)));
    const nx = -x;
    return -fr((nx < 0 ? 0 : nx) + l);
  },
  f64: (x) => {
    const l = log1pF64(expF64(-Math.abs(x)));
    const nx = -x;
    return -((nx < 0 ? 0.0 : nx) + l);
  },
};

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

export const elu: JsUnaryKernel = {
  f32: (x, alpha) => (x > 0 ? x : alpha * expm1F32(x)),
  f64: (x, alpha) => (x > 0 ? x : alpha * expm1F64(x)),
};

export const selu: JsUnaryKernel = {
  f32: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * expm1F32(x)),
  f64: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * (SELU_ALPHA * expm1F64(x))),
};

export const celu: JsUnaryKernel = {
  f32: (x, alpha) => {
    if (x > 0) return x;
    const t = fr(x / alpha);
    const m = expm1F32(t);
    const tl = x / alpha - t;
    let corr = (1.0 + m) * tl;
    corr = corr === corr ? corr : 0.0;
    return alpha * (m + corr);
  },
  f64: (x, alpha) => {
    if (x > 0) return x;
    const t = x / alpha;
    const m = expm1F64(t);
    const p = t * alpha;
    const tl = ((x - p) - productErrorF64(t, alpha, p)) / alpha;
    let corr = (1.0 + m) * tl;
    corr = corr === corr ? corr : 0.0;
    return alpha * (m + corr);
  },
};
