// Special values, kinks and finite differences of every elementwise gradient
// (and prelu's, scalar alpha), driven by the catalog: every entry, the param
// sets `paramVariants` derives, f32 and f64, on js, wasm and wasm-simd.
//
// - Limits at +-Infinity: the value is not listed by hand but derived from the
//   independent references at the largest finite input (float64 reference at
//   the largest float32 for f32; decimal.js at the largest float64 for f64),
//   where every derivative here has reached its limit in the result's
//   precision; never NaN from inf * 0 (celu with a negative alpha has the
//   limit +Infinity at -Infinity, and gets it). With dy, the IEEE product.
// - NaN: a NaN in x or dy gives NaN at exactly that element, in every lane
//   position of the vectors and the scalar tail; nothing else is NaN.
// - Kinks and switches (grad-helpers `kinksOf`) and 4 neighbours either side:
//   the references' values (PyTorch's conventions), dy omitted and given; and
//   PyTorch's values themselves, with dy.
// - Central finite differences of the f64 forward function, a check that shares
//   nothing with the references: away from kinks, (f(x+h) - f(x-h)) / 2h
//   with h = 2^-17 max(1, |x|), within 1e-6 relative plus the forward's own
//   rounding over 2h plus the truncation error estimated from the step 2h.
import { beforeAll, describe, expect, it } from 'vitest';
import { gradRef64, gradRefDec } from './grad-reference/index.js';
import { exactDecimal, withinBound, type Bound } from './ulp.js';
import { BACKENDS, Ctor, DTYPES, catalog, describeOpts, nextDown, nextUp, paramVariants, resolve, rng, round, type ActivationDef, type DType, wa } from './helpers.js';
import { forwardOf, gradOf, isPointwise, kernelOf, kinksOf, productWithin, randomDy, ulpAt } from './grad-helpers.js';

const api: Record<string, unknown> = {};
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
});

const F32_MAX = 3.4028234663852886e38;
const POINTWISE = catalog.filter(isPointwise);
const PIECEWISE_LINEAR = new Set(['identity', 'step', 'threshold', 'relu', 'relu6', 'leakyRelu', 'hardTanh', 'softshrink', 'hardshrink', 'hardSigmoid']);
const gradBound = (def: ActivationDef, kernel: string): Bound =>
  PIECEWISE_LINEAR.has(kernel) ? { ulp: 0, absoluteBelowTiny: false } : { ulp: def.accuracy.ulp + 2, absoluteBelowTiny: def.accuracy.absoluteBelowTiny };

/** Same value, with +0 and -0 alike and any NaN alike. */
const same = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || a + 0 === b + 0;

/** f'(x) from the references: float64 (f32 results) or decimal.js (f64 results). */
function reference(kernel: string, x: number, dtype: DType, p: Record<string, number | string>): number | import('decimal.js').default {
  return dtype === 'f32' ? gradRef64[kernel]!(x, p) : gradRefDec[kernel]!(exactDecimal(x), p);
}

describe('gradients at +-Infinity are the limits, from the references at the largest finite input', () => {
  for (const def of POINTWISE) {
    for (const opts of paramVariants(def, 3)) {
      for (const dtype of DTYPES) {
        it(`${def.name}.grad ${describeOpts(opts)} ${dtype}`, () => {
          const kernel = kernelOf(def, opts, dtype);
          const p = resolve(def, opts, dtype);
          const big = dtype === 'f32' ? F32_MAX : Number.MAX_VALUE;
          const exact = [-1, 1].map((s) => reference(kernel, s * big, dtype, p));
          const limit = exact.map((r) => round(dtype, typeof r === 'number' ? r : r.toNumber()));
          expect(limit.some(Number.isNaN), `the references give ${limit} at -+${big}`).toBe(false);
          const x = Ctor(dtype).of(-Infinity, Infinity, -Infinity, Infinity, -Infinity, Infinity, 0.5, -Infinity, Infinity);
          const dy = Ctor(dtype).of(1, 1, 2.5, 2.5, -0.75, -0.75, 1, 3, -3);
          for (const b of BACKENDS) {
            const g = gradOf(api[b], def.name);
            const r = g(x, opts);
            for (let i = 0; i < x.length; i++) {
              if (i === 6) continue;
              const want = limit[x[i]! < 0 ? 0 : 1]!;
              expect(same(r[i]!, want), `${b}: ${def.name}'(${x[i]}) = ${r[i]}, the limit is ${want}`).toBe(true);
            }
            // With dy: the product with the exact limit (dy * selu's scale is rounded once, not twice).
            const rd = g(x, { ...opts, dy });
            for (let i = 0; i < x.length; i++) {
              if (i === 6) continue;
              const e = exact[x[i]! < 0 ? 0 : 1]!;
              expect(productWithin(dtype, rd[i]!, e, dy[i]!, { ulp: 0, absoluteBelowTiny: false }), `${b}: dy ${dy[i]} at x = ${x[i]}: ${rd[i]}, the limit is ${String(e)}`).toBe(true);
            }
          }
        });
      }
    }
  }
});

describe('NaN in x or dy gives NaN there, and nowhere else', () => {
  const NAN_X = [0, 3, 4, 17, 33, 36];
  const NAN_DY = [1, 5, 17, 35];
  for (const def of POINTWISE) {
    for (const opts of paramVariants(def, 1)) {
      for (const dtype of DTYPES) {
        it(`${def.name}.grad ${describeOpts(opts)} ${dtype}: 37 elements, NaN in every lane position`, () => {
          const r = rng(def.name.length * 13);
          const x = Ctor(dtype).from({ length: 37 }, () => (r() * 2 - 1) * 8);
          for (const i of NAN_X) x[i] = NaN;
          x[2] = -Infinity; x[6] = Infinity;
          const dy = randomDy(dtype, 37, 5);
          for (const i of NAN_DY) dy[i] = NaN;
          dy[0] = 0; dy[3] = Infinity;
          for (const b of BACKENDS) {
            const g = gradOf(api[b], def.name);
            const plain = g(x, opts);
            const withDy = g(x, { ...opts, dy });
            for (let i = 0; i < 37; i++) {
              expect(Number.isNaN(plain[i]!), `${b} ${def.name}'(${x[i]}) = ${plain[i]} (element ${i}, dy omitted)`).toBe(NAN_X.includes(i));
              if (i === 2 || i === 6) continue; // +-Infinity times a random dy: the limit test's business (0 * inf is NaN by IEEE)
              expect(Number.isNaN(withDy[i]!), `${b} ${def.name}.grad at x = ${x[i]}, dy = ${dy[i]}: ${withDy[i]} (element ${i})`).toBe(NAN_X.includes(i) || NAN_DY.includes(i));
            }
          }
        });
      }
    }
  }
});

describe('gradients at kinks and switches, and their neighbours', () => {
  for (const def of POINTWISE) {
    for (const opts of paramVariants(def, 3)) {
      for (const dtype of DTYPES) {
        const kernel = kernelOf(def, opts, dtype);
        const p = resolve(def, opts, dtype);
        const kinks = kinksOf(kernel, p);
        if (kinks.length === 0) continue;
        it(`${def.name}.grad ${describeOpts(opts)} ${dtype} at ${kinks.map((k) => round(dtype, k)).join(', ')} +- 4 ULP: the references' values, dy omitted and given`, () => {
          const pts: number[] = [];
          for (const k0 of kinks) {
            let up = round(dtype, k0), down = up;
            pts.push(up);
            for (let j = 0; j < 4; j++) { up = nextUp(dtype, up); down = nextDown(dtype, down); pts.push(up, down); }
          }
          const x = Ctor(dtype).from(pts.filter(Number.isFinite));
          const dy = randomDy(dtype, x.length, 77);
          const bound = gradBound(def, kernel);
          for (const b of BACKENDS) {
            const g = gradOf(api[b], def.name);
            const plain = g(x, opts), withDy = g(x, { ...opts, dy });
            for (let i = 0; i < x.length; i++) {
              const e = reference(kernel, x[i]!, dtype, p);
              expect(withinBound(dtype, plain[i]!, e, bound), `${b} ${def.name}'(${x[i]}) = ${plain[i]}, reference ${String(e)}`).toBe(true);
              expect(productWithin(dtype, withDy[i]!, e, dy[i]!, bound), `${b} ${def.name}.grad at x = ${x[i]}, dy = ${dy[i]}: ${withDy[i]}, reference f' ${String(e)}`).toBe(true);
            }
          }
        });
      }
    }
  }

  // PyTorch's values at the kinks (issue 3), pinned on the kernels directly, with dy = -2.5.
  const PYTORCH: Array<[string, Record<string, unknown>, number, number]> = [
    ['relu', {}, 0, 0], ['relu', {}, -0, 0],
    ['leakyRelu', {}, 0, 0.01], ['leakyRelu', { alpha: -0.7 }, -0, -0.7],
    ['prelu', {}, 0, 0.25],
    ['relu6', {}, 0, 0], ['relu6', {}, 6, 0],
    ['hardTanh', {}, -1, 0], ['hardTanh', {}, 1, 0], ['hardTanh', { min: 0.2, max: 0.2 }, 0.2, 0],
    ['hardSigmoid', {}, -3, 0], ['hardSigmoid', {}, 3, 0],
    ['hardSwish', {}, -3, -0.5], ['hardSwish', {}, 3, 1.5],
    ['elu', {}, 0, 1], ['elu', { alpha: 0.2 }, 0, 0.2], ['elu', { alpha: 2.5 }, -0, 2.5],
    ['selu', {}, 0, 1.0507009873554805 * 1.6732632423543772],
    ['celu', { alpha: 2.5 }, 0, 1],
    ['softshrink', {}, 0.5, 0], ['softshrink', {}, -0.5, 0], ['softshrink', { lambda: 0 }, 0, 0],
    ['hardshrink', {}, 0.5, 0], ['hardshrink', { lambda: 2.5 }, -2.5, 0],
    ['threshold', { threshold: 0.1, value: -1 }, 0.1, 0],
    ['step', {}, 0, 0],
    ['softsign', {}, 0, 1], ['softsign', {}, -0, 1],
  ];
  for (const [name, opts, x0, want] of PYTORCH) {
    it(`PyTorch: ${name}'(${Object.is(x0, -0) ? '-0' : x0}) with ${describeOpts(opts)} is ${want}`, () => {
      for (const dtype of DTYPES) {
        const x = round(dtype, x0);
        for (const b of BACKENDS) {
          const g = gradOf(api[b], name);
          const got = g(Ctor(dtype).of(x), opts)[0]!;
          // selu'(0) = scale alpha in the array's precision: the kernels' constant, one rounding away.
          if (name === 'selu') expect(Math.abs(got - round(dtype, want)), `${b} ${dtype}`).toBeLessThanOrEqual(ulpAt(dtype, want));
          else expect(got, `${b} ${dtype} ${name}'(${x})`).toBe(round(dtype, want) + 0);
          const gd = g(Ctor(dtype).of(x), { ...opts, dy: Ctor(dtype).of(-2.5) })[0]!;
          if (name !== 'selu') expect(same(gd, round(dtype, -2.5 * round(dtype, want))), `${b} ${dtype} with dy -2.5: ${gd}`).toBe(true);
        }
      }
    });
  }
});

describe('gradients against central finite differences of the f64 forward function', () => {
  for (const def of POINTWISE) {
    for (const opts of paramVariants(def, 2)) {
      it(`${def.name}.grad ${describeOpts(opts)}: f64 and f32 gradients at 48 points away from kinks`, () => {
        const kernel = kernelOf(def, opts, 'f64');
        const kinks = kinksOf(kernel, resolve(def, opts, 'f64'));
        const r = rng(4000 + def.name.length * 3 + JSON.stringify(opts).length);
        const candidates: number[] = [];
        for (let i = 0; i < 32; i++) candidates.push(Math.fround((r() * 2 - 1) * 10));
        for (let i = 0; i < 16; i++) candidates.push(Math.fround((r() < 0.5 ? -1 : 1) * 2 ** (-8 + 13 * r())));
        // f32 points (so the f32 gradient is taken at the same x), away from every kink of either precision.
        const xs = candidates.filter((x) => kinks.every((k) => Math.abs(x - k) > 1e-3 * Math.max(1, Math.abs(k))) && kinksOf(kernel, resolve(def, opts, 'f32')).every((k) => Math.abs(x - k) > 1e-3 * Math.max(1, Math.abs(k))));
        expect(xs.length).toBeGreaterThan(30);
        const hs = xs.map((x) => 2 ** -17 * Math.max(1, Math.abs(x)));
        const f = forwardOf(api['wasm-simd'], def.name);
        const at = (k: number): Float64Array => f(Float64Array.from(xs, (x, i) => x + k * hs[i]!), opts) as Float64Array;
        const step = (k: number): number[] => xs.map((x, i) => (x + k * hs[i]!) - (x - k * hs[i]!));
        const [fp1, fm1, fp2, fm2] = [at(1), at(-1), at(2), at(-2)];
        const [d1, d2] = [step(1), step(2)];
        const g64 = gradOf(api['wasm-simd'], def.name)(Float64Array.from(xs), opts);
        const g32 = gradOf(api['wasm-simd'], def.name)(Float32Array.from(xs), opts);
        const fwd = def.accuracy;
        const b32 = gradBound(def, kernelOf(def, opts, 'f32'));
        const bad: string[] = [];
        let sharp = 0, nonzero = 0;
        for (let i = 0; i < xs.length; i++) {
          const fd1 = (fp1[i]! - fm1[i]!) / d1[i]!;
          const fd2 = (fp2[i]! - fm2[i]!) / d2[i]!;
          // The forward's own error over the step: its bound (plus the tiny absolute bound where it has one).
          const fErr = (fwd.ulp + 0.5) * (ulpAt('f64', fp1[i]!) + ulpAt('f64', fm1[i]!)) + (fwd.absoluteBelowTiny ? 2 * 2 ** -53 : 0);
          const roundoff = fErr / d1[i]!;
          const tol = 1e-6 * Math.abs(fd1) + roundoff + Math.abs(fd1 - fd2);
          if (fd1 !== 0) { nonzero++; if (tol <= 1e-5 * Math.abs(fd1)) sharp++; }
          if (!(Math.abs(g64[i]! - fd1) <= tol)) bad.push(`f64 x = ${xs[i]}: grad ${g64[i]}, finite difference ${fd1} (step 2h: ${fd2}), tolerance ${tol.toExponential(2)}`);
          const tol32 = tol + (b32.ulp + 0.5) * ulpAt('f32', fd1) + (b32.absoluteBelowTiny ? 2 ** -24 : 0);
          if (!(Math.abs(g32[i]! - fd1) <= tol32)) bad.push(`f32 x = ${xs[i]}: grad ${g32[i]}, finite difference ${fd1}, tolerance ${tol32.toExponential(2)}`);
        }
        expect(bad, `${def.name}.grad ${describeOpts(opts)}:\n${bad.slice(0, 8).join('\n')}`).toEqual([]);
        // The check has teeth: where f' is not 0, the tolerance is mostly within 1e-5 relative (not in flat
        // tails such as tanh'(10) = 8e-9 beside tanh = 1, where the forward's rounding over 2h dominates).
        expect(sharp, `points with a tolerance within 1e-5 of |f'|: ${sharp} of ${nonzero}`).toBeGreaterThanOrEqual(Math.floor(nonzero * 0.6));
      });
    }
  }
});
