// Strided softmax blocks larger than the scratch are gathered by columns; the
// widths chosen must keep the summation order the mirror uses (never a
// gathered width of 1 for inner > 1), so the bits stay equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wa from '../dist/index.js';

describe('softmax family, column-gathered blocks', () => {
  it('same bits as js for [len, inner] blocks larger than a 4 KiB scratch', async () => {
    const js = await wa.loadBackend('js');
    const w = await wa.loadBackend('wasm-simd', { maxScratchBytes: 4096 });
    fc.assert(fc.property(
      fc.integer({ min: 100, max: 1000 }), fc.integer({ min: 2, max: 9 }), fc.boolean(),
      fc.constantFrom('softmax', 'logSoftmax', 'softmin'), fc.integer({ min: 1, max: 1 << 30 }),
      (len, inner, f64, fn, seed) => {
        const C = f64 ? Float64Array : Float32Array;
        let s = seed;
        const x = C.from({ length: len * inner }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 40);
        const opts = { shape: [len, inner], axis: 0 };
        const a = (js as unknown as Record<string, wa.ActivationFn>)[fn]!(x, opts);
        const b = (w as unknown as Record<string, wa.ActivationFn>)[fn]!(x, opts);
        expect(Array.from(b).every((v, i) => Object.is(v, a[i]))).toBe(true);
      }), { numRuns: 60 });
    w.release();
  });
});
