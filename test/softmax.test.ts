// softmax / logSoftmax / softmin kernels: the SIMD and scalar WebAssembly
// builds and the TypeScript mirror give the same bits, the special values of
// SPEC section 5, and the accuracy bound of SPEC section 6 (4 ulp, or an
// absolute error of 2^-24 (f64: 2^-53) where the result is below 2^-20),
// on long slices too.
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import Decimal from 'decimal.js';
import { softmaxBlock } from '../src/js/softmax.js';

type FA = Float32Array | Float64Array;
type Dt = 'f32' | 'f64';
interface Mod {
  memory: WebAssembly.Memory;
  heapBase(): number;
  softmax_f32(x: number, y: number, outer: number, len: number, inner: number, mode: number): void;
  softmax_f64(x: number, y: number, outer: number, len: number, inner: number, mode: number): void;
}

const MODES = [0, 1, 2] as const;
const MODE_NAME = ['softmax', 'logSoftmax', 'softmin'];

let simd: Mod;
let scalar: Mod;

async function load(file: string): Promise<Mod> {
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file));
  return instance.exports as unknown as Mod;
}

beforeAll(async () => {
  simd = await load('dist/wasm/activations-simd.wasm');
  scalar = await load('dist/wasm/activations-scalar.wasm');
});

const align16 = (n: number): number => (n + 15) & ~15;

/** Runs the kernel of `mod` on x; in place (y == x) or into a disjoint y. */
function runWasm(mod: Mod, x: FA, outer: number, len: number, inner: number, mode: number, inPlace: boolean): FA {
  const bytes = x.byteLength;
  const xa = align16(mod.heapBase());
  const ya = inPlace ? xa : align16(xa + bytes + 16);
  const need = ya + bytes + 64;
  const have = mod.memory.buffer.byteLength;
  if (need > have) mod.memory.grow(Math.ceil((need - have) / 65536));
  const C = x instanceof Float32Array ? Float32Array : Float64Array;
  new C(mod.memory.buffer, xa, x.length).set(x);
  if (!inPlace) new C(mod.memory.buffer, ya, x.length).fill(12345); // garbage the kernel must overwrite
  if (x instanceof Float32Array) mod.softmax_f32(xa, ya, outer, len, inner, mode);
  else mod.softmax_f64(xa, ya, outer, len, inner, mode);
  if (!inPlace) {
    // x must be untouched
    const back = new C(mod.memory.buffer, xa, x.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(back[i], x[i])) throw new Error(`x modified at ${i}`);
  }
  return new C(mod.memory.buffer, ya, x.length).slice();
}

function runJs(x: FA, outer: number, len: number, inner: number, mode: number, inPlace: boolean): FA {
  const xc = x.slice();
  const y = inPlace ? xc : (x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length));
  softmaxBlock(xc, y, outer, len, inner, mode);
  if (!inPlace) for (let i = 0; i < x.length; i++) if (!Object.is(xc[i], x[i])) throw new Error(`x modified at ${i}`);
  return y;
}

/** Index of the first element whose bits differ (NaN equals NaN), or -1. */
function firstDiff(a: FA, b: FA): number {
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    for (let k = 0; k < w; k++) if (ua[i * w + k] !== ub[i * w + k]) return i;
  }
  return -1;
}

// --------------------------------------------------------------- inputs

let seed = 0x2545f491;
function rnd(): number { // xorshift32 in [0, 1)
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}

type Kind = 'small' | 'wide' | 'negInf' | 'special' | 'huge';
const KINDS: Kind[] = ['small', 'wide', 'negInf', 'special', 'huge'];

function makeInput(dt: Dt, n: number, kind: Kind): FA {
  const x = dt === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    const u = rnd();
    switch (kind) {
      case 'small': v = (rnd() - 0.5) * 2; break;
      case 'wide': v = (rnd() - 0.5) * 60; break;
      case 'negInf': v = u < 0.3 ? -Infinity : (rnd() - 0.5) * 20; break;
      case 'special':
        v = u < 0.02 ? NaN : u < 0.04 ? Infinity : u < 0.2 ? -Infinity : (rnd() - 0.5) * 20;
        break;
      case 'huge': v = u < 0.15 ? 1e30 : u < 0.3 ? -1e30 : u < 0.35 ? -Infinity : (rnd() - 0.5) * 1e3; break;
    }
    x[i] = v;
  }
  return x;
}

// --------------------------------------------------------------- references

/** Slice elements of the block at (o, j): indices o*len*inner + k*inner + j. */
function sliceIdx(o: number, j: number, len: number, inner: number): number[] {
  const r: number[] = [];
  for (let k = 0; k < len; k++) r.push(o * len * inner + k * inner + j);
  return r;
}

/**
 * Reference in float64 with Math.exp / Math.log (for f32 results: its error
 * is some 1e-16 relative, far below an f32 ulp). Follows SPEC section 5 for
 * the special values. Returns NaN for NaN slices.
 */
function refF64Slice(v: number[], mode: number): number[] {
  const xs = mode === 2 ? v.map((a) => -a) : v;
  if (xs.some((a) => Number.isNaN(a) || a === Infinity) || xs.every((a) => a === -Infinity)) return xs.map(() => NaN);
  let m = -Infinity;
  for (const a of xs) if (a > m) m = a;
  // Neumaier sum
  let s = 0, c = 0;
  for (const a of xs) {
    const e = Math.exp(a - m);
    const t = s + e;
    c += Math.abs(s) >= Math.abs(e) ? (s - t) + e : (e - t) + s;
    s = t;
  }
  // s >= 1; keep the low part c for ln(s + c) = log1p((s - 1) + c) (s - 1 exact)
  const l = s < 2 ? Math.log1p((s - 1) + c) : Math.log(s + c);
  if (mode === 1) return xs.map((a) => (a - m) - l);
  return xs.map((a) => Math.exp(a - m) / (s + c));
}

Decimal.set({ precision: 50 });
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
/** The exact value of a finite double as a Decimal (rounded to 50 digits). */
function dec(x: number): Decimal {
  F64[0] = x;
  const bits = U64[0]!;
  const neg = bits >> 63n === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let ex: number;
  if (e === 0) ex = -1074; else { mant |= 1n << 52n; ex = e - 1075; }
  const d = new Decimal(mant.toString()).times(new Decimal(2).pow(ex));
  return neg ? d.neg() : d;
}

/** Reference with decimal.js (50 digits), for f64 results. NaN slices give NaN. */
function refDecSlice(v: number[], mode: number): number[] {
  const xs = mode === 2 ? v.map((a) => -a) : v;
  if (xs.some((a) => Number.isNaN(a) || a === Infinity) || xs.every((a) => a === -Infinity)) return xs.map(() => NaN);
  let m = -Infinity;
  for (const a of xs) if (a > m) m = a;
  const md = dec(m);
  const ds = xs.map((a) => (a === -Infinity ? null : dec(a).minus(md)));
  const es = ds.map((d) => (d === null ? new Decimal(0) : d.exp()));
  let s = new Decimal(0);
  for (const e of es) s = s.plus(e);
  if (mode === 1) {
    const l = s.ln();
    return ds.map((d) => (d === null ? -Infinity : d.minus(l).toNumber()));
  }
  return es.map((e) => e.div(s).toNumber());
}

function expoOf(r: number): number {
  F64[0] = Math.abs(r);
  return Number((U64[0]! >> 52n) & 0x7ffn) - 1023;
}
/** ulp of the f32 / f64 value nearest r. */
function ulp(r: number, dt: Dt): number {
  const e = expoOf(dt === 'f32' ? Math.fround(r) : r);
  return dt === 'f32' ? 2 ** Math.max(e - 23, -149) : 2 ** Math.max(e - 52, -1074);
}

interface Err { ulps: number; abs: number; ok: boolean }
/** Error of got against the exact value r, and whether SPEC 6 holds. */
function errOf(got: number, r: number, dt: Dt): Err {
  if (Number.isNaN(r)) return { ulps: 0, abs: 0, ok: Number.isNaN(got) };
  if (!Number.isFinite(r) || r === 0) {
    // -Inf (logSoftmax of -Inf) and exact zeros must come out exactly
    if (got === r) return { ulps: 0, abs: 0, ok: true };
    if (r === 0) {
      const abs = Math.abs(got);
      return { ulps: 0, abs, ok: abs <= (dt === 'f32' ? 2 ** -24 : 2 ** -53) };
    }
    return { ulps: Infinity, abs: Infinity, ok: false };
  }
  const abs = Math.abs(got - r);
  const ulps = abs / ulp(r, dt);
  const small = Math.abs(r) < 2 ** -20 && abs <= (dt === 'f32' ? 2 ** -24 : 2 ** -53);
  return { ulps, abs, ok: ulps <= 4 || small };
}

const maxUlps: Record<string, number> = {};
function note(key: string, u: number): void { if (!(maxUlps[key]! >= u)) maxUlps[key] = u; }

// --------------------------------------------------------------- tests

const LENS = [...Array.from({ length: 33 }, (_, i) => i + 1), 1000];
const INNERS = [1, 2, 3, 4, 5];

describe('softmax kernels: same bits on simd, scalar and js', () => {
  for (const dt of ['f32', 'f64'] as Dt[]) {
    for (const mode of MODES) {
      it(`${MODE_NAME[mode]} ${dt}: shapes len 1..33, 1000 x inner 1..5, all input kinds`, () => {
        let checked = 0;
        for (const len of LENS) {
          for (const inner of INNERS) {
            for (const kind of KINDS) {
              const outer = len === 1000 ? 1 : 2;
              const x = makeInput(dt, outer * len * inner, kind);
              const a = runWasm(simd, x, outer, len, inner, mode, true);
              const b = runWasm(scalar, x, outer, len, inner, mode, true);
              const c = runJs(x, outer, len, inner, mode, true);
              const a2 = runWasm(simd, x, outer, len, inner, mode, false);
              const b2 = runWasm(scalar, x, outer, len, inner, mode, false);
              const c2 = runJs(x, outer, len, inner, mode, false);
              const where = `len ${len} inner ${inner} outer ${outer} kind ${kind}`;
              expect(firstDiff(a, b), `simd vs scalar, ${where}`).toBe(-1);
              expect(firstDiff(a, c), `simd vs js, ${where}`).toBe(-1);
              expect(firstDiff(a, a2), `simd in place vs disjoint, ${where}`).toBe(-1);
              expect(firstDiff(b, b2), `scalar in place vs disjoint, ${where}`).toBe(-1);
              expect(firstDiff(c, c2), `js in place vs disjoint, ${where}`).toBe(-1);
              // and against the float64 reference (the bound for f32; for f64
              // only the special-value semantics and a loose 1e-12 check here,
              // the ulp bound for f64 is checked with decimal.js below)
              for (let o = 0; o < outer; o++) {
                for (let j = 0; j < inner; j++) {
                  const idx = sliceIdx(o, j, len, inner);
                  const ref = refF64Slice(idx.map((i) => x[i]!), mode);
                  idx.forEach((i, k) => {
                    const r = ref[k]!;
                    if (dt === 'f32') {
                      const e = errOf(a[i]!, r, 'f32');
                      if (!e.ok) expect.fail(`${where} o ${o} j ${j} k ${k}: x ${x[i]} got ${a[i]} want ${r} (${e.ulps} ulp)`);
                      if (Math.abs(r) >= 2 ** -20) note(`${MODE_NAME[mode]} f32 (${kind === 'wide' ? 'wide' : 'other'})`, e.ulps);
                    } else {
                      const ok = Number.isNaN(r) ? Number.isNaN(a[i]!)
                        : !Number.isFinite(r) ? a[i] === r
                          : Math.abs(a[i]! - r) <= 1e-12 * Math.max(Math.abs(r), 1e-4);
                      if (!ok) expect.fail(`${where} o ${o} j ${j} k ${k}: x ${x[i]} got ${a[i]} want ${r}`);
                    }
                    checked++;
                  });
                }
              }
            }
          }
        }
        expect(checked).toBeGreaterThan(10000);
      });
    }
  }
});

describe('special values (SPEC 5)', () => {
  const cases: { name: string; x: number[]; want: (number | 'nan')[][] }[] = [
    // want[mode] for modes 0, 1, 2
    { name: 'NaN anywhere', x: [0, 1, NaN, 2], want: [['nan', 'nan', 'nan', 'nan'], ['nan', 'nan', 'nan', 'nan'], ['nan', 'nan', 'nan', 'nan']] },
    { name: '+Inf present', x: [0, Infinity, 1], want: [['nan', 'nan', 'nan'], ['nan', 'nan', 'nan'], [0.7310585786300049, 0, 0.2689414213699951]] },
    { name: 'all -Inf', x: [-Infinity, -Infinity], want: [['nan', 'nan'], ['nan', 'nan'], ['nan', 'nan']] },
    { name: '-Inf entries', x: [-Infinity, 0, -Infinity, 0], want: [[0, 0.5, 0, 0.5], [-Infinity, -Math.LN2, -Infinity, -Math.LN2], ['nan', 'nan', 'nan', 'nan']] },
    { name: 'huge', x: [1e30, -1e30, 0, 1e30], want: [[0.5, 0, 0, 0.5], [-Math.LN2, -2e30, -1e30, -Math.LN2], [0, 1, 0, 0]] },
    { name: 'single element', x: [-3.5], want: [[1], [0], [1]] },
  ];
  for (const dt of ['f32', 'f64'] as Dt[]) {
    for (const c of cases) {
      for (const mode of MODES) {
        it(`${c.name}, ${MODE_NAME[mode]} ${dt}`, () => {
          const x = dt === 'f32' ? Float32Array.from(c.x) : Float64Array.from(c.x);
          const outs = [runWasm(simd, x, 1, x.length, 1, mode, true), runWasm(scalar, x, 1, x.length, 1, mode, false),
            runJs(x, 1, x.length, 1, mode, true),
            // the same slice strided (inner 3: the slice is lane 1 of 3)
          ];
          for (const y of outs) {
            c.want[mode]!.forEach((w, k) => {
              if (w === 'nan') expect(y[k], `k ${k}`).toBeNaN();
              else if (w === 0 || !Number.isFinite(w)) expect(y[k], `k ${k}`).toBe(w);
              else {
                const r = dt === 'f32' ? Math.fround(w) : w;
                expect(Math.abs(y[k]! - r), `k ${k}: ${y[k]} vs ${r}`).toBeLessThanOrEqual(2 * ulp(r, dt));
              }
            });
          }
          // strided: the same values as slice j = 1 of inner = 3
          const xs = dt === 'f32' ? new Float32Array(x.length * 3) : new Float64Array(x.length * 3);
          for (let k = 0; k < x.length; k++) { xs[3 * k] = 0.25; xs[3 * k + 1] = x[k]!; xs[3 * k + 2] = -1; }
          for (const mod of [simd, scalar]) {
            const y = runWasm(mod, xs, 1, x.length, 3, mode, true);
            for (let k = 0; k < x.length; k++) expect(Object.is(y[3 * k + 1], outs[0]![k]) || (Number.isNaN(y[3 * k + 1]) && Number.isNaN(outs[0]![k]))).toBe(true);
          }
        });
      }
    }
  }
});

describe('accuracy of f64 against decimal.js', () => {
  for (const mode of MODES) {
    it(`${MODE_NAME[mode]} f64, <= 4 ulp`, () => {
      let worst = 0;
      for (const len of [1, 2, 3, 5, 8, 17, 33, 200]) {
        for (const inner of [1, 3]) {
          for (const kind of ['small', 'wide', 'negInf'] as Kind[]) {
            const x = makeInput('f64', len * inner, kind);
            const y = runWasm(simd, x, 1, len, inner, mode, true);
            for (let j = 0; j < inner; j++) {
              const idx = sliceIdx(0, j, len, inner);
              const ref = refDecSlice(idx.map((i) => x[i]!), mode);
              idx.forEach((i, k) => {
                const e = errOf(y[i]!, ref[k]!, 'f64');
                if (!e.ok) expect.fail(`len ${len} inner ${inner} ${kind} k ${k}: x ${x[i]} got ${y[i]} want ${ref[k]} (${e.ulps} ulp)`);
                worst = Math.max(worst, e.ulps);
              });
            }
          }
        }
      }
      note(`${MODE_NAME[mode]} f64`, worst);
      expect(worst).toBeLessThanOrEqual(4);
    });
  }
});

describe('long slices (1,000,000 elements)', () => {
  const N = 1_000_000;
  it('f32: bound, same bits, sums to 1', () => {
    const x = new Float32Array(N);
    for (let i = 0; i < N; i++) x[i] = (rnd() - 0.5) * 30;
    const xs = Array.from(x);
    for (const mode of MODES) {
      const a = runWasm(simd, x, 1, N, 1, mode, true);
      const b = runWasm(scalar, x, 1, N, 1, mode, true);
      const c = runJs(x, 1, N, 1, mode, false);
      expect(firstDiff(a, b)).toBe(-1);
      expect(firstDiff(a, c)).toBe(-1);
      const ref = refF64Slice(xs, mode);
      let worst = 0;
      for (let i = 0; i < N; i++) {
        const e = errOf(a[i]!, ref[i]!, 'f32');
        if (!e.ok) expect.fail(`i ${i}: got ${a[i]} want ${ref[i]} (${e.ulps} ulp)`);
        worst = Math.max(worst, e.ulps);
      }
      note(`${MODE_NAME[mode]} f32 1e6`, worst);
      if (mode !== 1) {
        let s = 0;
        for (let i = 0; i < N; i++) s += a[i]!;
        expect(Math.abs(s - 1)).toBeLessThanOrEqual(4 * 2 ** -23);
      }
    }
  });

  it('f64: bound (periodic input, exact reference with decimal.js), same bits, sums to 1', () => {
    // 16 distinct values repeated N/16 times: the exact sum is N/16 times the
    // sum of 16 exponentials, so decimal.js gives the reference cheaply while
    // the kernel still sums a million terms.
    const P = 16;
    const base = Array.from({ length: P }, () => (rnd() - 0.5) * 24);
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = base[i % P]!;
    let m = -Infinity;
    for (const v of base) if (v > m) m = v;
    for (const mode of MODES) {
      const a = runWasm(simd, x, 1, N, 1, mode, true);
      const b = runWasm(scalar, x, 1, N, 1, mode, true);
      const c = runJs(x, 1, N, 1, mode, false);
      expect(firstDiff(a, b)).toBe(-1);
      expect(firstDiff(a, c)).toBe(-1);
      const vs = mode === 2 ? base.map((v) => -v) : base;
      let mm = -Infinity;
      for (const v of vs) if (v > mm) mm = v;
      const md = dec(mm);
      const ds = vs.map((v) => dec(v).minus(md));
      let s = new Decimal(0);
      for (const d of ds) s = s.plus(d.exp());
      s = s.times(N / P);
      const ref = ds.map((d) => (mode === 1 ? d.minus(s.ln()) : d.exp().div(s)).toNumber());
      let worst = 0;
      for (let i = 0; i < N; i++) {
        const e = errOf(a[i]!, ref[i % P]!, 'f64');
        if (!e.ok) expect.fail(`i ${i}: got ${a[i]} want ${ref[i % P]} (${e.ulps} ulp)`);
        worst = Math.max(worst, e.ulps);
      }
      note(`${MODE_NAME[mode]} f64 1e6`, worst);
      if (mode !== 1) {
        // sum of the results, compensated, against 1
        let t = 0, cc = 0;
        for (let i = 0; i < N; i++) {
          const v = a[i]!; const u = t + v;
          cc += Math.abs(t) >= Math.abs(v) ? (t - u) + v : (v - u) + t; t = u;
        }
        expect(Math.abs(t + cc - 1)).toBeLessThanOrEqual(4 * 2 ** -52);
      }
    }
  });
});

describe('rows sum to 1', () => {
  for (const dt of ['f32', 'f64'] as Dt[]) {
    for (const mode of [0, 2]) {
      it(`${MODE_NAME[mode]} ${dt}`, () => {
        for (const len of [1, 2, 7, 33, 1000]) {
          for (const inner of [1, 4, 5]) {
            const x = makeInput(dt, 2 * len * inner, 'wide');
            const y = runWasm(simd, x, 2, len, inner, mode, true);
            for (let o = 0; o < 2; o++) {
              for (let j = 0; j < inner; j++) {
                let s = 0;
                for (const i of sliceIdx(o, j, len, inner)) s += y[i]!;
                const tol = dt === 'f32' ? 4 * 2 ** -23 : 4 * 2 ** -52 + len * 2 ** -53;
                expect(Math.abs(s - 1), `len ${len} inner ${inner}`).toBeLessThanOrEqual(tol);
              }
            }
          }
        }
      });
    }
  }
  it('report max errors', () => {
    console.log('max ulp error:', JSON.stringify(maxUlps, null, 1));
    expect(Object.keys(maxUlps).length).toBeGreaterThan(0);
  });
});
