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

// ---------------------------------------------------------------- gradients
// Mirror of softmax_grad_f32 / softmax_grad_f64 (see the kernel file for the
// formulas): the scalar build's operations in its order. dy null means ones.

/** The result from s_i, dy_i and c (T for modes 0 and 2, D for mode 1). */
function gOut(s: number, d: number, c: number, mode: number): number {
  return mode === 1 ? d - s * c : mode === 0 ? s * (d - c) : s * (c - d);
}

/** h + l, or h where h is not finite. */
const finSum = (h: number, l: number): number => (h - h === 0 ? h + l : h);

function gradSliceF32(x: Float32Array, dy: Float32Array | null, y: Float32Array, b: number, n: number, st: number, mode: number): void {
  const end = b + n * st;
  const neg = mode === 2, log = mode === 1;
  let m = -Infinity;
  for (let i = b; i < end; i += st) { const v = neg ? -x[i]! : x[i]!; m = m < v ? v : m; }
  m = m + 0;
  const nm = -m;
  let s: number, q: number;
  if (st === 1) {
    // four partials, element i into partial i % 4, then (p0 + p1) + (p2 + p3)
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    const end4 = b + (n & ~3);
    let i = b;
    for (; i < end4; i += 4) {
      const e0 = expDiffF32(neg ? -x[i]! : x[i]!, nm), e1 = expDiffF32(neg ? -x[i + 1]! : x[i + 1]!, nm);
      const e2 = expDiffF32(neg ? -x[i + 2]! : x[i + 2]!, nm), e3 = expDiffF32(neg ? -x[i + 3]! : x[i + 3]!, nm);
      p0 += e0; p1 += e1; p2 += e2; p3 += e3;
      if (dy !== null) {
        if (log) { q0 += dy[i]!; q1 += dy[i + 1]!; q2 += dy[i + 2]!; q3 += dy[i + 3]!; }
        else { q0 += dy[i]! * e0; q1 += dy[i + 1]! * e1; q2 += dy[i + 2]! * e2; q3 += dy[i + 3]! * e3; }
      }
    }
    if (i < end) {
      let e = expDiffF32(neg ? -x[i]! : x[i]!, nm);
      p0 += e;
      if (dy !== null) q0 += log ? dy[i]! : dy[i]! * e;
      i++;
      if (i < end) {
        e = expDiffF32(neg ? -x[i]! : x[i]!, nm);
        p1 += e;
        if (dy !== null) q1 += log ? dy[i]! : dy[i]! * e;
        i++;
        if (i < end) {
          e = expDiffF32(neg ? -x[i]! : x[i]!, nm);
          p2 += e;
          if (dy !== null) q2 += log ? dy[i]! : dy[i]! * e;
        }
      }
    }
    s = (p0 + p1) + (p2 + p3);
    q = (q0 + q1) + (q2 + q3);
  } else {
    s = 0;
    q = 0;
    for (let i = b; i < end; i += st) {
      const e = expDiffF32(neg ? -x[i]! : x[i]!, nm);
      s += e;
      if (dy !== null) q += log ? dy[i]! : dy[i]! * e;
    }
  }
  if (dy === null) q = log ? n : s;
  const inv = 1 / s;
  const c = log ? q : q / s;
  for (let i = b; i < end; i += st) {
    const e = expDiffF32(neg ? -x[i]! : x[i]!, nm);
    y[i] = gOut(e * inv, dy === null ? 1 : dy[i]!, c, mode);
  }
}

function gradSliceF64(x: Float64Array, dy: Float64Array | null, y: Float64Array, b: number, n: number, st: number, mode: number): void {
  const end = b + n * st;
  const neg = mode === 2, log = mode === 1;
  let m = -Infinity;
  for (let i = b; i < end; i += st) { const v = neg ? -x[i]! : x[i]!; m = m < v ? v : m; }
  m = m + 0;
  const nm = -m;
  let sh: number, sl: number, qh: number, ql: number;
  if (st === 1) {
    // S and P (or D): four compensated partials each, element i into partial i % 4, combined with TwoSum
    const s = [0, 0, 0, 0], c = [0, 0, 0, 0], u = [0, 0, 0, 0], w = [0, 0, 0, 0];
    for (let i = b, k = 0; i < end; i++, k = (k + 1) & 3) {
      const e = expDiffF64(neg ? -x[i]! : x[i]!, nm);
      const sk = s[k]!, t = sk + e, bb = t - sk;
      c[k] = c[k]! + ((sk - (t - bb)) + (e - bb));
      s[k] = t;
      if (dy !== null) {
        const q = log ? dy[i]! : dy[i]! * e;
        const uk = u[k]!, v = uk + q, g = v - uk;
        w[k] = w[k]! + ((uk - (v - g)) + (q - g));
        u[k] = v;
      }
    }
    [sh, sl] = combine(s, c);
    if (dy !== null) [qh, ql] = combine(u, w);
    else if (log) { qh = n; ql = 0; } else { qh = sh; ql = sl; }
  } else {
    let s = 0, c = 0, u = 0, w = 0;
    for (let i = b; i < end; i += st) {
      const e = expDiffF64(neg ? -x[i]! : x[i]!, nm);
      const t = s + e, bb = t - s;
      c = c + ((s - (t - bb)) + (e - bb));
      s = t;
      if (dy !== null) {
        const q = log ? dy[i]! : dy[i]! * e;
        const v = u + q, g = v - u;
        w = w + ((u - (v - g)) + (q - g));
        u = v;
      }
    }
    sh = s; sl = c;
    if (dy !== null) { qh = u; ql = w; } else if (log) { qh = n; ql = 0; } else { qh = s; ql = c; }
  }
  const sv = sh + sl;
  let cv = finSum(qh, ql);
  if (!log) cv = cv / sv;
  for (let i = b; i < end; i += st) {
    const e = expDiffF64(neg ? -x[i]! : x[i]!, nm);
    y[i] = gOut(e / sv, dy === null ? 1 : dy[i]!, cv, mode);
  }
}

/** The four compensated partials (s_k, c_k) combined as the kernel's combineSums: [hi, lo]. */
function combine(s: number[], c: number[]): [number, number] {
  const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
  const a = s0 + s1, ab = a - s0, ea = (s0 - (a - ab)) + (s1 - ab);
  const bs = s2 + s3, bb = bs - s2, eb = (s2 - (bs - bb)) + (s3 - bb);
  const h = a + bs, hb = h - a, eh = (a - (h - hb)) + (bs - hb);
  return [h, eh + ((ea + eb) + ((c[0]! + c[1]!) + (c[2]! + c[3]!)))];
}

/**
 * Vector-Jacobian product of softmax (mode 0), logSoftmax (1) or softmin (2)
 * over the block x of shape [outer, len, inner] along `len`, into y (y may be
 * x or dy); dy null means ones. Same bits as softmax_grad_f32 / _f64 of both
 * WebAssembly builds.
 */
export function softmaxGradBlock(x: FloatArray, dy: FloatArray | null, y: FloatArray, outer: number, len: number, inner: number, mode: number): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      if (x instanceof Float32Array) gradSliceF32(x, dy as Float32Array | null, y as Float32Array, o * block + j, len, inner, mode);
      else gradSliceF64(x, dy as Float64Array | null, y as Float64Array, o * block + j, len, inner, mode);
    }
  }
}
