// SPEC 2 init / backendInfo / release. Module state is per file (vitest
// isolates files), and the tests below run in order on one module instance.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wa } from './helpers.js';

const x32 = Float32Array.from([-2, -0.5, 0, 0.5, 3]);
const relu = (wa as unknown as Record<string, (x: Float32Array) => Float32Array>)['relu']!;
const identity = (wa as unknown as Record<string, (x: Float32Array) => Float32Array>)['identity']!;

describe('init, backendInfo, release', () => {
  it('functions work before init, on js', () => {
    expect(wa.backendInfo().name).toBe('js');
    expect(wa.backendInfo().simd).toBe(false);
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
    expect(Array.from(identity(x32))).toEqual(Array.from(x32));
  });

  it('a wrong wasm location rejects with an Error naming it and leaves js active', async () => {
    const where = 'file:///nonexistent.wasm';
    let caught: unknown;
    try {
      await wa.init({ wasm: where });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toContain('nonexistent.wasm');
    expect(wa.backendInfo().name).toBe('js');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('init() resolves to backendInfo with wasm-simd in Node 20', async () => {
    const info = await wa.init();
    expect(info).toEqual({ name: 'wasm-simd', simd: true, threads: expect.any(Number) });
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(wa.backendInfo()).toEqual(info);
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('init is idempotent', async () => {
    const a = await wa.init();
    const b = await wa.init();
    expect(b).toEqual(a);
    expect(wa.backendInfo().name).toBe('wasm-simd');
  });

  it('release() makes functions run on js; init() brings wasm-simd back', async () => {
    wa.release();
    expect(wa.backendInfo().name).toBe('js');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
    wa.release(); // twice is harmless
    expect(wa.backendInfo().name).toBe('js');
    expect((await wa.init()).name).toBe('wasm-simd');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it("init({ backend: 'js' }) and init({ backend: 'wasm' }) switch backends", async () => {
    expect(await wa.init({ backend: 'js' })).toEqual({ name: 'js', simd: false, threads: expect.any(Number) });
    expect(wa.backendInfo().name).toBe('js');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
    const w = await wa.init({ backend: 'wasm' });
    expect(w.name).toBe('wasm');
    expect(w.simd).toBe(false);
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
    expect((await wa.init({ backend: 'wasm-simd' })).name).toBe('wasm-simd');
  });

  it('init({ wasm }) takes the bytes or a compiled module of the build', async () => {
    wa.release();
    const bytes = readFileSync(new URL('../dist/wasm/activations-simd.wasm', import.meta.url));
    expect((await wa.init({ backend: 'wasm-simd', wasm: { simd: bytes } })).name).toBe('wasm-simd');
    wa.release();
    const module = await WebAssembly.compile(bytes);
    expect((await wa.init({ backend: 'wasm-simd', wasm: { simd: module } })).name).toBe('wasm-simd');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('a failing init after a successful one leaves js active', async () => {
    expect((await wa.init()).name).toBe('wasm-simd');
    await expect(wa.init({ wasm: 'file:///nonexistent.wasm' })).rejects.toThrow(/nonexistent\.wasm/);
    expect(wa.backendInfo().name).toBe('js');
    expect(Array.from(relu(x32))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('loadBackend gives side-by-side backends with name, simd, threads, release', async () => {
    for (const [name, simd] of [['js', false], ['wasm', false], ['wasm-simd', true]] as const) {
      const b = await wa.loadBackend(name);
      expect(b.name).toBe(name);
      expect(b.simd).toBe(simd);
      expect(b.threads).toBeGreaterThanOrEqual(1);
      expect(Array.from((b as unknown as Record<string, (x: Float32Array) => Float32Array>)['relu']!(x32))).toEqual([0, 0, 0, 0.5, 3]);
      b.release();
    }
    // The active backend is not changed by loadBackend.
    expect(wa.backendInfo().name).toBe('js');
  });
});
