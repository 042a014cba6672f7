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

/** One activation: `fn(x, options?)` returns f(x) with x's type and length. */
export type ActivationFn = <T extends FloatArray | WasmArray>(x: T, options?: CallOptions & { out?: T }) => T;

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

function checkArrays(fname: string, x: unknown, out: unknown): void {
  if (!isOperand(x)) {
    throw new TypeError(`${fname}: x must be a Float32Array, Float64Array or WasmArray, got ${describeOperand(x)}` + (out !== undefined ? ` (out: ${describeOperand(out)})` : ''));
  }
  if (out === undefined) return;
  if (!isOperand(out) || out.BYTES_PER_ELEMENT !== x.BYTES_PER_ELEMENT) {
    throw new TypeError(`${fname}: out must have the element type of x: x is a ${describeOperand(x)}, out is a ${describeOperand(out)}`);
  }
  if (out.length !== x.length) {
    throw new RangeError(`${fname}: out has length ${out.length}, x has length ${x.length}`);
  }
  const [xb, xs, xe] = span(x);
  const [ob, os, oe] = span(out);
  if (out !== x && ob === xb) {
    const same = xs === os && xe === oe;
    if (!same && os < xe && xs < oe) {
      throw new RangeError(`${fname}: out overlaps x without being x (x bytes [${xs}, ${xe}), out bytes [${os}, ${oe})); pass out === x to compute in place`);
    }
  }
}

function checkKnownOptions(fname: string, def: ActivationDef, options: Record<string, unknown>): void {
  const known = [...def.params.map((p) => p.name), ...COMMON_OPTIONS[def.kind]];
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

function makeFunction(def: ActivationDef, kernels: () => KernelSet, fname = def.name): ActivationFn {
  const fn = (x: Operand, options?: CallOptions): Operand => {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`${fname}: options must be an object, got ${describe(options)}`);
    }
    const opts = (options ?? {}) as Record<string, unknown>;
    checkArrays(fname, x, opts['out']);
    checkKnownOptions(fname, def, opts);
    const p = resolveParams(fname, def, opts, x);
    let run: (k: KernelSet, out: Operand) => void;
    if (def.kind === 'elementwise') {
      const c = def.call!(p);
      run = (k, out) => k.unary(c.kernel, x, out, c.a, c.b);
    } else {
      const shape = resolveShape(fname, x, opts['shape']);
      if (def.kind === 'axis') {
        const axis = resolveAxis(fname, opts['axis'], shape.length, shape.length - 1);
        const [outer, len, inner] = split(shape, axis);
        const mode = AXIS_MODE[def.name]!;
        run = (k, out) => k.axis(x, out, outer, len, inner, mode);
      } else {
        const axis = resolveAxis(fname, opts['axis'], shape.length, shape.length === 1 ? 0 : 1);
        const [, channels, inner] = split(shape, axis);
        const alpha = p['alpha'];
        if (typeof alpha === 'number' || (alpha as ArrayLike<number>).length === 1) {
          const a = typeof alpha === 'number' ? alpha : roundTo(x, (alpha as ArrayLike<number>)[0]!);
          run = (k, out) => k.unary('leakyRelu', x, out, a, 0);
        } else {
          const values = alpha as ArrayLike<number>;
          if (values.length !== channels) {
            throw new RangeError(`${fname}: alpha has ${values.length} values, the shape [${shape.join(', ')}] has ${channels} channels along axis ${axis}`);
          }
          const typed = x.BYTES_PER_ELEMENT === 4 ? Float32Array.from(values) : Float64Array.from(values);
          run = (k, out) => k.preluChannels(x, out, typed, inner);
        }
      }
    }
    // Every check has passed: only now is memory touched.
    // A WasmArray x gets a WasmArray result in the same memory; a typed array a new typed array.
    const out = (opts['out'] as Operand | undefined) ?? (x instanceof WasmArray
      ? new WasmArray(x.memory, x.dtype, x.length)
      : x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length));
    if (x.length > 0) run(kernels(), out);
    return out;
  };
  Object.defineProperty(fn, 'name', { value: fname });
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
