// The two WebAssembly backends: loading a build, checking it, and running
// kernels over arrays of any size through the memory module.
import type { BackendName, KernelSet, Operand } from './kernels.js';
import { LinearMemory, forEachChunk, DEFAULT_MAX_SCRATCH_BYTES } from './memory.js';
import type { FloatArray } from './types.js';
import { jsKernels } from './js/index.js';
import { WasmArray } from './wasm-array.js';

/** Where a build comes from: a URL or path, its bytes, or a compiled module. */
export type WasmSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

type Kernel = (...args: number[]) => void;

interface Exports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  readonly [name: string]: unknown;
}

/** The bundled builds, next to this file in dist/wasm/. Written literally so bundlers see them. */
export function defaultLocation(simd: boolean): URL {
  return simd
    ? new URL('./wasm/activations-simd.wasm', import.meta.url)
    : new URL('./wasm/activations-scalar.wasm', import.meta.url);
}

function describeSource(source: WasmSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (source instanceof WebAssembly.Module) return 'a WebAssembly.Module';
  return `${source.byteLength} bytes`;
}

const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

async function readBytes(location: string | URL): Promise<ArrayBuffer | Uint8Array> {
  const url = typeof location === 'string' ? resolveString(location) : location;
  if (url === null) {
    // A bare path in Node.
    const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    return fs.readFile(location as string);
  }
  if (url.protocol === 'file:' && isNode) {
    const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    const { fileURLToPath } = await importNode<typeof import('node:url')>('node:url');
    return fs.readFile(fileURLToPath(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.arrayBuffer();
}

function resolveString(location: string): URL | null {
  try {
    return new URL(location);
  } catch {
    if (isNode) return null;
    return new URL(location, globalThis.location?.href);
  }
}

// Kept out of bundlers' sight: the browser path never runs it.
async function importNode<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}

/** Compiles and instantiates a build; rejects with an Error naming the source. */
export async function instantiate(source: WasmSource): Promise<WebAssembly.Instance> {
  try {
    let module: WebAssembly.Module;
    if (source instanceof WebAssembly.Module) module = source;
    else if (typeof source === 'string' || source instanceof URL) module = await WebAssembly.compile(toBytes(await readBytes(source)));
    else module = await WebAssembly.compile(toBytes(source));
    const instance = await WebAssembly.instantiate(module, {});
    // The start function (static initialisers of the kernel files) is exported, not run, by asc.
    const start = instance.exports['_initialize'];
    if (typeof start === 'function') (start as () => void)();
    return instance;
  } catch (cause) {
    throw new Error(`wasm-activations: could not load the WebAssembly module from ${describeSource(source)}: ${(cause as Error).message ?? cause}`, { cause });
  }
}

function toBytes(source: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
}

/** True when this runtime validates a module using v128 (the smallest such module). */
export function simdSupported(): boolean {
  if (typeof WebAssembly === 'undefined') return false;
  // (module (func (result v128) i32.const 0 i8x16.splat))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
  return WebAssembly.validate(bytes);
}

export class WasmKernels implements KernelSet {
  readonly threads = 1;
  private readonly exports: Exports;
  private readonly memory: LinearMemory;
  private released = false;

  constructor(readonly name: BackendName, readonly simd: boolean, instance: WebAssembly.Instance, maxScratchBytes = DEFAULT_MAX_SCRATCH_BYTES) {
    this.exports = instance.exports as unknown as Exports;
    this.memory = new LinearMemory(this.exports.memory, this.exports.heapBase(), maxScratchBytes);
  }

  /** The kernels this build exports, by name (`sigmoid_f32`, ...). */
  has(kernel: string): boolean {
    return typeof this.exports[kernel] === 'function';
  }

  unary(kernel: string, x: Operand, out: Operand, a: number, b: number): void {
    const fn = this.kernel(`${kernel}_${x.BYTES_PER_ELEMENT === 4 ? 'f32' : 'f64'}`);
    const mem = this.memory;
    const n = x.length;
    const xOwn = this.owns(x), outOwn = this.owns(out);
    if (outOwn) {
      // The result lives here: bring x in once (unless it lives here too) and run in place.
      const o = out as WasmArray;
      if (!xOwn) o.view.set(typed(x));
      fn(xOwn ? (x as WasmArray).ptr : o.ptr, o.ptr, n, a, b);
      return;
    }
    const dst = typed(out);
    const bpe = x.BYTES_PER_ELEMENT;
    const chunk = mem.chunkElements(bpe);
    const ptr = mem.reserve(Math.min(n, chunk) * bpe);
    if (xOwn) {
      // x lives here: the kernel reads it in place and writes the scratch.
      const xp = (x as WasmArray).ptr;
      forEachChunk(n, chunk, (start, len) => {
        fn(xp + start * bpe, ptr, len, a, b);
        mem.read(ptr, dst.subarray(start, start + len));
      });
      return;
    }
    const src = typed(x);
    // One scratch buffer, in place: copy in, kernel, copy out, chunk by chunk.
    forEachChunk(n, chunk, (start, len) => {
      mem.write(ptr, src.subarray(start, start + len));
      fn(ptr, ptr, len, a, b);
      mem.read(ptr, dst.subarray(start, start + len));
    });
  }

  unaryGrad(kernel: string, x: Operand, dy: Operand | null, out: Operand, a: number, b: number): void {
    const fn = this.kernel(`${kernel}_grad_${x.BYTES_PER_ELEMENT === 4 ? 'f32' : 'f64'}`);
    this.streamGrad(x, dy, out, (xp, dyp, yp, len) => fn(xp, dyp, yp, len, a, b));
  }

  /**
   * Runs an elementwise gradient kernel `run(x, dy, y, n)` over operands of any
   * kind. Operands in this memory are read or written in place; typed arrays
   * go through the scratch, chunk by chunk: x (and dy) copied in, the kernel
   * writing over x's slot, the slot copied out. dy null stays address 0 (ones).
   */
  private streamGrad(x: Operand, dy: Operand | null, out: Operand, run: (xp: number, dyp: number, yp: number, n: number, start: number) => void, chunkElements?: number): void {
    const n = x.length;
    const xOwn = this.owns(x), dyOwn = dy !== null && this.owns(dy), outOwn = this.owns(out);
    if (xOwn && (dy === null || dyOwn) && outOwn) {
      run((x as WasmArray).ptr, dy === null ? 0 : (dy as WasmArray).ptr, (out as WasmArray).ptr, n, 0);
      return;
    }
    const mem = this.memory;
    const bpe = x.BYTES_PER_ELEMENT;
    const chunk = chunkElements ?? mem.chunkElements(bpe, 2);
    const slot = Math.min(n, chunk) * bpe;
    const slotBytes = Math.ceil(slot / 64) * 64;
    const base = mem.reserve(slotBytes * (dy === null || dyOwn ? 1 : 2));
    const xSlot = base, dySlot = base + slotBytes;
    forEachChunk(n, chunk, (start, len) => {
      const at = start * bpe;
      let xp = xSlot;
      if (xOwn) xp = (x as WasmArray).ptr + at;
      else mem.write(xSlot, typed(x).subarray(start, start + len));
      let dyp = 0;
      if (dyOwn) dyp = (dy as WasmArray).ptr + at;
      else if (dy !== null) {
        mem.write(dySlot, typed(dy).subarray(start, start + len));
        dyp = dySlot;
      }
      const yp = outOwn ? (out as WasmArray).ptr + at : xSlot;
      run(xp, dyp, yp, len, start);
      if (!outOwn) mem.read(xSlot, typed(out).subarray(start, start + len));
    });
  }

  allocate(dtype: 'f32' | 'f64', length: number): WasmArray {
    if (this.released) throw new Error(`wasm-activations: the ${this.name} backend was released`);
    return new WasmArray(this.memory, dtype, length);
  }

  /** True when v is a block of this backend's memory. */
  private owns(v: Operand): boolean {
    return v instanceof WasmArray && v.memory === this.memory;
  }

  /**
   * prelu and the softmax family on zero-copy arrays: in place when both live
   * here; otherwise through typed copies (correct, not the fast path).
   */
  private staged(x: Operand, out: Operand, run: (x: FloatArray, out: FloatArray) => void): void {
    const src = x instanceof WasmArray ? x.view.slice() : x;
    if (out instanceof WasmArray) {
      const tmp = src.BYTES_PER_ELEMENT === 4 ? new Float32Array(src.length) : new Float64Array(src.length);
      run(src, tmp);
      out.view.set(tmp);
    } else {
      run(src, out);
    }
  }

  preluChannels(xo: Operand, outo: Operand, alpha: FloatArray, inner: number): void {
    const fn = this.kernel(`prelu_${alpha instanceof Float32Array ? 'f32' : 'f64'}`);
    const mem = this.memory;
    if (this.owns(xo) && this.owns(outo)) {
      const ptr = mem.reserve(alpha.byteLength);
      mem.write(ptr, alpha);
      fn((xo as WasmArray).ptr, (outo as WasmArray).ptr, xo.length, ptr, alpha.length, inner, 0);
      return;
    }
    if (xo instanceof WasmArray || outo instanceof WasmArray) {
      this.staged(xo, outo, (x, out) => this.preluChannels(x, out, alpha, inner));
      return;
    }
    const x = xo, out = outo;
    const bpe = x.BYTES_PER_ELEMENT;
    const channels = alpha.length;
    const alphaBytes = Math.ceil((channels * bpe) / 64) * 64;
    if (alphaBytes + 16 * bpe > mem.maxScratchBytes) {
      // More channels than scratch can hold beside a chunk: the mirror gives the same bits.
      jsKernels.preluChannels(x, out, alpha, inner);
      return;
    }
    const n = x.length;
    const period = channels * inner;
    const chunk = Math.min(mem.chunkElements(bpe), Math.floor((mem.maxScratchBytes - alphaBytes) / bpe / 16) * 16);
    const base = mem.reserve(alphaBytes + Math.min(n, chunk) * bpe);
    const ptr = base + alphaBytes;
    mem.write(base, alpha);
    forEachChunk(n, chunk, (start, len) => {
      mem.write(ptr, x.subarray(start, start + len));
      fn(ptr, ptr, len, base, channels, inner, start % period);
      mem.read(ptr, out.subarray(start, start + len));
    });
  }

  preluChannelsGrad(x: Operand, dy: Operand | null, out: Operand, alpha: FloatArray, inner: number): void {
    const fn = this.kernel(`prelu_grad_${alpha instanceof Float32Array ? 'f32' : 'f64'}`);
    const mem = this.memory;
    const channels = alpha.length;
    if (alpha.byteLength > mem.maxScratchBytes / 2) {
      // More channels than the scratch bound allows beside the chunks: the mirror gives the same bits.
      jsKernels.preluChannelsGrad(x, dy, out, alpha, inner);
      return;
    }
    // alpha gets a block of its own for the call (the scratch may be replaced while streaming).
    const alphaPtr = mem.allocate(alpha.byteLength);
    try {
      mem.write(alphaPtr, alpha);
      this.streamGrad(x, dy, out, (xp, dyp, yp, len, start) => fn(xp, dyp, yp, len, alphaPtr, channels, inner, start % (channels * inner)));
    } finally {
      mem.free(alphaPtr);
    }
  }

  axis(xo: Operand, outo: Operand, outer: number, len: number, inner: number, mode: number): void {
    const fn = this.kernel(`softmax_${xo.BYTES_PER_ELEMENT === 4 ? 'f32' : 'f64'}`);
    if (this.owns(xo) && this.owns(outo)) {
      fn((xo as WasmArray).ptr, (outo as WasmArray).ptr, outer, len, inner, mode);
      return;
    }
    if (xo instanceof WasmArray || outo instanceof WasmArray) {
      this.staged(xo, outo, (x, out) => this.axis(x, out, outer, len, inner, mode));
      return;
    }
    const x = xo, out = outo;
    const mem = this.memory;
    const bpe = x.BYTES_PER_ELEMENT;
    const block = len * inner;
    if (block === 0 || outer === 0) return;
    const capacity = mem.capacityElements(bpe);
    if (block <= capacity) {
      // Whole [len, inner] blocks: as many per call as fill a cache-sized chunk (at least one).
      const perCall = Math.max(1, Math.floor(mem.chunkElements(bpe) / block));
      const ptr = mem.reserve(Math.min(outer, perCall) * block * bpe);
      forEachChunk(outer, perCall, (o, count) => {
        const from = o * block;
        const to = from + count * block;
        mem.write(ptr, x.subarray(from, to));
        fn(ptr, ptr, count, len, inner, mode);
        mem.read(ptr, out.subarray(from, to));
      });
      return;
    }
    if (len * 3 <= capacity) {
      // A block is larger than scratch but a slice is not: gather columns [j, j + width) of each
      // block. The kernel sums a contiguous slice (inner == 1) in another order than a strided
      // one, so a gathered block must never have width 1 here (inner > 1): widths are at least
      // 2, and a remainder of 1 column is folded into the chunk before it (hence cols >= 3).
      const cols = Math.floor(capacity / len);
      const ptr = mem.reserve(len * Math.min(cols, inner) * bpe);
      for (let o = 0; o < outer; o++) {
        const at = o * block;
        for (let j = 0; j < inner;) {
          let width = Math.min(cols, inner - j);
          if (inner - j - width === 1) width -= 1;
          for (let k = 0; k < len; k++) mem.write(ptr + k * width * bpe, x.subarray(at + k * inner + j, at + k * inner + j + width));
          fn(ptr, ptr, 1, len, width, mode);
          for (let k = 0; k < len; k++) mem.read(ptr + k * width * bpe, out.subarray(at + k * inner + j, at + k * inner + j + width));
          j += width;
        }
      }
      return;
    }
    // A slice (or three) is longer than the scratch bound: the mirror computes the same bits in place.
    jsKernels.axis(x, out, outer, len, inner, mode);
  }

  axisGrad(x: Operand, dy: Operand | null, out: Operand, outer: number, len: number, inner: number, mode: number): void {
    const fn = this.kernel(`softmax_grad_${x.BYTES_PER_ELEMENT === 4 ? 'f32' : 'f64'}`);
    const block = len * inner;
    if (block === 0 || outer === 0) return;
    const mem = this.memory;
    const bpe = x.BYTES_PER_ELEMENT;
    if (this.owns(x) && (dy === null || this.owns(dy)) && this.owns(out)) {
      // Everything lives here: one call in place, whatever the block size (no scratch involved).
      fn((x as WasmArray).ptr, dy === null ? 0 : (dy as WasmArray).ptr, (out as WasmArray).ptr, outer, len, inner, mode);
      return;
    }
    if (2 * Math.ceil((block * bpe) / 64) * 64 > mem.maxScratchBytes) {
      // A [len, inner] block and its dy do not fit the scratch bound: the mirror computes the same bits.
      jsKernels.axisGrad(x, dy, out, outer, len, inner, mode);
      return;
    }
    // Whole blocks per call, as many as fill a cache-sized chunk per stream (at least one), so
    // every element of a block is in the call that sums over its slice.
    const perCall = Math.max(1, Math.floor(mem.chunkElements(bpe, 2) / block));
    this.streamGrad(x, dy, out, (xp, dyp, yp, n) => fn(xp, dyp, yp, n / block, len, inner, mode), perCall * block);
  }

  release(): void {
    this.released = true;
    this.memory.release();
  }

  /** Bytes of WebAssembly memory this backend holds (tests check the bound). */
  get memoryBytes(): number {
    return this.memory.memoryBytes;
  }

  private kernel(name: string): Kernel {
    if (this.released) throw new Error(`wasm-activations: the ${this.name} backend was released`);
    const fn = this.exports[name];
    if (typeof fn !== 'function') throw new Error(`wasm-activations: the ${this.name} build has no kernel ${name}`);
    return fn as Kernel;
  }
}

/** A typed array over an operand (a WasmArray of another backend is read through its view). */
function typed(v: Operand): FloatArray {
  return v instanceof WasmArray ? v.view : v;
}
