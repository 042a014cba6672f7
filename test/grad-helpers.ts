// Shared pieces of the catalog-driven gradient suites (test/grad.*.test.ts):
// calling fn.grad on a backend object, the kernel a call resolves to, the
// places where a function's derivative jumps (kinks and switches), random dy,
// and the exact ULP check of a product dy * f'(x).
import Decimal from 'decimal.js';
import { Ctor, resolve, rng, type ActivationDef, type DType, type FloatArray } from './helpers.js';
import type { Params } from './reference.js';
import { distance, exactDecimal, type Bound } from './ulp.js';

export type GradFn = (x: unknown, o?: Record<string, unknown>) => FloatArray;
export type ForwardFn = (x: unknown, o?: Record<string, unknown>) => FloatArray;

export const gradOf = (api: unknown, name: string): GradFn => {
  const f = (api as Record<string, { grad?: GradFn }>)[name];
  if (typeof f?.grad !== 'function') throw new Error(`${name} has no grad on this API object`);
  return f.grad;
};
export const forwardOf = (api: unknown, name: string): ForwardFn => {
  const f = (api as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new Error(`${name} is not a function of this API object`);
  return f as ForwardFn;
};

/** The kernel an elementwise or channelwise (scalar alpha) call resolves to: 'geluTanh' for gelu with approximate 'tanh'. */
export const kernelOf = (def: ActivationDef, opts: Record<string, unknown>, dtype: DType): string =>
  def.call!(resolve(def, opts, dtype) as Record<string, number | string>).kernel;

/** Elementwise and prelu (scalar alpha): the catalog entries whose gradient is dy * f'(x) elementwise. */
export const isPointwise = (def: ActivationDef): boolean => def.kind === 'elementwise' || def.kind === 'channelwise';

/** Random nonzero dy: magnitudes 2^-6 .. 2^5 and both signs, or within `maxLog2` when given. */
export function randomDy(dtype: DType, n: number, seed: number, maxLog2 = 5): FloatArray {
  const r = rng(seed);
  return Ctor(dtype).from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (0.5 + r() / 2) * 2 ** Math.floor(r() * (maxLog2 + 7) - 6));
}

/**
 * Where f' jumps or the definition switches, for resolved params p: the
 * kinks of the piecewise functions (PyTorch's values there are in the
 * references), elu/selu/celu at 0, softplus's switch to x at
 * beta x = threshold, softsign at 0 (f'' jumps; f' is continuous).
 */
export function kinksOf(kernel: string, p: Params): number[] {
  const n = (k: string): number => p[k] as number;
  switch (kernel) {
    case 'step': case 'threshold': return [n('threshold')];
    case 'relu': case 'leakyRelu': case 'elu': case 'selu': case 'celu': case 'softsign': return [0];
    case 'relu6': return [0, 6];
    case 'hardTanh': return [n('min'), n('max')];
    case 'softshrink': case 'hardshrink': return [-n('lambda'), n('lambda')];
    case 'hardSigmoid': case 'hardSwish': return [-3, 3];
    case 'softplus': return [n('threshold') / n('beta')];
    default: return [];
  }
}

const exponentView = new DataView(new ArrayBuffer(8));
/** floor(log2 |v|) of a finite nonzero float64, from its bits; -1023 for subnormals (below every emin used here). */
function exponentOf(v: number): number {
  exponentView.setFloat64(0, v);
  return ((exponentView.getUint32(0) >>> 20) & 0x7ff) - 1023;
}

/** The ULP of the result type at a real value v (given as a float64): the spacing of the floats around v. */
export function ulpAt(dtype: DType, v: number): number {
  const [emin, p] = dtype === 'f32' ? [-126, 23] : [-1022, 52];
  if (v === 0 || !Number.isFinite(v)) return 2 ** (emin - p);
  return 2 ** (Math.max(exponentOf(v), emin) - p);
}

/**
 * Is y = dy * f'(x) as accurate as the product of dy with a gradient within
 * `bound` of f'? The gradient may be off by (bound + 1/2) ULPs of f' (the
 * bound counts from the rounded f'), scaled by |dy|, and the product adds its
 * own rounding, half an ULP of the result: |y - dy f'| <= (bound + 1/2)
 * ulp(f') |dy| + ulp(y)/2. (Counted in ULPs of the result alone this is
 * bound + 1 where f' and the product sit alike in their binades, and up to
 * twice that where they do not, which no fixed "+ k ULP" can say.) Where the
 * function's bound also allows an absolute error below 2^-20 (SPEC 6), that
 * error is scaled by |dy| too. `fp` is the exact f'(x), as a float64 (f32) or
 * a Decimal (f64).
 */
export function productWithin(dtype: DType, y: number, fp: number | Decimal, dy: number, bound: Bound): boolean {
  const fpNum = typeof fp === 'number' ? fp : fp.toNumber();
  if (Number.isNaN(y) || Number.isNaN(fpNum) || Number.isNaN(dy)) return Number.isNaN(y) && (Number.isNaN(fpNum) || Number.isNaN(dy) || (dy === 0 && !Number.isFinite(fpNum)) || (fpNum === 0 && !Number.isFinite(dy)));
  const slack = 1 + 1e-6;
  if (dtype === 'f32') {
    let allowed = (bound.ulp + 0.5) * ulpAt('f32', fpNum) * Math.abs(dy) * slack;
    if (bound.absoluteBelowTiny && Math.abs(fpNum) < 2 ** -20) allowed = Math.max(allowed, 2 ** -24 * Math.abs(dy));
    const exact = dy * fpNum; // dy (24 bits) times a float64: 2^-53 relative, far below an f32 ULP
    if (!Number.isFinite(exact) || Math.abs(exact) >= 2 ** 128) return y === (exact > 0 ? Infinity : -Infinity);
    return Math.abs(y - exact) <= allowed + (ulpAt('f32', exact) / 2) * slack;
  }
  // In Decimal: the allowance is below the smallest subnormal where the result underflows.
  const exactD = exactDecimal(dy).times(fp as Decimal);
  const exact = exactD.toNumber();
  if (!Number.isFinite(exact)) return y === exact;
  const dyD = exactDecimal(Math.abs(dy)).times(slack);
  let allowedD = exactDecimal(ulpAt('f64', fpNum)).times(bound.ulp + 0.5).times(dyD);
  if (bound.absoluteBelowTiny && Math.abs(fpNum) < 2 ** -20) allowedD = Decimal.max(allowedD, dyD.times(exactDecimal(2 ** -53)));
  return exactDecimal(y).minus(exactD).abs().lte(allowedD.plus(exactDecimal(ulpAt('f64', exact)).div(2).times(slack)));
}

export { distance };

/** Yields to the event loop inside long loops (vitest's worker answers its RPC only between macrotasks). */
export { yieldToEventLoop as breathe } from './helpers.js';
