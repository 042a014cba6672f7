// SPEC 3: arrays larger than the scratch memory are processed in chunks and
// give the same bits as js: wasm-simd with a 64 KiB scratch bound on 100,003
// elements, for every elementwise function, prelu and the softmax family
// (including slices longer than the scratch).
import { beforeAll, describe, it } from 'vitest';
import { ALL_NAMES, BACKENDS, Ctor, DTYPES, expectSameBits, fnOf, rng, wa, type DType } from './helpers.js';

const N = 100_003;
const small: Record<string, unknown> = {};
let js: unknown;
beforeAll(async () => {
  for (const b of BACKENDS) if (b !== 'js') small[b] = await wa.loadBackend(b, { maxScratchBytes: 65536 });
  js = await wa.loadBackend('js');
});

function data(dtype: DType, n: number, seed: number, scale = 20): Float32Array | Float64Array {
  const r = rng(seed);
  return Ctor(dtype).from({ length: n }, () => (r() * 2 - 1) * scale);
}

describe('arrays larger than a 64 KiB scratch (same bits as js)', () => {
  for (const [name, def] of ALL_NAMES) {
    for (const dtype of DTYPES) {
      const cases: Array<[string, number, Record<string, unknown>]> = def.kind === 'elementwise'
        ? [['1-D', N, { ...def.example }]]
        : def.kind === 'channelwise'
          ? [
              ['scalar alpha', N, { alpha: 0.3 }],
              ['[3, 7, 4762] axis 1, 7 alphas', 3 * 7 * 4762, { shape: [3, 7, 4762], axis: 1, alpha: [0.1, -0.2, 0.3, 0.4, 0.5, 2, 0] }],
              ['[100003] axis 0, one alpha per element', N, { shape: [N], alpha: Array.from({ length: N }, (_, i) => (i % 13) / 7) }],
              ['[4762, 21] axis 1', 4762 * 21, { shape: [4762, 21], alpha: Array.from({ length: 21 }, (_, i) => i / 10) }],
            ]
          : [
              ['one slice of 100003', N, {}],
              ['[7, 14286] axis 1 (slice of 14286)', 7 * 14286, { shape: [7, 14286], axis: 1 }],
              ['[7, 14286] axis 0 (slices across blocks)', 7 * 14286, { shape: [7, 14286], axis: 0 }],
              ['[2, 50001] axis 1 (slices longer than the f32 and f64 scratch)', 2 * 50001, { shape: [2, 50001], axis: -1 }],
              ['[3, 40000, 2] axis 1', 3 * 40000 * 2, { shape: [3, 40000, 2], axis: 1 }],
            ];
      for (const [label, n, opts] of cases) {
        it(`${name} ${dtype} ${label}`, () => {
          const x = data(dtype, n, n + name.length);
          const want = fnOf(js, name)(x, opts);
          for (const b of Object.keys(small)) {
            const y = fnOf(small[b], name)(x, opts);
            expectSameBits(y, want, `${b} (64 KiB scratch) ${name} ${dtype} ${label}`);
            const inPlace = x.slice();
            fnOf(small[b], name)(inPlace, { ...opts, out: inPlace });
            expectSameBits(inPlace, want, `${b} (64 KiB scratch) ${name} ${dtype} ${label} in place`);
          }
        });
      }
    }
  }
});
