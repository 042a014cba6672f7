// The reference module of `npm run accuracy` (accuracy/reference.ts) checked
// against decimal.js (test/reference.ts and the derivatives below), and the
// sweep's measurement checked on planted errors. Fast: a few thousand
// decimal evaluations per function.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { loadReference } from '../accuracy/build.js';
import { elementwiseTasks, emptyStats, S, STATS_LEN } from '../accuracy/tasks.js';
import { D, refDec, SELU_ALPHA, SELU_SCALE, type Params } from './reference.js';
import { exactDecimal } from './ulp.js';
import { catalog, hardPoints, rng, wa } from './helpers.js';

type Ref = Awaited<ReturnType<typeof loadReference>>;
let R: Ref;
beforeAll(async () => {
  R = await loadReference();
}, 600_000); // asc -O3 of the reference module: about a minute alone, several under load
// These tests are synchronous and CPU-bound; between them vitest only awaits microtasks, so a file's
// worth of them can hold the event loop for over a minute on a busy machine, and vitest's worker RPC
// ("Timeout calling onTaskUpdate") gives up. A macrotask turn before each test lets it through.
beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

// ------------------------------------------------------- decimal values --

const DP = D.clone({ precision: 60 });
const ZERO = new D(0), ONE = new D(1);
const PI = DP.acos(-1);
const SQRT_2PI = PI.times(2).sqrt();
const GK = new DP(2).div(PI).sqrt();
const GC = new DP('0.044715');
const sig = (x: Decimal): Decimal => refDec.sigmoid!(x, {});
const expD = (x: Decimal): Decimal => (x.lt(-1e5) ? ZERO : DP.exp(x));

/** The analytic derivatives, in decimal (PyTorch's values at kinks; finite x). */
const derivDec: Record<string, (x: Decimal, p: Params) => Decimal> = {
  identity: () => ONE,
  step: () => ZERO,
  threshold: (x, p) => (x.gt(exactDecimal(p['threshold'] as number)) ? ONE : ZERO),
  relu: (x) => (x.gt(0) ? ONE : ZERO),
  relu6: (x) => (x.gt(0) && x.lt(6) ? ONE : ZERO),
  leakyRelu: (x, p) => (x.gt(0) ? ONE : exactDecimal(p['alpha'] as number)),
  prelu: (x, p) => (x.gt(0) ? ONE : exactDecimal(p['alpha'] as number)),
  hardTanh: (x, p) => (x.gt(exactDecimal(p['min'] as number)) && x.lt(exactDecimal(p['max'] as number)) ? ONE : ZERO),
  softshrink: (x, p) => (x.abs().gt(exactDecimal(p['lambda'] as number)) ? ONE : ZERO),
  hardshrink: (x, p) => (x.abs().gt(exactDecimal(p['lambda'] as number)) ? ONE : ZERO),
  hardSigmoid: (x) => (x.gt(-3) && x.lt(3) ? ONE.div(6) : ZERO),
  hardSwish: (x) => (x.lt(-3) ? ZERO : x.gt(3) ? ONE : x.times(2).plus(3).div(6)),
  softsign: (x) => ONE.div(ONE.plus(x.abs()).pow(2)),
  sigmoid: (x) => sig(x).times(sig(x.neg())),
  logSigmoid: (x) => sig(x.neg()),
  tanh: (x) => new DP(4).div(expD(x).plus(expD(x.neg())).pow(2)),
  tanhshrink: (x) => refDec.tanh!(x, {}).pow(2),
  elu: (x, p) => (x.gt(0) ? ONE : exactDecimal(p['alpha'] as number).times(expD(x))),
  selu: (x) => (x.gt(0) ? exactDecimal(SELU_SCALE) : exactDecimal(SELU_SCALE).times(exactDecimal(SELU_ALPHA)).times(expD(x))),
  celu: (x, p) => (x.gt(0) ? ONE : expD(x.div(exactDecimal(p['alpha'] as number)))),
  softplus: (x, p) => {
    const b = p['beta'] as number;
    const bx = p['$dtype'] === 'f32' ? Math.fround(b * x.toNumber()) : b * x.toNumber();
    return bx > (p['threshold'] as number) ? ONE : sig(exactDecimal(b).times(x));
  },
  silu: (x) => sig(x).times(ONE.plus(x.times(sig(x.neg())))),
  gelu: (x, p) => {
    if (p['approximate'] === 'tanh') {
      const u = GK.times(x.plus(GC.times(x.pow(3))));
      const up = GK.times(ONE.plus(GC.times(3).times(x.pow(2))));
      return sig(u.times(2)).times(ONE.plus(x.times(2).times(up).times(sig(u.times(-2)))));
    }
    const cdf = x.isZero() ? new D(0.5) : refDec.gelu!(x, p).div(x);
    return cdf.plus(x.times(expD(x.pow(2).div(-2))).div(SQRT_2PI));
  },
  mish: (x) => {
    if (x.gt(400)) return ONE; // 1 - mish'(x) < 1e-340
    const e = expD(x);
    const n = e.times(e.plus(2));
    const t = n.div(n.plus(2));
    const w = ONE.plus(e).pow(2);
    return t.plus(x.times(4).times(w).div(w.plus(1).pow(2)).times(sig(x)));
  },
};

/** The softmax family of one row in decimal, with log1p of the rest (test/reference.ts takes ln of the sum, which drops a rest below 1e-48). */
function axisDec(row: ArrayLike<number>, mode: 'softmax' | 'logSoftmax' | 'softmin'): Decimal[] {
  const v = Array.from(row, (t) => exactDecimal(mode === 'softmin' ? -t : t));
  if (v.some((t) => t.isNaN())) return v.map(() => new D(NaN));
  let arg = 0;
  for (let i = 1; i < v.length; i++) if (v[i]!.gt(v[arg]!)) arg = i;
  const m = v[arg]!;
  if (!m.isFinite()) return v.map(() => new D(NaN));
  const e = v.map((t) => (t.isFinite() ? DP.exp(t.minus(m)) : ZERO));
  let rest = new DP(0);
  for (let i = 0; i < v.length; i++) if (i !== arg) rest = rest.plus(e[i]!);
  if (mode === 'logSoftmax') {
    const ln = rest.lt(1e-30) ? rest.minus(rest.pow(2).div(2)) : DP.ln(rest.plus(1));
    return v.map((t) => (t.isFinite() ? t.minus(m).minus(ln) : t));
  }
  const sum = rest.plus(1);
  return e.map((t) => t.div(sum));
}

// ------------------------------------------------------------- helpers --

const f32ulp = (e: Decimal): Decimal => {
  const a = Math.abs(e.toNumber());
  const ex = a === 0 ? -200 : Math.floor(Math.log2(a));
  return new D(2).pow(Math.max(ex, -126) - 23);
};
const f64ulp = (e: Decimal): Decimal => {
  const a = e.abs();
  if (a.isZero()) return new D(2).pow(-1074);
  const n = a.toNumber();
  let ex: number;
  if (n === 0 || !Number.isFinite(n)) ex = Math.floor(a.log(2).toNumber());
  else ex = Math.floor(Math.log2(n));
  // Math.log2 can be one off at powers of two
  if (new D(2).pow(ex).gt(a)) ex--;
  else if (new D(2).pow(ex + 1).lte(a)) ex++;
  return new D(2).pow(Math.max(ex, -1022) - 52);
};

/** Distance in ULPs (f32 or f64 grid of the exact value) between the reference's (hi + lo) * 2^sc and the decimal value. */
function refError(grid: 'f32' | 'f64', hi: number, lo: number, sc: number, exact: Decimal): number {
  if (exact.isNaN() || Number.isNaN(hi)) return exact.isNaN() && Number.isNaN(hi) ? 0 : Infinity;
  if (!exact.isFinite() || !Number.isFinite(hi)) return exact.eq(hi) ? 0 : Infinity;
  const v = exactDecimal(hi).plus(exactDecimal(lo)).times(new D(2).pow(sc));
  return v.minus(exact).abs().div(grid === 'f32' ? f32ulp(exact) : f64ulp(exact)).toNumber();
}

function paramsOf(task: { name: string; a: number; b: number; opts: Record<string, unknown> }, dtype: 'f32' | 'f64'): Params {
  const def = catalog.find((d) => d.name === task.name)!;
  const p: Record<string, number | string> = { $dtype: dtype };
  let k = 0;
  for (const param of def.params) {
    if (param.type === 'enum') p[param.name] = (task.opts[param.name] as string | undefined) ?? param.default;
    else p[param.name] = k++ === 0 ? task.a : task.b;
  }
  return p;
}

/**
 * Where the reference switches method, with neighbours; for float32 also the
 * zeros of the derivatives. (Within about 1e-13 of a zero of silu', gelu' or
 * mish' a double-double's 2^-106 is no longer far below a float64 ULP of the
 * tiny result: the float64 samples land there with probability ~1e-6.)
 */
function switchPoints(dtype: 'f32' | 'f64'): number[] {
  const centres = [2 ** -28, 2 ** -26, 2 ** -300, 2 ** -600, 0.17, 0.34, 0.5, 2, 2.5, 3, 4.242640687119285, 10, 12, 12.5, 16.5, 20, 40, 45, 50,
    66, 100, 110, 120, 131, 142, 300, 350, 400, 600, 700, 800, 1.15, 1.4, 0.65, 0.85, 0.6, 0.9,
    1.05, 1.35, 37.5, 38.5, 720, 1.2784, 0.7518, 1.1924, 0.7528];
  if (dtype === 'f32') centres.push(1.2784645427610738, 0.7517915241319499, 1.192436942, 0.75275);
  const pts: number[] = [];
  const r = (v: number): number => (dtype === 'f32' ? Math.fround(v) : v);
  for (const c of centres) {
    for (const s of [1, -1]) {
      const v = r(s * c);
      pts.push(v, r(v * (1 + 2 ** -23)), r(v * (1 - 2 ** -23)), r(v * (1 + 1e-3)), r(v * (1 - 1e-3)));
    }
  }
  return pts;
}

function inputs(dtype: 'f32' | 'f64', n: number, seed: number): number[] {
  const r = rng(seed);
  const pts = [...hardPoints(dtype), ...switchPoints(dtype)];
  for (let i = 0; i < n; i++) {
    const v = i % 2 === 0 ? (r() < 0.5 ? -1 : 1) * 2 ** (-30 + 40 * r()) : -25 + 50 * r();
    pts.push(dtype === 'f32' ? Math.fround(v) : v);
  }
  return pts;
}

const F32_TASKS = elementwiseTasks(catalog, 'f32', () => true);
const F64_TASKS = elementwiseTasks(catalog, 'f64', () => true);

// --------------------------------------------------------------- tests --

describe('accuracy reference module: constants', () => {
  it('derived double-double constants match decimal.js to 2^-100', () => {
    const want = [new DP(2).sqrt(), PI.sqrt(), ONE.div(SQRT_2PI), GK, GC];
    for (let i = 0; i < want.length; i++) {
      const v = exactDecimal(R.exports.constant(i, 0)).plus(exactDecimal(R.exports.constant(i, 1)));
      expect(v.minus(want[i]!).abs().div(want[i]!).toNumber(), `constant ${i}`).toBeLessThan(2 ** -100);
    }
  });
});

describe('accuracy reference module against decimal.js', () => {
  const FWD_N = 300;
  for (const [dtype, tasks] of [['f32', F32_TASKS], ['f64', F64_TASKS]] as const) {
    for (const t of tasks) {
      it(`${dtype} ${t.key} (${dtype === 'f32' ? 'evalF' : 'evalDD'}): far below 1e-6 ULP of the exact value`, () => {
        const p = paramsOf(t, dtype);
        const name = t.refName === 'geluTanh' ? 'gelu' : t.name;
        const exactOf = t.grad ? derivDec[name]! : refDec[name]!;
        const fid = R.fid(t.refName, t.grad);
        let worst = 0, worstX = NaN;
        const xs = inputs(dtype, FWD_N, 17 + t.key.length);
        for (const x of xs) {
          if (!Number.isFinite(x)) continue;
          let hi: number, lo: number, sc: number;
          if (dtype === 'f32') {
            hi = R.exports.refF(fid, x, t.a, t.b);
            lo = R.exports.lastLow();
            sc = 0;
          } else {
            hi = R.exports.refDD(fid, x, t.a, t.b, 0);
            lo = R.exports.lastLow();
            sc = R.exports.lastScale();
          }
          const e = exactOf(exactDecimal(x), p);
          const err = refError(dtype, hi, lo, sc, e);
          if (!(err <= worst)) {
            worst = err;
            worstX = x;
          }
        }
        expect(worst, `worst at x = ${worstX}`).toBeLessThan(1e-6);
      });
    }
  }
});

describe('accuracy reference module: evalF against evalDD on float32 inputs', () => {
  it('every function and derivative agrees to 1e-6 float32 ULP on 2^13 inputs spread over all 2^32 plus the switch points', () => {
    const xs: number[] = [...switchPoints('f32'), ...hardPoints('f32')];
    const f = new Float32Array(1), u = new Uint32Array(f.buffer);
    for (let i = 0; i < 2 ** 13; i++) {
      u[0] = (i * 524287 + 12345) >>> 0; // an odd stride visits every exponent
      if (Number.isFinite(f[0]!)) xs.push(f[0]!);
    }
    const bad: string[] = [];
    for (const t of F32_TASKS) {
      const fid = R.fid(t.refName, t.grad);
      let worst = 0, worstX = NaN;
      for (const x of xs) {
        const hf = R.exports.refF(fid, x, t.a, t.b), lf = R.exports.lastLow();
        const hd0 = R.exports.refDD(fid, x, t.a, t.b, 1), ld0 = R.exports.lastLow(), sd = R.exports.lastScale();
        const hd = hd0 * 2 ** sd, ld = ld0 * 2 ** sd; // float32-range values: no under- or overflow
        let err: number;
        if (Number.isNaN(hf) || Number.isNaN(hd) || !Number.isFinite(hd)) err = Object.is(hf, hd) || (Number.isNaN(hf) && Number.isNaN(hd)) ? 0 : Infinity;
        else {
          const a = Math.abs(hd);
          const ulp = 2 ** (Math.max(a === 0 ? -200 : Math.floor(Math.log2(a)), -126) - 23);
          err = Math.abs((hf - hd) + (lf - ld)) / ulp;
        }
        if (!(err <= worst)) {
          worst = err;
          worstX = x;
        }
      }
      if (!(worst < 1e-6)) bad.push(`${t.key}: ${worst} at x = ${worstX}`);
    }
    expect(bad).toEqual([]);
  });

  it('limits at the infinities and NaN', () => {
    const want: Record<string, [number, number]> = {
      sigmoid: [1, 0], tanh: [1, -1], relu: [Infinity, 0], relu6: [6, 0], elu: [Infinity, -1], selu: [Infinity, -SELU_SCALE * SELU_ALPHA],
      gelu: [Infinity, 0], geluTanh: [Infinity, 0], silu: [Infinity, 0], mish: [Infinity, 0], softplus: [Infinity, 0], softsign: [1, -1],
      logSigmoid: [0, -Infinity], tanhshrink: [Infinity, -Infinity], hardSwish: [Infinity, 0], hardSigmoid: [1, 0],
      "sigmoid'": [0, 0], "tanh'": [0, 0], "relu'": [1, 0], "relu6'": [0, 0], "elu'": [1, 0], "selu'": [SELU_SCALE, 0], "gelu'": [1, 0],
      "geluTanh'": [1, 0], "silu'": [1, 0], "mish'": [1, 0], "softplus'": [1, 0], "softsign'": [0, 0], "logSigmoid'": [0, 1],
      "tanhshrink'": [1, 1], "hardSwish'": [1, 0], "hardSigmoid'": [0, 0], "leakyRelu'": [1, Math.fround(0.01)], "identity'": [1, 1],
    };
    for (const t of F32_TASKS) {
      const fid = R.fid(t.refName, t.grad);
      expect(R.exports.refF(fid, NaN, t.a, t.b), `${t.key}(NaN)`).toBeNaN();
      const w = want[t.key];
      if (!w) continue;
      expect(R.exports.refF(fid, Infinity, t.a, t.b), `${t.key}(+inf)`).toBeCloseTo(w[0], 6);
      expect(R.exports.refF(fid, -Infinity, t.a, t.b), `${t.key}(-inf)`).toBeCloseTo(w[1], 6);
    }
  });
});

describe('accuracy reference module: softmax family', () => {
  it('rows in float32 and float64 match decimal.js to 1e-6 ULP, and the gradients with dy omitted', () => {
    const r = rng(99);
    const bad: string[] = [];
    for (const dtype of ['f32', 'f64'] as const) {
      for (const [mode, name] of [[0, 'softmax'], [1, 'logSoftmax'], [2, 'softmin'], [3, "softmax'"], [4, "logSoftmax'"], [5, "softmin'"]] as const) {
        for (let k = 0; k < 12; k++) {
          const len = [1, 2, 3, 7, 16, 100][k % 6]!;
          const spread = [1e-3, 1, 30, 1e3][k % 4]!;
          const row = Array.from({ length: len }, (_, i) => (k === 5 && i === 1 ? -Infinity : (r() * 2 - 1) * spread + (k % 3) * 10));
          const x = dtype === 'f32' ? Float32Array.from(row) : Float64Array.from(row);
          const bytes = dtype === 'f32' ? 4 : 8;
          const px = R.block(len * bytes), po = R.block(len * 24);
          (dtype === 'f32' ? R.f32(px, len) : R.f64(px, len)).set(x);
          R.exports.axisRow(mode, dtype === 'f32' ? 1 : 0, px, len, po);
          const out = R.f64(po, len * 3);
          // gradients with dy omitted: softmax, softmin 0; logSoftmax 1 - len softmax_i
          const want = name === "logSoftmax'" ? axisDec(x, 'softmax').map((v) => (v.isNaN() ? v : ONE.minus(v.times(len))))
            : name.endsWith("'") ? axisDec(x, name === "softmin'" ? 'softmin' : 'softmax').map((v) => (v.isNaN() ? v : ZERO))
              : axisDec(x, name as 'softmax');
          for (let i = 0; i < len; i++) {
            const err = refError(dtype, out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!, want[i]!);
            if (!(err < 1e-6)) bad.push(`${dtype} ${name} row ${k} entry ${i}: ${err}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

// --------------------------------------------------- the measurement ---

describe('accuracy measurement', () => {
  const stats = (): number => {
    const p = R.block(STATS_LEN * 8);
    R.f64(p, STATS_LEN).set(emptyStats());
    return p;
  };
  const f32bits = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0]!;
  const fromBits = (b: number): number => new Float32Array(Uint32Array.of(b).buffer)[0]!;

  it('finds a planted 3 ULP error in a chunk of library results (float32 and float64)', async () => {
    const b = await wa.loadBackend('wasm-simd');
    const n = 4096;
    const start = 0x3f000000; // x from 0.5 upwards
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = fromBits(start + i * 97);
    for (const name of ['relu', 'sigmoid']) {
      const y = b[name as 'relu'](x);
      // make every result correctly rounded first (the library may be 1 ULP off), then plant one error
      const fid = R.fid(name);
      for (let i = 0; i < n; i++) y[i] = Math.fround(R.exports.refF(fid, x[i]!, 0, 0) + R.exports.lastLow());
      const k = 1234;
      y[k] = fromBits(f32bits(y[k]!) + 3);
      const px = R.block(n * 4), py = R.block(n * 4), ps = stats();
      R.f32(px, n).set(x);
      R.f32(py, n).set(y);
      R.exports.check32(fid, px, 0, n, py, 0, 0, 2, 0, ps);
      const s = R.f64(ps, STATS_LEN);
      expect(s[S.count]).toBe(n);
      expect(s[S.maxInt], name).toBe(3);
      expect(s[S.xAtMax]).toBe(x[k]);
      expect(s[S.realAtMax]).toBeGreaterThanOrEqual(2.5);
      expect(s[S.realAtMax]).toBeLessThanOrEqual(3.5);
      expect(s[S.cr]).toBe(n - 1);
      expect(s[S.fail]).toBe(1);
      expect(s[S.xAtFail]).toBe(x[k]);
    }
    // float64: sigmoid, one result 3 ULP up
    const x64 = Float64Array.from({ length: 1000 }, (_, i) => -10 + i * 0.0213);
    const y64 = new Float64Array(1000);
    const fid = R.fid('sigmoid');
    for (let i = 0; i < 1000; i++) y64[i] = R.exports.refDD(fid, x64[i]!, 0, 0, 0) + R.exports.lastLow();
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, y64[500]!);
    v.setBigUint64(0, v.getBigUint64(0) + 3n);
    y64[500] = v.getFloat64(0);
    const px = R.block(8000), py = R.block(8000), ps = stats();
    R.f64(px, 1000).set(x64);
    R.f64(py, 1000).set(y64);
    R.exports.check64(fid, px, 1000, py, 0, 0, 2, 0, ps);
    const s = R.f64(ps, STATS_LEN);
    expect(s[S.maxInt]).toBe(3);
    expect(s[S.xAtMax]).toBe(x64[500]);
    expect(s[S.fail]).toBe(1);
  });

  it('the sweep loop (check32, its SIMD and scalar paths) agrees with a plain evaluation of each result against evalDD', async () => {
    const b = await wa.loadBackend('wasm-simd');
    const { ulpDistance32 } = await import('./ulp.js');
    const n = 1 << 14;
    const r = rng(5);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (r() < 0.5 ? -1 : 1) * 2 ** (-152 + 282 * r() ** (i % 3 === 0 ? 1 : 0.2));
    x.set([NaN, Infinity, -Infinity, 0, -0, 2 ** -149, -(2 ** -149), 0.5, -0.5, 3, -3, 6, 0.1, 8388609], 100);
    const exact = ['identity', 'step', 'threshold', 'relu', 'relu6', 'leakyRelu', 'prelu', 'hardTanh', 'softshrink', 'hardshrink'];
    const some = ['sigmoid', 'gelu', 'hardSwish', 'softplus', 'tanhshrink', 'softsign', 'hardSigmoid', ...exact];
    for (const t of F32_TASKS.filter((t) => some.includes(t.refName) && (!t.grad || exact.includes(t.refName) || t.refName === 'hardSigmoid'))) {
      const fn = (b as unknown as Record<string, ((x: Float32Array, o: object) => Float32Array) & { grad: (x: Float32Array, o: object) => Float32Array }>)[t.name]!;
      const y = (t.grad ? fn.grad : fn)(x, t.opts);
      const fid = R.fid(t.refName, t.grad);
      let cr = 0, maxInt = 0;
      for (let i = 0; i < n; i++) {
        const h = R.exports.refDD(fid, x[i]!, t.a, t.b, 1) * 2 ** R.exports.lastScale();
        // real distance (no result sits within 1e-6 ULP of a midpoint here, but exact ties do: 0.25 x in the subnormals)
        const d = !Number.isFinite(h) && !Number.isNaN(h) ? (Object.is(h, y[i]) ? 0 : Infinity) : ulpDistance32(y[i]!, h);
        const k = d === 0.5 ? f32bits(y[i]!) & 1 : Math.round(d); // at a tie the even neighbour is the rounded value
        if (k === 0) cr++;
        maxInt = Math.max(maxInt, k);
      }
      const px = R.block(n * 4), py = R.block(n * 4), ps = stats();
      R.f32(px, n).set(x);
      R.f32(py, n).set(y);
      R.exports.check32(fid, px, 0, n, py, t.a, t.b, t.ulp, t.allow ? 1 : 0, ps);
      const s = R.f64(ps, STATS_LEN);
      expect(s[S.count]).toBe(n);
      expect(s[S.cr], t.key).toBe(cr);
      expect(cr, t.key).toBeGreaterThan(n / 2);
      expect(s[S.maxInt], t.key).toBe(maxInt);
    }
  });

  it('the sweep over a range of bits (constant-rounding and SIMD shortcuts) counts what the element-by-element path counts', async () => {
    const b = await wa.loadBackend('wasm-simd');
    const n = 1 << 14;
    // ranges inside one binade: tiny, huge, subnormal, both signs, and some that do not round to one value
    const starts = [0x00000000, 0x30000000, 0x3d800000, 0x41800000, 0x42f00000, 0x4b000000, 0x7f000000, 0x80004000, 0xb0800000, 0xc1800000, 0xc2c80000, 0xc3000000, 0x3f800000];
    const names = ['sigmoid', 'tanh', 'gelu', 'softplus', 'logSigmoid', 'hardSwish', 'elu', 'silu', 'mish', 'tanhshrink'];
    const px = R.block(n * 4), py = R.block(n * 4);
    const ranges0 = R.exports.constantRangeCount();
    for (const t of F32_TASKS.filter((t) => names.includes(t.refName))) {
      const fn = (b as unknown as Record<string, ((x: Float32Array, o: object) => Float32Array) & { grad?: (x: Float32Array, o: object) => Float32Array }>)[t.name]!;
      let call: ((x: Float32Array, o: object) => Float32Array) | undefined = t.grad ? fn.grad : fn;
      if (call && t.grad) {
        try { call(Float32Array.of(1), t.opts); } catch { call = undefined; } // a gradient kernel not landed yet
      }
      if (!call) continue;
      const fid = R.fid(t.refName, t.grad);
      for (const start of starts) {
        const x = new Float32Array(new Uint32Array(n).map((_, i) => (start + i) >>> 0).buffer);
        const y = call(x, t.opts);
        if (start === 0x4b000000 || start === 0x30000000) y[777] = fromBits(f32bits(y[777]!) + 2); // planted errors in ranges that round to one value
        R.f32(px, n).set(x);
        R.f32(py, n).set(y);
        const s1 = stats(), s2 = stats();
        R.exports.check32(fid, 0, start | 0, n, py, t.a, t.b, t.ulp, t.allow ? 1 : 0, s1);
        R.exports.check32(fid, px, 0, n, py, t.a, t.b, t.ulp, t.allow ? 1 : 0, s2);
        const a1 = Array.from(R.f64(s1, STATS_LEN)), a2 = Array.from(R.f64(s2, STATS_LEN));
        expect(a1, `${t.key} from 0x${start.toString(16)}`).toEqual(a2);
        if (start === 0x4b000000 || start === 0x30000000) expect(a1[S.maxInt], t.key).toBeGreaterThanOrEqual(2);
      }
    }
    expect(R.exports.constantRangeCount() - ranges0).toBeGreaterThan(20); // the shortcut was taken, and counted the same
  });

  it('counts float steps across binades, subnormals, overflow, NaN and the absolute allowance', () => {
    const cases: Array<{ name: string; x: number; y: number; int: number; grad?: boolean; allow?: boolean; ulp?: number; a?: number }> = [
      // 0.25 * -6 * 2^-149 = -1.5 * 2^-149: a tie in the subnormals, to even
      { name: 'leakyRelu', a: 0.25, x: -6 * 2 ** -149, y: -2 * 2 ** -149, int: 0 },
      { name: 'leakyRelu', a: 0.25, x: -6 * 2 ** -149, y: -1 * 2 ** -149, int: 1 },
      { name: 'leakyRelu', a: 0.25, x: -10 * 2 ** -149, y: -2 * 2 ** -149, int: 0 }, // -2.5 -> -2
      { name: 'softshrink', a: 0.5, x: 2 ** 23 + 1, y: 2 ** 23, int: 0 }, // x - 0.5 = 2^23 + 0.5: a tie, to even
      { name: 'softshrink', a: 0.5, x: 2 ** 23 + 1, y: 2 ** 23 + 1, int: 1 },
      { name: 'identity', x: 1, y: fromBits(f32bits(1) - 3), int: 3 }, // three steps down from 1 (spacing halves below 1)
      { name: 'identity', x: 2 ** -149, y: 4 * 2 ** -149, int: 3 }, // subnormals
      { name: 'identity', x: 2 ** -126, y: 2 ** -126 - 2 * 2 ** -149, int: 2 }, // across the subnormal boundary
      { name: 'identity', x: -1e-45, y: 1e-45, int: 2 }, // across zero
      { name: 'selu', x: 3.4028234663852886e38, y: Infinity, int: 0 }, // exact value beyond the overflow threshold rounds to inf
      { name: 'selu', x: 3.4028234663852886e38, y: 3.4028234663852886e38, int: 1 },
      { name: 'relu', x: 1, y: NaN, int: Infinity },
      { name: 'relu', x: NaN, y: 0, int: Infinity },
      { name: 'relu', x: Infinity, y: 3.4028234663852886e38, int: Infinity }, // an exact infinity must be met
    ];
    for (const c of cases) {
      const fid = R.fid(c.name, c.grad);
      const px = R.block(4), py = R.block(4), ps = stats();
      R.f32(px, 1)[0] = c.x;
      R.f32(py, 1)[0] = c.y;
      R.exports.check32(fid, px, 0, 1, py, c.a ?? 0, 0, c.ulp ?? 0, c.allow ? 1 : 0, ps);
      const s = R.f64(ps, STATS_LEN);
      expect(c.int === 0 ? s[S.cr] : s[S.maxInt], `${c.name}(${c.x}) = ${c.y}`).toBe(c.int === 0 ? 1 : c.int);
    }
    // gelu at x = -10: the exact value is about -7.7e-23; 2^-25 off is millions of ULPs but within the absolute allowance
    const fid = R.fid('gelu');
    const px = R.block(4), py = R.block(4), ps = stats();
    R.f32(px, 1)[0] = -10;
    const e = R.exports.refF(fid, -10, 0, 0);
    R.f32(py, 1)[0] = e - 2 ** -25;
    R.exports.check32(fid, px, 0, 1, py, 0, 0, 4, 1, ps);
    const s = R.f64(ps, STATS_LEN);
    expect(s[S.maxInt]).toBeGreaterThan(1e6);
    expect(s[S.fail]).toBe(0);
    expect(s[S.allowed]).toBe(1);
    expect(s[S.maxAbsAllowed]).toBeCloseTo(0.5, 6);
    R.exports.check32(fid, px, 0, 1, py, 0, 0, 4, 0, ps); // without the allowance: a failure
    expect(R.f64(ps, STATS_LEN)[S.fail]).toBe(1);
  });
});
