// Mirror of assembly/kernels/exp_family.ts (the `one` methods), operation for
// operation. In f32 ops, steps the kernel widens to f64 are plain JS
// arithmetic, and the Float32Array store does the final rounding.
import type { GradScalarOp, JsGradKernel, JsUnaryKernel } from './map.js';
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

// ------------------------------------------------------------ gradients ----
// Mirror of the gradient kernels of assembly/kernels/exp_family.ts: the f32
// gradients run the f64 algorithm on the widened x and dy (plain JS numbers)
// and the Float32Array store rounds once, as f32.demote_f64 does.
const unscaleOf = (x: number): number => (x < 0 ? UNSCALE_F64 : 1.0);

function sigmoidPrimeScaledF64(x: number): number {
  const es = expScaledF64(-Math.abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = es / s / s;
  return q - (q * 2.0 * d) / s;
}

function both(op: GradScalarOp): JsGradKernel {
  return { grad: true, f32: op, f64: op };
}

export const sigmoid_grad = both((x, dy) => dy * (sigmoidPrimeScaledF64(x) * UNSCALE_F64));

export const logSigmoid_grad = both((x, dy) => dy * (sigmoidScaledF64(-x) * unscaleOf(-x)));

// Near the zero of silu': h P(h), as the kernel (see assembly/kernels/exp_family.ts).
const SILU_X0_HI = -1.2784645427610737;
const SILU_X0_LO = -1.0946994183093437e-16;
const SILU_ROOT_REACH = 0.3;
const SILU_P = [0.2178117057198001,0.1466487969969469,0.018874814223782312,-0.015222655223188032,-0.006606589138356696,0.000126627410081122,0.0007985218818397998,0.00018570724361186496,-0.00004090534237428612,-0.000029733542213263917,-0.000002942631888842464,0.000002346029682463866,8.599695028268575e-7,-3.051244750055421e-8,-9.266646309267441e-8,-1.8877622907727957e-8,4.619379769031606e-9,2.9177603026903803e-9];
function siluNearRoot(x: number): number {
  const h = x - SILU_X0_HI - SILU_X0_LO;
  let p = SILU_P[17]!;
  for (let j = 16; j >= 0; j--) p = p * h + SILU_P[j]!;
  return h * p;
}

export const silu_grad = both((x, dy) => {
  const gs = sigmoidPrimeScaledF64(x);
  const es = expScaledF64(-Math.abs(x), 128);
  const e = es * UNSCALE_F64;
  const s = 1.0 + e;
  const d = e - (s - 1.0);
  const q = 1.0 / s;
  const sig = q - (q * d) / s;
  const xh = x > 1.0e4 ? 1.0e4 : x;
  const pos = sig + xh * (gs * UNSCALE_F64);
  const xl = x < -1.0e4 ? -1.0e4 : x;
  const far = gs * (1.0 + xl + e) * UNSCALE_F64;
  const neg = Math.abs(x - SILU_X0_HI) < SILU_ROOT_REACH ? siluNearRoot(x) : far;
  return dy * (x < 0 ? neg : pos);
});

function softplusGradF64(y: number, yl: number, dy: number): number {
  const sig = sigmoidScaledF64(y) * unscaleOf(y);
  return dy * (sig + sig * ((1.0 - sig) * yl));
}
export const softplus_grad: JsGradKernel = {
  grad: true,
  f32: (x, dy, beta, threshold) => (fr(x * beta) > threshold ? dy : softplusGradF64(x * beta, 0.0, dy)),
  f64: (x, dy, beta, threshold) => {
    const y = x * beta;
    return y > threshold ? dy : softplusGradF64(y, productErrorF64(x, beta, y), dy);
  },
};

function expNegScaledGrad(x: number, c: number, pos: number, dy: number): number {
  if (x > 0) return dy * pos;
  return dy * (c * expScaledF64(x, 128) * UNSCALE_F64);
}
export const elu_grad = both((x, dy, alpha) => expNegScaledGrad(x, alpha, 1.0, dy));
export const selu_grad = both((x, dy) => expNegScaledGrad(x, SELU_SCALE_ALPHA, SELU_SCALE, dy));

function celuGrad(x: number, alpha: number, dy: number, exactQuotient: boolean): number {
  if (x > 0) return dy;
  const t = x / alpha;
  let es = expScaledF64(t, 128);
  if (exactQuotient) {
    const p = t * alpha;
    const tl = (x - p - productErrorF64(t, alpha, p)) / alpha;
    const corr = es * tl;
    es = es + (corr === corr ? corr : 0.0);
  }
  return dy * (es * UNSCALE_F64);
}
export const celu_grad: JsGradKernel = {
  grad: true,
  f32: (x, dy, alpha) => celuGrad(x, alpha, dy, false),
  f64: (x, dy, alpha) => celuGrad(x, alpha, dy, true),
};
