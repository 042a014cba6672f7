// Mirror of assembly/kernels/softmax.ts (see there for the algorithm, the
// summation order and the error analysis). Every operation below repeats the
// scalar build's, in the same order: f32 operations are wrapped in
// Math.fround, the parts the kernel widens to f64 are plain JS numbers, and a
// store into a Float32Array rounds like f32.demote_f64.
import type { FloatArray } from '../types.js';
import { expF32, expF64 } from './core/exp.js';
import { lnSumF64 } from './core/log.js';

const fr = Math.fround;

function expDiffF32(x: number, nm: number): number {
  const d = fr(x + nm);
  const bb = fr(d - x);
  let r = fr(fr(x - fr(d - bb)) + fr(nm - bb));
  r = d > -128 ? r : 0;
  const e = expF32(d);
  return fr(e + fr(e * r));
}

function expDiffF64(x: number, nm: number): number {
  const d = x + nm;
  const bb = d - x;
  let r = (x - (d - bb)) + (nm - bb);
  r = d > -1000 ? r : 0;
  const e = expF64(d);
  return e + e * r;
}

// ---------------------------------------------------------------- f32

/** One slice of n elements starting at x[b], stride `st` (same offsets in y). */
function sliceF32(x: Float32Array, y: Float32Array, b: number, n: number, st: number, mode: number): void {
  const end = b + n * st;
  let src: Float32Array = x;
  let m = -Infinity;
  if (mode === 2) {
    for (let i = b; i < end; i += st) {
      const v = -x[i]!;
      y[i] = v;
      m = m < v ? v : m;
    }
    src = y;
  } else {
    for (let i = b; i < end; i += st) { const v = x[i]!; m = m < v ? v : m; }
  }
  m = m + 0;
  const nm = -m;
  const store = mode !== 1;
  let s: number;
  if (st === 1) {
    // four partials, element i into partial i % 4, then (p0 + p1) + (p2 + p3)
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    const end4 = b + (n & ~3);
    let i = b;
    for (; i < end4; i += 4) {
      const e0 = expDiffF32(src[i]!, nm), e1 = expDiffF32(src[i + 1]!, nm);
      const e2 = expDiffF32(src[i + 2]!, nm), e3 = expDiffF32(src[i + 3]!, nm);
      if (store) { y[i] = e0; y[i + 1] = e1; y[i + 2] = e2; y[i + 3] = e3; }
      p0 += e0; p1 += e1; p2 += e2; p3 += e3;
    }
    if (i < end) {
      const e = expDiffF32(src[i]!, nm); if (store) y[i] = e; p0 += e; i++;
      if (i < end) {
        const e = expDiffF32(src[i]!, nm); if (store) y[i] = e; p1 += e; i++;
        if (i < end) { const e = expDiffF32(src[i]!, nm); if (store) y[i] = e; p2 += e; }
      }
    }
    s = (p0 + p1) + (p2 + p3);
  } else {
    s = 0;
    for (let i = b; i < end; i += st) {
      const e = expDiffF32(src[i]!, nm);
      if (store) y[i] = e;
      s += e;
    }
  }
  if (mode === 1) {
    const lns = lnSumF64(s, 0);
    for (let i = b; i < end; i += st) y[i] = (x[i]! - m) - lns;
  } else {
    const inv = 1 / s;
    for (let i = b; i < end; i += st) y[i] = y[i]! * inv;
  }
}

// ---------------------------------------------------------------- f64

function sliceF64(x: Float64Array, y: Float64Array, b: number, n: number, st: number, mode: number): void {
  const end = b + n * st;
  let src: Float64Array = x;
  let m = -Infinity;
  if (mode === 2) {
    for (let i = b; i < end; i += st) {
      const v = -x[i]!;
      y[i] = v;
      m = m < v ? v : m;
    }
    src = y;
  } else {
    for (let i = b; i < end; i += st) { const v = x[i]!; m = m < v ? v : m; }
  }
  m = m + 0;
  const nm = -m;
  const store = mode !== 1;
  let hi: number, lo: number;
  if (st === 1) {
    // four compensated partials, element i into partial i % 4, combined with TwoSum
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    const end4 = b + (n & ~3);
    let i = b;
    for (; i < end4; i += 4) {
      const e0 = expDiffF64(src[i]!, nm), e1 = expDiffF64(src[i + 1]!, nm);
      const e2 = expDiffF64(src[i + 2]!, nm), e3 = expDiffF64(src[i + 3]!, nm);
      if (store) { y[i] = e0; y[i + 1] = e1; y[i + 2] = e2; y[i + 3] = e3; }
      const t0 = s0 + e0, t1 = s1 + e1, t2 = s2 + e2, t3 = s3 + e3;
      const b0 = t0 - s0, b1 = t1 - s1, b2 = t2 - s2, b3 = t3 - s3;
      c0 = c0 + ((s0 - (t0 - b0)) + (e0 - b0)); c1 = c1 + ((s1 - (t1 - b1)) + (e1 - b1));
      c2 = c2 + ((s2 - (t2 - b2)) + (e2 - b2)); c3 = c3 + ((s3 - (t3 - b3)) + (e3 - b3));
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    if (i < end) {
      const e = expDiffF64(src[i]!, nm); if (store) y[i] = e;
      const t = s0 + e; const b = t - s0; c0 = c0 + ((s0 - (t - b)) + (e - b)); s0 = t; i++;
      if (i < end) {
        const e = expDiffF64(src[i]!, nm); if (store) y[i] = e;
        const t = s1 + e; const b = t - s1; c1 = c1 + ((s1 - (t - b)) + (e - b)); s1 = t; i++;
        if (i < end) {
          const e = expDiffF64(src[i]!, nm); if (store) y[i] = e;
          const t = s2 + e; const b = t - s2; c2 = c2 + ((s2 - (t - b)) + (e - b)); s2 = t;
        }
      }
    }
    const a = s0 + s1, ab = a - s0, ea = (s0 - (a - ab)) + (s1 - ab);
    const bs = s2 + s3, bb = bs - s2, eb = (s2 - (bs - bb)) + (s3 - bb);
    const h = a + bs, hb = h - a, eh = (a - (h - hb)) + (bs - hb);
    hi = h;
    lo = eh + ((ea + eb) + ((c0 + c1) + (c2 + c3)));
  } else {
    let s = 0, c = 0;
    for (let i = b; i < end; i += st) {
      const e = expDiffF64(src[i]!, nm);
      if (store) y[i] = e;
      const t = s + e;
      const b = t - s;
      c = c + ((s - (t - b)) + (e - b));
      s = t;
    }
    hi = s;
    lo = c;
  }
  if (mode === 1) {
    const lns = lnSumF64(hi, lo);
    for (let i = b; i < end; i += st) y[i] = (x[i]! - m) - lns;
  } else {
    const sv = hi + lo;
    for (let i = b; i < end; i += st) y[i] = y[i]! / sv;
  }
}

/**
 * softmax (mode 0), logSoftmax (1) or softmin (2) of the block x of shape
 * [outer, len, inner] along `len`, into y (y may be x). Same bits as
 * softmax_f32 / softmax_f64 of both WebAssembly builds.
 */
export function softmaxBlock(x: FloatArray, y: FloatArray, outer: number, len: number, inner: number, mode: number): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  const block = len * inner;
  if (x instanceof Float32Array) {
    const yy = y as Float32Array;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) sliceF32(x, yy, o * block + j, len, inner, mode);
    }
  } else {
    const yy = y as Float64Array;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) sliceF64(x, yy, o * block + j, len, inner, mode);
    }
  }
}

/** Vector-Jacobian product of the softmax family over [outer, len, inner]; dy null means ones. */
export function softmaxGradBlock(x: FloatArray, dy: FloatArray | null, y: FloatArray, outer: number, len: number, inner: number, mode: number): void {
  void x; void dy; void y; void outer; void len; void inner; void mode;
  throw new Error('wasm-activations: softmax gradients are not implemented yet');
}
