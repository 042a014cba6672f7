// The one owner of WebAssembly linear memory. Nothing else in the package
// computes an address: the backend asks this module for scratch space, views
// over it, and the chunk schedule, and hands kernels the addresses it gets.
//
// Layout: [0, heapBase) is the module's static data; above it a first-fit
// allocator hands out 64-byte aligned blocks: the scratch (one block, replaced
// by a larger one on demand, never beyond `maxScratchBytes`, 64 MiB unless the
// caller asks for more, so arrays larger than that are processed in chunks)
// and the caller's zero-copy arrays (WasmArray). Chunks are cache-sized (CHUNK_BYTES per
// stream) so that the copy in, the kernel and the copy out all hit L2.
//
// A later multi-threaded mode fits here: with a shared memory, each worker
// gets its own slot of `slotBytes` and the chunk schedule below is dealt out
// across slots instead of run in one loop.

import type { FloatArray } from './types.js';

const PAGE = 65536;
const ALIGN = 64;

/** Default bound on scratch memory (SPEC section 3). */
export const DEFAULT_MAX_SCRATCH_BYTES = 64 * 1024 * 1024;

/**
 * Bytes of one stream in one chunk. 64 KiB: with the copy in, the kernel and
 * the copy out on one buffer, a chunk is touched three times while it sits in
 * L2 (256 KiB or more on current x86 and ARM cores).
 */
export const CHUNK_BYTES = 64 * 1024;

/** Smallest scratch the backend accepts: one vector-aligned chunk of a few elements. */
export const MIN_SCRATCH_BYTES = 1024;

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export class LinearMemory {
  readonly base: number;
  readonly maxScratchBytes: number;
  private memory: WebAssembly.Memory | null;
  private buffer: ArrayBuffer | null = null;
  private f32view: Float32Array | null = null;
  private f64view: Float64Array | null = null;
  /** Free ranges [start, end) of [base, memory end), sorted and coalesced. */
  private readonly freeRanges: Array<[number, number]> = [];
  /** Bytes of every live block, by address. */
  private readonly blocks = new Map<number, number>();
  private scratchPtr = -1;
  private scratchSize = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number, maxScratchBytes: number = DEFAULT_MAX_SCRATCH_BYTES) {
    if (!Number.isSafeInteger(maxScratchBytes) || maxScratchBytes < MIN_SCRATCH_BYTES) {
      throw new RangeError(`maxScratchBytes must be an integer >= ${MIN_SCRATCH_BYTES}, got ${maxScratchBytes}`);
    }
    this.memory = memory;
    this.base = alignUp(heapBase, ALIGN);
    this.maxScratchBytes = Math.floor(maxScratchBytes / ALIGN) * ALIGN;
    const end = memory.buffer.byteLength;
    if (end > this.base) this.freeRanges.push([this.base, end]);
  }

  /** Bytes of scratch currently held. */
  get scratchBytes(): number {
    return this.scratchSize;
  }

  /** Total bytes of the WebAssembly memory (for tests that check the bound). */
  get memoryBytes(): number {
    return this.live().buffer.byteLength;
  }

  /** Bytes held by live blocks (scratch and arrays). */
  get allocatedBytes(): number {
    let sum = 0;
    for (const b of this.blocks.values()) sum += b;
    return sum;
  }

  /**
   * Makes sure `bytes` of scratch exist (bytes <= maxScratchBytes) and returns
   * its address. Scratch holds nothing between calls, so a larger one simply
   * replaces the old block.
   */
  reserve(bytes: number): number {
    if (bytes > this.maxScratchBytes) {
      throw new RangeError(`internal: asked for ${bytes} bytes of scratch, bound is ${this.maxScratchBytes}`);
    }
    if (bytes > this.scratchSize) {
      if (this.scratchPtr >= 0) this.free(this.scratchPtr);
      this.scratchSize = alignUp(Math.max(bytes, 1), ALIGN);
      this.scratchPtr = this.allocate(this.scratchSize);
    }
    return this.scratchPtr;
  }

  /** A 64-byte aligned block of `bytes` (first fit; grows the memory at its end when nothing fits). */
  allocate(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1), ALIGN);
    const memory = this.live();
    let at = this.freeRanges.findIndex(([s, e]) => e - s >= size);
    if (at < 0) {
      const end = memory.buffer.byteLength;
      const last = this.freeRanges[this.freeRanges.length - 1];
      const tailStart = last !== undefined && last[1] === end ? last[0] : end;
      const need = tailStart + size - end;
      memory.grow(Math.ceil(need / PAGE));
      this.insertFree(end, memory.buffer.byteLength);
      at = this.freeRanges.findIndex(([s, e]) => e - s >= size);
    }
    const range = this.freeRanges[at]!;
    const ptr = range[0];
    if (range[1] - ptr === size) this.freeRanges.splice(at, 1);
    else range[0] = ptr + size;
    this.blocks.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the free list; freeing an address twice throws. */
  free(ptr: number): void {
    const size = this.blocks.get(ptr);
    if (size === undefined) throw new Error(`internal: no block at ${ptr}`);
    this.blocks.delete(ptr);
    this.insertFree(ptr, ptr + size);
  }

  private insertFree(start: number, end: number): void {
    const list = this.freeRanges;
    let i = 0;
    while (i < list.length && list[i]![0] < start) i++;
    list.splice(i, 0, [start, end]);
    // Coalesce with the neighbours.
    if (i + 1 < list.length && list[i]![1] === list[i + 1]![0]) {
      list[i]![1] = list[i + 1]![1];
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1]![1] === list[i]![0]) {
      list[i - 1]![1] = list[i]![1];
      list.splice(i, 1);
    }
  }

  /** Elements of one chunk for `streams` buffers of `bytesPerElement`, a multiple of 16 elements. */
  chunkElements(bytesPerElement: number, streams = 1): number {
    const perStream = Math.min(CHUNK_BYTES, Math.floor(this.maxScratchBytes / streams));
    return Math.max(16, Math.floor(perStream / bytesPerElement / 16) * 16);
  }

  /** Elements that fit in the whole scratch bound, for work that cannot be split (one softmax slice). */
  capacityElements(bytesPerElement: number): number {
    return Math.floor(this.maxScratchBytes / bytesPerElement);
  }

  /** The memory's current buffer (a new object after growth). */
  get bufferNow(): ArrayBuffer {
    return this.live().buffer;
  }

  /** A view of all of memory with x's element type, refreshed after growth. */
  heapLike(x: FloatArray): FloatArray {
    const buffer = this.live().buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.f32view = new Float32Array(buffer);
      this.f64view = new Float64Array(buffer);
    }
    return x instanceof Float32Array ? this.f32view! : this.f64view!;
  }

  /** Copies src into memory at byte address `ptr`. */
  write(ptr: number, src: FloatArray): void {
    this.heapLike(src).set(src, ptr / src.BYTES_PER_ELEMENT);
  }

  /** Copies `dst.length` elements from memory at `ptr` into dst. */
  read(ptr: number, dst: FloatArray): void {
    const heap = this.heapLike(dst);
    const at = ptr / dst.BYTES_PER_ELEMENT;
    dst.set(heap.subarray(at, at + dst.length));
  }

  /** Drops the reference to the memory so that it can be collected. */
  release(): void {
    this.memory = null;
    this.buffer = null;
    this.f32view = null;
    this.f64view = null;
    this.scratchPtr = -1;
    this.scratchSize = 0;
    this.blocks.clear();
    this.freeRanges.length = 0;
  }

  get released(): boolean {
    return this.memory === null;
  }

  private live(): WebAssembly.Memory {
    if (this.memory === null) throw new Error('wasm-activations: this backend was released');
    return this.memory;
  }
}

/**
 * The chunk schedule: calls `step(start, length)` over [0, n) in chunks of
 * `chunk` elements. Kept apart from the loop bodies so that a threaded mode
 * can deal the same chunks out to workers.
 */
export function forEachChunk(n: number, chunk: number, step: (start: number, length: number) => void): void {
  for (let start = 0; start < n; start += chunk) step(start, Math.min(chunk, n - start));
}
