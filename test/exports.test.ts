// The public surface is derived from the catalog: every entry and alias is a
// named export and a method of every Backend, with nothing extra.
import { describe, expect, it } from 'vitest';
import * as wa from '../dist/index.js';

const names = wa.catalog.flatMap((d) => [d.name, ...d.aliases]);

describe('exports', () => {
  it('exports one function per catalog name and alias', () => {
    for (const name of names) expect(typeof (wa as Record<string, unknown>)[name], name).toBe('function');
  });

  it('exports no activation that the catalog does not list', () => {
    const api = ['init', 'backendInfo', 'loadBackend', 'release', 'catalog', 'allocate', 'WasmArray'];
    const extra = Object.keys(wa).filter((k) => !names.includes(k) && !api.includes(k));
    expect(extra).toEqual([]);
  });

  it('gives every backend object the same functions', async () => {
    for (const name of ['js', 'wasm', 'wasm-simd'] as const) {
      const b = await wa.loadBackend(name);
      for (const fn of names) expect(typeof (b as unknown as Record<string, unknown>)[fn], `${name}.${fn}`).toBe('function');
      expect(b.name).toBe(name);
      b.release();
    }
  });

  it('has unique names and a kernel call for every elementwise entry', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const d of wa.catalog) if (d.kind === 'elementwise') expect(d.call, d.name).toBeTypeOf('function');
  });
});
