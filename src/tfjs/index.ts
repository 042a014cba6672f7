// wasm-activations/tfjs: our kernels in place of the activation kernels of
// TensorFlow.js's `cpu` backend, so that existing models run unchanged and faster.
//
//   import { registerTfjsKernels } from 'wasm-activations/tfjs';
//   const handle = await registerTfjsKernels(tf);   // ... handle.unregister() restores tfjs's own
//
// TensorFlow.js is not imported here: the caller passes its `tf` namespace (from
// @tensorflow/tfjs or @tensorflow/tfjs-core with @tensorflow/tfjs-backend-cpu), and the
// kernel registry it shares is patched. Only float32 tensors take our path; anything else
// (int32, complex64, a shape we do not map) goes to the original kernel.
//
// Semantics are TensorFlow.js's, not ours, where the two differ (see README, "TensorFlow.js
// plug-in"): relu(-0) is +0, leakyRelu's alpha is used unrounded (as the cpu kernel does, in
// float64), step is 1 for x > 0 and alpha elsewhere, softplus returns exp(x) below and x above
// tfjs's threshold, softmax runs on the last axis. Exact functions give the cpu kernel's bits;
// the transcendental ones stay within our ULP bounds of the cpu kernel's float64 evaluation.
//
// Gradients: the cpu backend's one gradient kernel among these ops, EluGrad, takes elu's output
// y (dy (y + 1)), which `elu.grad` (a function of x) cannot serve, and costs one multiply-add an
// element. tfjs-core computes the other gradients as chains of kernels (relu: Step, Cast,
// Multiply; sigmoid: Sub, Multiply, Multiply; ...). So the plug-in replaces those gradient
// *functions* (tf.registerGradient; restored by unregister()) for the ops whose gradient kernel
// this build has: on the cpu backend, for first-order gradients of float32 tensors, they run one
// kernel of ours, `fn.grad(x, { dy })`, and tfjs's own gradient everywhere else.
import { loadBackend, type Backend, type BackendInfo, type WasmArray, type WasmSource } from '../index.js';

// ---------------------------------------------------------------- the slice of TensorFlow.js we use

/** What a kernel receives and returns (tfjs-core's TensorInfo). */
export interface TfjsTensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The `cpu` backend as its kernels see it (MathBackendCPU): data by id, and makeTensorInfo. */
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown; refCount?: number } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TfjsTensorInfo;
  disposeIntermediateTensorInfo(info: TfjsTensorInfo): void;
}

interface KernelArgs {
  inputs: Record<string, TfjsTensorInfo | null | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

type KernelFunc = (args: KernelArgs) => TfjsTensorInfo | TfjsTensorInfo[];

/** tfjs-core's KernelConfig. */
export interface TfjsKernelConfig {
  kernelName: string;
  backendName: string;
  kernelFunc: KernelFunc;
  setupFunc?: unknown;
  disposeFunc?: unknown;
}

/** What a gradient function receives: tfjs Tensors, of which the plug-in reads dtype and shape. */
interface TensorLike {
  dtype: string;
  shape: number[];
}

/** tfjs-core's GradConfig. */
export interface TfjsGradConfig {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  saveAllInputs?: boolean;
  gradFunc: (dy: unknown, saved: unknown[], attrs: Record<string, unknown>) => Record<string, () => unknown>;
}

/** The functions of a `tf` namespace that the plug-in calls (all of @tensorflow/tfjs and tfjs-core have them). */
export interface TfjsLike {
  getKernel(kernelName: string, backendName: string): TfjsKernelConfig | undefined;
  registerKernel(config: TfjsKernelConfig): void;
  unregisterKernel(kernelName: string, backendName: string): void;
  /** For the gradients (optional: without them only the forward kernels are replaced). */
  getGradient?(kernelName: string): TfjsGradConfig | undefined;
  registerGradient?(config: TfjsGradConfig): void;
  getBackend?(): string;
  engine?(): { runKernel(kernelName: string, inputs: Record<string, unknown>, attrs?: Record<string, unknown>): unknown; state: { gradientDepth: number } };
}

/** The kernels of the `cpu` backend the plug-in replaces. */
export const TFJS_KERNELS = [
  'Relu', 'Relu6', 'LeakyRelu', 'Prelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax', 'Step',
  '_FusedMatMul', 'FusedConv2D', 'FusedDepthwiseConv2D',
] as const;
export type TfjsKernelName = (typeof TFJS_KERNELS)[number];

export interface RegisterTfjsOptions {
  /** Which of our backends computes: 'auto' (default) tries wasm-simd, then wasm, then js. */
  backend?: 'auto' | 'wasm-simd' | 'wasm' | 'js';
  /** Where the WebAssembly build is, for hosts where automatic loading fails (as init({ wasm })). */
  wasm?: WasmSource | { simd?: WasmSource; scalar?: WasmSource };
  /** Bound on our backend's WebAssembly scratch memory, in bytes (default 64 MiB). */
  maxScratchBytes?: number;
  /** Replace only these kernels (default: all of TFJS_KERNELS). */
  kernels?: readonly TfjsKernelName[];
}

export interface TfjsKernelsHandle {
  /** Our backend that computes the kernels. */
  readonly backend: BackendInfo;
  /** The kernels replaced (those of the list the `cpu` backend has). */
  readonly kernels: readonly TfjsKernelName[];
  /**
   * The ops whose gradient runs on ours (`fn.grad`, one fused pass over x and dy) in place of
   * tfjs's chain of kernels: those of `kernels` for which this build has the gradient kernel.
   */
  readonly gradients: readonly TfjsKernelName[];
  /** Restores TensorFlow.js's own kernels and frees our backend's memory. Idempotent. */
  unregister(): void;
}

// ---------------------------------------------------------------- tfjs semantics on our functions

/** The smallest positive float32: `x >= it` is `x > 0` for every float32 x (no flush to zero in WebAssembly or JS). */
const MIN_POSITIVE_F32 = 2 ** -149;

/**
 * The cpu kernel's softplus threshold, log(2^-23) + 2 = -13.9424 (tfjs-backend-cpu
 * kernels/Softplus): below it the kernel returns exp(x), above -threshold it returns x.
 */
const SOFTPLUS_THRESHOLD = Math.log(1.1920928955078125e-7) + 2.0;

/** The largest float32 <= v: for a float32 x, `x > it` is `x > v`. */
function f32AtOrBelow(v: number): number {
  const f = Math.fround(v);
  if (f <= v) return f;
  const bits = new Float32Array([f]);
  const u = new Int32Array(bits.buffer);
  u[0] = f > 0 ? u[0]! - 1 : u[0]! + 1;
  return bits[0]!;
}
const SOFTPLUS_LINEAR_ABOVE = f32AtOrBelow(-SOFTPLUS_THRESHOLD);

/** out = f(x) with tfjs's semantics; `out` may be omitted (a new array) and may be x only where said. */
type Elementwise = (b: Backend, x: Float32Array, out?: Float32Array) => Float32Array;

const ELEMENTWISE: Record<'relu' | 'relu6' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softplus', Elementwise> = {
  // Math.max(0, x): +0 for -0 (our relu keeps -0), NaN for NaN; threshold(x, 0, 0) is exactly that.
  relu: (b, x, out) => b.threshold(x, { threshold: 0, value: 0, out }),
  // Math.min(Math.max(0, x), 6): the same +0, then the clip.
  relu6: (b, x, out) => {
    const y = b.threshold(x, { threshold: 0, value: 0, out });
    return b.relu6(y, { out: y });
  },
  elu: (b, x, out) => b.elu(x, { out }),
  selu: (b, x, out) => b.selu(x, { out }),
  sigmoid: (b, x, out) => b.sigmoid(x, { out }),
  tanh: (b, x, out) => b.tanh(x, { out }),
  // Not in place (the fix-up reads x after the kernel wrote out).
  softplus: (b, x, out) => {
    const y = b.softplus(x, { threshold: SOFTPLUS_LINEAR_ABOVE, out });
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v < SOFTPLUS_THRESHOLD) y[i] = Math.exp(v);
    }
    return y;
  },
};

/** Elements per chunk of the float64 leakyRelu path: 128 KiB of float64, in cache through the three passes. */
const WIDE_CHUNK = 16384;
const wideBuffers = new WeakMap<Backend, WasmArray<Float64Array> | Float64Array>();

/**
 * tfjs's leakyRelu: x < 0 ? alpha * x : x, the product in float64 with alpha as given, rounded
 * to float32 on store. Where alpha is a float32 (0.25, 0.5, ...) the float32 product is the same
 * number; otherwise (0.2, tfjs's default) our float64 kernel reproduces it, chunk by chunk on a
 * zero-copy float64 array (widen, kernel in place, narrow). null: not ours (NaN alpha).
 */
function leakyRelu(b: Backend, x: Float32Array, alpha: unknown, out?: Float32Array): Float32Array | null {
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) return null;
  if (Math.fround(alpha) === alpha) return b.leakyRelu(x, { alpha, out });
  const y = out ?? new Float32Array(x.length);
  let wide = wideBuffers.get(b);
  if (wide === undefined) {
    try {
      wide = b.allocate('f64', WIDE_CHUNK) as WasmArray<Float64Array>;
    } catch {
      wide = new Float64Array(WIDE_CHUNK); // the js backend has no WebAssembly memory
    }
    wideBuffers.set(b, wide);
  }
  const options = { alpha, out: wide };
  for (let start = 0; start < x.length; start += WIDE_CHUNK) {
    const end = Math.min(x.length, start + WIDE_CHUNK);
    const n = end - start;
    if (n === WIDE_CHUNK) {
      const view = wide instanceof Float64Array ? wide : wide.view;
      view.set(x.subarray(start, end));
      b.leakyRelu(wide, options);
      y.set(wide instanceof Float64Array ? wide : wide.view, start);
    } else {
      const part = Float64Array.from(x.subarray(start, end));
      y.set(b.leakyRelu(part, { alpha, out: part }), start);
    }
  }
  return y;
}

/** tfjs's step(x, alpha): NaN for NaN, 1 for x > 0, alpha elsewhere. null: not ours (NaN alpha). */
function step(b: Backend, x: Float32Array, alpha: unknown, out?: Float32Array): Float32Array | null {
  const a = alpha === undefined ? 0 : alpha;
  if (typeof a !== 'number' || Number.isNaN(a)) return null;
  const y = b.step(x, { threshold: MIN_POSITIVE_F32, out });
  // y holds 1, 0 or NaN: 0 becomes alpha (+0 needs nothing).
  return Object.is(a, 0) ? y : b.threshold(y, { threshold: 0.5, value: a, out: y });
}

/**
 * prelu(x, alpha) with tfjs's broadcasting, where alpha's shape (padded with leading 1s to x's
 * rank) is 1 outside one block of dimensions that equal x's: x is then [outer, C, inner] with
 * one alpha per C. null: another broadcast (or NaN in alpha), left to the original kernel.
 */
function prelu(b: Backend, x: Float32Array, xShape: readonly number[], alpha: Float32Array, alphaShape: readonly number[], out?: Float32Array): Float32Array | null {
  if (alphaShape.length > xShape.length) return null;
  const padded = [...new Array<number>(xShape.length - alphaShape.length).fill(1), ...alphaShape];
  let first = -1;
  let last = -1;
  for (let i = 0; i < padded.length; i++) {
    if (padded[i] !== 1) {
      if (first < 0) first = i;
      last = i;
    }
  }
  for (let i = 0; i < alpha.length; i++) if (Number.isNaN(alpha[i])) return null;
  if (first < 0) return b.leakyRelu(x, { alpha: alpha[0]!, out }); // one alpha (a float32: the product is tfjs's)
  for (let i = first; i <= last; i++) if (padded[i] !== xShape[i]) return null;
  const prod = (a: readonly number[]) => a.reduce((p, v) => p * v, 1);
  const outer = prod(xShape.slice(0, first));
  const channels = prod(xShape.slice(first, last + 1));
  const inner = prod(xShape.slice(last + 1));
  if (channels !== alpha.length) return null;
  return b.prelu(x, { alpha, shape: [outer, channels, inner], axis: 1, out });
}

// ---------------------------------------------------------------- kernels

function cpuBackend(backend: unknown): CpuBackendLike | null {
  const be = backend as Partial<CpuBackendLike> | null;
  if (!be || typeof be.makeTensorInfo !== 'function' || typeof be.data?.get !== 'function') return null;
  return be as CpuBackendLike;
}

/** The float32 values of a cpu tensor, or null (another dtype, or storage we do not know). */
function floatValues(be: CpuBackendLike, t: TfjsTensorInfo | null | undefined): Float32Array | null {
  if (!t || t.dtype !== 'float32') return null;
  const v = be.data.get(t.dataId)?.values;
  if (!(v instanceof Float32Array)) return null;
  return v.length === t.shape.reduce((p, d) => p * d, 1) ? v : null;
}

/** A unary kernel: our function on float32, the original kernel otherwise. */
function unaryKernel(original: KernelFunc, fn: (x: Float32Array, attrs: Record<string, unknown>) => Float32Array | null, input = 'x'): KernelFunc {
  return (args) => {
    const be = cpuBackend(args.backend);
    const t = args.inputs[input];
    const x = be && floatValues(be, t);
    if (!be || !x || !t) return original(args);
    const y = fn(x, args.attrs ?? {});
    if (y === null) return original(args);
    return be.makeTensorInfo(t.shape.slice(), 'float32', y);
  };
}

/** The activations the fused kernels apply (tfjs-backend-cpu utils/fused_utils applyActivation). */
type Epilogue = (x: Float32Array, shape: readonly number[], args: KernelArgs, be: CpuBackendLike) => ((out: Float32Array) => Float32Array | null) | null;

function epilogue(fb: Backend, kernelName: string): Epilogue {
  return (x, shape, args, be) => {
    const { activation, leakyreluAlpha, dataFormat } = (args.attrs ?? {}) as { activation?: string; leakyreluAlpha?: unknown; dataFormat?: string };
    switch (activation) {
      case 'relu': case 'relu6': case 'elu': case 'sigmoid': {
        const f = ELEMENTWISE[activation];
        return (out) => f(fb, x, out);
      }
      case 'leakyrelu':
        if (typeof leakyreluAlpha !== 'number' || Number.isNaN(leakyreluAlpha)) return null;
        return (out) => leakyRelu(fb, x, leakyreluAlpha, out);
      case 'prelu': {
        const w = args.inputs['preluActivationWeights'];
        const alpha = floatValues(be, w);
        if (!w || !alpha) return null;
        // FusedConv2D in NCHW aligns a 1-D alpha with the channels (reshaped to [C, 1, 1]).
        const alphaShape = kernelName === 'FusedConv2D' && dataFormat === 'NCHW' && w.shape.length === 1 && w.shape[0] !== 1 ? [w.shape[0]!, 1, 1] : w.shape;
        return (out) => prelu(fb, x, shape, alpha, alphaShape, out);
      }
      default:
        return null; // 'linear', none, or one we do not know: the original does it all
    }
  };
}

/**
 * A fused kernel (matMul or conv, + bias, + activation): the original with activation
 * 'linear' (the product and the bias add, bit for bit as before), then our activation
 * in place on that result, which the kernel just made and nothing else holds.
 */
function fusedKernel(fb: Backend, original: KernelFunc, kernelName: string): KernelFunc {
  const plan = epilogue(fb, kernelName);
  return (args) => {
    const be = cpuBackend(args.backend);
    const { activation: act, leakyreluAlpha } = (args.attrs ?? {}) as { activation?: unknown; leakyreluAlpha?: unknown };
    // Only an epilogue we apply is worth splitting the kernel for (anything else: tfjs's kernel as it is).
    const ours = act === 'relu' || act === 'relu6' || act === 'elu' || act === 'sigmoid' || act === 'prelu' ||
      (act === 'leakyrelu' && typeof leakyreluAlpha === 'number' && !Number.isNaN(leakyreluAlpha));
    if (!be || !ours) return original(args);
    const linear = original({ ...args, attrs: { ...args.attrs, activation: 'linear' } }) as TfjsTensorInfo;
    const x = floatValues(be, linear);
    const apply = x && plan(x, linear.shape, args, be);
    const entry = be.data.get(linear.dataId);
    if (x && apply) {
      const inPlace = entry?.refCount === 1;
      const y = apply(inPlace ? x : new Float32Array(x.length));
      if (y !== null) {
        if (inPlace) return linear;
        be.disposeIntermediateTensorInfo(linear);
        return be.makeTensorInfo(linear.shape.slice(), 'float32', y);
      }
      // Not ours after all (e.g. a prelu broadcast we do not map): x is untouched, redo it all.
    }
    be.disposeIntermediateTensorInfo(linear);
    return original(args);
  };
}

function makeKernel(name: TfjsKernelName, fb: Backend, original: KernelFunc): KernelFunc {
  switch (name) {
    case 'Relu': return unaryKernel(original, (x) => ELEMENTWISE.relu(fb, x));
    case 'Relu6': return unaryKernel(original, (x) => ELEMENTWISE.relu6(fb, x));
    case 'Elu': return unaryKernel(original, (x) => ELEMENTWISE.elu(fb, x));
    case 'Selu': return unaryKernel(original, (x) => ELEMENTWISE.selu(fb, x));
    case 'Sigmoid': return unaryKernel(original, (x) => ELEMENTWISE.sigmoid(fb, x));
    case 'Tanh': return unaryKernel(original, (x) => ELEMENTWISE.tanh(fb, x));
    case 'Softplus': return unaryKernel(original, (x) => ELEMENTWISE.softplus(fb, x));
    case 'LeakyRelu': return unaryKernel(original, (x, attrs) => leakyRelu(fb, x, attrs['alpha']));
    case 'Step': return unaryKernel(original, (x, attrs) => step(fb, x, attrs['alpha']));
    case 'Prelu': return (args) => {
      const be = cpuBackend(args.backend);
      const { x: xt, alpha: at } = args.inputs;
      const x = be && floatValues(be, xt);
      const alpha = be && floatValues(be, at);
      if (!be || !x || !alpha || !xt || !at) return original(args);
      const y = prelu(fb, x, xt.shape, alpha, at.shape);
      return y === null ? original(args) : be.makeTensorInfo(xt.shape.slice(), 'float32', y);
    };
    case 'Softmax': return (args) => {
      // tfjs softmax works on the last axis only (dim -1 or rank - 1); the original throws otherwise.
      const be = cpuBackend(args.backend);
      const t = args.inputs['logits'];
      const x = be && floatValues(be, t);
      const dim = (args.attrs ?? {})['dim'];
      if (!be || !x || !t || t.shape.length === 0 || x.length === 0) return original(args);
      const rank = t.shape.length;
      if (dim !== -1 && dim !== rank - 1) return original(args);
      const len = t.shape[rank - 1]!;
      const y = fb.softmax(x, { shape: [x.length / len, len], axis: 1 });
      return be.makeTensorInfo(t.shape.slice(), 'float32', y);
    };
    case '_FusedMatMul': case 'FusedConv2D': case 'FusedDepthwiseConv2D':
      return fusedKernel(fb, original, name);
  }
}

// ---------------------------------------------------------------- gradients

/** Our kernel that the replaced gradient functions run: inputs { x, dy }, attrs { op, ...the op's attrs }. */
const GRAD_KERNEL = 'WasmActivationsGrad';

interface GradOp {
  /** The op's input the gradient is for (and that we save for it). */
  readonly input: string;
  /** false: attrs we do not take (tfjs's gradient runs). */
  ok?(attrs: Record<string, unknown>, shape: readonly number[]): boolean;
  /** dy * f'(x) with tfjs's semantics, a new array. */
  run(b: Backend, x: Float32Array, dy: Float32Array, attrs: Record<string, unknown>, shape: readonly number[]): Float32Array;
  /** A call that throws when this build lacks the gradient kernel. */
  probe(b: Backend): void;
}

const PROBE = Float32Array.of(-1, 0.5);
const elementwiseGrad = (name: 'relu' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softplus'): GradOp => ({
  input: 'x',
  run: (b, x, dy) => b[name].grad(x, { dy }),
  probe: (b) => b[name].grad(PROBE),
});

/**
 * The gradients tfjs-core defines for these ops, on ours. Where tfjs's value differs from the
 * function's derivative the plug-in follows tfjs: relu6' is 1 at x = 6 (tfjs's mask is x <= 6,
 * ours is PyTorch's 0 at both bounds), leakyRelu' is alpha at NaN (tfjs's where(x > 0, dy,
 * alpha dy) takes the else branch). tfjs computes sigmoid', tanh', elu' and softmax's VJP from
 * the op's output and selu' with two roundings; ours come from x, within our ULP bounds of the
 * true derivative (and so within a few ULP of tfjs's, except where tfjs's y (1 - y) or 1 - y^2
 * cancels). Prelu keeps tfjs's gradient (it also has one for alpha).
 */
const GRAD_OPS: Partial<Record<TfjsKernelName, GradOp>> = {
  Relu: elementwiseGrad('relu'),
  Relu6: {
    input: 'x',
    run: (b, x, dy) => {
      const g = b.relu6.grad(x, { dy });
      for (let i = 0; i < x.length; i++) if (x[i] === 6) g[i] = dy[i]!;
      return g;
    },
    probe: (b) => b.relu6.grad(PROBE),
  },
  LeakyRelu: {
    input: 'x',
    ok: (attrs) => typeof attrs['alpha'] === 'number' && !Number.isNaN(attrs['alpha']),
    run: (b, x, dy, attrs) => {
      const alpha = attrs['alpha'] as number;
      const g = b.leakyRelu.grad(x, { dy, alpha });
      const a = Math.fround(alpha); // tfjs: mul(dy, alpha), alpha a float32 scalar
      for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) g[i] = Math.fround(dy[i]! * a);
      return g;
    },
    probe: (b) => b.leakyRelu.grad(PROBE, { alpha: 0.2 }),
  },
  Elu: elementwiseGrad('elu'),
  Selu: elementwiseGrad('selu'),
  Sigmoid: elementwiseGrad('sigmoid'),
  Tanh: elementwiseGrad('tanh'),
  // tfjs: dy * sigmoid(x) for every x; ours with threshold 20 is the same to float32 (sigmoid(20) rounds to 1).
  Softplus: elementwiseGrad('softplus'),
  Softmax: {
    input: 'logits',
    ok: (attrs, shape) => shape.length > 0 && (attrs['dim'] === -1 || attrs['dim'] === shape.length - 1),
    run: (b, x, dy, _attrs, shape) => {
      const len = shape[shape.length - 1]!;
      return b.softmax.grad(x, { dy, shape: [len === 0 ? 0 : x.length / len, len], axis: 1 });
    },
    probe: (b) => b.softmax.grad(PROBE, { dy: PROBE, shape: [1, 2] }),
  },
};

function gradKernel(fb: Backend): KernelFunc {
  return (args) => {
    const be = cpuBackend(args.backend);
    const { x: xt, dy: dyt } = args.inputs;
    const attrs = args.attrs ?? {};
    const op = GRAD_OPS[attrs['op'] as TfjsKernelName];
    const x = be && floatValues(be, xt);
    const dy = be && floatValues(be, dyt);
    if (!be || !x || !dy || !xt || !op || x.length !== dy.length) throw new Error(`wasm-activations/tfjs: ${GRAD_KERNEL} cannot run on these inputs`);
    return be.makeTensorInfo(xt.shape.slice(), 'float32', op.run(fb, x, dy, attrs, xt.shape));
  };
}

/** A gradient config that runs ours on the cpu backend (first-order gradients of float32), tfjs's otherwise. */
function gradConfig(tf: Required<TfjsLike>, name: TfjsKernelName, op: GradOp, original: TfjsGradConfig, live: () => boolean): TfjsGradConfig | null {
  const inputs = original.inputsToSave ?? [];
  if (original.saveAllInputs || inputs.length > 1 || (inputs.length === 1 && inputs[0] !== op.input)) return null;
  const engine = tf.engine();
  return {
    ...original,
    kernelName: name,
    inputsToSave: [op.input],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as TensorLike;
      const d = dy as TensorLike;
      // tfjs's own: on another backend, after unregister(), for other dtypes, and inside an outer
      // gradient (tf.grad(tf.grad(f))), where the backward pass must itself be differentiable.
      const ours = live() && tf.getBackend() === 'cpu' && engine.state.gradientDepth === 0 && x.dtype === 'float32' && d.dtype === 'float32' &&
        (op.ok?.(attrs ?? {}, x.shape) ?? true);
      if (!ours) return original.gradFunc(dy, inputs.length === 1 ? saved : saved.slice(1), attrs);
      return { [op.input]: () => engine.runKernel(GRAD_KERNEL, { x, dy }, { ...attrs, op: name }) };
    },
  };
}

// ---------------------------------------------------------------- registration

const OURS = Symbol.for('wasm-activations/tfjs kernel');

function checkOptions(options: unknown): RegisterTfjsOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new TypeError(`registerTfjsKernels: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const known = ['backend', 'wasm', 'maxScratchBytes', 'kernels'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`registerTfjsKernels: unknown option '${key}'; known options: ${known.join(', ')}`);
  }
  const o = options as RegisterTfjsOptions;
  if (o.backend !== undefined && !['auto', 'wasm-simd', 'wasm', 'js'].includes(o.backend)) {
    throw new RangeError(`registerTfjsKernels: backend must be 'auto', 'wasm-simd', 'wasm' or 'js', got ${JSON.stringify(o.backend)}`);
  }
  if (o.kernels !== undefined) {
    if (!Array.isArray(o.kernels)) throw new TypeError('registerTfjsKernels: kernels must be an array of kernel names');
    const bad = o.kernels.filter((k) => !(TFJS_KERNELS as readonly string[]).includes(k));
    if (bad.length > 0) throw new RangeError(`registerTfjsKernels: unknown kernel(s) ${bad.map((k) => JSON.stringify(k)).join(', ')}; known: ${TFJS_KERNELS.join(', ')}`);
  }
  return o;
}

async function loadOurs(options: RegisterTfjsOptions): Promise<Backend> {
  const rest = { ...(options.wasm !== undefined ? { wasm: options.wasm } : {}), ...(options.maxScratchBytes !== undefined ? { maxScratchBytes: options.maxScratchBytes } : {}) };
  const wanted = options.backend ?? 'auto';
  if (wanted !== 'auto') return loadBackend(wanted, rest);
  const errors: string[] = [];
  for (const name of ['wasm-simd', 'wasm'] as const) {
    try {
      return await loadBackend(name, rest);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  // A location given and wrong is an error; a runtime without WebAssembly gets js.
  if (options.wasm !== undefined) throw new Error(`registerTfjsKernels: ${errors.join('; ')}`);
  return loadBackend('js');
}

/**
 * Registers our kernels for the activation kernels of TensorFlow.js's `cpu` backend (and the
 * activation epilogue of its fused matMul and conv kernels). Resolves to a handle whose
 * `unregister()` restores the originals. Rejects, changing nothing, when `tf` has no kernel
 * registry or the `cpu` backend's kernels are not registered, or when ours are already there.
 */
export async function registerTfjsKernels(tf: TfjsLike, options?: RegisterTfjsOptions): Promise<TfjsKernelsHandle> {
  if (!tf || typeof tf.getKernel !== 'function' || typeof tf.registerKernel !== 'function' || typeof tf.unregisterKernel !== 'function') {
    throw new TypeError('registerTfjsKernels: pass the TensorFlow.js namespace (import * as tf from \'@tensorflow/tfjs\'), which has getKernel, registerKernel and unregisterKernel');
  }
  const opts = checkOptions(options);
  const wanted = opts.kernels ?? TFJS_KERNELS;
  const check = () => {
    const originals = new Map<TfjsKernelName, TfjsKernelConfig>();
    // One registration at a time per kernel registry (whatever subset each asked for).
    for (const name of TFJS_KERNELS) {
      if ((tf.getKernel(name, 'cpu')?.kernelFunc as unknown as Record<symbol, unknown> | undefined)?.[OURS]) {
        throw new Error(`registerTfjsKernels: our kernel for '${name}' is already registered; call unregister() on the handle of the first registration`);
      }
    }
    for (const name of wanted) {
      const config = tf.getKernel(name, 'cpu');
      if (config === undefined) continue; // an older tfjs without this kernel
      originals.set(name, config);
    }
    if (originals.size === 0) {
      throw new Error('registerTfjsKernels: the TensorFlow.js cpu backend\'s kernels are not registered: import \'@tensorflow/tfjs\' (or \'@tensorflow/tfjs-backend-cpu\') before calling');
    }
    return originals;
  };
  check();
  const fb = await loadOurs(opts);
  let originals: Map<TfjsKernelName, TfjsKernelConfig>;
  try {
    originals = check(); // again: another registration may have finished while we loaded
  } catch (e) {
    fb.release();
    throw e;
  }
  const installed = new Map<TfjsKernelName, KernelFunc>();
  for (const [name, config] of originals) {
    const original = config.kernelFunc;
    const kernelFunc = makeKernel(name, fb, (args) => original(args));
    Object.defineProperty(kernelFunc, OURS, { value: true });
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...config, kernelFunc });
    installed.set(name, kernelFunc);
  }
  // Gradients: where tf has a gradient registry and an engine, and this build the gradient kernel.
  let done = false;
  const live = () => !done;
  const grads = new Map<TfjsKernelName, [TfjsGradConfig, TfjsGradConfig]>(); // name -> [original, ours]
  const full = tf as Required<TfjsLike>;
  if (typeof tf.getGradient === 'function' && typeof tf.registerGradient === 'function' && typeof tf.engine === 'function' && typeof tf.getBackend === 'function') {
    for (const name of installed.keys()) {
      const op = GRAD_OPS[name];
      const original = tf.getGradient(name);
      if (!op || !original) continue;
      try {
        op.probe(fb);
      } catch {
        continue; // this build has no gradient kernel for it yet: tfjs's gradient stays
      }
      const ours = gradConfig(full, name, op, original, live);
      if (ours) grads.set(name, [original, ours]);
    }
    if (grads.size > 0) {
      if (tf.getKernel(GRAD_KERNEL, 'cpu') !== undefined) tf.unregisterKernel(GRAD_KERNEL, 'cpu');
      tf.registerKernel({ kernelName: GRAD_KERNEL, backendName: 'cpu', kernelFunc: gradKernel(fb) });
      for (const [, ours] of grads.values()) tf.registerGradient(ours);
    }
  }
  return Object.freeze({
    backend: Object.freeze({ name: fb.name, simd: fb.simd, threads: fb.threads }),
    kernels: Object.freeze([...installed.keys()]),
    gradients: Object.freeze([...grads.keys()]),
    unregister(): void {
      if (done) return;
      done = true;
      for (const [name, kernelFunc] of installed) {
        // Restore only where ours is still the one registered (someone may have replaced it since).
        if (tf.getKernel(name, 'cpu')?.kernelFunc !== kernelFunc) continue;
        tf.unregisterKernel(name, 'cpu');
        tf.registerKernel(originals.get(name)!);
      }
      for (const [name, [original, ours]] of grads) {
        if (full.getGradient(name) === ours) full.registerGradient(original);
      }
      // Tape nodes recorded while ours was registered still call our gradFunc: with live() false it runs tfjs's.
      if (grads.size > 0 && tf.getKernel(GRAD_KERNEL, 'cpu') !== undefined) tf.unregisterKernel(GRAD_KERNEL, 'cpu');
      fb.release();
    },
  });
}
