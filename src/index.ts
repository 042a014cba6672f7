// wasm-activations: neural-network activation functions on WebAssembly SIMD,
// scalar WebAssembly, or pure TypeScript, with the same bits from each.
import { makeFunctions, type ActivationFn } from './api.js';
import type { BackendName, KernelSet } from './kernels.js';
import { jsKernels, jsUnaryKernels } from './js/index.js';
import { DEFAULT_MAX_SCRATCH_BYTES } from './memory.js';
import { WasmKernels, defaultLocation, instantiate, simdSupported, type WasmSource } from './wasm.js';
import { inlineBytes } from './wasm-inline.js';
import { catalog } from './catalog.js';

export { catalog } from './catalog.js';
export type { ActivationDef, ParamDef, NumberParam, EnumParam, ChannelParam, Properties, Accuracy } from './catalog.js';
export type { ActivationFn, CallOptions } from './api.js';
export type { BackendName } from './kernels.js';
export type { WasmSource } from './wasm.js';
export type { FloatArray, DType } from './types.js';
export { WasmArray } from './wasm-array.js';
import type { WasmArray } from './wasm-array.js';

export interface BackendInfo {
  readonly name: BackendName;
  readonly simd: boolean;
  readonly threads: number;
}

export interface InitOptions {
  /** Which backend: 'auto' (default) picks wasm-simd, then wasm, then js. */
  backend?: 'auto' | BackendName;
  /** Where the WebAssembly build is, for hosts where automatic loading fails: one build, or both. */
  wasm?: WasmSource | { simd?: WasmSource; scalar?: WasmSource };
  /** Bound on the WebAssembly scratch memory, in bytes (default 64 MiB). */
  maxScratchBytes?: number;
}

type Functions = { readonly [K in FunctionName]: ActivationFn };

/** A backend with every function bound to it, for using two backends side by side. */
export type Backend = BackendInfo & Functions & {
  /** A zero-copy array in this backend's WebAssembly memory (not on js). */
  allocate(dtype: 'f32' | 'f64', length: number): WasmArray;
  /** Frees the backend's WebAssembly memory; its functions throw afterwards. */
  release(): void;
};

function checkAllocate(where: string, dtype: unknown, length: unknown): void {
  if (dtype !== 'f32' && dtype !== 'f64') throw new TypeError(`${where}: dtype must be 'f32' or 'f64', got ${JSON.stringify(dtype)}`);
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`${where}: length must be an integer >= 0, got ${String(length)}`);
  }
}

/**
 * A zero-copy array in the active backend's WebAssembly memory: fill it
 * through `.view`, pass it as x or out, free it with `.free()`. Throws on the
 * js backend (call init() first). It belongs to the backend that made it:
 * release() or a later init() with another backend invalidates it.
 */
export function allocate(dtype: 'f32' | 'f64', length: number): WasmArray {
  checkAllocate('allocate', dtype, length);
  return active.allocate(dtype, length);
}

let active: KernelSet = jsKernels;
let pending: Promise<BackendInfo> | null = null;
let pendingKey = '';

const fns = makeFunctions(() => active);

function info(k: KernelSet): BackendInfo {
  return { name: k.name, simd: k.simd, threads: k.threads };
}

/** The active backend. Before init() resolves (and after release()) it is js. */
export function backendInfo(): BackendInfo {
  return info(active);
}

function isSourcePair(w: InitOptions['wasm']): w is { simd?: WasmSource; scalar?: WasmSource } {
  return typeof w === 'object' && w !== null && !(w instanceof URL) && !(w instanceof WebAssembly.Module) && !(w instanceof ArrayBuffer) && !ArrayBuffer.isView(w);
}

function checkInitOptions(where: string, options: InitOptions): void {
  const known = ['backend', 'wasm', 'maxScratchBytes'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}'; known options: ${known.join(', ')}`);
  }
  const b = options.backend;
  if (b !== undefined && !['auto', 'wasm-simd', 'wasm', 'js'].includes(b)) {
    throw new RangeError(`${where}: backend must be 'auto', 'wasm-simd', 'wasm' or 'js', got ${JSON.stringify(b)}`);
  }
  const m = options.maxScratchBytes;
  if (m !== undefined && (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1024)) {
    throw new RangeError(`${where}: maxScratchBytes must be an integer >= 1024, got ${String(m)}`);
  }
}

/**
 * Compares a freshly loaded build with the TypeScript mirror on a few inputs
 * of every kernel (the mirror's IEEE arithmetic is the known answer): an
 * engine that validates SIMD but computes it wrongly is caught here.
 */
function selfTest(k: WasmKernels): string | null {
  const inputs = [-1e30, -88.5, -20, -3, -2.5, -1, -0.75, -1e-3, -0, 0, 1e-7, 0.5, 1, 2.25, 3, 6.5, 15, 40, 1e30, Infinity, -Infinity];
  for (const Ctor of [Float32Array, Float64Array] as const) {
    const x = Ctor.from(inputs);
    for (const def of catalog) {
      if (def.kind !== 'elementwise') continue;
      const { kernel } = def.call!({ ...def.example, alpha: 0.5, beta: 1, threshold: 0.25, value: -2, min: -1, max: 1, lambda: 0.5, approximate: 'none' });
      if (!k.has(`${kernel}_${Ctor === Float32Array ? 'f32' : 'f64'}`) || !jsUnaryKernels[kernel]) continue;
      const want = new Ctor(x.length);
      const got = new Ctor(x.length);
      jsKernels.unary(kernel, x, want, 0.5, 1);
      k.unary(kernel, x, got, 0.5, 1);
      for (let i = 0; i < x.length; i++) {
        if (!Object.is(want[i], got[i]) && !(Number.isNaN(want[i]) && Number.isNaN(got[i]))) {
          return `${kernel}(${x[i]}) gave ${got[i]}, expected ${want[i]}`;
        }
      }
    }
  }
  return null;
}

async function load(name: 'wasm-simd' | 'wasm', options: InitOptions): Promise<WasmKernels> {
  const simd = name === 'wasm-simd';
  const w = options.wasm;
  let source: WasmSource | undefined;
  if (w === undefined) source = undefined;
  else if (isSourcePair(w)) source = simd ? w.simd : w.scalar;
  else source = w;
  if (typeof WebAssembly === 'undefined') throw new Error(`wasm-activations: this runtime has no WebAssembly, so the ${name} backend cannot run`);
  if (simd && !simdSupported()) throw new Error('wasm-activations: this runtime does not validate WebAssembly SIMD, so the wasm-simd backend cannot run');
  let instance: WebAssembly.Instance;
  if (source !== undefined) instance = await instantiate(source);
  else {
    try {
      instance = await instantiate(defaultLocation(simd));
    } catch (notThere) {
      // A bundle without the .wasm files beside it (esbuild, Vite's dev prebundle): the bytes shipped inline.
      try {
        instance = await instantiate(await inlineBytes(simd));
      } catch {
        throw notThere;
      }
    }
  }
  const exports = instance.exports as Record<string, unknown>;
  if (typeof exports['heapBase'] !== 'function' || !(exports['memory'] instanceof WebAssembly.Memory)) {
    throw new Error(`wasm-activations: the module from ${String(source ?? defaultLocation(simd))} is not a wasm-activations build`);
  }
  const builtSimd = typeof exports['simd'] === 'function' && (exports['simd'] as () => number)() === 1;
  if (builtSimd !== simd) {
    throw new Error(`wasm-activations: the module given for ${name} is the ${builtSimd ? 'SIMD' : 'scalar'} build`);
  }
  const kernels = new WasmKernels(name, simd, instance, options.maxScratchBytes ?? DEFAULT_MAX_SCRATCH_BYTES);
  const failure = selfTest(kernels);
  if (failure !== null) {
    kernels.release();
    throw new Error(`wasm-activations: the ${name} backend failed its self-test (${failure}); not using it`);
  }
  return kernels;
}

async function loadKernels(name: BackendName, options: InitOptions): Promise<KernelSet> {
  return name === 'js' ? jsKernels : load(name, options);
}

/**
 * Loads the best backend (or the one asked for), checks it, and makes it
 * active. Idempotent: calling it again with the same options returns the
 * same info. On failure the js backend stays active and the promise rejects
 * with an Error naming what could not be loaded.
 */
export function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (typeof options !== 'object' || options === null) return Promise.reject(new TypeError(`init: options must be an object, got ${String(options)}`));
  try {
    checkInitOptions('init', options);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = JSON.stringify({ b: options.backend ?? 'auto', w: options.wasm === undefined ? null : String(options.wasm), m: options.maxScratchBytes ?? null });
  if (pending !== null && key === pendingKey) return pending;
  pendingKey = key;
  pending = (async () => {
    const wanted = options.backend ?? 'auto';
    let chosen: KernelSet;
    if (wanted !== 'auto') {
      chosen = await loadKernels(wanted, options);
    } else if (typeof WebAssembly === 'undefined') {
      chosen = jsKernels;
    } else {
      // Try SIMD first; an engine without it, or one that fails the self-test, gets the scalar build.
      const errors: string[] = [];
      chosen = jsKernels;
      for (const name of ['wasm-simd', 'wasm'] as const) {
        try {
          chosen = await load(name, options);
          break;
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      if (chosen === jsKernels && options.wasm !== undefined) throw new Error(errors.join('; '));
      if (chosen === jsKernels && errors.some((m) => m.includes('could not load'))) {
        throw new Error(`${errors.join('; ')}. Pass init({ wasm }) with the module's location or bytes; until then the js backend stays active.`);
      }
    }
    if (active !== chosen && active !== jsKernels) active.release();
    active = chosen;
    return info(active);
  })();
  pending.catch(() => {
    // SPEC section 2: a failed init leaves js active.
    if (active !== jsKernels) active.release();
    active = jsKernels;
    pending = null;
    pendingKey = '';
  });
  return pending;
}

/** Drops the active WebAssembly instance so its memory can be collected; functions run on js until init() is called again. */
export function release(): void {
  if (active !== jsKernels) active.release();
  active = jsKernels;
  pending = null;
  pendingKey = '';
}

/** Loads a backend by name without making it active, so that two can be used side by side. */
export async function loadBackend(name: BackendName, options: Omit<InitOptions, 'backend'> = {}): Promise<Backend> {
  if (!['wasm-simd', 'wasm', 'js'].includes(name)) throw new RangeError(`loadBackend: name must be 'wasm-simd', 'wasm' or 'js', got ${JSON.stringify(name)}`);
  checkInitOptions('loadBackend', options);
  const kernels = await loadKernels(name, options);
  const bound = makeFunctions(() => kernels);
  const allocateHere = (dtype: 'f32' | 'f64', length: number): WasmArray => {
    checkAllocate(`${name}.allocate`, dtype, length);
    return kernels.allocate(dtype, length);
  };
  return Object.freeze({ ...info(kernels), ...bound, allocate: allocateHere, release: () => kernels.release() }) as unknown as Backend;
}

// One named export per catalog entry (and alias). test/exports.test.ts checks the list against the catalog.
export const {
  identity, step, threshold, sigmoid, tanh, relu, relu6, leakyRelu, prelu, elu, selu, celu, gelu, silu, swish,
  mish, softplus, softsign, hardSigmoid, hardSwish, hardTanh, logSigmoid, tanhshrink, softshrink, hardshrink,
  softmax, logSoftmax, softmin,
} = fns as Functions;

type FunctionName =
  | 'identity' | 'step' | 'threshold' | 'sigmoid' | 'tanh' | 'relu' | 'relu6' | 'leakyRelu' | 'prelu' | 'elu'
  | 'selu' | 'celu' | 'gelu' | 'silu' | 'swish' | 'mish' | 'softplus' | 'softsign' | 'hardSigmoid' | 'hardSwish'
  | 'hardTanh' | 'logSigmoid' | 'tanhshrink' | 'softshrink' | 'hardshrink' | 'softmax' | 'logSoftmax' | 'softmin';
