// Gradients of the exp family (sigmoid, logSigmoid, silu, softplus, elu, selu,
// celu) against the analytic derivatives of test/grad-reference/exp.ts:
// float32 on 1e6 inputs across the whole range plus the hard points (the
// float64 reference), float64 on a sample against decimal.js, every param set
// the catalog derives; the bound is the function's SPEC 6 bound + 2 ULP. Also
// the same bits on js / wasm / wasm-simd with dy given and omitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradRef64, gradRefDec } from './grad-reference/exp.js';
import { distance, exactDecimal, withinBound } from './ulp.js';
import { catalog, describeOpts, expectSameBits, paramVariants, resolve, rng, sample, wa, type ActivationDef, type FloatArray } from './helpers.js';

const FAMILY = catalog.filter((d) => d.family === 'exp');
const N_F32 = 1_000_000;
const N_F32_VARIANT = 100_000;
const N_F64 = 20_000;

type GradFn = (x: FloatArray, o?: Record<string, unknown>) => FloatArray;
const gradOf = (api: unknown, name: string): GradFn => (api as Record<string, { grad: GradFn }>)[name]!.grad;

const backends: Record<string, unknown> = {};
const worst: string[] = [];
beforeAll(async () => {
  for (const b of ['js', 'wasm', 'wasm-simd']) backends[b] = await wa.loadBackend(b as 'js');
});
afterAll(() => {
  console.log(`max ULP of the exp-family gradients (dy omitted):\n${worst.join('\n')}`);
});

function kernelOf(def: ActivationDef, opts: Record<string, unknown>, dtype: 'f32' | 'f64'): string {
  return def.call!(resolve(def, opts, dtype) as Record<string, number | string>).kernel;
}

function check(def: ActivationDef, opts: Record<string, unknown>, dtype: 'f32' | 'f64', x: FloatArray, y: FloatArray): { bad: string[]; max: number; where: number } {
  const p = resolve(def, opts, dtype);
  const kernel = kernelOf(def, opts, dtype);
  const bound = { ulp: def.accuracy.ulp + 2, absoluteBelowTiny: def.accuracy.absoluteBelowTiny };
  const bad: string[] = [];
  let max = 0, where = NaN;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!, yi = y[i]!;
    const exact = dtype === 'f32' ? gradRef64[kernel]!(xi, p) : gradRefDec[kernel]!(exactDecimal(xi), p);
    const d = distance(dtype, yi, exact);
    if (d > max) { max = d; where = xi; }
    if (!withinBound(dtype, yi, exact, bound) && bad.length < 8) bad.push(`x = ${xi}: ${yi}, exact ${String(exact)} (${d.toPrecision(4)} ULP)`);
  }
  return { bad, max, where };
}

describe('exp-family gradients: accuracy (wasm-simd, dy omitted), bound + 2 ULP', () => {
  for (const def of FAMILY) {
    paramVariants(def).forEach((opts, i) => {
      it(`${def.name}.grad ${describeOpts(opts)} float32`, () => {
        const x = sample('f32', i === 0 ? N_F32 : N_F32_VARIANT, 4200 + i * 13 + def.name.length);
        const y = gradOf(backends['wasm-simd'], def.name)(x, opts);
        const r = check(def, opts, 'f32', x, y);
        worst.push(`  ${def.name} ${describeOpts(opts)} f32: ${r.max.toFixed(3)} at x = ${r.where}`);
        expect(r.bad, r.bad.join('\n')).toEqual([]);
      });
      it(`${def.name}.grad ${describeOpts(opts)} float64`, () => {
        const x = sample('f64', i === 0 ? N_F64 : N_F64 / 4, 5200 + i * 13 + def.name.length);
        const y = gradOf(backends['wasm-simd'], def.name)(x, opts);
        const r = check(def, opts, 'f64', x, y);
        worst.push(`  ${def.name} ${describeOpts(opts)} f64: ${r.max.toFixed(3)} at x = ${r.where}`);
        expect(r.bad, r.bad.join('\n')).toEqual([]);
      });
    });
  }
  it('silu.grad float64 next to the zero of silu\' (x = -1.2785), where its factor cancels', () => {
    const r = rng(99);
    const x = Float64Array.from({ length: 4000 }, (_, i) => -1.2784645427610738 + (r() * 2 - 1) * 10 ** (-3 - (i % 12)));
    const def = FAMILY.find((d) => d.name === 'silu')!;
    const y = gradOf(backends['wasm-simd'], 'silu')(x);
    const res = check(def, {}, 'f64', x, y);
    worst.push(`  silu near its zero f64: ${res.max.toFixed(3)} at x = ${res.where}`);
    expect(res.bad, res.bad.join('\n')).toEqual([]);
  });
});

describe('exp-family gradients: same bits on js, wasm and wasm-simd', () => {
  for (const def of FAMILY) {
    for (const dtype of ['f32', 'f64'] as const) {
      it(`${def.name}.grad ${dtype}, dy given and omitted, every param set`, () => {
        const x = sample(dtype, 20_003, 77 + def.name.length);
        const r = rng(5);
        const dy = (dtype === 'f32' ? Float32Array : Float64Array).from(x, () => (r() * 2 - 1) * 2 ** Math.floor(r() * 20 - 10));
        dy[7] = NaN; dy[8] = Infinity; dy[9] = 0;
        for (const opts of paramVariants(def)) {
          for (const withDy of [false, true]) {
            const o = withDy ? { ...opts, dy } : opts;
            const ref = gradOf(backends['js'], def.name)(x, o);
            for (const b of ['wasm', 'wasm-simd']) expectSameBits(gradOf(backends[b], def.name)(x, o), ref, `${def.name}.grad ${b} ${describeOpts(o === opts ? opts : { ...opts, dy: 'given' })}`);
          }
        }
      });
    }
  }
});
