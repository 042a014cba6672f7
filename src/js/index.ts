// The pure-TypeScript backend: runs everywhere, and is the exact mirror of the
// WebAssembly kernels (same algorithm, same operation order, same bits).
import type { KernelSet, Operand } from '../kernels.js';
import type { FloatArray } from '../types.js';
import { WasmArray } from '../wasm-array.js';
import { mapGradScalar, mapScalar, type JsGradKernel, type JsUnaryKernel } from './map.js';
import * as piecewise from './piecewise.js';
import * as expFamily from './exp_family.js';
import * as tanhFamily from './tanh_family.js';
import * as softmax from './softmax.js';

function isKernel(v: unknown): v is JsUnaryKernel | JsGradKernel {
  return typeof v === 'object' && v !== null && typeof (v as JsUnaryKernel).f32 === 'function' && typeof (v as JsUnaryKernel).f64 === 'function';
}
const families = [piecewise, expFamily, tanhFamily];

/** Every elementwise kernel of the mirror, by kernel name (the exports of each family file). */
export const jsUnaryKernels: Readonly<Record<string, JsUnaryKernel>> = Object.fromEntries(
  families.flatMap((family) => Object.entries(family).filter(([, v]) => isKernel(v) && !('grad' in v))),
) as Record<string, JsUnaryKernel>;

/** Every gradient kernel of the mirror, by its forward kernel's name (exported as `<kernel>_grad`). */
export const jsGradKernels: Readonly<Record<string, JsGradKernel>> = Object.fromEntries(
  families.flatMap((family) =>
    Object.entries(family)
      .filter(([name, v]) => isKernel(v) && 'grad' in v && name.endsWith('_grad'))
      .map(([name, v]) => [name.slice(0, -'_grad'.length), v]),
  ),
) as Record<string, JsGradKernel>;

/** A typed array over an operand (a WasmArray's current view). */
const arrayOf = (v: Operand): FloatArray => (v instanceof WasmArray ? v.view : v);

export const jsKernels: KernelSet = {
  name: 'js',
  simd: false,
  threads: 1,
  unary(kernel, x, out, a, b) {
    const k = jsUnaryKernels[kernel];
    if (k === undefined) throw new Error(`wasm-activations: the js backend has no kernel '${kernel}'`);
    const xs = arrayOf(x);
    mapScalar(xs, arrayOf(out), xs instanceof Float32Array ? k.f32 : k.f64, a, b);
  },
  unaryGrad(kernel, x, dy, out, a, b) {
    const k = jsGradKernels[kernel];
    if (k === undefined) throw new Error(`wasm-activations: the js backend has no gradient kernel for '${kernel}'`);
    const xs = arrayOf(x);
    mapGradScalar(xs, dy === null ? null : arrayOf(dy), arrayOf(out), xs instanceof Float32Array ? k.f32 : k.f64, a, b);
  },
  preluChannels(x, out, alpha, inner) {
    piecewise.preluChannels(arrayOf(x), arrayOf(out), alpha, alpha.length, inner, 0);
  },
  preluChannelsGrad(x, dy, out, alpha, inner) {
    piecewise.preluChannelsGrad(arrayOf(x), dy === null ? null : arrayOf(dy), arrayOf(out), alpha, alpha.length, inner, 0);
  },
  axis(x, out, outer, len, inner, mode) {
    softmax.softmaxBlock(arrayOf(x), arrayOf(out), outer, len, inner, mode);
  },
  axisGrad(x, dy, out, outer, len, inner, mode) {
    softmax.softmaxGradBlock(arrayOf(x), dy === null ? null : arrayOf(dy), arrayOf(out), outer, len, inner, mode);
  },
  allocate() {
    throw new Error('wasm-activations: zero-copy arrays live in WebAssembly memory; the js backend has none');
  },
  release() {},
};
