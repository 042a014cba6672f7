// Accuracy of every elementwise gradient (and prelu's, scalar alpha), driven by
// the catalog: every entry, every param set `paramVariants` derives, against
// the independent analytic derivatives of test/grad-reference (float64 for
// f32 results, decimal.js for f64 results), on wasm-simd (the other backends
// give the same bits: test/grad.api.test.ts).
//
// - dy omitted: f'(x) within the function's SPEC 6 bound + 2 ULP, exact
//   (correctly rounded) where the function is piecewise linear (SPEC 6), on a
//   sample across the whole float range (test/helpers.ts `sample`: random bit
//   patterns, the bends, the hard points) plus every kink and switch of the
//   function with its neighbours. Kinks are included, not avoided: the
//   references carry PyTorch's values there.
// - dy given (random, nonzero, f64): dy * f'(x) within the gradient's bound
//   scaled by |dy| plus the product's rounding (grad-helpers `productWithin`).
//
// Sizes (2 shared cores): f32 1,000,000 inputs for the default params of each
// piecewise function and 200,000 per other param set; the exp and tanh
// families 100,000 per param set here (their own suites, grad.exp and
// grad.tanh, sweep >= 1e6 each). f64: 20,000 (piecewise defaults), 5,000
// (other piecewise param sets), 1,000 (exp and tanh, whose decimal.js
// references are slow); dy given: 2,000 per param set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradRef64, gradRefDec } from './grad-reference/index.js';
import { distance, exactDecimal, withinBound, type Bound } from './ulp.js';
import { Ctor, catalog, describeOpts, nextDown, nextUp, paramVariants, resolve, round, sample, wa, type ActivationDef, type DType, type FloatArray } from './helpers.js';
import { breathe, gradOf, isPointwise, kernelOf, kinksOf, productWithin, randomDy } from './grad-helpers.js';

let simd: unknown;
beforeAll(async () => {
  simd = await wa.loadBackend('wasm-simd');
});

/** Kernels whose function is piecewise linear: f' is a constant per piece, so the gradient is correctly rounded (SPEC 6). */
const PIECEWISE_LINEAR = new Set(['identity', 'step', 'threshold', 'relu', 'relu6', 'leakyRelu', 'hardTanh', 'softshrink', 'hardshrink', 'hardSigmoid']);

const gradBound = (def: ActivationDef, kernel: string): Bound =>
  PIECEWISE_LINEAR.has(kernel) ? { ulp: 0, absoluteBelowTiny: false } : { ulp: def.accuracy.ulp + 2, absoluteBelowTiny: def.accuracy.absoluteBelowTiny };

/** Every kink of the call (and its negation), with 4 neighbours on each side in the dtype, and +-0. */
function kinkPoints(kernel: string, opts: Record<string, unknown>, def: ActivationDef, dtype: DType): number[] {
  const p = resolve(def, opts, dtype);
  const pts: number[] = [0, -0];
  for (const k0 of kinksOf(kernel, p)) {
    for (const k of [k0, -k0]) {
      let up = round(dtype, k), down = up;
      pts.push(up);
      for (let j = 0; j < 4; j++) { up = nextUp(dtype, up); down = nextDown(dtype, down); pts.push(up, down); }
    }
  }
  return pts.filter(Number.isFinite);
}

function inputs(def: ActivationDef, kernel: string, opts: Record<string, unknown>, dtype: DType, n: number, seed: number): FloatArray {
  const s = sample(dtype, n, seed);
  const k = kinkPoints(kernel, opts, def, dtype);
  const x = new (Ctor(dtype))(s.length + k.length);
  x.set(s);
  x.set(k, s.length);
  return x;
}

const SIZES = {
  f32: (def: ActivationDef, first: boolean): number => (def.family === 'piecewise' ? (first ? 1_000_000 : 200_000) : 100_000),
  f64: (def: ActivationDef, first: boolean): number => (def.family === 'piecewise' ? (first ? 20_000 : 5_000) : 1_000),
};

const worst: string[] = [];

describe('gradients, dy omitted: within the bound of SPEC 6 + 2 ULP (piecewise linear: exact)', () => {
  for (const def of catalog.filter(isPointwise)) {
    paramVariants(def).forEach((opts, variant) => {
      for (const dtype of ['f32', 'f64'] as const) {
        const kernel = kernelOf(def, opts, dtype);
        const bound = gradBound(def, kernel);
        const n = SIZES[dtype](def, variant === 0);
        it(`${def.name}.grad ${describeOpts(opts)} ${dtype}: ${n} inputs + the kinks, within ${bound.ulp} ULP${bound.absoluteBelowTiny ? ' (or the tiny absolute bound)' : ''}`, async () => {
          const ref64 = gradRef64[kernel], refDec = gradRefDec[kernel];
          expect(ref64, `a float64 reference derivative for kernel ${kernel}`).toBeTypeOf('function');
          expect(refDec, `a decimal.js reference derivative for kernel ${kernel}`).toBeTypeOf('function');
          const p = resolve(def, opts, dtype);
          const x = inputs(def, kernel, opts, dtype, n, 9000 + variant * 31 + def.name.length * 7 + (dtype === 'f32' ? 0 : 1));
          const y = gradOf(simd, def.name)(x, opts);
          const bad: string[] = [];
          let max = 0, at: number | undefined;
          for (let i = 0; i < x.length; i++) {
            const exact = dtype === 'f32' ? ref64!(x[i]!, p) : refDec!(exactDecimal(x[i]!), p);
            const d = distance(dtype, y[i]!, exact);
            if (d > max || Number.isNaN(d)) { max = d; at = x[i]!; }
            if (!withinBound(dtype, y[i]!, exact, bound) && bad.length < 8) bad.push(`x = ${x[i]}: ${y[i]}, exact ${String(exact)} (${d.toPrecision(4)} ULP)`);
            if (i % (dtype === 'f32' ? 200_000 : 1_000) === 0) await breathe();
          }
          worst.push(`${def.name} ${describeOpts(opts)} ${dtype}: max ${max.toFixed(3)} ULP${at === undefined ? '' : ` at x = ${at}`}`);
          expect(bad, `${def.name}.grad ${describeOpts(opts)} ${dtype}:\n${bad.join('\n')}`).toEqual([]);
        });
      }
    });
  }
});

describe('gradients, dy given (f64): dy * f\'(x) within |dy| times the bound plus the product\'s rounding', () => {
  for (const def of catalog.filter(isPointwise)) {
    paramVariants(def).forEach((opts, variant) => {
      it(`${def.name}.grad ${describeOpts(opts)} f64 with a random dy: 2,000 inputs + the kinks`, async () => {
        const kernel = kernelOf(def, opts, 'f64');
        const bound = gradBound(def, kernel);
        const p = resolve(def, opts, 'f64');
        const x = inputs(def, kernel, opts, 'f64', 2_000, 7000 + variant * 17 + def.name.length);
        const dy = randomDy('f64', x.length, 7100 + variant);
        const y = gradOf(simd, def.name)(x, { ...opts, dy });
        const bad: string[] = [];
        for (let i = 0; i < x.length; i++) {
          const fp = gradRefDec[kernel]!(exactDecimal(x[i]!), p);
          if (!productWithin('f64', y[i]!, fp, dy[i]!, bound) && bad.length < 8) bad.push(`x = ${x[i]}, dy = ${dy[i]}: ${y[i]}, exact ${exactDecimal(dy[i]!).times(fp).toPrecision(20)}`);
          if (i % 500 === 0) await breathe();
        }
        expect(bad, bad.join('\n')).toEqual([]);
      });
    });
  }
});

afterAll(() => {
  console.log(`gradients, dy omitted, max ULP (wasm-simd):\n  ${worst.join('\n  ')}`);
});
