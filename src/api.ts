// The public functions, derived from the catalog: each validates its input
// once, up front (nothing is written before every check has passed), resolves
// params with their defaults and rounds them to the array's precision, and
// then makes exactly one call into a backend's KernelSet.
import { catalog, AXIS_MODE, COMMON_OPTIONS, type ActivationDef, type ParamDef, type ResolvedParams } from './catalog.js';
import type { KernelSet, Operand } from './kernels.js';
import { WasmArray } from './wasm-array.js';
import type { FloatArray } from './types.js';

export interface CallOptions {
  out?: FloatArray | WasmArray;
  shape?: readonly number[];
  axis?: number;
  [param: string]: unknown;
}

export interface GradOptions extends CallOptions {
  /** The upstream gradient, x's type and length; ones when omitted. */
  dy?: FloatArray | WasmArray;
}

/** One activation: `fn(x, options?)` returns f(x) with x's type and length; `fn.grad(x, { dy })` returns dy * f'(x). */
export interface ActivationFn {
  <T extends FloatArray | WasmArray>(x: T, options?: CallOptions & { out?: T }): T;
  /** dy * f'(x) elementwise (dy defaults to ones); for the softmax family the vector-Jacobian product along the axis. */
  readonly grad: <T extends FloatArray | WasmArray>(x: T, options?: GradOptions & { dy?: T; out?: T }) => T;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

const isFloatArray = (v: unknown): v is FloatArray => v instanceof Float32Array || v instanceof Float64Array;
const isOperand = (v: unknown): v is Operand => isFloatArray(v) || (v instanceof WasmArray && !v.freed);

function describeOperand(v: unknown): string {
  if (v instanceof WasmArray) return v.freed ? 'freed WasmArray' : `WasmArray<${v.dtype}>`;
  return describe(v);
}

/** The bytes an operand covers, and in which buffer. */
function span(v: Operand): [ArrayBufferLike, number, number] {
  if (v instanceof WasmArray) return [v.memory.bufferNow, v.ptr, v.ptr + v.length * v.BYTES_PER_ELEMENT];
  return [v.buffer, v.byteOffset, v.byteOffset + v.byteLength];
}

function checkArrays(fname: string, x: unknown, out: unknown, outName = 'out'): void {
  if (!isOperand(x)) {
    throw new TypeError(`${fname}: x must be a Float32Array, Float64Array or WasmArray, got ${describeOperand(x)}` + (out !== undefined ? ` (${outName}: ${describeOperand(out)})` : ''));
  }
  if (out === undefined) return;
  if (!isOperand(out) || out.BYTES_PER_ELEMENT !== x.BYTES_PER_ELEMENT) {
    throw new TypeError(`${fname}: ${outName} must have the element type of x: x is a ${describeOperand(x)}, ${outName} is a ${describeOperand(out)}`);
  }
  if (out.length !== x.length) {
    throw new RangeError(`${fname}: ${outName} has length ${out.length}, x has length ${x.length}`);
  }
  if (outName === 'out') checkOverlap(fname, x, out, 'x');
}

/** out may be `a` itself (in place) or apart from it, never a partial overlap. */
function checkOverlap(fname: string, a: Operand, out: Operand, aName: string): void {
  const [ab, as, ae] = span(a);
  const [ob, os, oe] = span(out);
  if (out !== a && ob === ab) {
    const same = as === os && ae === oe;
    if (!same && os < ae && as < oe) {
      throw new RangeError(`${fname}: out overlaps ${aName} without being ${aName} (${aName} bytes [${as}, ${ae}), out bytes [${os}, ${oe})); pass out === ${aName} to compute in place`);
    }
  }
}

function checkKnownOptions(fname: string, def: ActivationDef, options: Record<string, unknown>, common: readonly string[]): void {
  const known = [...def.params.map((p) => p.name), ...common];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${fname}: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
  }
}

/** Rounds a param to the array's precision (SPEC section 3). */
const roundTo = (x: Operand, v: number): number => (x.BYTES_PER_ELEMENT === 4 ? Math.fround(v) : v);

function resolveNumber(fname: string, p: Extract<ParamDef, { type: 'number' }>, raw: unknown, x: Operand): number {
  if (raw === undefined) {
    if (p.default === undefined) throw new RangeError(`${fname}: param '${p.name}' is required (${p.doc})`);
    return roundTo(x, p.default);
  }
  if (typeof raw !== 'number') throw new TypeError(`${fname}: param '${p.name}' must be a number, got ${describe(raw)}`);
  const v = roundTo(x, raw);
  if (Number.isNaN(v) || !p.valid(v)) {
    const rounded = v !== raw ? ` (${raw} rounds to ${v} in float32)` : '';
    throw new RangeError(`${fname}: param '${p.name}' must be ${p.domain}, got ${raw}${rounded}`);
  }
  return v;
}

function resolveShape(fname: string, x: Operand, shape: unknown): number[] {
  if (shape === undefined) return [x.length];
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) throw new TypeError(`${fname}: shape must be an array of integers, got ${describe(shape)}`);
  const dims = Array.from(shape as ArrayLike<unknown>);
  if (dims.length === 0 || dims.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw new RangeError(`${fname}: shape must be a non-empty list of integers >= 0, got [${dims.join(', ')}]`);
  }
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  if (size !== x.length) throw new RangeError(`${fname}: shape [${dims.join(', ')}] has ${size} elements, x has ${x.length}`);
  return dims as number[];
}

function resolveAxis(fname: string, axis: unknown, rank: number, fallback: number): number {
  if (axis === undefined) return fallback;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${fname}: axis must be an integer in [${-rank}, ${rank - 1}] for a shape of rank ${rank}, got ${String(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** [outer, len, inner] of a shape around an axis. */
function split(shape: readonly number[], axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return [outer, shape[axis]!, inner];
}

function resolveParams(fname: string, def: ActivationDef, options: Record<string, unknown>, x: Operand): Record<string, number | string | ArrayLike<number>> {
  const p: Record<string, number | string | ArrayLike<number>> = {};
  for (const param of def.params) {
    const raw = options[param.name];
    if (param.type === 'number') {
      p[param.name] = resolveNumber(fname, param, raw, x);
    } else if (param.type === 'enum') {
      if (raw === undefined) p[param.name] = param.default;
      else if (typeof raw !== 'string' || !param.values.includes(raw)) {
        throw new RangeError(`${fname}: param '${param.name}' must be one of ${param.values.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(raw)}`);
      } else p[param.name] = raw;
    } else {
      // channels: a number, or an array of numbers (checked against the shape later).
      if (raw === undefined) p[param.name] = roundTo(x, param.default);
      else if (typeof raw === 'number') {
        if (Number.isNaN(raw)) throw new RangeError(`${fname}: param '${param.name}' must be a number, got NaN`);
        p[param.name] = roundTo(x, raw);
      } else if (Array.isArray(raw) || ArrayBuffer.isView(raw)) {
        const values = Array.from(raw as ArrayLike<unknown>);
        const bad = values.findIndex((v) => typeof v !== 'number' || Number.isNaN(v));
        if (bad >= 0) throw new RangeError(`${fname}: param '${param.name}'[${bad}] must be a number, got ${String(values[bad])}`);
        p[param.name] = values as number[];
      } else {
        throw new TypeError(`${fname}: param '${param.name}' must be a number or an array of numbers, got ${describe(raw)}`);
      }
    }
  }
  const problem = def.constraint?.(p);
  if (problem !== undefined) throw new RangeError(`${fname}: ${problem}`);
  return p;
}

/** What one call computes, resolved from the catalog entry and the options: the forward and gradient calls share it. */
type Plan =
  | { readonly kind: 'unary'; readonly kernel: string; readonly a: number; readonly b: number }
  | { readonly kind: 'channels'; readonly alpha: FloatArray; readonly inner: number }
  | { readonly kind: 'axis'; readonly outer: number; readonly len: number; readonly inner: number; readonly mode: number };

/** Validates everything but the arrays' contents and resolves the plan; throws before any memory is touched. */
function planCall(fname: string, def: ActivationDef, x: Operand, opts: Record<string, unknown>): Plan {
  const p = resolveParams(fname, def, opts, x);
  if (def.kind === 'elementwise') {
    const c = def.call!(p);
    return { kind: 'unary', kernel: c.kernel, a: c.a, b: c.b };
  }
  const shape = resolveShape(fname, x, opts['shape']);
  if (def.kind === 'axis') {
    const axis = resolveAxis(fname, opts['axis'], shape.length, shape.length - 1);
    const [outer, len, inner] = split(shape, axis);
    return { kind: 'axis', outer, len, inner, mode: AXIS_MODE[def.name]! };
  }
  const axis = resolveAxis(fname, opts['axis'], shape.length, shape.length === 1 ? 0 : 1);
  const [, channels, inner] = split(shape, axis);
  const alpha = p['alpha'];
  if (typeof alpha === 'number' || (alpha as ArrayLike<number>).length === 1) {
    const a = typeof alpha === 'number' ? alpha : roundTo(x, (alpha as ArrayLike<number>)[0]!);
    return { kind: 'unary', kernel: 'leakyRelu', a, b: 0 };
  }
  const values = alpha as ArrayLike<number>;
  if (values.length !== channels) {
    throw new RangeError(`${fname}: alpha has ${values.length} values, the shape [${shape.join(', ')}] has ${channels} channels along axis ${axis}`);
  }
  const typed = x.BYTES_PER_ELEMENT === 4 ? Float32Array.from(values) : Float64Array.from(values);
  return { kind: 'channels', alpha: typed, inner };
}

function checkOptionsObject(fname: string, options: unknown): Record<string, unknown> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${fname}: options must be an object, got ${describe(options)}`);
  }
  return (options ?? {}) as Record<string, unknown>;
}

/** A fresh result for x: a WasmArray in x's memory for a WasmArray x, else a typed array of x's type. */
function freshLike(x: Operand): Operand {
  if (x instanceof WasmArray) return new WasmArray(x.memory, x.dtype, x.length);
  return x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length);
}

function makeFunction(def: ActivationDef, kernels: () => KernelSet, fname = def.name): ActivationFn {
  const fn = (x: Operand, options?: CallOptions): Operand => {
    const opts = checkOptionsObject(fname, options);
    checkArrays(fname, x, opts['out']);
    checkKnownOptions(fname, def, opts, COMMON_OPTIONS[def.kind]);
    const plan = planCall(fname, def, x, opts);
    // Every check has passed: only now is memory touched.
    const out = (opts['out'] as Operand | undefined) ?? freshLike(x);
    if (x.length === 0) return out;
    const k = kernels();
    if (plan.kind === 'unary') k.unary(plan.kernel, x, out, plan.a, plan.b);
    else if (plan.kind === 'channels') k.preluChannels(x, out, plan.alpha, plan.inner);
    else k.axis(x, out, plan.outer, plan.len, plan.inner, plan.mode);
    return out;
  };
  const gname = `${fname}.grad`;
  const grad = (x: Operand, options?: GradOptions): Operand => {
    const opts = checkOptionsObject(gname, options);
    const dy = opts['dy'];
    checkArrays(gname, x, opts['out']);
    if (dy !== undefined) checkArrays(gname, x, dy, 'dy');
    if (dy !== undefined && opts['out'] !== undefined) checkOverlap(gname, dy as Operand, opts['out'] as Operand, 'dy');
    checkKnownOptions(gname, def, opts, [...COMMON_OPTIONS[def.kind], 'dy']);
    const plan = planCall(gname, def, x, opts);
    const out = (opts['out'] as Operand | undefined) ?? freshLike(x);
    if (x.length === 0) return out;
    const k = kernels();
    const d = (dy as Operand | undefined) ?? null;
    if (plan.kind === 'unary') k.unaryGrad(plan.kernel, x, d, out, plan.a, plan.b);
    else if (plan.kind === 'channels') k.preluChannelsGrad(x, d, out, plan.alpha, plan.inner);
    else k.axisGrad(x, d, out, plan.outer, plan.len, plan.inner, plan.mode);
    return out;
  };
  Object.defineProperty(grad, 'name', { value: gname });
  Object.defineProperty(fn, 'name', { value: fname });
  Object.defineProperty(fn, 'grad', { value: grad, enumerable: true });
  return fn as ActivationFn;
}

/** All functions of the catalog (and their aliases), running on whatever KernelSet `kernels()` returns at call time. */
export function makeFunctions(kernels: () => KernelSet): Record<string, ActivationFn> {
  const fns: Record<string, ActivationFn> = {};
  for (const def of catalog) {
    fns[def.name] = makeFunction(def, kernels);
    for (const alias of def.aliases) fns[alias] = makeFunction(def, kernels, alias);
  }
  return fns;
}

export type { ResolvedParams };
