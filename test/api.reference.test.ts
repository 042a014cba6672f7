// The two references of test/reference.ts are written independently (float64
// with care, and decimal.js at 50 digits); this checks that they agree, so
// that a slip in one of them shows up here rather than as a kernel bug.
import { describe, expect, it } from 'vitest';
import { ref64, refDec, axisRef64, axisRefDec, type AxisMode } from './reference.js';
import { exactDecimal, ulpDistance32, ulpDistance64 } from './ulp.js';
import { AXIS, catalog, describeOpts, paramVariants, resolve, sample } from './helpers.js';

describe('references agree', () => {
  for (const def of catalog.filter((d) => d.kind !== 'axis')) {
    for (const opts of paramVariants(def)) {
      it(`${def.name} ${describeOpts(opts)}: float64 and decimal references within 0.01 f32 ULP on float32 inputs, 1e-9 relative on float64 inputs`, () => {
        const p32 = resolve(def, opts, 'f32');
        const bad: string[] = [];
        for (const x of sample('f32', 600, 5)) {
          const a = ref64[def.name]!(x, p32);
          const b = refDec[def.name]!(exactDecimal(x), p32).toNumber();
          const d = ulpDistance32(a, b);
          if (!(d <= 0.01) && bad.length < 5) bad.push(`f32 x=${x}: ${a} vs ${b} (${d})`);
        }
        const p64 = resolve(def, opts, 'f64');
        for (const x of sample('f64', 600, 6)) {
          const a = ref64[def.name]!(x, p64);
          const b = refDec[def.name]!(exactDecimal(x), p64);
          // The float64 reference is not accurate to the last bits of a float64 result
          // (it only serves float32); a relative agreement of 1e-9 catches slips.
          const bn = b.toNumber();
          const ok = Object.is(a, bn) || (Number.isNaN(a) && Number.isNaN(bn)) || Math.abs(bn) < 2 ** -1000 || Math.abs(a - bn) <= 1e-9 * Math.abs(bn);
          if (!ok && bad.length < 10) bad.push(`f64 x=${x}: ${a} vs ${b.toPrecision(20)}`);
        }
        expect(bad, bad.join('\n')).toEqual([]);
      });
    }
  }
  for (const def of AXIS) {
    it(`${def.name}: the two axis references agree`, () => {
      const rows = [[1, 2, 3], [0, -30, -60], [5], [1e-8, 2e-8, -Infinity], [100, 100.5, 99, -3]];
      for (const row of rows) {
        const a = axisRef64(row, def.name as AxisMode);
        const b = axisRefDec(row, def.name as AxisMode);
        for (let i = 0; i < row.length; i++) {
          if (b[i]!.isFinite()) expect(ulpDistance64(a[i]!, b[i]!), `${row} ${i}`).toBeLessThan(8);
          else expect(a[i]).toBe(b[i]!.toNumber());
        }
      }
    });
  }
});

describe('the accuracy check itself', () => {
  for (const def of catalog.filter((d) => d.kind !== 'axis')) {
    it(`${def.name}: correctly rounded values pass, values ${def.accuracy.ulp + 1} ULP off fail`, async () => {
      const { checkElementwise, nextUp } = await import('./helpers.js');
      const opts = { ...def.example };
      const p = resolve(def, opts, 'f32');
      const x = sample('f32', 3000, 9).filter((v) => Math.abs(ref64[def.name]!(v, p)) > 2 ** -20 && Number.isFinite(ref64[def.name]!(v, p)) && Math.abs(ref64[def.name]!(v, p)) < 1e38);
      const good = x.map((v) => Math.fround(ref64[def.name]!(v, p)));
      expect(checkElementwise(def, opts, 'f32', x, good).count).toBe(0);
      const off = good.map((v) => { let w = v; for (let k = 0; k <= def.accuracy.ulp; k++) w = nextUp('f32', w); return w; });
      // Every one is outside the bound unless the exact value sits just below a float (then k+1 steps is k + 1/2 + a bit).
      expect(checkElementwise(def, opts, 'f32', x, off).count).toBeGreaterThan(x.length * 0.4);
      const x64 = sample('f64', 200, 10).filter((v) => Math.abs(v) < 1e300);
      const good64 = x64.map((v) => refDec[def.name]!(exactDecimal(v), resolve(def, opts, 'f64')).toNumber());
      expect(checkElementwise(def, opts, 'f64', x64, good64).count).toBe(0);
    });
  }
});
