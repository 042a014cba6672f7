// The memory module: blocks never overlap, freed space is reused and
// coalesced, scratch stays within its bound, and nothing leaks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearMemory } from '../dist/memory.js';

const fresh = (max = 1 << 20): LinearMemory => new LinearMemory(new WebAssembly.Memory({ initial: 1 }), 1000, max);

describe('LinearMemory', () => {
  it('hands out aligned, disjoint blocks and takes them back without leaking (random alloc/free)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 300_000 })), { maxLength: 60 }), (ops) => {
      const mem = fresh();
      const live: Array<[number, number]> = [];
      for (const [alloc, bytes] of ops) {
        if (alloc || live.length === 0) {
          const ptr = mem.allocate(bytes);
          expect(ptr % 64).toBe(0);
          expect(ptr).toBeGreaterThanOrEqual(1000);
          expect(ptr + bytes).toBeLessThanOrEqual(mem.memoryBytes);
          for (const [p, b] of live) expect(ptr + bytes <= p || p + b <= ptr).toBe(true);
          live.push([ptr, bytes]);
        } else {
          const [p] = live.splice(bytes % live.length, 1)[0]!;
          mem.free(p);
        }
      }
      for (const [p] of live) mem.free(p);
      expect(mem.allocatedBytes).toBe(0);
    }), { numRuns: 100 });
  });

  it('reuses freed space instead of growing', () => {
    const mem = fresh();
    const a = mem.allocate(200_000);
    const b = mem.allocate(200_000);
    const size = mem.memoryBytes;
    mem.free(a);
    mem.free(b);
    const c = mem.allocate(400_000); // fits in the coalesced hole
    expect(c).toBe(a);
    expect(mem.memoryBytes).toBe(size);
  });

  it('keeps scratch within its bound and replaces it rather than stacking', () => {
    const mem = fresh(8192);
    mem.reserve(1000);
    mem.reserve(8192);
    expect(mem.scratchBytes).toBe(8192);
    expect(mem.allocatedBytes).toBe(8192);
    expect(() => mem.reserve(8193)).toThrow(RangeError);
    expect(mem.chunkElements(4)).toBeLessThanOrEqual(8192 / 4);
  });

  it('refuses a double free and any use after release', () => {
    const mem = fresh();
    const p = mem.allocate(64);
    mem.free(p);
    expect(() => mem.free(p)).toThrow();
    mem.release();
    expect(() => mem.allocate(64)).toThrow(/released/);
  });
});
