// Zero-copy arrays: results equal the typed-array path bit for bit, views
// survive memory growth, nothing is copied into a result that aliases, and
// freeing returns the memory.
import { describe, expect, it } from 'vitest';
import * as wa from '../dist/index.js';

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

describe('WasmArray', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    it(`${dtype}: every function gives the typed-array result, in place, into another array and fresh`, async () => {
      const b = await wa.loadBackend('wasm-simd', { maxScratchBytes: 4096 });
      const js = await wa.loadBackend('js');
      const Ctor = dtype === 'f32' ? Float32Array : Float64Array;
      const n = 1037;
      const x = Ctor.from({ length: n }, (_, i) => ((i * 7919) % 2001) / 100 - 10);
      for (const def of wa.catalog) {
        const opts = { ...def.example } as Record<string, unknown>;
        const want = (js as unknown as Record<string, wa.ActivationFn>)[def.name]!(x, opts);
        const fn = (b as unknown as Record<string, wa.ActivationFn>)[def.name]!;
        const a = b.allocate(dtype, n);
        a.view.set(x);
        const fresh = fn(a, opts) as wa.WasmArray;
        expect(fresh).toBeInstanceOf(wa.WasmArray);
        expect(sameBits(fresh.view, want), `${def.name} fresh`).toBe(true);
        const other = b.allocate(dtype, n);
        fn(a, { ...opts, out: other });
        expect(sameBits(other.view, want), `${def.name} out`).toBe(true);
        expect(sameBits(fn(a, { ...opts, out: new Ctor(n) }) as ArrayLike<number>, want), `${def.name} to typed`).toBe(true);
        fn(x, { ...opts, out: other });
        expect(sameBits(other.view, want), `${def.name} from typed`).toBe(true);
        fn(a, { ...opts, out: a });
        expect(sameBits(a.view, want), `${def.name} in place`).toBe(true);
        a.free();
        other.free();
        fresh.free();
      }
      b.release();
    });
  }

  it('keeps its data and gives a live view across memory growth', async () => {
    const b = await wa.loadBackend('wasm');
    const a = b.allocate('f64', 8);
    a.view.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const old = a.view;
    const big = b.allocate('f64', 4 << 20); // grows memory: old views detach
    expect(old.length).toBe(0);
    expect(Array.from(a.view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    big.free();
    a.free();
    b.release();
  });

  it('reuses freed blocks: a loop of allocate/compute/free stays at one address', async () => {
    const b = await wa.loadBackend('wasm-simd');
    const first = b.allocate('f32', 100_000);
    const at = first.view.byteOffset;
    first.free();
    for (let i = 0; i < 50; i++) {
      const a = b.allocate('f32', 100_000);
      expect(a.view.byteOffset).toBe(at);
      b.sigmoid(a, { out: a });
      a.free();
    }
    b.release();
  });

  it('rejects bad allocations, freed arrays, mixed types and the js backend', async () => {
    const b = await wa.loadBackend('wasm-simd');
    expect(() => b.allocate('f16' as 'f32', 4)).toThrow(TypeError);
    expect(() => b.allocate('f32', -1)).toThrow(RangeError);
    expect(() => b.allocate('f32', 1.5)).toThrow(RangeError);
    const a = b.allocate('f32', 4);
    expect(() => b.relu(a, { out: new Float64Array(4) })).toThrow(TypeError);
    expect(() => b.relu(a, { out: b.allocate('f32', 5) })).toThrow(RangeError);
    a.free();
    a.free(); // idempotent
    expect(() => a.view).toThrow(/freed/);
    expect(() => b.relu(a)).toThrow(TypeError);
    const js = await wa.loadBackend('js');
    expect(() => js.allocate('f32', 4)).toThrow(/js backend/);
    b.release();
  });

  it('a view of the array passed as x with the array as out is in place, not an overlap error', async () => {
    const b = await wa.loadBackend('wasm-simd');
    const a = b.allocate('f32', 6);
    a.view.set([-2, -1, 0, 1, 2, 3]);
    b.relu(a.view, { out: a });
    expect(Array.from(a.view)).toEqual([0, 0, 0, 1, 2, 3]);
    const sub = a.view.subarray(1, 5);
    expect(() => b.relu(sub, { out: b.allocate('f32', 4) })).not.toThrow();
    b.release();
  });
});
