// fn.grad's operands and errors, driven by the catalog (every entry and
// alias, f32 and f64):
//
// - Zero-copy WasmArrays as x, dy and out in the combinations a training
//   loop uses (out === x, out === dy, x === dy === out, a fresh result, a
//   WasmArray of another backend's memory), on wasm and wasm-simd, also past
//   a 64 KiB scratch bound, all giving the bits of js on typed arrays.
// - prelu with one alpha per channel: layouts (channels first, last, middle,
//   per element, one channel, more channels than the scratch holds), special
//   values in x and dy, dy omitted, against x > 0 ? dy : alpha_c dy.
// - Errors (SPEC 7) for the gradient as for the function: every param out of
//   its domain, a missing required one, a broken constraint, shape and axis,
//   dy and out of another type or length or not arrays, freed WasmArrays,
//   partial overlaps, unknown options: the error class, the name or the
//   numbers in the message, and x, dy and out unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_NAMES, BACKENDS, Ctor, DTYPES, round, rng, sample, wa, expectSameBits, type ActivationDef, type DType, type FloatArray } from './helpers.js';
import { gradOf, randomDy } from './grad-helpers.js';
import type { NumberParam } from '../dist/index.js';

interface WasmArrayLike { readonly view: FloatArray; readonly length: number; free(): void }
interface BackendLike { allocate(dtype: DType, n: number): WasmArrayLike; release(): void }

const api: Record<string, unknown> = {};
const small: Record<string, unknown> = {};
const WASM = ['wasm', 'wasm-simd'] as const;
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
  for (const b of WASM) small[b] = await wa.loadBackend(b, { maxScratchBytes: 65536 });
});
afterAll(() => {
  for (const b of WASM) { (api[b] as BackendLike).release(); (small[b] as BackendLike).release(); }
});

/** Options for n elements: a 2-D shape for prelu (two alphas) and the axis functions. */
function optionsFor(def: ActivationDef, n: number): Record<string, unknown> {
  if (def.kind === 'elementwise') return { ...def.example };
  if (def.kind === 'channelwise') return { shape: [n / 2, 2], alpha: [0.25, -1.5] };
  return { shape: [n / 10, 10], axis: 0 };
}

const copy = (a: FloatArray): FloatArray => a.slice();

describe('gradients on WasmArrays: every combination of x, dy and out a training loop uses', () => {
  interface Made {
    readonly x: unknown;
    readonly opts: Record<string, unknown>;
    /** Which js result it must equal: dy given, dy omitted, or dy = x. */
    readonly dy: 'given' | 'omitted' | 'x';
    /** The operand the call must return (undefined: a fresh WasmArray). */
    readonly out?: unknown;
    readonly held: WasmArrayLike[];
  }
  const wasmOf = (b: BackendLike, dtype: DType, values: FloatArray): WasmArrayLike => {
    const a = b.allocate(dtype, values.length);
    a.view.set(values);
    return a;
  };
  const CASES: Array<[string, (b: BackendLike, other: BackendLike, x: FloatArray, dy: FloatArray, dtype: DType) => Made]> = [
    ['x W, dy omitted, result fresh (a WasmArray)', (b, _o, x, _dy, d) => {
      const xw = wasmOf(b, d, x);
      return { x: xw, opts: {}, dy: 'omitted', held: [xw] };
    }],
    ['x W, dy omitted, out === x', (b, _o, x, _dy, d) => {
      const xw = wasmOf(b, d, x);
      return { x: xw, opts: { out: xw }, dy: 'omitted', out: xw, held: [xw] };
    }],
    ['x W, dy W, out === dy', (b, _o, x, dy, d) => {
      const xw = wasmOf(b, d, x), dw = wasmOf(b, d, dy);
      return { x: xw, opts: { dy: dw, out: dw }, dy: 'given', out: dw, held: [xw, dw] };
    }],
    ['x W, dy W, out === x', (b, _o, x, dy, d) => {
      const xw = wasmOf(b, d, x), dw = wasmOf(b, d, dy);
      return { x: xw, opts: { dy: dw, out: xw }, dy: 'given', out: xw, held: [xw, dw] };
    }],
    ['x typed, dy W, out W', (b, _o, x, dy, d) => {
      const dw = wasmOf(b, d, dy), ow = b.allocate(d, x.length);
      return { x: copy(x), opts: { dy: dw, out: ow }, dy: 'given', out: ow, held: [dw, ow] };
    }],
    ['x W, dy typed, out typed', (b, _o, x, dy, d) => {
      const xw = wasmOf(b, d, x), out = new (Ctor(d))(x.length);
      return { x: xw, opts: { dy: copy(dy), out }, dy: 'given', out, held: [xw] };
    }],
    ['x W of the other backend, dy typed, out W of this one', (b, other, x, dy, d) => {
      const xw = wasmOf(other, d, x), ow = b.allocate(d, x.length);
      return { x: xw, opts: { dy: copy(dy), out: ow }, dy: 'given', out: ow, held: [xw, ow] };
    }],
    ['x === dy === out, one WasmArray', (b, _o, x, _dy, d) => {
      const xw = wasmOf(b, d, x);
      return { x: xw, opts: { dy: xw, out: xw }, dy: 'x', out: xw, held: [xw] };
    }],
    ['x === dy === out, one typed array', (_b, _o, x) => {
      const t = copy(x);
      return { x: t, opts: { dy: t, out: t }, dy: 'x', out: t, held: [] };
    }],
  ];
  const viewOf = (v: unknown): FloatArray => (v instanceof wa.WasmArray ? (v as unknown as WasmArrayLike).view : (v as FloatArray));

  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      it(`${name}.grad ${dtype}: ${CASES.length} operand combinations on wasm and wasm-simd, 1,030 elements and 100,010 through a 64 KiB scratch`, () => {
        for (const [n, backends] of [[1030, api], [100_010, small]] as const) {
          // The last n values of a sample: random ones and every hard point.
          const s = sample(dtype, n, 40 + name.length);
          const xs = s.slice(s.length - n);
          if (def.kind === 'axis') for (let i = 0; i < n; i++) xs[i] = ((i * 37) % 101) / 7 - 7;
          const dy = randomDy(dtype, n, 41);
          const opts = optionsFor(def, n);
          const js = gradOf(api['js'], name);
          const want = { given: js(copy(xs), { ...opts, dy: copy(dy) }), omitted: js(copy(xs), opts), x: js(copy(xs), { ...opts, dy: copy(xs) }) };
          for (const b of WASM) {
            const backend = backends[b] as BackendLike;
            const other = backends[b === 'wasm' ? 'wasm-simd' : 'wasm'] as BackendLike;
            for (const [label, make] of CASES) {
              const c = make(backend, other, xs, dy, dtype);
              const what = `${name}.grad ${dtype} n=${n} ${b}${backends === small ? ' (64 KiB scratch)' : ''}: ${label}`;
              const r = gradOf(backend, name)(c.x, { ...opts, ...c.opts });
              if (c.out === undefined) {
                expect(r, `${what}: a WasmArray x gives a WasmArray result`).toBeInstanceOf(wa.WasmArray);
                c.held.push(r as unknown as WasmArrayLike);
              } else expect(r, `${what}: the result is out`).toBe(c.out);
              expectSameBits(viewOf(r), want[c.dy], what);
              for (const a of c.held) a.free();
            }
          }
        }
      });
    }
  }
});

describe('prelu.grad with one alpha per channel', () => {
  const LAYOUTS: Array<[string, number[], number | undefined]> = [
    ['[3, 5, 7] axis 1 (channels first)', [3, 5, 7], 1],
    ['[6, 37] axis -1 (channels last, 37 channels)', [6, 37], -1],
    ['[2, 3, 4, 5] axis 2', [2, 3, 4, 5], 2],
    ['[41] axis 0: one alpha per element', [41], 0],
    ['[9, 1, 3] axis 1: one channel given as an array', [9, 1, 3], 1],
    ['[2, 9001] axis 1: more channels than a 64 KiB scratch holds beside the chunks', [2, 9001], 1],
    ['[0, 4] axis 1: no elements', [0, 4], 1],
    ['[3, 7, 4762] axis 1: 100,002 elements, chunks of a 64 KiB scratch start mid-channel', [3, 7, 4762], 1],
    ['[4762, 21] axis 1: channels last across chunks', [4762, 21], 1],
  ];
  const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 2 ** -149, -(2 ** -149), 1e30, -1e30];
  for (const dtype of DTYPES) {
    for (const [label, shape, axis] of LAYOUTS) {
      it(`${dtype} ${label}: special values in x and dy, dy omitted, on every backend and a 64 KiB scratch`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const ax = axis === undefined ? 1 : axis < 0 ? axis + shape.length : axis;
        const channels = shape[ax]!;
        const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
        const r = rng(n + channels);
        const alpha = Array.from({ length: channels }, (_, c) => (c % 7 === 3 ? 0 : (r() * 2 - 1) * 3));
        const x = Ctor(dtype).from({ length: n }, (_, i) => (i % 11 === 5 ? SPECIALS[(i / 11) % SPECIALS.length | 0]! : (r() * 2 - 1) * 4));
        const dy = randomDy(dtype, n, 3);
        for (let i = 0; i < n; i += 13) dy[i] = [NaN, Infinity, -Infinity, 0, -0][(i / 13) % 5]!;
        const want = (withDy: boolean): number[] => Array.from(x, (xi, i) => {
          if (Number.isNaN(xi)) return NaN;
          const d = withDy ? dy[i]! : 1;
          const a = round(dtype, alpha[Math.floor(i / inner) % channels]!);
          return xi > 0 ? d : round(dtype, a * d);
        });
        const opts = { shape, ...(axis === undefined ? {} : { axis }), alpha };
        for (const [b, backend] of [...BACKENDS.map((k) => [k, api[k]] as const), ...WASM.map((k) => [`${k} (64 KiB scratch)`, small[k]] as const)]) {
          const g = gradOf(backend, 'prelu');
          expectSameBits(g(x, opts), want(false), `${b} prelu.grad ${dtype} ${label}, dy omitted`);
          expectSameBits(g(x, { ...opts, dy }), want(true), `${b} prelu.grad ${dtype} ${label}, dy given`);
          const inPlace = copy(dy);
          g(x, { ...opts, dy: inPlace, out: inPlace });
          expectSameBits(inPlace, want(true), `${b} prelu.grad ${dtype} ${label}, out === dy`);
        }
      });
    }
  }
});

// ------------------------------------------------------------------ errors --

type ErrorClass = typeof TypeError | typeof RangeError;
const bytes = (a: unknown): unknown => {
  if (a instanceof wa.WasmArray) return a.freed ? 'freed' : new Uint8Array((a as unknown as WasmArrayLike).view.slice().buffer);
  return ArrayBuffer.isView(a) ? new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)) : a;
};

/** grad(x, options) must throw `cls` naming `names`, and leave x, dy and out unchanged. */
function expectGradError(name: string, backend: string, x: unknown, options: unknown, cls: ErrorClass, names: ReadonlyArray<string | number>, what: string): void {
  const o = (options ?? {}) as Record<string, unknown>;
  const before = [bytes(x), bytes(o['dy']), bytes(o['out'])];
  let caught: unknown;
  try {
    gradOf(api[backend], name)(x, options as Record<string, unknown>);
  } catch (e) {
    caught = e;
  }
  expect(caught, `${backend} ${what}: expected a ${cls.name}, nothing was thrown`).toBeDefined();
  expect(caught, `${backend} ${what}: ${String(caught)}`).toBeInstanceOf(cls);
  for (const n of names) expect((caught as Error).message, `${backend} ${what}: the message should name ${n}`).toContain(String(n));
  expect([bytes(x), bytes(o['dy']), bytes(o['out'])], `${backend} ${what}: x, dy or out changed`).toEqual(before);
}

const invalidValue = (p: NumberParam, dtype: DType): number | undefined => [0, -1, -0.5, -Infinity, 1e-46].find((v) => !p.valid(round(dtype, v)));

describe('gradient errors (SPEC 7): thrown before anything is written', () => {
  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      it(`${name}.grad ${dtype}: params, options, dy and out`, () => {
        const C = Ctor(dtype);
        const Other = dtype === 'f32' ? Float64Array : Float32Array;
        const T = dtype === 'f32' ? 'Float32Array' : 'Float64Array';
        const n = 12;
        const fresh = (): { x: FloatArray; dy: FloatArray; out: FloatArray } => ({
          x: C.from({ length: n }, (_, i) => (i - 5) * 0.75), dy: C.from({ length: n }, (_, i) => 1 + i), out: new C(n).fill(12345),
        });
        const base: Record<string, unknown> = { ...def.example, ...(def.kind === 'elementwise' ? {} : { shape: [3, 4] }) };
        for (const b of BACKENDS) {
          const e = (opts: (v: ReturnType<typeof fresh>) => Record<string, unknown> | undefined, cls: ErrorClass, names: ReadonlyArray<string | number>, what: string, x?: (v: ReturnType<typeof fresh>) => unknown): void => {
            const v = fresh();
            expectGradError(name, b, x ? x(v) : v.x, opts(v), cls, names, what);
          };
          // Params.
          for (const p of def.params) {
            if (p.type === 'number') {
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: NaN }), RangeError, [p.name], `${p.name}: NaN`);
              const bad = invalidValue(p, dtype);
              if (bad !== undefined) e(({ dy, out }) => ({ ...base, dy, out, [p.name]: bad }), RangeError, [p.name], `${p.name}: ${bad}`);
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: '0.5' }), TypeError, [p.name], `${p.name}: a string`);
              if (p.default === undefined) {
                e(({ dy, out }) => { const o: Record<string, unknown> = { ...base, dy, out }; delete o[p.name]; return o; }, RangeError, [p.name], `without the required ${p.name}`);
              }
            } else if (p.type === 'enum') {
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: 'fast' }), RangeError, [p.name], `${p.name}: 'fast'`);
            } else {
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: NaN }), RangeError, [p.name], `${p.name}: NaN`);
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: [0.1, NaN, 0.3, 0.4] }), RangeError, [p.name], `${p.name} with a NaN inside`);
              e(({ dy, out }) => ({ ...base, dy, out, [p.name]: [0.1, 0.2, 0.3] }), RangeError, [3, 4], `3 alphas for 4 channels`);
            }
          }
          if (def.constraint && name === 'hardTanh') e(({ dy, out }) => ({ ...base, dy, out, min: 2, max: 1 }), RangeError, ['min', 'max'], 'min > max');
          if (def.kind !== 'elementwise') {
            e(({ dy, out }) => ({ ...base, dy, out, shape: [5, 2] }), RangeError, [10, 12], 'a shape of 10 for 12 elements');
            e(({ dy, out }) => ({ ...base, dy, out, axis: 2 }), RangeError, [2], 'axis 2 of a rank-2 shape');
          }
          // Options.
          e(({ dy, out }) => ({ ...base, dy, out, alhpa: 0.2 }), TypeError, ['alhpa', 'dy', 'out'], 'an unknown option');
          e(() => 5 as unknown as Record<string, unknown>, TypeError, ['options'], 'options not an object');
          e(({ out }) => ({ ...base, out }), TypeError, ['x'], 'x a plain array', () => [1, 2, 3]);
          // dy.
          e(({ out }) => ({ ...base, dy: new Other(n), out }), TypeError, ['dy', T], 'dy of the other float type');
          e(({ out }) => ({ ...base, dy: new C(n - 1), out }), RangeError, ['dy', n - 1, n], 'dy one element short');
          e(({ out }) => ({ ...base, dy: Array.from({ length: n }, () => 1), out }), TypeError, ['dy'], 'dy a plain array');
          e(({ out }) => ({ ...base, dy: 1, out }), TypeError, ['dy'], 'dy a number');
          e(({ out }) => ({ ...base, dy: null, out }), TypeError, ['dy'], 'dy null');
          e(({ out }) => ({ ...base, dy: new Int32Array(n), out }), TypeError, ['dy', 'Int32Array'], 'dy an Int32Array');
          // out.
          e(({ dy }) => ({ ...base, dy, out: new Other(n) }), TypeError, ['out'], 'out of the other float type');
          e(({ dy }) => ({ ...base, dy, out: new C(n + 1) }), RangeError, ['out', n + 1, n], 'out one element long');
          // Partial overlaps, in one buffer: x at [2, 14), dy and out shifted.
          for (const [dyAt, outAt, what] of [[3, 2, 'out === x, dy overlapping it'], [2, 3, 'out overlapping x and dy'], [20, 21, 'out overlapping dy'], [20, 3, 'out overlapping x']] as const) {
            const buf = C.from({ length: 40 }, (_, i) => i * 0.5 - 7);
            const snapshot = buf.slice();
            const x = buf.subarray(2, 2 + n);
            const dy = buf.subarray(dyAt, dyAt + n);
            const out = outAt === 2 ? x : buf.subarray(outAt, outAt + n);
            let caught: unknown;
            try { gradOf(api[b], name)(x, { ...base, dy, out }); } catch (err) { caught = err; }
            expect(caught, `${b} ${name}.grad ${what}`).toBeInstanceOf(RangeError);
            expect((caught as Error).message, `${b} ${what}`).toMatch(/overlaps/);
            expectSameBits(buf, snapshot, `${b} ${name}.grad ${what}: the buffer changed`);
          }
        }
        // WasmArray operands: a freed one, one of the other dtype or length, an out viewing part of x's block.
        for (const b of WASM) {
          const backend = api[b] as BackendLike;
          const v = fresh();
          const freed = backend.allocate(dtype, n);
          freed.free();
          expectGradError(name, b, v.x, { ...base, dy: freed, out: v.out }, TypeError, ['dy', 'freed'], 'dy a freed WasmArray');
          expectGradError(name, b, freed, { ...base, dy: v.dy }, TypeError, ['x', 'freed'], 'x a freed WasmArray');
          const otherType = backend.allocate(dtype === 'f32' ? 'f64' : 'f32', n);
          expectGradError(name, b, v.x, { ...base, dy: otherType, out: v.out }, TypeError, ['dy'], 'dy a WasmArray of the other dtype');
          otherType.free();
          const shorter = backend.allocate(dtype, n - 2);
          expectGradError(name, b, v.x, { ...base, dy: shorter, out: v.out }, RangeError, ['dy', n - 2, n], 'dy a WasmArray two elements short');
          shorter.free();
          const xw = backend.allocate(dtype, n + 4);
          xw.view.set(C.from({ length: n + 4 }, (_, i) => i - 4));
          const xs = backend.allocate(dtype, n);
          xs.view.set(v.x);
          // A typed view of memory straddling x's block: starts one element into it.
          const straddle = new C(xs.view.buffer, xs.view.byteOffset + C.BYTES_PER_ELEMENT, n);
          expectGradError(name, b, xs, { ...base, out: straddle }, RangeError, ['overlaps'], 'out a typed view one element into x\'s WasmArray');
          expectGradError(name, b, v.x, { ...base, dy: xs, out: straddle }, RangeError, ['overlaps'], 'out a typed view one element into dy\'s WasmArray');
          xw.free();
          xs.free();
        }
      });
    }
  }
});
