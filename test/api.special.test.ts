// SPEC 5 special values, for every function, dtype and backend: NaN in gives
// NaN out; +-Infinity give the limits of the table below (written from SPEC 5
// and the definitions of SPEC 4); large finite inputs never give NaN or an
// infinity where the true value is finite; softmax slices with -Inf, +Inf, NaN.
import { beforeAll, describe, expect, it } from 'vitest';
import { refDec, ref64, SELU_ALPHA, SELU_SCALE, axisRef64 } from './reference.js';
import { exactDecimal, withinBound } from './ulp.js';
import { ALL_NAMES, AXIS, BACKENDS, Ctor, DTYPES, fnOf, paramVariants, describeOpts, resolve, round, wa, type DType } from './helpers.js';
import type { Params } from './reference.js';

type Limits = (p: Params, d: DType) => [number, number];
/** f(-Infinity), f(+Infinity) per function, as SPEC 5 states them (or as the definition gives them). */
const LIMITS: Record<string, Limits> = {
  identity: () => [-Infinity, Infinity],
  step: () => [0, 1],
  threshold: (p) => [p['value'] as number, Infinity],
  sigmoid: () => [0, 1],
  tanh: () => [-1, 1],
  relu: () => [0, Infinity],
  relu6: () => [0, 6],
  leakyRelu: (p) => [(p['alpha'] as number) > 0 ? -Infinity : (p['alpha'] as number) < 0 ? Infinity : 0, Infinity],
  prelu: (p) => [(p['alpha'] as number) > 0 ? -Infinity : (p['alpha'] as number) < 0 ? Infinity : 0, Infinity],
  elu: (p) => [-(p['alpha'] as number), Infinity],
  selu: (_p, d) => [round(d, -SELU_SCALE * SELU_ALPHA), Infinity],
  celu: (p) => [(p['alpha'] as number) > 0 ? -(p['alpha'] as number) : -Infinity, Infinity],
  gelu: () => [0, Infinity],
  silu: () => [0, Infinity],
  mish: () => [0, Infinity],
  softplus: () => [0, Infinity],
  softsign: () => [-1, 1],
  hardSigmoid: () => [0, 1],
  hardSwish: () => [0, Infinity],
  hardTanh: (p) => [p['min'] as number, p['max'] as number],
  logSigmoid: () => [-Infinity, 0],
  tanhshrink: () => [-Infinity, Infinity],
  softshrink: () => [-Infinity, Infinity],
  hardshrink: () => [-Infinity, Infinity],
};

const api: Record<string, unknown> = {};
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
});

const LARGE = [1e4, 1e5, 1e10, 1e20, 1e30, 3e38, 1e100, 1e300, Number.MAX_VALUE];

describe('special values of elementwise functions (SPEC 5)', () => {
  it('the table covers every elementwise and channelwise catalog entry', () => {
    const missing = ALL_NAMES.filter(([, d]) => d.kind !== 'axis' && !(d.name in LIMITS)).map(([n]) => n);
    expect(missing).toEqual([]);
  });
  for (const [name, def] of ALL_NAMES.filter(([, d]) => d.kind !== 'axis')) {
    for (const opts of paramVariants(def, 1)) {
      for (const dtype of DTYPES) {
        it(`${name} ${describeOpts(opts)} ${dtype}: NaN, +-Infinity, large finite on every backend`, () => {
          const p = resolve(def, opts, dtype);
          const [lo, hi] = LIMITS[def.name]!(p, dtype);
          const large = LARGE.map((v) => round(dtype, v)).filter(Number.isFinite);
          const xs = [NaN, -NaN, -Infinity, Infinity, ...large, ...large.map((v) => -v)];
          for (const b of BACKENDS) {
            const x = Ctor(dtype).from(xs);
            const y = fnOf(api[b], name)(x, opts);
            expect(Number.isNaN(y[0]!) && Number.isNaN(y[1]!), `${b}: ${name}(NaN) = ${y[0]}, ${y[1]}`).toBe(true);
            // Limits: exact where the table gives an exact number, within the accuracy bound for selu's -s alpha.
            for (const [i, want] of [[2, lo], [3, hi]] as const) {
              const got = y[i]!;
              if (def.name === 'selu' && i === 2) expect(withinBound(dtype, got, dtype === 'f32' ? -SELU_SCALE * SELU_ALPHA : exactDecimal(-SELU_SCALE).times(exactDecimal(SELU_ALPHA)), def.accuracy), `${b}: selu(-Infinity) = ${got}`).toBe(true);
              else expect(got === want, `${b}: ${name}(${x[i]}) with ${describeOpts(opts)} = ${got}, want ${want}`).toBe(true);
            }
            // Large finite inputs: never NaN; finite wherever the true value is finite in this dtype.
            for (let i = 4; i < xs.length; i++) {
              const xi = x[i]!;
              const exact = dtype === 'f32' ? Math.fround(ref64[def.name]!(xi, p)) : refDec[def.name]!(exactDecimal(xi), p).toNumber();
              expect(Number.isNaN(y[i]!), `${b}: ${name}(${xi}) = NaN`).toBe(false);
              if (Number.isFinite(exact)) expect(Number.isFinite(y[i]!), `${b}: ${name}(${xi}) = ${y[i]}, true value ${exact}`).toBe(true);
              else expect(y[i], `${b}: ${name}(${xi})`).toBe(exact);
            }
          }
        });
      }
    }
  }
});

describe('special values of the softmax family (SPEC 5)', () => {
  for (const def of AXIS) {
    // softmin is softmax(-x): the rows are negated for it, so each case means the same thing.
    const s = def.name === 'softmin' ? -1 : 1;
    const zero = def.name === 'logSoftmax' ? -Infinity : 0;
    for (const dtype of DTYPES) {
      it(`${def.name} ${dtype}: -Inf entries, +Inf, all -Inf and NaN slices, large finite rows, on every backend`, () => {
        for (const b of BACKENDS) {
          const fn = fnOf(api[b], def.name);
          const C = Ctor(dtype);
          // A -Inf entry (after the sign) beside finite ones: exactly 0 (logSoftmax: -Inf); others as the reference.
          const x1 = C.from([1, -Infinity, 2, -Infinity, 0.5].map((v) => s * v));
          const y1 = fn(x1);
          expect(y1[1], `${b} ${def.name}([${x1}])[1]`).toBe(zero);
          expect(y1[3], `${b} ${def.name}([${x1}])[3]`).toBe(zero);
          const want1 = axisRef64(x1, def.name as 'softmax');
          for (const i of [0, 2, 4]) expect(Math.abs(y1[i]! - want1[i]!), `${b} ${def.name}([${x1}])[${i}] = ${y1[i]}, want ${want1[i]}`).toBeLessThan(1e-6);
          // A slice holding +Inf (after the sign), a slice of only -Inf, a slice with NaN: NaN throughout.
          for (const row of [[1, Infinity, 2], [Infinity], [-Infinity, -Infinity, -Infinity], [1, NaN, 2], [NaN]]) {
            const y = fn(C.from(row.map((v) => s * v)));
            expect(Array.from(y).every(Number.isNaN), `${b} ${def.name}([${row.map((v) => s * v)}]) = [${Array.from(y)}]`).toBe(true);
          }
          // Only the bad slice is NaN: shape [3, 3] with the middle row holding NaN.
          const y2 = fn(C.from([1, 2, 3, 4, NaN, 6, 7, 8, 9].map((v) => s * v)), { shape: [3, 3] });
          expect(Array.from(y2.subarray(3, 6)).every(Number.isNaN), `${b}: NaN row`).toBe(true);
          expect(Array.from(y2.subarray(0, 3)).concat(Array.from(y2.subarray(6))).some(Number.isNaN), `${b}: other rows must stay finite: [${Array.from(y2)}]`).toBe(false);
          // Large finite entries: no NaN and no infinity (logSoftmax of a hugely smaller entry is finite too).
          const big = dtype === 'f32' ? 3e38 : 1.7e308;
          const y3 = fn(C.from([big, -big, big / 2, 0, -1].map((v) => s * v)));
          const want3 = axisRef64(C.from([big, -big, big / 2, 0, -1].map((v) => s * v)), def.name as 'softmax');
          for (let i = 0; i < y3.length; i++) {
            expect(Number.isNaN(y3[i]!), `${b} ${def.name} large row [${i}] = NaN`).toBe(false);
            if (Number.isFinite(round(dtype, want3[i]!))) expect(Number.isFinite(y3[i]!), `${b} ${def.name} large row [${i}] = ${y3[i]}, want ${want3[i]}`).toBe(true);
          }
          // The sum of a softmax slice with -Inf entries is 1.
          if (def.name !== 'logSoftmax') expect(Math.abs(Array.from(y1).reduce((a, c) => a + c, 0) - 1)).toBeLessThan(1e-6);
        }
      });
    }
  }
});
