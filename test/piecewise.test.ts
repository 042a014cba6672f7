// Piecewise family: the three backends give the same bits, the exact
// functions equal a plain reference, hardSigmoid / hardSwish / softsign are
// within 1 ULP of the exact value (decimal.js), prelu per channel.
import Decimal from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../dist/index.js';

type Arr = Float32Array | Float64Array;
type Ctor = typeof Float32Array | typeof Float64Array;
type Fn = (x: Arr, options?: Record<string, unknown>) => Arr;
type Backend = Record<string, unknown> & { release(): void };

const NAMES = ['wasm-simd', 'wasm', 'js'] as const;
let backends: Backend[] = [];
let simdSmallScratch: Backend;

beforeAll(async () => {
  backends = (await Promise.all(NAMES.map((n) => loadBackend(n)))) as unknown as Backend[];
  simdSmallScratch = (await loadBackend('wasm-simd', { maxScratchBytes: 4096 })) as unknown as Backend;
});

const fn = (b: Backend, name: string): Fn => b[name] as Fn;

// Deterministic PRNG (mulberry32).
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);
const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** The next representable value of the dtype above (dir 1) or below (dir -1) v. */
function next(Ctor: Ctor, v: number, dir: 1 | -1): number {
  if (Number.isNaN(v) || v === dir * Infinity) return v;
  if (v === 0) return dir * (Ctor === Float32Array ? 2 ** -149 : 2 ** -1074);
  if (Ctor === Float32Array) {
    f32buf[0] = v;
    u32buf[0] = u32buf[0]! + ((v > 0) === (dir > 0) ? 1 : -1);
    return f32buf[0]!;
  }
  f64buf[0] = v;
  u64buf[0] = u64buf[0]! + ((v > 0) === (dir > 0) ? 1n : -1n);
  return f64buf[0]!;
}

/** Random bit patterns over the whole range, uniform values in [-8, 8], specials and the kinks with their neighbours. */
function inputs(Ctor: Ctor, kinks: number[], seed = 1, count = 6000): Arr {
  const r = rng(seed);
  const out: number[] = [];
  const tiny = Ctor === Float32Array ? [2 ** -149, 2 ** -130, 2 ** -126] : [2 ** -1074, 2 ** -1060, 2 ** -1022];
  const huge = Ctor === Float32Array ? [3.4028234663852886e38, 2 ** 60, 2 ** 25, 2 ** 24] : [Number.MAX_VALUE, 2 ** 600, 2 ** 60, 2 ** 54, 2 ** 53];
  for (const v of [0, Infinity, NaN, 1, 0.5, 1e-30, ...tiny, ...huge]) out.push(v, -v);
  for (const k of [...kinks, 0, -3, 3, -1, 1, -1.5, 6, -6]) {
    const kr = Ctor === Float32Array ? Math.fround(k) : k;
    for (const v of [kr, -kr]) out.push(v, next(Ctor, v, 1), next(Ctor, v, -1));
  }
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) out.push((r() - 0.5) * 16);
    else if (Ctor === Float32Array) {
      u32buf[0] = Math.floor(r() * 4294967296);
      out.push(f32buf[0]!);
    } else {
      u64buf[0] = (BigInt(Math.floor(r() * 4294967296)) << 32n) | BigInt(Math.floor(r() * 4294967296));
      out.push(f64buf[0]!);
    }
  }
  out.push(0.25); // odd length: exercises the SIMD tails
  return Ctor.from(out);
}

/** Same bits (NaN payload aside). */
function sameBits(a: Arr, b: Arr): string | null {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Object.is(x, y)) return `index ${i}: ${x} vs ${y}`;
  }
  return null;
}

interface Case {
  name: string;
  options?: Record<string, number>;
  kinks: number[];
  /** Plain reference on the (dtype-rounded) params; `round` rounds to the dtype. */
  ref?: (x: number, p: Record<string, number>, round: (v: number) => number) => number;
  /** Exact value as a Decimal (for finite inputs where the result is not given by `special`). */
  exact?: (x: Decimal) => Decimal;
  special?: (x: number) => number | undefined;
}

const cases: Case[] = [
  { name: 'step', options: { threshold: 0.1 }, kinks: [0.1], ref: (x, p) => (Number.isNaN(x) ? NaN : x >= p.threshold! ? 1 : 0) },
  { name: 'step', kinks: [0], ref: (x) => (Number.isNaN(x) ? NaN : x >= 0 ? 1 : 0) },
  { name: 'threshold', options: { threshold: 0.1, value: -7 }, kinks: [0.1], ref: (x, p) => (Number.isNaN(x) ? NaN : x > p.threshold! ? x : p.value!) },
  { name: 'relu6', kinks: [6], ref: (x) => (Number.isNaN(x) ? NaN : Math.min(Math.max(0, x), 6)) },
  { name: 'leakyRelu', options: { alpha: 0.2 }, kinks: [], ref: (x, p, round) => (Number.isNaN(x) ? NaN : x >= 0 ? x : round(p.alpha! * x)) },
  { name: 'leakyRelu', options: { alpha: 0 }, kinks: [], ref: (x) => (Number.isNaN(x) ? NaN : x >= 0 ? x : 0) },
  { name: 'prelu', options: { alpha: 0.2 }, kinks: [], ref: (x, p, round) => (Number.isNaN(x) ? NaN : x >= 0 ? x : round(p.alpha! * x)) },
  { name: 'hardTanh', options: { min: -2, max: 3.5 }, kinks: [-2, 3.5], ref: (x, p) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, p.min!), p.max!)) },
  { name: 'hardTanh', kinks: [], ref: (x) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, -1), 1)) },
  {
    name: 'softshrink', options: { lambda: 0.5 }, kinks: [0.5],
    ref: (x, p, round) => (Number.isNaN(x) ? NaN : x > p.lambda! ? round(x - p.lambda!) : x < -p.lambda! ? round(x + p.lambda!) : 0),
  },
  { name: 'softshrink', options: { lambda: 0 }, kinks: [], ref: (x) => (Number.isNaN(x) ? NaN : x) },
  { name: 'hardshrink', options: { lambda: 0.5 }, kinks: [0.5], ref: (x, p) => (Number.isNaN(x) ? NaN : Math.abs(x) > p.lambda! ? x : 0) },
  {
    name: 'hardSigmoid', kinks: [-3, 3, -1],
    special: (x) => (Number.isNaN(x) ? NaN : x <= -3 ? 0 : x >= 3 ? 1 : undefined),
    exact: (x) => x.plus(3).div(6),
  },
  {
    name: 'hardSwish', kinks: [-3, 3, -1],
    special: (x) => (Number.isNaN(x) ? NaN : x <= -3 ? 0 : x >= 3 ? x : undefined),
    exact: (x) => x.times(x.plus(3)).div(6),
  },
  {
    name: 'softsign', kinks: [2 ** 54, 2 ** 25],
    special: (x) => (Number.isNaN(x) ? NaN : x === Infinity ? 1 : x === -Infinity ? -1 : undefined),
    exact: (x) => x.div(x.abs().plus(1)),
  },
];

Decimal.set({ precision: 60 });

/** The exact value of a double as a Decimal (`new Decimal(v)` goes through the shortest decimal string). */
function exactDecimal(v: number): Decimal {
  if (v === 0 || !Number.isFinite(v)) return new Decimal(v);
  f64buf[0] = v;
  const bits = u64buf[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const m = biased === 0 ? frac : frac | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  return new Decimal(m.toString()).times(new Decimal(2).pow(e)).times(v < 0 ? -1 : 1);
}

/** Error of `got` against the exact `want` in ULPs of the dtype (at want's binade). */
function ulpError(Ctor: Ctor, got: number, want: Decimal): number {
  if (want.isZero()) return got === 0 ? 0 : Infinity;
  const mant = Ctor === Float32Array ? 23 : 52;
  const emin = Ctor === Float32Array ? -126 : -1022;
  // exponent of |want|: floor(log2 |want|), fixed up against powers of two.
  let e = Math.floor(Math.log2(Math.abs(want.toNumber())));
  const a = want.abs();
  while (new Decimal(2).pow(e).gt(a)) e--;
  while (new Decimal(2).pow(e + 1).lte(a)) e++;
  const ulp = new Decimal(2).pow(Math.max(e, emin) - mant);
  return exactDecimal(got).minus(want).abs().div(ulp).toNumber();
}

const maxUlp: Record<string, number> = {};

describe.each([Float32Array, Float64Array] as const)('%o', (Ctor) => {
  const dtype = Ctor === Float32Array ? 'f32' : 'f64';
  const round = (v: number): number => (Ctor === Float32Array ? Math.fround(v) : v);

  for (const c of cases) {
    const label = `${c.name} ${JSON.stringify(c.options ?? {})}`;

    it(`${label}: same bits on wasm-simd, wasm and js`, () => {
      const x = inputs(Ctor, c.kinks, 7);
      const ys = backends.map((b) => fn(b, c.name)(x, c.options));
      for (let k = 1; k < ys.length; k++) expect(sameBits(ys[0]!, ys[k]!), `${NAMES[0]} vs ${NAMES[k]}`).toBeNull();
      // In place (y = x) gives the same bits too.
      const inPlace = Ctor.from(x);
      fn(backends[0]!, c.name)(inPlace, { ...c.options, out: inPlace });
      expect(sameBits(ys[0]!, inPlace)).toBeNull();
    });

    if (c.ref) {
      it(`${label}: equals the plain reference`, () => {
        const x = inputs(Ctor, c.kinks, 11);
        const p = Object.fromEntries(Object.entries(c.options ?? {}).map(([k, v]) => [k, round(v)]));
        for (const b of backends) {
          const y = fn(b, c.name)(x, c.options);
          for (let i = 0; i < x.length; i++) {
            const want = c.ref!(x[i]!, p, round);
            const ok = Number.isNaN(want) ? Number.isNaN(y[i]!) : y[i] === want;
            if (!ok) expect(y[i], `${c.name}(${x[i]}) on ${(b as { name: string }).name}`).toBe(want);
          }
        }
      });
    }

    if (c.exact) {
      it(`${label}: within 1 ULP of the exact value`, () => {
        const x = inputs(Ctor, c.kinks, 13, 20000);
        const y = fn(backends[2]!, c.name)(x); // bits are equal on all three (checked above)
        let worst = 0;
        for (let i = 0; i < x.length; i++) {
          const s = c.special!(x[i]!);
          if (s !== undefined) {
            const ok = Number.isNaN(s) ? Number.isNaN(y[i]!) : y[i] === s;
            if (!ok) expect(y[i], `${c.name}(${x[i]})`).toBe(s);
            continue;
          }
          const err = ulpError(Ctor, y[i]!, c.exact!(exactDecimal(x[i]!)));
          if (err > worst) worst = err;
          if (!(err <= 1)) expect(err, `${c.name}(${x[i]}) = ${y[i]}`).toBeLessThanOrEqual(1);
        }
        maxUlp[`${c.name} ${dtype}`] = worst;
        expect(worst).toBeLessThanOrEqual(1);
      });
    }
  }

  it('keeps the sign of zero where the formula does', () => {
    for (const b of backends) {
      expect(Object.is(fn(b, 'hardSwish')(Ctor.of(-0))[0], -0)).toBe(true);
      expect(Object.is(fn(b, 'hardSwish')(Ctor.of(-3))[0], 0)).toBe(true);
      expect(Object.is(fn(b, 'softsign')(Ctor.of(-0))[0], -0)).toBe(true);
      expect(Object.is(fn(b, 'relu')(Ctor.of(-0))[0], -0)).toBe(true);
      expect(Object.is(fn(b, 'relu6')(Ctor.of(-0))[0], -0)).toBe(true);
    }
  });

  describe('prelu per channel', () => {
    const layouts: Array<{ shape: number[]; axis: number }> = [
      { shape: [2, 3, 5], axis: 1 },
      { shape: [7], axis: 0 },
      { shape: [4, 16, 3], axis: 2 },
      { shape: [3, 4, 9], axis: 0 },
      { shape: [2, 5, 37], axis: 1 },
      { shape: [3, 7, 301], axis: 1 },
    ];
    for (const { shape, axis } of layouts) {
      it(`shape [${shape}] axis ${axis}: reference and same bits`, () => {
        const len = shape.reduce((a, b) => a * b, 1);
        const channels = shape[axis]!;
        const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const all = inputs(Ctor, [], 3, len);
        const x = all.subarray(0, len) as Arr;
        const r = rng(5);
        const alpha = Array.from({ length: channels }, (_, c) => (c === 1 ? 0 : (r() - 0.3) * 2));
        const ys = [...backends, simdSmallScratch].map((b) => fn(b, 'prelu')(x, { alpha, shape, axis }));
        for (let i = 0; i < len; i++) {
          const a = round(alpha[Math.floor(i / inner) % channels]!);
          const v = x[i]!;
          const want = Number.isNaN(v) ? NaN : v >= 0 ? v : v === -Infinity && a === 0 ? -0 : round(a * v);
          const got = ys[0]![i]!;
          const ok = Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want);
          if (!ok) expect(got, `prelu(${v}) channel ${Math.floor(i / inner) % channels}, alpha ${a}`).toBe(want);
        }
        for (let k = 1; k < ys.length; k++) expect(sameBits(ys[0]!, ys[k]!), `backend ${k}`).toBeNull();
      });
    }
  });
});

describe('report', () => {
  it('max ULP measured', () => {
    // eslint-disable-next-line no-console
    console.log('max ULP:', JSON.stringify(maxUlp));
  });
});
