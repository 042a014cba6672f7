// fn.grad for every catalog entry and alias, driven by the catalog: the same
// bits on js / wasm / wasm-simd (random, special and fast-check inputs: odd
// lengths, unaligned subarrays, dy given or omitted, out fresh / given / === x
// / === dy, WasmArray operands, arrays larger than a small scratch bound);
// errors before any write; NaN and the limits at +-Infinity; PyTorch's values
// at kinks; every elementwise gradient against the analytic references of
// test/grad-reference with a random dy (bound + 2 ULP, + 1/2 for the product
// with dy); central finite differences of the f64 forward as an independent
// second check; prelu's per-channel gradient.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradRef64 } from './grad-reference/index.js';
import { distance, withinBound } from './ulp.js';
import { ALL_NAMES, BACKENDS, Ctor, DTYPES, catalog, describeOpts, expectSameBits, hardPoints, paramVariants, resolve, rng, sample, wa, type ActivationDef, type DType, type FloatArray } from './helpers.js';

type GradFn = (x: unknown, o?: Record<string, unknown>) => FloatArray;
interface WasmArrayLike { view: FloatArray; free(): void; length: number }
interface BackendLike { allocate(dtype: DType, n: number): WasmArrayLike; release(): void }

const api: Record<string, unknown> = {};
const smallScratch: Record<string, unknown> = {};
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
  for (const b of ['wasm', 'wasm-simd'] as const) smallScratch[b] = await wa.loadBackend(b, { maxScratchBytes: 65536 });
});

const gradOf = (a: unknown, name: string): GradFn => {
  const f = (a as Record<string, { grad?: GradFn }>)[name];
  if (typeof f?.grad !== 'function') throw new Error(`${name} has no grad`);
  return f.grad;
};
const kernelOf = (def: ActivationDef, opts: Record<string, unknown>, dtype: DType): string =>
  def.call!(resolve(def, opts, dtype) as Record<string, number | string>).kernel;

/** Options for a gradient call on n elements: axis and channelwise entries get a 2-D shape when n is even. */
function callOptions(def: ActivationDef, base: Record<string, unknown>, n: number): Record<string, unknown> {
  if (def.kind === 'elementwise' || n < 4 || n % 2 !== 0) return base;
  if (def.kind === 'channelwise') return { ...base, shape: [n / 2, 2], axis: 1, alpha: [0.125, -0.5] };
  return { ...base, shape: [2, n / 2], axis: 1 };
}

function randomDy(dtype: DType, n: number, seed: number): FloatArray {
  const r = rng(seed);
  return Ctor(dtype).from({ length: n }, () => (r() * 2 - 1) * 2 ** Math.floor(r() * 12 - 6));
}

describe('fn.grad exists for every catalog entry and alias', () => {
  it('every name has a grad function on every backend', () => {
    for (const b of BACKENDS) for (const [name] of ALL_NAMES) expect(typeof gradOf(api[b], name), `${b} ${name}`).toBe('function');
  });
});

describe('gradients: same bits on js, wasm and wasm-simd', () => {
  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      it(`${name}.grad ${dtype}: random and special inputs, dy given and omitted, every param set`, () => {
        const specials = [NaN, Infinity, -Infinity, 0, -0, ...hardPoints(dtype)];
        const n = 4096 + specials.length + (specials.length % 2);
        const x = Ctor(dtype).from({ length: n }, (_, i) => (i < specials.length ? specials[i]! : sample(dtype, 1, i)[0]!));
        if (def.kind === 'axis') for (let i = 0; i < n; i++) if (Number.isFinite(x[i]!)) x[i] = x[i]! / 1e30;
        const dy = randomDy(dtype, n, 3);
        dy[1] = NaN; dy[2] = Infinity; dy[3] = 0;
        for (const base of paramVariants(def, 1)) {
          const opts = callOptions(def, base, n);
          for (const withDy of [false, true]) {
            const o = withDy ? { ...opts, dy } : opts;
            const want = gradOf(api['js'], name)(x, o);
            for (const b of ['wasm', 'wasm-simd']) expectSameBits(gradOf(api[b], name)(x, o), want, `${name}.grad ${dtype} ${b} ${describeOpts(base)}${withDy ? ' with dy' : ''}`);
          }
        }
      });

      it(`${name}.grad ${dtype}: odd lengths, unaligned subarrays, out / in place on x / in place on dy (fast-check)`, () => {
        const values = dtype === 'f32' ? fc.float32Array({ minLength: 0, maxLength: 70 }) : fc.float64Array({ minLength: 0, maxLength: 70 });
        fc.assert(
          fc.property(values, fc.integer({ min: 0, max: 5 }), fc.constantFrom('fresh', 'out', 'x', 'dy', 'none'), (xs, offset, mode) => {
            const n = xs.length;
            const buf = new (Ctor(dtype))(n + offset + 8);
            const x = buf.subarray(offset, offset + n);
            x.set(xs);
            const dyAll = randomDy(dtype, n + offset + 3, n + offset);
            const dy = dyAll.subarray(offset + 1, offset + 1 + n);
            const opts = callOptions(def, { ...def.example }, n);
            const withDy = mode !== 'none' ? { ...opts, dy } : opts;
            const want = gradOf(api['js'], name)(Ctor(dtype).from(x), mode !== 'none' ? { ...opts, dy: Ctor(dtype).from(dy) } : opts);
            for (const b of ['js', 'wasm', 'wasm-simd']) {
              const xc = Ctor(dtype).from(buf).subarray(offset, offset + n);
              const dyc = Ctor(dtype).from(dyAll).subarray(offset + 1, offset + 1 + n);
              const o = mode !== 'none' ? { ...opts, dy: dyc } : withDy;
              let got: FloatArray;
              if (mode === 'out') got = gradOf(api[b], name)(xc, { ...o, out: new (Ctor(dtype))(n) });
              else if (mode === 'x') got = gradOf(api[b], name)(xc, { ...o, out: xc });
              else if (mode === 'dy') got = gradOf(api[b], name)(xc, { ...o, out: dyc });
              else got = gradOf(api[b], name)(xc, o);
              if (mode === 'x') expect(got).toBe(xc);
              if (mode === 'dy') expect(got).toBe(dyc);
              expectSameBits(got, want, `${name}.grad ${dtype} ${b} n=${n} offset=${offset} ${mode}`);
            }
          }),
          { numRuns: 40, seed: name.length * 31 + (dtype === 'f32' ? 1 : 2) },
        );
      });
    }
  }
});

describe('gradients on zero-copy WasmArrays and past a small scratch bound', () => {
  for (const [name, def] of ALL_NAMES) {
    it(`${name}.grad: x, dy and out as WasmArrays in every combination give the bits of typed arrays`, () => {
      const n = 1031;
      const x = sample('f32', n - 8, 9 + name.length).subarray(0, n) as Float32Array;
      const full = new Float32Array(n);
      full.set(x.subarray(0, Math.min(n, x.length)));
      if (def.kind === 'axis') for (let i = 0; i < n; i++) full[i] = Math.fround(((i * 37) % 101) / 7 - 7);
      const dy = randomDy('f32', n, 11) as Float32Array;
      const opts = { ...def.example };
      const want = gradOf(api['js'], name)(full, { ...opts, dy });
      const backend = api['wasm-simd'] as BackendLike;
      for (let mask = 0; mask < 8; mask++) {
        const held: WasmArrayLike[] = [];
        const operand = (bit: number, values: Float32Array | null): unknown => {
          if (!(mask & bit)) return values ?? new Float32Array(n);
          const a = backend.allocate('f32', n);
          if (values) a.view.set(values);
          held.push(a);
          return a;
        };
        const xo = operand(1, full), dyo = operand(2, dy), outo = operand(4, null);
        gradOf(backend, name)(xo, { ...opts, dy: dyo, out: outo });
        const got = outo instanceof Float32Array ? outo : (outo as WasmArrayLike).view;
        expectSameBits(got, want, `${name}.grad WasmArray mask ${mask}`);
        for (const a of held) a.free();
      }
    });
  }

  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      it(`${name}.grad ${dtype}: 100,003 elements through a 64 KiB scratch, same bits as js`, () => {
        const n = def.kind === 'elementwise' ? 100_003 : 100_002;
        const r = rng(21);
        const x = Ctor(dtype).from({ length: n }, () => (r() * 2 - 1) * 12);
        const dy = randomDy(dtype, n, 22);
        const opts = def.kind === 'elementwise' ? { ...def.example } : def.kind === 'channelwise' ? { shape: [n / 2, 2], alpha: [0.25, 3] } : { shape: [2, n / 2] };
        const want = gradOf(api['js'], name)(x, { ...opts, dy });
        for (const b of ['wasm', 'wasm-simd']) {
          expectSameBits(gradOf(smallScratch[b], name)(x, { ...opts, dy }), want, `${name}.grad ${dtype} ${b} small scratch`);
          expectSameBits(gradOf(smallScratch[b], name)(x, opts), gradOf(api['js'], name)(x, opts), `${name}.grad ${dtype} ${b} small scratch, dy omitted`);
        }
      });
    }
  }
});

describe('gradient errors: thrown before anything is written', () => {
  const cases: Array<[string, (x: Float32Array, dy: Float32Array, out: Float32Array) => Record<string, unknown>, ErrorConstructor, RegExp]> = [
    ['dy of another type', () => ({ dy: new Float64Array(8) }), TypeError, /dy must have the element type of x/],
    ['dy of another length', () => ({ dy: new Float32Array(7) }), RangeError, /dy has length 7, x has length 8/],
    ['dy not an array', () => ({ dy: [1, 2, 3, 4, 5, 6, 7, 8] }), TypeError, /dy must have the element type/],
    ['out overlapping dy partially', (_x, dy) => ({ dy, out: new Float32Array(dy.buffer, 4, 8) }), RangeError, /out overlaps dy/],
    ['out overlapping x partially', (x) => ({ out: new Float32Array(x.buffer, 4, 8) }), RangeError, /out overlaps x/],
    ['an unknown option', () => ({ dx: new Float32Array(8) }), TypeError, /unknown option 'dx'.*dy/],
  ];
  for (const [name] of ALL_NAMES) {
    for (const [label, make, Err, message] of cases) {
      it(`${name}.grad: ${label}`, () => {
        for (const b of BACKENDS) {
          const xBuf = new Float32Array(10).fill(0.5), dyBuf = new Float32Array(10).fill(2), out = new Float32Array(8).fill(7);
          const x = xBuf.subarray(0, 8), dy = dyBuf.subarray(0, 8);
          const def = catalog.find((d) => d.name === name || d.aliases.includes(name))!;
          const opts = { ...def.example, ...make(x, dy, out) };
          expect(() => gradOf(api[b], name)(x, opts), `${b}`).toThrow(Err);
          expect(() => gradOf(api[b], name)(x, opts)).toThrow(message);
          expect(Array.from(xBuf)).toEqual(new Array(10).fill(0.5));
          expect(Array.from(dyBuf)).toEqual(new Array(10).fill(2));
          expect(Array.from(out)).toEqual(new Array(8).fill(7));
        }
      });
    }
  }
  it('bad params are RangeErrors naming the param, for the gradient as for the function', () => {
    const x = new Float32Array(4);
    expect(() => gradOf(api['js'], 'celu')(x, { alpha: 0 })).toThrow(/alpha/);
    expect(() => gradOf(api['js'], 'softplus')(x, { beta: -1 })).toThrow(/beta/);
    expect(() => gradOf(api['js'], 'hardTanh')(x, { min: 2, max: 1 })).toThrow(RangeError);
    expect(() => gradOf(api['js'], 'softmax')(x, { shape: [3] })).toThrow(/shape/);
    expect(() => gradOf(api['js'], 'prelu')(x, { shape: [2, 2], alpha: [1, 2, 3] })).toThrow(/alpha has 3 values/);
  });
});

/** f'(-Infinity), f'(+Infinity): the limits of the derivative (SPEC 5 by way of issue 3), default params. */
const LIMITS: Record<string, [number, number]> = {
  identity: [1, 1], step: [0, 0], threshold: [0, 1], relu: [0, 1], relu6: [0, 0], leakyRelu: [0.01, 1], prelu: [0.25, 1],
  elu: [0, 1], selu: [0, 1.0507009873554805], celu: [0, 1], gelu: [0, 1], silu: [0, 1], mish: [0, 1], softplus: [0, 1],
  softsign: [0, 0], hardSigmoid: [0, 0], hardSwish: [0, 1], hardTanh: [0, 0], logSigmoid: [1, 0], tanhshrink: [1, 1],
  softshrink: [1, 1], hardshrink: [1, 1], sigmoid: [0, 0], tanh: [0, 0],
};

describe('gradients at special values', () => {
  for (const def of catalog.filter((d) => d.kind !== 'axis')) {
    for (const dtype of DTYPES) {
      it(`${def.name}.grad ${dtype}: NaN in x or dy gives NaN; +-Infinity give the limits, never NaN`, () => {
        const round = (v: number): number => (dtype === 'f32' ? Math.fround(v) : v);
        for (const b of BACKENDS) {
          const g = gradOf(api[b], def.name);
          const opts = { ...def.example };
          const r = g(Ctor(dtype).of(NaN, -Infinity, Infinity, 0.5), opts);
          expect(Number.isNaN(r[0]!), `${b} NaN`).toBe(true);
          const [lo, hi] = LIMITS[def.name]!;
          // (+ 0: a limit reached from below may come as -0, as silu'(-inf) does)
          expect(r[1]! + 0, `${b} ${def.name}'(-inf)`).toBe(round(lo));
          expect(r[2]! + 0, `${b} ${def.name}'(+inf)`).toBe(round(hi));
          const withNaNDy = g(Ctor(dtype).of(0.5, -1.5, 2.5), { ...opts, dy: Ctor(dtype).of(NaN, NaN, NaN) });
          expect(Array.from(withNaNDy).every(Number.isNaN), `${b} NaN dy`).toBe(true);
        }
      });
    }
  }
  it('softmax family: a NaN in x or dy makes the slice NaN; -Infinity entries get 0 (logSoftmax: dy)', () => {
    for (const b of BACKENDS) {
      const nanX = gradOf(api[b], 'softmax')(Float64Array.of(1, NaN, 2, 1, 2, 3), { shape: [2, 3] });
      expect(Array.from(nanX.subarray(0, 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(nanX.subarray(3)).some(Number.isNaN)).toBe(false);
      const nanDy = gradOf(api[b], 'logSoftmax')(Float64Array.of(1, 2, 3), { dy: Float64Array.of(1, NaN, 0) });
      expect(Array.from(nanDy).every(Number.isNaN)).toBe(true);
      const negInf = gradOf(api[b], 'softmax')(Float32Array.of(-Infinity, 0, 1), { dy: Float32Array.of(5, 1, 2) });
      expect(negInf[0]).toBe(0);
      const negInfLog = gradOf(api[b], 'logSoftmax')(Float32Array.of(-Infinity, 0, 1), { dy: Float32Array.of(5, 1, 2) });
      expect(negInfLog[0]).toBe(5);
    }
  });
});

describe('gradients at kinks: PyTorch values', () => {
  const kinks: Array<[string, Record<string, unknown>, number[], number[]]> = [
    ['relu', {}, [0, -0], [0, 0]],
    ['leakyRelu', { alpha: 0.125 }, [0, -0], [0.125, 0.125]],
    ['prelu', { alpha: 0.5 }, [0], [0.5]],
    ['relu6', {}, [0, 6], [0, 0]],
    ['hardTanh', { min: -2, max: 0.5 }, [-2, 0.5], [0, 0]],
    ['hardSigmoid', {}, [-3, 3], [0, 0]],
    ['hardSwish', {}, [-3, 3], [-0.5, 1.5]],
    ['elu', { alpha: 0.75 }, [0, -0], [0.75, 0.75]],
    ['softshrink', { lambda: 0.5 }, [-0.5, 0.5], [0, 0]],
    ['hardshrink', { lambda: 0.5 }, [-0.5, 0.5], [0, 0]],
    ['threshold', { threshold: 1.5, value: 3 }, [1.5], [0]],
    ['celu', { alpha: 2 }, [0], [1]],
  ];
  for (const [name, opts, xs, want] of kinks) {
    it(`${name}'(${xs.join(', ')}) with ${describeOpts(opts)} = ${want.join(', ')}`, () => {
      for (const b of BACKENDS) for (const dtype of DTYPES) {
        expect(Array.from(gradOf(api[b], name)(Ctor(dtype).from(xs), opts)), `${b} ${dtype}`).toEqual(want.map((v) => (dtype === 'f32' ? Math.fround(v) : v)));
      }
    });
  }
});

// Families whose accuracy (dy omitted) has its own suite with a dense sample: test/grad.exp.test.ts, test/grad.tanh.test.ts,
// test/grad.softmax.test.ts. Here every elementwise gradient is checked against the reference with a random dy.
describe('gradients against the analytic references, with a random dy (bound + 2.5 ULP)', () => {
  for (const def of catalog.filter((d) => d.kind === 'elementwise')) {
    for (const opts of paramVariants(def, 1)) {
      it(`${def.name}.grad ${describeOpts(opts)} float32, dy given (and dy omitted for the piecewise family)`, () => {
        const kernel = kernelOf(def, opts, 'f32');
        const ref = gradRef64[kernel];
        expect(ref, `a reference derivative for kernel ${kernel}`).toBeTypeOf('function');
        const x = sample('f32', 100_000, 300 + def.name.length);
        const dy = randomDy('f32', x.length, 301);
        const p = resolve(def, opts, 'f32');
        const bound = { ulp: def.accuracy.ulp + 2.5, absoluteBelowTiny: def.accuracy.absoluteBelowTiny };
        const y = gradOf(api['wasm-simd'], def.name)(x, { ...opts, dy });
        const bad: string[] = [];
        for (let i = 0; i < x.length && bad.length < 6; i++) {
          const exact = dy[i]! * ref!(x[i]!, p);
          if (!withinBound('f32', y[i]!, exact, bound)) bad.push(`x = ${x[i]}, dy = ${dy[i]}: ${y[i]}, exact ${exact} (${distance('f32', y[i]!, exact).toFixed(2)} ULP)`);
        }
        expect(bad, bad.join('\n')).toEqual([]);
        if (def.family === 'piecewise') {
          const y1 = gradOf(api['wasm-simd'], def.name)(x, opts);
          const exactBound = { ulp: def.accuracy.ulp === 0 ? 0 : def.accuracy.ulp + 2, absoluteBelowTiny: false };
          for (let i = 0; i < x.length && bad.length < 6; i++) {
            const exact = ref!(x[i]!, p);
            if (!withinBound('f32', y1[i]!, exact, exactBound)) bad.push(`x = ${x[i]}: ${y1[i]}, exact ${exact}`);
          }
          expect(bad, bad.join('\n')).toEqual([]);
        }
      });
    }
  }
});

describe('gradients against central finite differences of the float64 forward (an independent check)', () => {
  // Points away from kinks and from the zeros of f' (where a relative tolerance is meaningless).
  const points = [-7.3, -2.6, -1.9, -0.83, -0.31, 0.27, 0.61, 1.7, 2.45, 4.2, 8.9];
  for (const def of catalog.filter((d) => d.kind === 'elementwise')) {
    it(`${def.name}.grad matches (f(x + h) - f(x - h)) / 2h`, () => {
      const f = (api['wasm-simd'] as Record<string, (x: Float64Array, o: object) => Float64Array>)[def.name]!;
      const opts = { ...def.example };
      const x = Float64Array.from(points);
      const g = gradOf(api['wasm-simd'], def.name)(x, opts);
      for (let i = 0; i < x.length; i++) {
        const h = 2 ** -20 * Math.max(1, Math.abs(x[i]!));
        const fd = (f(Float64Array.of(x[i]! + h), opts)[0]! - f(Float64Array.of(x[i]! - h), opts)[0]!) / (2 * h);
        expect(Math.abs(g[i]! - fd), `${def.name}'(${x[i]}) = ${g[i]}, finite difference ${fd}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
      }
    });
  }
  for (const name of ['softmax', 'logSoftmax', 'softmin']) {
    it(`${name}.grad (the VJP) matches finite differences of sum(dy * f(x))`, () => {
      const f = (api['wasm-simd'] as Record<string, (x: Float64Array) => Float64Array>)[name]!;
      const x = Float64Array.of(0.3, -1.2, 2.5, 0.7, -0.1);
      const dy = Float64Array.of(1, -2, 0.5, 3, -0.25);
      const g = gradOf(api['wasm-simd'], name)(x, { dy });
      const loss = (v: Float64Array): number => f(v).reduce((s, yi, i) => s + yi * dy[i]!, 0);
      for (let i = 0; i < x.length; i++) {
        const h = 2 ** -20;
        const up = Float64Array.from(x), down = Float64Array.from(x);
        up[i] = up[i]! + h; down[i] = down[i]! - h;
        const fd = (loss(up) - loss(down)) / (2 * h);
        expect(Math.abs(g[i]! - fd), `${name} component ${i}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
      }
    });
  }
});

describe('prelu: the gradient with one alpha per channel', () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: shape [3, 5, 7], axis 1, against x > 0 ? dy : alpha_c dy`, () => {
      const alpha = [0.1, -0.5, 2, 0, 0.75];
      const n = 3 * 5 * 7;
      const r = rng(8);
      const x = Ctor(dtype).from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : (r() * 2 - 1) * 4));
      const dy = randomDy(dtype, n, 9);
      for (const b of BACKENDS) {
        const g = gradOf(api[b], 'prelu')(x, { shape: [3, 5, 7], alpha, dy });
        for (let i = 0; i < n; i++) {
          const c = Math.floor(i / 7) % 5;
          const a = dtype === 'f32' ? Math.fround(alpha[c]!) : alpha[c]!;
          const want = x[i]! > 0 ? dy[i]! : dtype === 'f32' ? Math.fround(a * dy[i]!) : a * dy[i]!;
          expect(g[i], `${b} element ${i} (channel ${c})`).toBe(want);
        }
      }
    });
  }
});
