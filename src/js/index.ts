// The pure-TypeScript backend: runs everywhere, and is the exact mirror of the
// WebAssembly kernels (same algorithm, same operation order, same bits).
import type { KernelSet } from '../kernels.js';
import type { FloatArray } from '../types.js';
import { mapScalar, type JsUnaryKernel } from './map.js';
import * as piecewise from './piecewise.js';
import * as expFamily from './exp_family.js';
import * as tanhFamily from './tanh_family.js';
import * as softmax from './softmax.js';

const families: ReadonlyArray<Readonly<Record<string, unknown>>> = [piecewise, expFamily, tanhFamily, softmax];

/** Every elementwise kernel of the mirror, by kernel name. */
export const jsUnaryKernels: Readonly<Record<string, JsUnaryKernel>> = Object.fromEntries(
  families.flatMap((family) => Object.entries(family).filter(([, v]) => isUnary(v))),
) as Record<string, JsUnaryKernel>;

function isUnary(v: unknown): v is JsUnaryKernel {
  return typeof v === 'object' && v !== null && typeof (v as JsUnaryKernel).f32 === 'function' && typeof (v as JsUnaryKernel).f64 === 'function';
}

type PreluFn = (x: FloatArray, y: FloatArray, alpha: FloatArray, channels: number, inner: number, offset: number) => void;
type SoftmaxFn = (x: FloatArray, y: FloatArray, outer: number, len: number, inner: number, mode: number) => void;

const preluChannels = (piecewise as Record<string, unknown>)['preluChannels'] as PreluFn | undefined;
const softmaxBlock = (families as unknown as Array<Record<string, unknown>>).map((f) => f['softmaxBlock']).find(Boolean) as SoftmaxFn | undefined;

function missing(what: string): never {
  throw new Error(`wasm-activations: the js backend has no kernel '${what}'`);
}

export const jsKernels: KernelSet = {
  name: 'js',
  simd: false,
  threads: 1,
  unary(kernel, x, out, a, b) {
    const k = jsUnaryKernels[kernel] ?? missing(kernel);
    mapScalar(x, out, x instanceof Float32Array ? k.f32 : k.f64, a, b);
  },
  preluChannels(x, out, alpha, inner) {
    (preluChannels ?? missing('preluChannels'))(x, out, alpha, alpha.length, inner, 0);
  },
  axis(x, out, outer, len, inner, mode) {
    (softmaxBlock ?? missing('softmax'))(x, out, outer, len, inner, mode);
  },
  release() {},
};
