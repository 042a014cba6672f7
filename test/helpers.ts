// Shared pieces of the api.* suites: the public API, inputs, params derived
// from the catalog, and the accuracy check against test/reference.ts.
import * as wa from '../dist/index.js';
import type { ActivationDef, NumberParam } from '../dist/index.js';
import { ref64, refDec, type Params } from './reference.js';
import { exactDecimal, withinBound, distance, type DType } from './ulp.js';

export { wa };
export type { ActivationDef, DType };
export type FloatArray = Float32Array | Float64Array;
export type Fn = (x: FloatArray, options?: Record<string, unknown>) => FloatArray;

export const BACKENDS = ['js', 'wasm', 'wasm-simd'] as const;
export const DTYPES: readonly DType[] = ['f32', 'f64'];
export const Ctor = (d: DType): Float32ArrayConstructor | Float64ArrayConstructor => (d === 'f32' ? Float32Array : Float64Array);
export const round = (d: DType, v: number): number => (d === 'f32' ? Math.fround(v) : v);

export const catalog = wa.catalog as readonly ActivationDef[];
export const ELEMENTWISE = catalog.filter((d) => d.kind === 'elementwise');
export const AXIS = catalog.filter((d) => d.kind === 'axis');
/** Every name a function is exported under (name and aliases), with its entry. */
export const ALL_NAMES: ReadonlyArray<[string, ActivationDef]> = catalog.flatMap((d) => [d.name, ...d.aliases].map((n) => [n, d] as [string, ActivationDef]));

export function fnOf(api: unknown, name: string): Fn {
  const f = (api as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new Error(`${name} is not a function of this API object`);
  return f as Fn;
}

// ---------------------------------------------------------------- params --

/** The params a call resolves to (defaults, then options), rounded to the dtype. */
export function resolve(def: ActivationDef, options: Record<string, unknown>, dtype: DType): Params {
  const p: Record<string, number | string> = { $dtype: dtype };
  for (const param of def.params) {
    const raw = options[param.name];
    if (param.type === 'enum') p[param.name] = (raw as string | undefined) ?? param.default;
    else {
      const v = (raw as number | undefined) ?? param.default;
      if (v === undefined) throw new Error(`${def.name}: required param ${param.name} has no value`);
      p[param.name] = round(dtype, v);
    }
  }
  return p;
}

const CANDIDATES = [0.2, 2.5, -0.7, 7, 1e-3, 0];

/**
 * Param sets to test a function with, derived from the catalog: the example
 * (defaults plus required params), then for each param a couple of other
 * values that its domain and the entry's constraint accept, and every enum value.
 */
export function paramVariants(def: ActivationDef, perParam = 2): Array<Record<string, unknown>> {
  const base: Record<string, unknown> = { ...def.example };
  const out: Array<Record<string, unknown>> = [base];
  for (const param of def.params) {
    if (param.type === 'enum') {
      for (const v of param.values) if (v !== (base[param.name] ?? param.default)) out.push({ ...base, [param.name]: v });
      continue;
    }
    const current = (base[param.name] as number | undefined) ?? param.default;
    let taken = 0;
    for (const c of CANDIDATES) {
      if (taken >= perParam) break;
      if (c === current) continue;
      if (param.type === 'number' && !(param as NumberParam).valid(c)) continue;
      const opts = { ...base, [param.name]: c };
      if (def.constraint?.(resolve(def, opts, 'f64')) !== undefined) continue;
      out.push(opts);
      taken++;
    }
  }
  return out;
}

export const describeOpts = (o: Record<string, unknown>): string => (Object.keys(o).length === 0 ? 'defaults' : JSON.stringify(o));

// ---------------------------------------------------------------- inputs --

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f32buf = new Float32Array(1), u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1), u64buf = new BigUint64Array(f64buf.buffer);

export function nextUp(d: DType, v: number): number {
  if (Number.isNaN(v) || v === Infinity) return v;
  if (d === 'f32') {
    f32buf[0] = v;
    if (v === 0) { u32buf[0] = 1; return f32buf[0]!; }
    u32buf[0] = v > 0 ? u32buf[0]! + 1 : u32buf[0]! - 1;
    return f32buf[0]!;
  }
  f64buf[0] = v;
  if (v === 0) return Number.MIN_VALUE;
  u64buf[0] = v > 0 ? u64buf[0]! + 1n : u64buf[0]! - 1n;
  return f64buf[0]!;
}
export const nextDown = (d: DType, v: number): number => -nextUp(d, -v);

/** Hard points: zero, extremes, subnormals and the places where kernels switch algorithm, with their neighbours. */
export function hardPoints(d: DType): number[] {
  const max = d === 'f32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const minNormal = d === 'f32' ? 2 ** -126 : 2 ** -1022;
  const minSub = d === 'f32' ? 2 ** -149 : Number.MIN_VALUE;
  const centres = [
    0, minSub, minNormal, 2 ** -60, 2 ** -30, 2 ** -24, 2 ** -20, 2 ** -13, 2 ** -12, 1e-4, 1e-3, 0.01, 0.1, 0.125, 0.25, 0.3465735902799726,
    0.5, 0.55, 0.625, 0.6931471805599453, 0.75, 0.875, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 25,
    30, 32, 36, 40, 50, 64, 80, 87, 87.33654475, 88, 88.72283935546875, 89, 100, 103, 104, 110, 128, 150, 200, 500, 700, 708, 709.782712893384,
    710, 745, 746, 750, 1000, 1e4, 1e5, 2 ** 23, 2 ** 24, 1e10, 2 ** 52, 1e20, 1e30, 1e38, max,
  ];
  const pts: number[] = [];
  for (const c0 of centres) {
    const c = round(d, c0);
    if (!Number.isFinite(c)) continue;
    for (const s of [1, -1]) {
      const v = s * c;
      pts.push(v, nextUp(d, v), nextDown(d, v), nextUp(d, nextUp(d, v)), nextDown(d, nextDown(d, v)));
    }
  }
  return pts.filter((v) => Number.isFinite(v));
}

/**
 * n inputs across the whole float range: 40% uniformly random finite bit
 * patterns (log-uniform magnitudes from the subnormals to the largest
 * float, both signs), 40% log-uniform in [2^-16, 2^8] where the functions
 * bend, 20% uniform in [-40, 40]; then the hard points.
 */
export function sample(d: DType, n: number, seed: number): FloatArray {
  const r = rng(seed);
  const out = d === 'f32' ? new Float32Array(n) : new Float64Array(n);
  const a = Math.floor(n * 0.4), b = Math.floor(n * 0.8);
  const u32 = new Uint32Array(2);
  const f32v = new Float32Array(u32.buffer, 0, 1);
  const f64v = new Float64Array(u32.buffer);
  for (let i = 0; i < n; i++) {
    let v: number;
    if (i < a) {
      do {
        if (d === 'f32') { u32[0] = Math.floor(r() * 4294967296); v = f32v[0]!; }
        else { u32[0] = Math.floor(r() * 4294967296); u32[1] = Math.floor(r() * 4294967296); v = f64v[0]!; }
      } while (!Number.isFinite(v));
    } else if (i < b) {
      v = (r() < 0.5 ? -1 : 1) * 2 ** (-16 + 24 * r());
    } else {
      v = -40 + 80 * r();
    }
    out[i] = v;
  }
  const hp = hardPoints(d);
  const all = d === 'f32' ? new Float32Array(n + hp.length) : new Float64Array(n + hp.length);
  all.set(out);
  all.set(hp, n);
  return all;
}

// -------------------------------------------------------------- accuracy --

export interface Failure { x: number; y: number; exact: string; ulps: number }

/** Compares y = f(x) with the reference elementwise; returns at most `limit` failures and the worst distance. */
export function checkElementwise(def: ActivationDef, options: Record<string, unknown>, dtype: DType, x: ArrayLike<number>, y: ArrayLike<number>, limit = 8): { failures: Failure[]; count: number; worst: number } {
  const p = resolve(def, options, dtype);
  const failures: Failure[] = [];
  let count = 0, worst = 0;
  if (dtype === 'f32') {
    const f = ref64[def.name];
    if (!f) throw new Error(`no float64 reference for ${def.name}`);
    for (let i = 0; i < x.length; i++) {
      const e = f(x[i]!, p);
      const yi = y[i]!;
      if (!withinBound('f32', yi, e, def.accuracy)) {
        count++;
        const dd = distance('f32', yi, e);
        if (dd > worst || Number.isNaN(dd)) worst = dd;
        if (failures.length < limit) failures.push({ x: x[i]!, y: yi, exact: String(e), ulps: dd });
      }
    }
  } else {
    const f = refDec[def.name];
    if (!f) throw new Error(`no Decimal reference for ${def.name}`);
    for (let i = 0; i < x.length; i++) {
      const e = f(exactDecimal(x[i]!), p);
      const yi = y[i]!;
      if (!withinBound('f64', yi, e, def.accuracy)) {
        count++;
        const dd = distance('f64', yi, e);
        if (dd > worst || Number.isNaN(dd)) worst = dd;
        if (failures.length < limit) failures.push({ x: x[i]!, y: yi, exact: e.toPrecision(20), ulps: dd });
      }
    }
  }
  return { failures, count, worst };
}

export function report(name: string, r: { failures: Failure[]; count: number; worst: number }, total: number): string {
  return `${name}: ${r.count} of ${total} outside the bound (worst ${r.worst} ULP); e.g. ${r.failures.map((f) => `f(${f.x}) = ${f.y}, exact ${f.exact} (${f.ulps.toPrecision(4)} ULP)`).join('; ')}`;
}

/** Bitwise equality of two float arrays (any NaN equals any NaN); returns the first differing index or -1. */
export function firstBitDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Object.is(x, y)) continue;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    return i;
  }
  return -1;
}

export function expectSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  const i = firstBitDifference(a, b);
  if (i >= 0) {
    throw new Error(`${what}: ${a.length !== b.length ? `lengths ${a.length} and ${b.length}` : `element ${i} differs: ${a[i]} vs ${b[i]}`}`);
  }
}

/** A turn of the event loop: long synchronous checks call it between slices so that vitest's worker RPC stays answered on a loaded machine. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** checkElementwise over slices of `slice` elements, yielding between them; the same result. */
export async function checkElementwiseYielding(def: ActivationDef, options: Record<string, unknown>, dtype: DType, x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, y: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, slice = dtype === 'f32' ? 100_000 : 2_000, limit = 8): Promise<{ failures: Failure[]; count: number; worst: number }> {
  const all = { failures: [] as Failure[], count: 0, worst: 0 };
  for (let at = 0; at < x.length; at += slice) {
    const r = checkElementwise(def, options, dtype, x.subarray(at, at + slice), y.subarray(at, at + slice), limit - all.failures.length);
    all.failures.push(...r.failures);
    all.count += r.count;
    if (r.worst > all.worst || Number.isNaN(r.worst)) all.worst = r.worst;
    await yieldToEventLoop();
  }
  return all;
}
