// SPEC 6 accuracy for float64: every catalog function on the wasm-simd backend,
// 2e4 inputs across the whole float range plus the hard points (fewer for the
// other param sets), against the decimal.js reference of test/reference.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { axisRefDec, type AxisMode } from './reference.js';
import { withinBound, distance } from './ulp.js';
import { AXIS, catalog, checkElementwiseYielding, describeOpts, yieldToEventLoop, fnOf, paramVariants, report, rng, sample, wa } from './helpers.js';

const N_MAIN = 20_000;
const N_VARIANT = 3_000;

/** Defines the float64 accuracy tests of one half of the catalog (the decimal reference is slow; two files run on two cores). */
export function defineF64Accuracy(part: 0 | 1): void {
let simd: unknown;
beforeAll(async () => {
  simd = await wa.loadBackend('wasm-simd');
});

describe(`float64 accuracy (wasm-simd) against a decimal.js reference, part ${part + 1} of 2`, () => {
  for (const def of catalog.filter((d, i) => d.kind !== 'axis' && i % 2 === part)) {
    paramVariants(def).forEach((opts, i) => {
      it(`${def.name} ${describeOpts(opts)} (bound ${def.accuracy.ulp} ULP${def.accuracy.absoluteBelowTiny ? ' or 2^-53 below 2^-20' : ''})`, async () => {
        const x = sample('f64', i === 0 ? N_MAIN : N_VARIANT, 2000 + i * 13 + def.name.length);
        const y = fnOf(simd, def.name)(x, opts);
        expect(y).toBeInstanceOf(Float64Array);
        expect(y.length).toBe(x.length);
        const r = await checkElementwiseYielding(def, opts, 'f64', x, y);
        expect(r.count, report(def.name, r, x.length)).toBe(0);
      });
    });
  }
});

describe('float64 accuracy of the softmax family (wasm-simd)', () => {
  for (const def of AXIS.filter((_, i) => i % 2 === part)) {
    it(`${def.name} over rows of 1 to 2000 entries`, async () => {
      const fn = fnOf(simd, def.name);
      const r = rng(99);
      const bad: string[] = [];
      let checked = 0;
      for (let k = 0; k < 60; k++) {
        const len = k === 0 ? 2000 : [1, 2, 3, 5, 8, 17, 33, 100][k % 8]!;
        const spread = [1e-9, 0.01, 1, 5, 30, 300, 1e5, 1e300][k % 8]!;
        const x = new Float64Array(len);
        for (let i = 0; i < len; i++) x[i] = (k % 3) * 7 + (r() * 2 - 1) * spread;
        if (k % 5 === 3 && len > 2) x[1] = -Infinity;
        const y = fn(x);
        await yieldToEventLoop();
        const want = axisRefDec(x, def.name as AxisMode);
        for (let i = 0; i < len; i++) {
          checked++;
          if (!withinBound('f64', y[i]!, want[i]!, def.accuracy) && bad.length < 8) {
            bad.push(`row of ${len} entry ${i} (x = ${x[i]}): ${y[i]}, exact ${want[i]!.toPrecision(20)} (${distance('f64', y[i]!, want[i]!).toPrecision(4)} ULP)`);
          }
        }
      }
      expect(checked).toBeGreaterThan(2500);
      expect(bad, bad.join('\n')).toEqual([]);
    });
  }
});
}
