// SPEC 7 errors for every function and alias, derived from the catalog: the
// error class, a message that names the param or carries the numbers, and
// nothing modified (x and out keep their bits).
import { describe, expect, it } from 'vitest';
import { axisRef64, axisRefDec, type AxisMode } from './reference.js';
import { withinBound } from './ulp.js';
import { ALL_NAMES, Ctor, DTYPES, checkElementwise, report, round, wa, type ActivationDef, type DType, type Fn } from './helpers.js';
import type { NumberParam } from '../dist/index.js';

type ErrorClass = typeof TypeError | typeof RangeError;

function snapshot(a: unknown): unknown {
  return ArrayBuffer.isView(a) ? new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)) : a;
}

/** Calls fn, expects cls with a message containing every string of `names`, and checks x and out kept their bytes. */
function expectError(fn: Fn, x: unknown, options: Record<string, unknown> | undefined, cls: ErrorClass, names: ReadonlyArray<string | number>, what: string): void {
  const out = options?.['out'];
  const before = [snapshot(x), snapshot(out)];
  let caught: unknown;
  try {
    (fn as (x: unknown, o?: unknown) => unknown)(x, options);
  } catch (e) {
    caught = e;
  }
  expect(caught, `${what}: expected a ${cls.name}, nothing was thrown`).toBeDefined();
  expect(caught, `${what}: ${String(caught)}`).toBeInstanceOf(cls);
  const msg = (caught as Error).message;
  for (const n of names) expect(msg, `${what}: the message should name ${n}`).toContain(String(n));
  expect(snapshot(x), `${what}: x was modified`).toEqual(before[0]);
  expect(snapshot(out), `${what}: out was modified`).toEqual(before[1]);
}

const knownOptions = (def: ActivationDef): string[] => [...def.params.map((p) => p.name), 'out', ...(def.kind === 'elementwise' ? [] : ['shape', 'axis'])];

function inputs(dtype: DType, n = 7): { x: Float32Array | Float64Array; out: Float32Array | Float64Array } {
  const C = Ctor(dtype);
  const x = C.from({ length: n }, (_, i) => (i - 3) * 0.75);
  const out = C.from({ length: n }, () => 12345);
  return { x, out };
}

/** A value the param's domain rejects (after rounding to the dtype), if the catalog says there is one. */
function invalidValue(p: NumberParam, dtype: DType): number | undefined {
  return [0, -1, -0.5, -Infinity, 1e-46].find((v) => !p.valid(round(dtype, v)));
}

describe('errors (SPEC 7)', () => {
  for (const [name, def] of ALL_NAMES) {
    const fn = (wa as unknown as Record<string, Fn>)[name]!;
    for (const dtype of DTYPES) {
      const base = { ...def.example };
      const T = dtype === 'f32' ? 'Float32Array' : 'Float64Array';
      const Other = dtype === 'f32' ? 'Float64Array' : 'Float32Array';

      it(`${name} ${dtype}: an unknown option is a TypeError listing the known ones`, () => {
        const { x, out } = inputs(dtype);
        expectError(fn, x, { ...base, out, alhpa: 0.2 }, TypeError, ['alhpa', ...knownOptions(def)], `${name}({ alhpa })`);
      });

      for (const p of def.params) {
        if (p.type === 'number') {
          it(`${name} ${dtype}: param ${p.name} NaN${invalidValue(p, dtype) !== undefined ? `, ${invalidValue(p, dtype)}` : ''}${p.default === undefined ? ', missing' : ''} is a RangeError naming it`, () => {
            const { x, out } = inputs(dtype);
            expectError(fn, x, { ...base, out, [p.name]: NaN }, RangeError, [p.name], `${name}({ ${p.name}: NaN })`);
            const bad = invalidValue(p, dtype);
            if (bad !== undefined) expectError(fn, x, { ...base, out, [p.name]: bad }, RangeError, [p.name], `${name}({ ${p.name}: ${bad} }) on ${dtype}`);
            // SPEC 3: params are rounded to the array's precision before use, so a value valid in
            // float64 that rounds to an invalid float32 (celu alpha 1e-46 -> 0) is rejected for f32.
            if (dtype === 'f32' && p.valid(1e-46) && !p.valid(Math.fround(1e-46))) {
              expectError(fn, x, { ...base, out, [p.name]: 1e-46 }, RangeError, [p.name], `${name}({ ${p.name}: 1e-46 }) on f32 (rounds to 0)`);
            }
            if (p.default === undefined) {
              const opts: Record<string, unknown> = { ...base, out };
              delete opts[p.name];
              expectError(fn, x, opts, RangeError, [p.name], `${name} without the required ${p.name}`);
              expectError(fn, x, undefined, RangeError, [def.params.find((q) => q.type === 'number' && q.default === undefined)!.name], `${name}(x) without options`);
            }
          });
        } else if (p.type === 'enum') {
          it(`${name} ${dtype}: param ${p.name} outside ${p.values.join('|')} is a RangeError naming it`, () => {
            const { x, out } = inputs(dtype);
            expectError(fn, x, { ...base, out, [p.name]: 'fast' }, RangeError, [p.name], `${name}({ ${p.name}: 'fast' })`);
          });
        } else {
          it(`${name} ${dtype}: channel param ${p.name} NaN, NaN inside the array, or an array of the wrong length`, () => {
            const { x, out } = inputs(dtype, 12);
            expectError(fn, x, { ...base, out, [p.name]: NaN }, RangeError, [p.name], `${name}({ ${p.name}: NaN })`);
            expectError(fn, x, { ...base, out, shape: [2, 3, 2], [p.name]: [0.1, NaN, 0.3] }, RangeError, [p.name], `${name}({ ${p.name}: [0.1, NaN, 0.3] })`);
            expectError(fn, x, { ...base, out, shape: [2, 3, 2], [p.name]: [0.1, 0.2, 0.3, 0.4] }, RangeError, [4, 3], `${name} with 4 alphas for 3 channels`);
            expectError(fn, x, { ...base, out, shape: [2, 3, 2], axis: 2, [p.name]: [0.1, 0.2, 0.3] }, RangeError, [3, 2], `${name} with 3 alphas for 2 channels on axis 2`);
          });
        }
      }

      if (def.constraint) {
        it(`${name} ${dtype}: params breaking the rule between them are a RangeError naming them`, () => {
          const nums = def.params.filter((q) => q.type === 'number');
          // Search a small grid for a combination the catalog's constraint rejects.
          const grid = [-2, -1, 0, 1, 2];
          let found: Record<string, number> | undefined;
          const walk = (i: number, acc: Record<string, number>): void => {
            if (found) return;
            if (i === nums.length) {
              const resolved = Object.fromEntries(nums.map((q) => [q.name, acc[q.name]!]));
              if (def.constraint!(resolved) !== undefined) found = { ...acc };
              return;
            }
            for (const v of grid) walk(i + 1, { ...acc, [nums[i]!.name]: v });
          };
          walk(0, {});
          expect(found, 'the catalog constraint rejects some combination').toBeDefined();
          const { x, out } = inputs(dtype);
          expectError(fn, x, { ...base, out, ...found }, RangeError, nums.map((q) => q.name), `${name}(${JSON.stringify(found)})`);
        });
      }

      it(`${name} ${dtype}: wrong array types are TypeErrors naming both types`, () => {
        const { x, out } = inputs(dtype);
        expectError(fn, Int32Array.from([1, -2, 3]), { ...base }, TypeError, ['Int32Array'], `${name}(Int32Array)`);
        expectError(fn, [1, -2, 3], { ...base }, TypeError, ['Array'], `${name}([1, -2, 3])`);
        expectError(fn, x, { ...base, out: new Int32Array(x.length) }, TypeError, [T, 'Int32Array'], `${name}(${T}, { out: Int32Array })`);
        const mixed = dtype === 'f32' ? new Float64Array(x.length) : new Float32Array(x.length);
        expectError(fn, x, { ...base, out: mixed }, TypeError, [T, Other], `${name}(${T}, { out: ${Other} })`);
        void out;
      });

      it(`${name} ${dtype}: out of another length is a RangeError with both lengths`, () => {
        const { x } = inputs(dtype);
        const out = new (Ctor(dtype))(5).fill(99);
        expectError(fn, x, { ...base, out }, RangeError, [7, 5], `${name}(x of 7, { out of 5 })`);
      });

      if (def.kind !== 'elementwise') {
        it(`${name} ${dtype}: a shape of the wrong size or an axis out of range is a RangeError with the numbers`, () => {
          const { x, out } = inputs(dtype, 12);
          expectError(fn, x, { ...base, out, shape: [2, 5] }, RangeError, [10, 12], `${name}(x of 12, { shape: [2, 5] })`);
          expectError(fn, x, { ...base, out, shape: [3, 4], axis: 2 }, RangeError, [2], `${name}({ shape: [3, 4], axis: 2 })`);
          expectError(fn, x, { ...base, out, shape: [3, 4], axis: -3 }, RangeError, [-3], `${name}({ shape: [3, 4], axis: -3 })`);
          expectError(fn, x, { ...base, out, axis: 1 }, RangeError, [1], `${name}({ axis: 1 }) on the default 1-D shape`);
        });
      }

      it(`${name} ${dtype}: an out that partly overlaps x gives a RangeError or the right result`, () => {
        const C = Ctor(dtype);
        const buf = C.from({ length: 40 }, (_, i) => (i - 20) * 0.37);
        for (const shift of [-3, -1, 1, 2, 5]) {
          const whole = buf.slice();
          const x = whole.subarray(8, 24);
          const out = whole.subarray(8 + shift, 24 + shift);
          const original = x.slice();
          let threw: unknown;
          try {
            fn(x, { ...base, out });
          } catch (e) {
            threw = e;
          }
          if (threw !== undefined) {
            expect(threw, `${name} overlap ${shift}`).toBeInstanceOf(RangeError);
            expect(Array.from(whole), `${name} overlap ${shift}: nothing may change when it throws`).toEqual(Array.from(buf));
            continue;
          }
          if (def.kind === 'axis') {
            const want = dtype === 'f32' ? axisRef64(original, def.name as AxisMode) : axisRefDec(original, def.name as AxisMode);
            for (let i = 0; i < out.length; i++) expect(withinBound(dtype, out[i]!, want[i]!, def.accuracy), `${name} overlap ${shift} [${i}] = ${out[i]}`).toBe(true);
          } else {
            const r = checkElementwise(def, base, dtype, original, out);
            expect(r.count, report(`${name} overlap ${shift}`, r, out.length)).toBe(0);
          }
        }
      });
    }
  }
});
