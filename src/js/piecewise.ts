// Mirror of assembly/kernels/piecewise.ts.
import type { JsUnaryKernel } from './map.js';

export const identity: JsUnaryKernel = {
  f32: (x) => x,
  f64: (x) => x,
};

export const relu: JsUnaryKernel = {
  f32: (x) => (x < 0 ? 0 : x),
  f64: (x) => (x < 0 ? 0 : x),
};
