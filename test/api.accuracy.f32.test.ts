// SPEC 6 accuracy for float32: every catalog function on the wasm-simd backend,
// 1e6 inputs across the whole float range plus the hard points for the
// example params, 1e5 for each other param set derived from the catalog,
// against the float64 reference of test/reference.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { axisRef64, type AxisMode } from './reference.js';
import { withinBound, distance } from './ulp.js';
import { AXIS, catalog, checkElementwiseYielding, describeOpts, yieldToEventLoop, fnOf, paramVariants, report, rng, sample, wa } from './helpers.js';

const N_MAIN = 1_000_000;
const N_VARIANT = 100_000;

let simd: unknown;
beforeAll(async () => {
  simd = await wa.loadBackend('wasm-simd');
});

describe('float32 accuracy (wasm-simd) against a float64 reference', () => {
  for (const def of catalog.filter((d) => d.kind !== 'axis')) {
    paramVariants(def).forEach((opts, i) => {
      it(`${def.name} ${describeOpts(opts)} (bound ${def.accuracy.ulp} ULP${def.accuracy.absoluteBelowTiny ? ' or 2^-24 below 2^-20' : ''})`, async () => {
        const x = sample('f32', i === 0 ? N_MAIN : N_VARIANT, 1000 + i * 7 + def.name.length);
        const y = fnOf(simd, def.name)(x, opts);
        expect(y).toBeInstanceOf(Float32Array);
        expect(y.length).toBe(x.length);
        const r = await checkElementwiseYielding(def, opts, 'f32', x, y);
        expect(r.count, report(def.name, r, x.length)).toBe(0);
      });
    });
  }
});

/** Rows of the softmax family: short and long, narrow and wide spreads, ties, -Infinity entries. */
export function axisRows(seed: number, dtype: 'f32' | 'f64', count: number): number[][] {
  const r = rng(seed);
  const rows: number[][] = [];
  const lens = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257];
  for (let k = 0; k < count; k++) {
    const len = k === 0 ? 10_000 : k === 1 ? 100_000 : lens[k % lens.length]!;
    const spread = [1e-6, 0.01, 1, 5, 30, 100, 1e4, 1e30][k % 8]!;
    const centre = [0, 3, -50, 1e3][k % 4]!;
    const row: number[] = [];
    for (let i = 0; i < len; i++) row.push(centre + (r() * 2 - 1) * spread);
    if (k % 5 === 3 && len > 2) row[1] = -Infinity;
    if (k % 7 === 2 && len > 2) row[len - 1] = row[0]!; // a tie with another entry
    rows.push(dtype === 'f32' ? row.map(Math.fround) : row);
  }
  return rows;
}

describe('float32 accuracy of the softmax family (wasm-simd)', () => {
  for (const def of AXIS) {
    it(`${def.name} over rows of 1 to 100000 entries (bound ${def.accuracy.ulp} ULP or 2^-24 below 2^-20)`, async () => {
      const fn = fnOf(simd, def.name);
      const bad: string[] = [];
      let checked = 0;
      for (const row of axisRows(77, 'f32', 120)) {
        const x = Float32Array.from(row);
        const y = fn(x);
        await yieldToEventLoop();
        const want = axisRef64(x, def.name as AxisMode);
        for (let i = 0; i < x.length; i++) {
          checked++;
          if (!withinBound('f32', y[i]!, want[i]!, def.accuracy) && bad.length < 8) {
            bad.push(`row of ${x.length} [${x[0]}, ...] entry ${i} (x = ${x[i]}): ${y[i]}, exact ${want[i]} (${distance('f32', y[i]!, want[i]!).toPrecision(4)} ULP)`);
          }
        }
      }
      expect(checked).toBeGreaterThan(100_000);
      expect(bad, bad.join('\n')).toEqual([]);
    });
  }
});
