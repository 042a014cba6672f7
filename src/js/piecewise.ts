// Mirror of assembly/kernels/piecewise.ts.
import type { FloatArray } from '../types.js';
import type { GradScalarOp, JsGradKernel, JsUnaryKernel } from './map.js';
import { productErrorF64, sumErrorF64 } from './core/dd.js';

export const identity: JsUnaryKernel = {
  f32: (x) => x,
  f64: (x) => x,
};

export const relu: JsUnaryKernel = {
  f32: (x) => (x < 0 ? 0 : x),
  f64: (x) => (x < 0 ? 0 : x),
};

const fr = Math.fround;

export const step: JsUnaryKernel = {
  f32: (x, a) => (x < a ? 0 : x >= a ? 1 : x),
  f64: (x, a) => (x < a ? 0 : x >= a ? 1 : x),
};

export const threshold: JsUnaryKernel = {
  f32: (x, a, b) => (x <= a ? b : x),
  f64: (x, a, b) => (x <= a ? b : x),
};

function relu6Op(x: number): number {
  const r = x < 0 ? 0 : x;
  return 6 < r ? 6 : r;
}
export const relu6: JsUnaryKernel = { f32: relu6Op, f64: relu6Op };

// t = alpha x; the one inf * 0 (x = -Infinity, alpha = +-0) gives -alpha.
const leaky32 = (x: number, a: number): number => {
  const t = fr(a * x);
  return x >= 0 ? x : t !== t && x === x ? -a : t;
};
const leaky64 = (x: number, a: number): number => {
  const t = a * x;
  return x >= 0 ? x : t !== t && x === x ? -a : t;
};
export const leakyRelu: JsUnaryKernel = { f32: leaky32, f64: leaky64 };

function hardTanhOp(x: number, a: number, b: number): number {
  const r = x < a ? a : x;
  return b < r ? b : r;
}
export const hardTanh: JsUnaryKernel = { f32: hardTanhOp, f64: hardTanhOp };

export const softshrink: JsUnaryKernel = {
  f32: (x, a) => (Math.abs(x) <= a ? 0 : x > 0 ? fr(x - a) : fr(x + a)),
  f64: (x, a) => (Math.abs(x) <= a ? 0 : x > 0 ? x - a : x + a),
};

function hardshrinkOp(x: number, a: number): number {
  return Math.abs(x) <= a ? 0 : x;
}
export const hardshrink: JsUnaryKernel = { f32: hardshrinkOp, f64: hardshrinkOp };

// (x + 3) / 6 below -1 (x + 3 exact there), x / 6 + 1/2 above: <= 0.75 ULP.
export const hardSigmoid: JsUnaryKernel = {
  f32: (x) => {
    let xc = x < -3 ? -3 : x;
    xc = 3 < xc ? 3 : xc;
    return xc < -1 ? fr(fr(xc + 3) / 6) : fr(fr(xc / 6) + 0.5);
  },
  f64: (x) => {
    let xc = x < -3 ? -3 : x;
    xc = 3 < xc ? 3 : xc;
    return xc < -1 ? (xc + 3) / 6 : xc / 6 + 0.5;
  },
};

const SPLIT = 134217729; // 2^27 + 1
const BIG = 1152921504606846976; // 2^60

export const hardSwish: JsUnaryKernel = {
  // In f64; the Float32Array store rounds like f32.demote_f64.
  f32: (x) => (x >= 3 ? x : x <= -3 ? 0 : (x * (x + 3)) / 6),
  // Compensated (see assembly/kernels/piecewise.ts).
  f64: (x) => {
    let xc = x < -3 ? -3 : x;
    xc = 3 < xc ? 3 : xc;
    const s = xc + 3;
    const e = xc - (s - 3);
    const ph = xc * s;
    const pl = productErrorF64(xc, s, ph);
    const q = ph / 6;
    const tq = SPLIT * q;
    const qh = tq - (tq - q);
    const ql = q - qh;
    const rem = ph - qh * 6 - ql * 6;
    const r = q + (rem + pl + xc * e) / 6;
    return x >= 3 || x === 0 ? x : x <= -3 ? 0 : r;
  },
};

export const softsign: JsUnaryKernel = {
  // In f64 after the clamp to +-2^60 (exact in f32); the store rounds.
  f32: (x) => {
    let xc = x < -BIG ? -BIG : x;
    xc = BIG < xc ? BIG : xc;
    return xc / (1 + Math.abs(xc));
  },
  f64: (x) => {
    let xc = x < -BIG ? -BIG : x;
    xc = BIG < xc ? BIG : xc;
    const ax = Math.abs(xc);
    const d = 1 + ax;
    const e = sumErrorF64(1, ax, d);
    const q = xc / d;
    const ph = q * d;
    const pl = productErrorF64(q, d, ph);
    const rem = xc - ph - pl;
    return x === 0 ? x : q + (rem - q * e) / d;
  },
};

/**
 * prelu with one alpha per channel: element i has channel
 * floor((offset + i) / inner) % channels. Walks runs of one channel, as
 * prelu_f32/prelu_f64 do, with leakyRelu's op.
 */
export function preluChannels(x: FloatArray, y: FloatArray, alpha: FloatArray, channels: number, inner: number, offset: number): void {
  const op = x instanceof Float32Array ? leaky32 : leaky64;
  const n = x.length;
  let c = Math.floor(offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const end = Math.min(i + inner - pos, n);
    const a = alpha[c]!;
    for (; i < end; i++) y[i] = op(x[i]!, a);
    pos = 0;
    if (++c === channels) c = 0;
  }
}

// ------------------------------------------------------------ gradients ----
// Mirror of the gradient kernels of assembly/kernels/piecewise.ts: dy * f'(x)
// with f' constant per piece; a NaN x gives NaN (every compare with it is false).
const keepNaN = (x: number, r: number): number => (x !== x ? x : r);

function gradOf(f32: GradScalarOp, f64: GradScalarOp = f32): JsGradKernel {
  return { grad: true, f32, f64 };
}

export const identity_grad = gradOf((x, dy) => keepNaN(x, dy));
export const step_grad = gradOf((x, dy) => keepNaN(x, dy * 0));
export const threshold_grad = gradOf((x, dy, a) => keepNaN(x, dy * (x > a ? 1 : 0)));
export const relu_grad = gradOf((x, dy) => keepNaN(x, dy * (x > 0 ? 1 : 0)));
const clampGrad: GradScalarOp = (x, dy, a, b) => keepNaN(x, dy * (x > a && x < b ? 1 : 0));
export const relu6_grad = gradOf((x, dy) => clampGrad(x, dy, 0, 6));
export const hardTanh_grad = gradOf(clampGrad);
// dy * alpha of two f32 values is exact in f64, so the store's rounding is f32's.
const leakyGrad: GradScalarOp = (x, dy, a) => keepNaN(x, dy * (x > 0 ? 1 : a));
export const leakyRelu_grad = gradOf(leakyGrad);
const shrinkGrad: GradScalarOp = (x, dy, a) => keepNaN(x, dy * (Math.abs(x) > a ? 1 : 0));
export const softshrink_grad = gradOf(shrinkGrad);
export const hardshrink_grad = gradOf(shrinkGrad);
// f32: dy / 6 rounded once (the store), as f32 division does.
export const hardSigmoid_grad = gradOf((x, dy) => keepNaN(x, x > -3 && x < 3 ? dy / 6 : dy * 0));
// f32: in f64, one rounding at the store; f64: the same expression.
export const hardSwish_grad = gradOf((x, dy) => (x < -3 ? dy * 0 : x > 3 ? dy : keepNaN(x, dy * ((2 * x + 3) / 6))));
export const softsign_grad = gradOf(
  (x, dy) => {
    const r = 1 / (1 + Math.abs(x));
    return dy * (r * r);
  },
  (x, dy) => {
    const ax = Math.abs(x);
    const d = 1 + ax;
    const e = ax < BIG ? sumErrorF64(1, ax, d) : 0;
    const r0 = 1 / d;
    const r = r0 - r0 * r0 * e;
    return dy * (r * r);
  },
);

/** prelu's gradient with one alpha per channel, walking runs of one channel as preluChannels does; dy null = ones. */
export function preluChannelsGrad(x: FloatArray, dy: FloatArray | null, y: FloatArray, alpha: FloatArray, channels: number, inner: number, offset: number): void {
  const n = x.length;
  let c = Math.floor(offset / inner) % channels;
  let pos = offset % inner;
  let i = 0;
  while (i < n) {
    const end = Math.min(i + inner - pos, n);
    const a = alpha[c]!;
    for (; i < end; i++) y[i] = leakyGrad(x[i]!, dy === null ? 1 : dy[i]!, a, 0);
    pos = 0;
    if (++c === channels) c = 0;
  }
}
