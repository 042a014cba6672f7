// Zero-copy arrays: a block of a WebAssembly backend's memory that functions
// read and write in place. It pays where the same buffers are used call after
// call (a network layer's activations and gradients): the copies into and out
// of WebAssembly memory, which cost more than the kernel for the cheap
// functions, disappear.
import type { LinearMemory } from './memory.js';
import type { DType, FloatArray } from './types.js';

/** Frees blocks whose WasmArray was collected without free(): a safety net, not a substitute. */
const collector = typeof FinalizationRegistry === 'undefined'
  ? null
  : new FinalizationRegistry<{ memory: LinearMemory; ptr: number }>(({ memory, ptr }) => {
      if (!memory.released) memory.free(ptr);
    });

export class WasmArray<T extends FloatArray = FloatArray> {
  readonly dtype: DType;
  readonly length: number;
  /** @internal */ readonly memory: LinearMemory;
  private address: number;
  private cached: T | null = null;
  private token = {};

  /** @internal Use `backend.allocate(dtype, length)`. */
  constructor(memory: LinearMemory, dtype: DType, length: number) {
    this.memory = memory;
    this.dtype = dtype;
    this.length = length;
    this.address = memory.allocate(length * (dtype === 'f32' ? 4 : 8));
    collector?.register(this, { memory, ptr: this.address }, this.token);
  }

  /**
   * A typed array over the block. Fill and read the data through it; take it
   * afresh after any call that may grow memory (the getter does: a view of a
   * grown memory's old buffer would be detached).
   */
  get view(): T {
    const buffer = this.memory.bufferNow;
    if (this.address < 0) throw new Error('wasm-activations: this WasmArray was freed');
    if (this.cached === null || this.cached.buffer !== buffer) {
      this.cached = (this.dtype === 'f32'
        ? new Float32Array(buffer, this.address, this.length)
        : new Float64Array(buffer, this.address, this.length)) as T;
    }
    return this.cached;
  }

  get BYTES_PER_ELEMENT(): number {
    return this.dtype === 'f32' ? 4 : 8;
  }

  get freed(): boolean {
    return this.address < 0;
  }

  /** @internal The block's byte address, for the backend that owns it. */
  get ptr(): number {
    if (this.address < 0) throw new Error('wasm-activations: this WasmArray was freed');
    return this.address;
  }

  /** Returns the block to the backend; using the array afterwards throws. Idempotent. */
  free(): void {
    if (this.address < 0) return;
    collector?.unregister(this.token);
    if (!this.memory.released) this.memory.free(this.address);
    this.address = -1;
    this.cached = null;
  }
}
