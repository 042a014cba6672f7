// SPEC 2 "same bits everywhere" and SPEC 3 calling convention: js, wasm and
// wasm-simd return bitwise-identical results for every function, dtype and
// param set, on random and special inputs, at any length and byte offset, in
// place and with out; results never alias the backend's memory.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_NAMES, BACKENDS, Ctor, DTYPES, describeOpts, expectSameBits, fnOf, hardPoints, paramVariants, sample, wa, type ActivationDef, type DType, type FloatArray } from './helpers.js';

const api: Record<string, unknown> = {};
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
});

/** Options for a call on an array of length n: axis/channelwise entries get a 2-D shape when n factors. */
function callOptions(def: ActivationDef, base: Record<string, unknown>, n: number): Record<string, unknown> {
  if (def.kind === 'elementwise' || n < 4 || n % 2 !== 0) return base;
  if (def.kind === 'channelwise') return { ...base, shape: [n / 2, 2], axis: 1, alpha: [0.125, 0.5] };
  return { ...base, shape: [2, n / 2], axis: 1 };
}

const SPECIALS = (d: DType): number[] => [NaN, Infinity, -Infinity, 0, -0, ...hardPoints(d)];

describe('same bits on js, wasm and wasm-simd', () => {
  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      for (const opts of paramVariants(def, 1)) {
        it(`${name} ${dtype} ${describeOpts(opts)}: random and special inputs`, () => {
          const x = def.kind === 'axis' ? sample(dtype, 4096, 31).map((v) => v / 1e30) as FloatArray : sample(dtype, 20_000, 17);
          const specials = Ctor(dtype).from(SPECIALS(dtype));
          const shape = def.kind === 'axis' ? { shape: [64, (x.length) / 64] } : {};
          const results = BACKENDS.map((b) => fnOf(api[b], name)(x, { ...opts, ...(x.length % 64 === 0 ? shape : {}) }));
          const specialResults = BACKENDS.map((b) => fnOf(api[b], name)(specials, opts));
          for (let i = 1; i < BACKENDS.length; i++) {
            expectSameBits(results[i]!, results[0]!, `${name} ${dtype}: ${BACKENDS[i]} vs js`);
            expectSameBits(specialResults[i]!, specialResults[0]!, `${name} ${dtype} specials: ${BACKENDS[i]} vs js`);
          }
        });
      }

      it(`${name} ${dtype}: odd lengths, every offset, in place and with out (fast-check)`, () => {
        const base = { ...def.example };
        const js = fnOf(api['js'], name);
        const arr = dtype === 'f32'
          ? fc.float32Array({ minLength: 0, maxLength: 33 })
          : fc.float64Array({ minLength: 0, maxLength: 33 });
        const long = fc.integer({ min: 0, max: 1 }).chain((k) => (dtype === 'f32' ? fc.float32Array({ minLength: k ? 1025 : 1023, maxLength: k ? 1025 : 1023 }) : fc.float64Array({ minLength: k ? 1025 : 1023, maxLength: k ? 1025 : 1023 })));
        fc.assert(
          fc.property(fc.oneof({ arbitrary: arr, weight: 4 }, { arbitrary: long, weight: 1 }), fc.integer({ min: 0, max: 7 }), (values, offset) => {
            const n = values.length;
            const C = Ctor(dtype);
            const opts = callOptions(def, base, n);
            const want = js(C.from(values), opts);
            // A subarray at an element offset of a larger buffer: byteOffset is no multiple of 16.
            const big = new C(n + 16).fill(7);
            big.set(values, offset);
            const x = big.subarray(offset, offset + n);
            for (const b of BACKENDS) {
              const fn = fnOf(api[b], name);
              const before = big.slice();
              const y = fn(x, opts);
              expectSameBits(y, want, `${b} ${name} n=${n} offset ${offset}`);
              expectSameBits(big, before, `${b} ${name}: x (and its neighbours) must not change`);
              const out = new C(n + 16).fill(3).subarray(offset + 1, offset + 1 + n);
              expect(fn(x, { ...opts, out })).toBe(out);
              expectSameBits(out, want, `${b} ${name} with out`);
              const inPlace = big.slice().subarray(offset, offset + n);
              expect(fn(inPlace, { ...opts, out: inPlace })).toBe(inPlace);
              expectSameBits(inPlace, want, `${b} ${name} in place`);
            }
          }),
          { numRuns: 25, seed: 42 + name.length },
        );
      });
    }
  }
});

describe('results never alias the backend memory', () => {
  for (const [name, def] of ALL_NAMES) {
    it(`${name}: a result owns its buffer, mutating it changes no later result`, () => {
      for (const b of BACKENDS) {
        for (const dtype of DTYPES) {
          const fn = fnOf(api[b], name);
          const x = Ctor(dtype).from({ length: 37 }, (_, i) => (i - 18) * 0.41);
          const r1 = fn(x, def.example);
          const copy = r1.slice();
          expect(r1.byteOffset, `${b} ${name}`).toBe(0);
          expect(r1.buffer.byteLength, `${b} ${name}: the result's buffer is just its own bytes`).toBe(r1.byteLength);
          r1.fill(-777);
          const r2 = fn(x, def.example);
          expect(r2).not.toBe(r1);
          expectSameBits(r2, copy, `${b} ${name}: a later result after mutating an earlier one`);
          // A larger call (which may grow memory), then the small one again.
          fn(Ctor(dtype).from({ length: 300_000 }, (_, i) => Math.sin(i)), def.example);
          expectSameBits(fn(x, def.example), copy, `${b} ${name}: after a large call`);
          expect(r1[0]).toBe(-777);
          // A view of a WebAssembly.Memory buffer cannot be transferred; an owned buffer can.
          expect(() => structuredClone(r2.buffer, { transfer: [r2.buffer] }), `${b} ${name}: the result's buffer is transferable`).not.toThrow();
        }
      }
    });
  }
});
