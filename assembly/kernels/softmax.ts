// Axis reductions: softmax, logSoftmax, softmin.
//
// ABI: softmax_f32(x, y, outer, len, inner, mode) and softmax_f64(...).
// x and y are byte addresses of outer * len * inner elements, row-major shape
// [outer, len, inner]; the reduction runs along `len` (element stride
// `inner`). mode 0 = softmax, 1 = logSoftmax, 2 = softmin (softmax of -x).
// y may equal x (in place) or be disjoint from it.
//
// Per slice, three passes:
//   1. m = max (pmax compare-select: a NaN never becomes the max, it reaches
//      the result through the sum instead). Softmin writes -x into y here and
//      runs the rest on y. m + 0 turns a -0 maximum into +0, so that the
//      order in which lanes meet (which decides the sign of a zero maximum)
//      cannot change any bit of the result.
//   2. e_i = e^(x_i - m), s = sum e_i. d = x_i - m rounds (by up to 2^-21
//      absolute where the result matters, i.e. up to 8 ulp of e_i), so the
//      rounding error r of that subtraction is recovered exactly (TwoSum) and
//      folded back in: e_i = exp(d) + exp(d) r (to first order e^(d + r); r
//      is below 2^-17 so the dropped term is below 2^-35 relative). r is
//      zeroed where d < -128 (f64: -1000), where e_i underflows anyway and
//      where d is -Inf (then r would be NaN). softmax/softmin store e_i in y.
//   3. softmax: y_i = e_i / s. logSoftmax: y_i = (x_i - m) - ln s.
//
// Sums (the order is a function of len and inner only, and the scalar build
// and the JS mirror (src/js/softmax.ts) follow it exactly):
//   - inner == 1 (contiguous slice): four partial sums, element i goes into
//     partial i % 4, combined at the end as (p0 + p1) + (p2 + p3).
//     f32 input: the partials are f64 (error about len/4 * 2^-53, nothing at
//     f32 precision even for 1e8 elements). f64 input: each partial is a
//     compensated sum (s_k, c_k): s_k += e exactly as TwoSum says, with the
//     rounding error of every step added into c_k (Neumaier without the
//     branch; plain Kahan loses the error when a term exceeds the running sum,
//     e.g. the maximal element's 1 after smaller terms); the four are
//     combined with TwoSum into hi + lo (see combineSums). The error of
//     hi + lo is about 2^-106 len relative: nothing at f64 precision.
//   - inner > 1: one sequential sum per slice in k order (f32: f64 sum;
//     f64: compensated), which the SIMD build runs across 4 (f64: 2) adjacent
//     slices per vector; slices left over at the end of `inner` run through
//     the same vector code on splatted lanes.
// ln s: lnSumF64 (core/log.ts), log1p-based so that s = 1 + tiny keeps tiny.
//
// f32 arithmetic: exp in f32 (f32x4 in the SIMD build); the sum, 1/s, the
// scaling and the logSoftmax subtraction in f64, rounded once to f32 at the
// store. f64: everything in f64, softmax scales by a true division.
import { expF32, expF32x4, expF64, expF64x2 } from '../core/exp';
import { lnSumF64 } from '../core/log';

// ---------------------------------------------------------------- helpers

// e^(x + nm) where nm = -m, corrected for the rounding of x + nm.
@inline function expDiffF32(x: f32, nm: f32): f32 {
  const d = x + nm;
  const bb = d - x;
  let r = (x - (d - bb)) + (nm - bb);
  r = d > <f32>-128 ? r : <f32>0;
  const e = expF32(d);
  return e + e * r;
}
@inline function expDiffF32x4(x: v128, nm: v128): v128 {
  const d = f32x4.add(x, nm);
  const bb = f32x4.sub(d, x);
  let r = f32x4.add(f32x4.sub(x, f32x4.sub(d, bb)), f32x4.sub(nm, bb));
  r = v128.and(r, f32x4.gt(d, f32x4.splat(-128)));
  const e = expF32x4(d);
  return f32x4.add(e, f32x4.mul(e, r));
}
@inline function expDiffF64(x: f64, nm: f64): f64 {
  const d = x + nm;
  const bb = d - x;
  let r = (x - (d - bb)) + (nm - bb);
  r = d > -1000 ? r : 0;
  const e = expF64(d);
  return e + e * r;
}
@inline function expDiffF64x2(x: v128, nm: v128): v128 {
  const d = f64x2.add(x, nm);
  const bb = f64x2.sub(d, x);
  let r = f64x2.add(f64x2.sub(x, f64x2.sub(d, bb)), f64x2.sub(nm, bb));
  r = v128.and(r, f64x2.gt(d, f64x2.splat(-1000)));
  const e = expF64x2(d);
  return f64x2.add(e, f64x2.mul(e, r));
}

// upper two f32 lanes widened to f64
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}
// two f64x2 rounded to f32 and packed into one f32x4
@inline function demotePair(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// The combined value of four compensated partials (s_k, c_k), as SUM_HI + SUM_LO.
let SUM_HI: f64 = 0;
let SUM_LO: f64 = 0;
function combineSums(s0: f64, c0: f64, s1: f64, c1: f64, s2: f64, c2: f64, s3: f64, c3: f64): void {
  const a = s0 + s1;
  const ab = a - s0;
  const ea = (s0 - (a - ab)) + (s1 - ab);
  const b = s2 + s3;
  const bb = b - s2;
  const eb = (s2 - (b - bb)) + (s3 - bb);
  const h = a + b;
  const hb = h - a;
  const eh = (a - (h - hb)) + (b - hb);
  SUM_HI = h;
  SUM_LO = eh + ((ea + eb) + ((c0 + c1) + (c2 + c3)));
}

// ---------------------------------------------------------------- f32, contiguous

// max of n f32 at x; with neg, of -x, and -x is written to y.
@inline function maxContigF32(x: usize, y: usize, n: i32, neg: bool): f32 {
  const end = <usize>n << 2;
  let m: f32 = -Infinity;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f32x4.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 64 <= end; i += 64) {
      let v0 = v128.load(x + i), v1 = v128.load(x + i, 16);
      let v2 = v128.load(x + i, 32), v3 = v128.load(x + i, 48);
      if (neg) {
        v0 = f32x4.neg(v0); v1 = f32x4.neg(v1); v2 = f32x4.neg(v2); v3 = f32x4.neg(v3);
        v128.store(y + i, v0); v128.store(y + i, v1, 16);
        v128.store(y + i, v2, 32); v128.store(y + i, v3, 48);
      }
      a0 = f32x4.pmax(a0, v0); a1 = f32x4.pmax(a1, v1);
      a2 = f32x4.pmax(a2, v2); a3 = f32x4.pmax(a3, v3);
    }
    for (; i + 16 <= end; i += 16) {
      let v0 = v128.load(x + i);
      if (neg) { v0 = f32x4.neg(v0); v128.store(y + i, v0); }
      a0 = f32x4.pmax(a0, v0);
    }
    a0 = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
    const l0 = f32x4.extract_lane(a0, 0), l1 = f32x4.extract_lane(a0, 1);
    const l2 = f32x4.extract_lane(a0, 2), l3 = f32x4.extract_lane(a0, 3);
    m = m < l0 ? l0 : m; m = m < l1 ? l1 : m; m = m < l2 ? l2 : m; m = m < l3 ? l3 : m;
  }
  for (; i < end; i += 4) {
    let v = load<f32>(x + i);
    if (neg) { v = -v; store<f32>(y + i, v); }
    m = m < v ? v : m;
  }
  return m + <f32>0;
}

// sum of e^(x_i - m) over n f32 at x (4 partials, i % 4); with st, e_i -> y.
@inline function sumExpContigF32(x: usize, y: usize, n: i32, m: f32, st: bool): f64 {
  const nm = -m;
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  let p0: f64 = 0, p1: f64 = 0, p2: f64 = 0, p3: f64 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f32x4.splat(nm);
    let q01 = f64x2.splat(0), q23 = f64x2.splat(0);
    for (; i + 64 <= end4; i += 64) {
      const e0 = expDiffF32x4(v128.load(x + i), nmv);
      const e1 = expDiffF32x4(v128.load(x + i, 16), nmv);
      const e2 = expDiffF32x4(v128.load(x + i, 32), nmv);
      const e3 = expDiffF32x4(v128.load(x + i, 48), nmv);
      if (st) {
        v128.store(y + i, e0); v128.store(y + i, e1, 16);
        v128.store(y + i, e2, 32); v128.store(y + i, e3, 48);
      }
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e0)); q23 = f64x2.add(q23, promoteHigh(e0));
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e1)); q23 = f64x2.add(q23, promoteHigh(e1));
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e2)); q23 = f64x2.add(q23, promoteHigh(e2));
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e3)); q23 = f64x2.add(q23, promoteHigh(e3));
    }
    for (; i < end4; i += 16) {
      const e0 = expDiffF32x4(v128.load(x + i), nmv);
      if (st) v128.store(y + i, e0);
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e0)); q23 = f64x2.add(q23, promoteHigh(e0));
    }
    p0 = f64x2.extract_lane(q01, 0); p1 = f64x2.extract_lane(q01, 1);
    p2 = f64x2.extract_lane(q23, 0); p3 = f64x2.extract_lane(q23, 1);
  } else {
    for (; i < end4; i += 16) {
      const e0 = expDiffF32(load<f32>(x + i), nm);
      const e1 = expDiffF32(load<f32>(x + i, 4), nm);
      const e2 = expDiffF32(load<f32>(x + i, 8), nm);
      const e3 = expDiffF32(load<f32>(x + i, 12), nm);
      if (st) {
        store<f32>(y + i, e0); store<f32>(y + i, e1, 4);
        store<f32>(y + i, e2, 8); store<f32>(y + i, e3, 12);
      }
      p0 += <f64>e0; p1 += <f64>e1; p2 += <f64>e2; p3 += <f64>e3;
    }
  }
  // tail: element 4q + t goes into partial t
  if (i < end) {
    const e = tailExpF32(load<f32>(x + i), nm);
    if (st) store<f32>(y + i, e);
    p0 += <f64>e;
    i += 4;
    if (i < end) {
      const e = tailExpF32(load<f32>(x + i), nm);
      if (st) store<f32>(y + i, e);
      p1 += <f64>e;
      i += 4;
      if (i < end) {
        const e = tailExpF32(load<f32>(x + i), nm);
        if (st) store<f32>(y + i, e);
        p2 += <f64>e;
      }
    }
  }
  return (p0 + p1) + (p2 + p3);
}

@inline function tailExpF32(v: f32, nm: f32): f32 {
  if (ASC_FEATURE_SIMD) {
    return f32x4.extract_lane(expDiffF32x4(f32x4.splat(v), f32x4.splat(nm)), 0);
  } else {
    return expDiffF32(v, nm);
  }
}

// y_i = y_i * inv, in f64, rounded once
@inline function scaleContigF32(y: usize, n: i32, inv: f64): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const iv = f64x2.splat(inv);
    for (; i + 32 <= end; i += 32) {
      const v0 = v128.load(y + i), v1 = v128.load(y + i, 16);
      const r0 = demotePair(f64x2.mul(f64x2.promote_low_f32x4(v0), iv), f64x2.mul(promoteHigh(v0), iv));
      const r1 = demotePair(f64x2.mul(f64x2.promote_low_f32x4(v1), iv), f64x2.mul(promoteHigh(v1), iv));
      v128.store(y + i, r0); v128.store(y + i, r1, 16);
    }
    for (; i + 16 <= end; i += 16) {
      const v0 = v128.load(y + i);
      v128.store(y + i, demotePair(f64x2.mul(f64x2.promote_low_f32x4(v0), iv), f64x2.mul(promoteHigh(v0), iv)));
    }
  }
  for (; i < end; i += 4) store<f32>(y + i, <f32>(<f64>load<f32>(y + i) * inv));
}

// y_i = (x_i - m) - lns, in f64, rounded once
@inline function logContigF32(x: usize, y: usize, n: i32, m: f64, lns: f64): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f64x2.splat(m), lv = f64x2.splat(lns);
    for (; i + 16 <= end; i += 16) {
      const v0 = v128.load(x + i);
      const lo = f64x2.sub(f64x2.sub(f64x2.promote_low_f32x4(v0), mv), lv);
      const hi = f64x2.sub(f64x2.sub(promoteHigh(v0), mv), lv);
      v128.store(y + i, demotePair(lo, hi));
    }
  }
  for (; i < end; i += 4) store<f32>(y + i, <f32>((<f64>load<f32>(x + i) - m) - lns));
}

function contigF32(x: usize, y: usize, n: i32, mode: i32): void {
  let src = x;
  let m: f32;
  if (mode == 2) { m = maxContigF32(x, y, n, true); src = y; } else m = maxContigF32(x, y, n, false);
  if (mode == 1) {
    const s = sumExpContigF32(src, y, n, m, false);
    logContigF32(x, y, n, <f64>m, lnSumF64(s, 0));
  } else {
    const s = sumExpContigF32(src, y, n, m, true);
    scaleContigF32(y, n, 1 / s);
  }
}

// ---------------------------------------------------------------- f32, strided

// Slices j..j+3 of one outer block (SIMD build; `one`: a single slice in
// every lane, the result taken from lane 0). stride = inner * 4 bytes.
@inline function ldF32(a: usize, one: bool): v128 {
  return one ? f32x4.splat(load<f32>(a)) : v128.load(a);
}
@inline function stF32(a: usize, v: v128, one: bool): void {
  if (one) store<f32>(a, f32x4.extract_lane(v, 0)); else v128.store(a, v);
}

@inline function blockF32(x: usize, y: usize, len: i32, stride: usize, mode: i32, one: bool): void {
  const end = <usize>len * stride;
  let src = x;
  let mv = f32x4.splat(-Infinity);
  if (mode == 2) {
    for (let o: usize = 0; o < end; o += stride) {
      const v = f32x4.neg(ldF32(x + o, one));
      stF32(y + o, v, one);
      mv = f32x4.pmax(mv, v);
    }
    src = y;
  } else {
    for (let o: usize = 0; o < end; o += stride) mv = f32x4.pmax(mv, ldF32(x + o, one));
  }
  mv = f32x4.add(mv, f32x4.splat(0));
  const nmv = f32x4.neg(mv);
  let q01 = f64x2.splat(0), q23 = f64x2.splat(0);
  if (mode == 1) {
    for (let o: usize = 0; o < end; o += stride) {
      const e = expDiffF32x4(ldF32(src + o, one), nmv);
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e)); q23 = f64x2.add(q23, promoteHigh(e));
    }
    let l0 = lnSumF64(f64x2.extract_lane(q01, 0), 0), l1 = l0, l2 = l0, l3 = l0;
    if (!one) {
      l1 = lnSumF64(f64x2.extract_lane(q01, 1), 0);
      l2 = lnSumF64(f64x2.extract_lane(q23, 0), 0);
      l3 = lnSumF64(f64x2.extract_lane(q23, 1), 0);
    }
    const L01 = f64x2(l0, l1), L23 = f64x2(l2, l3);
    const m01 = f64x2.promote_low_f32x4(mv), m23 = promoteHigh(mv);
    for (let o: usize = 0; o < end; o += stride) {
      const v = ldF32(x + o, one);
      const lo = f64x2.sub(f64x2.sub(f64x2.promote_low_f32x4(v), m01), L01);
      const hi = f64x2.sub(f64x2.sub(promoteHigh(v), m23), L23);
      stF32(y + o, demotePair(lo, hi), one);
    }
  } else {
    for (let o: usize = 0; o < end; o += stride) {
      const e = expDiffF32x4(ldF32(src + o, one), nmv);
      stF32(y + o, e, one);
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(e)); q23 = f64x2.add(q23, promoteHigh(e));
    }
    const i01 = f64x2.div(f64x2.splat(1), q01), i23 = f64x2.div(f64x2.splat(1), q23);
    for (let o: usize = 0; o < end; o += stride) {
      const v = ldF32(y + o, one);
      stF32(y + o, demotePair(f64x2.mul(f64x2.promote_low_f32x4(v), i01), f64x2.mul(promoteHigh(v), i23)), one);
    }
  }
}

// One slice (scalar build).
function sliceF32(x: usize, y: usize, len: i32, stride: usize, mode: i32): void {
  const end = <usize>len * stride;
  let src = x;
  let m: f32 = -Infinity;
  if (mode == 2) {
    for (let o: usize = 0; o < end; o += stride) {
      const v = -load<f32>(x + o);
      store<f32>(y + o, v);
      m = m < v ? v : m;
    }
    src = y;
  } else {
    for (let o: usize = 0; o < end; o += stride) { const v = load<f32>(x + o); m = m < v ? v : m; }
  }
  m = m + <f32>0;
  const nm = -m;
  let s: f64 = 0;
  if (mode == 1) {
    for (let o: usize = 0; o < end; o += stride) s += <f64>expDiffF32(load<f32>(src + o), nm);
    const lns = lnSumF64(s, 0);
    const md = <f64>m;
    for (let o: usize = 0; o < end; o += stride) store<f32>(y + o, <f32>((<f64>load<f32>(x + o) - md) - lns));
  } else {
    for (let o: usize = 0; o < end; o += stride) {
      const e = expDiffF32(load<f32>(src + o), nm);
      store<f32>(y + o, e);
      s += <f64>e;
    }
    const inv = 1 / s;
    for (let o: usize = 0; o < end; o += stride) store<f32>(y + o, <f32>(<f64>load<f32>(y + o) * inv));
  }
}

export function softmax_f32(x: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  const block = (<usize>len * <usize>inner) << 2;
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * block, yo = y + <usize>o * block;
    if (inner == 1) {
      contigF32(xo, yo, len, mode);
    } else if (ASC_FEATURE_SIMD) {
      let j = 0;
      for (; j + 4 <= inner; j += 4) blockF32(xo + (<usize>j << 2), yo + (<usize>j << 2), len, stride, mode, false);
      for (; j < inner; j++) blockF32(xo + (<usize>j << 2), yo + (<usize>j << 2), len, stride, mode, true);
    } else {
      for (let j = 0; j < inner; j++) sliceF32(xo + (<usize>j << 2), yo + (<usize>j << 2), len, stride, mode);
    }
  }
}

// ---------------------------------------------------------------- f64, contiguous

@inline function maxContigF64(x: usize, y: usize, n: i32, neg: bool): f64 {
  const end = <usize>n << 3;
  let m: f64 = -Infinity;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 64 <= end; i += 64) {
      let v0 = v128.load(x + i), v1 = v128.load(x + i, 16);
      let v2 = v128.load(x + i, 32), v3 = v128.load(x + i, 48);
      if (neg) {
        v0 = f64x2.neg(v0); v1 = f64x2.neg(v1); v2 = f64x2.neg(v2); v3 = f64x2.neg(v3);
        v128.store(y + i, v0); v128.store(y + i, v1, 16);
        v128.store(y + i, v2, 32); v128.store(y + i, v3, 48);
      }
      a0 = f64x2.pmax(a0, v0); a1 = f64x2.pmax(a1, v1);
      a2 = f64x2.pmax(a2, v2); a3 = f64x2.pmax(a3, v3);
    }
    for (; i + 16 <= end; i += 16) {
      let v0 = v128.load(x + i);
      if (neg) { v0 = f64x2.neg(v0); v128.store(y + i, v0); }
      a0 = f64x2.pmax(a0, v0);
    }
    a0 = f64x2.pmax(f64x2.pmax(a0, a1), f64x2.pmax(a2, a3));
    const l0 = f64x2.extract_lane(a0, 0), l1 = f64x2.extract_lane(a0, 1);
    m = m < l0 ? l0 : m; m = m < l1 ? l1 : m;
  }
  for (; i < end; i += 8) {
    let v = load<f64>(x + i);
    if (neg) { v = -v; store<f64>(y + i, v); }
    m = m < v ? v : m;
  }
  return m + 0;
}

@inline function tailExpF64(v: f64, nm: f64): f64 {
  if (ASC_FEATURE_SIMD) {
    return f64x2.extract_lane(expDiffF64x2(f64x2.splat(v), f64x2.splat(nm)), 0);
  } else {
    return expDiffF64(v, nm);
  }
}

// Compensated sums of e^(x_i - m) into 4 partials (i % 4); result in SUM_HI/SUM_LO.
@inline function sumExpContigF64(x: usize, y: usize, n: i32, m: f64, st: bool): void {
  const nm = -m;
  const end = <usize>n << 3;
  const end4 = <usize>(n & ~3) << 3;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let c0: f64 = 0, c1: f64 = 0, c2: f64 = 0, c3: f64 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f64x2.splat(nm);
    let sa = f64x2.splat(0), sb = sa, ca = sa, cb = sa;
    for (; i < end4; i += 32) {
      const e0 = expDiffF64x2(v128.load(x + i), nmv);
      const e1 = expDiffF64x2(v128.load(x + i, 16), nmv);
      if (st) { v128.store(y + i, e0); v128.store(y + i, e1, 16); }
      const ta = f64x2.add(sa, e0), tb = f64x2.add(sb, e1);
      const ba = f64x2.sub(ta, sa), bb = f64x2.sub(tb, sb);
      ca = f64x2.add(ca, f64x2.add(f64x2.sub(sa, f64x2.sub(ta, ba)), f64x2.sub(e0, ba)));
      cb = f64x2.add(cb, f64x2.add(f64x2.sub(sb, f64x2.sub(tb, bb)), f64x2.sub(e1, bb)));
      sa = ta; sb = tb;
    }
    s0 = f64x2.extract_lane(sa, 0); s1 = f64x2.extract_lane(sa, 1);
    s2 = f64x2.extract_lane(sb, 0); s3 = f64x2.extract_lane(sb, 1);
    c0 = f64x2.extract_lane(ca, 0); c1 = f64x2.extract_lane(ca, 1);
    c2 = f64x2.extract_lane(cb, 0); c3 = f64x2.extract_lane(cb, 1);
  } else {
    for (; i < end4; i += 32) {
      const e0 = expDiffF64(load<f64>(x + i), nm);
      const e1 = expDiffF64(load<f64>(x + i, 8), nm);
      const e2 = expDiffF64(load<f64>(x + i, 16), nm);
      const e3 = expDiffF64(load<f64>(x + i, 24), nm);
      if (st) {
        store<f64>(y + i, e0); store<f64>(y + i, e1, 8);
        store<f64>(y + i, e2, 16); store<f64>(y + i, e3, 24);
      }
      const t0 = s0 + e0, t1 = s1 + e1, t2 = s2 + e2, t3 = s3 + e3;
      const b0 = t0 - s0, b1 = t1 - s1, b2 = t2 - s2, b3 = t3 - s3;
      c0 = c0 + ((s0 - (t0 - b0)) + (e0 - b0)); c1 = c1 + ((s1 - (t1 - b1)) + (e1 - b1));
      c2 = c2 + ((s2 - (t2 - b2)) + (e2 - b2)); c3 = c3 + ((s3 - (t3 - b3)) + (e3 - b3));
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
  }
  if (i < end) {
    const e = tailExpF64(load<f64>(x + i), nm);
    if (st) store<f64>(y + i, e);
    const t = s0 + e; const b = t - s0; c0 = c0 + ((s0 - (t - b)) + (e - b)); s0 = t;
    i += 8;
    if (i < end) {
      const e = tailExpF64(load<f64>(x + i), nm);
      if (st) store<f64>(y + i, e);
      const t = s1 + e; const b = t - s1; c1 = c1 + ((s1 - (t - b)) + (e - b)); s1 = t;
      i += 8;
      if (i < end) {
        const e = tailExpF64(load<f64>(x + i), nm);
        if (st) store<f64>(y + i, e);
        const t = s2 + e; const b = t - s2; c2 = c2 + ((s2 - (t - b)) + (e - b)); s2 = t;
      }
    }
  }
  combineSums(s0, c0, s1, c1, s2, c2, s3, c3);
}

function contigF64(x: usize, y: usize, n: i32, mode: i32): void {
  let src = x;
  let m: f64;
  if (mode == 2) { m = maxContigF64(x, y, n, true); src = y; } else m = maxContigF64(x, y, n, false);
  const end = <usize>n << 3;
  if (mode == 1) {
    sumExpContigF64(src, y, n, m, false);
    const lns = lnSumF64(SUM_HI, SUM_LO);
    let i: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const mv = f64x2.splat(m), lv = f64x2.splat(lns);
      for (; i + 16 <= end; i += 16) v128.store(y + i, f64x2.sub(f64x2.sub(v128.load(x + i), mv), lv));
    }
    for (; i < end; i += 8) store<f64>(y + i, (load<f64>(x + i) - m) - lns);
  } else {
    sumExpContigF64(src, y, n, m, true);
    const s = SUM_HI + SUM_LO;
    let i: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const sv = f64x2.splat(s);
      for (; i + 16 <= end; i += 16) v128.store(y + i, f64x2.div(v128.load(y + i), sv));
    }
    for (; i < end; i += 8) store<f64>(y + i, load<f64>(y + i) / s);
  }
}

// ---------------------------------------------------------------- f64, strided

@inline function ldF64(a: usize, one: bool): v128 {
  return one ? f64x2.splat(load<f64>(a)) : v128.load(a);
}
@inline function stF64(a: usize, v: v128, one: bool): void {
  if (one) store<f64>(a, f64x2.extract_lane(v, 0)); else v128.store(a, v);
}

// Slices j, j+1 (SIMD build), one compensated sum per slice, in k order.
@inline function blockF64(x: usize, y: usize, len: i32, stride: usize, mode: i32, one: bool): void {
  const end = <usize>len * stride;
  let src = x;
  let mv = f64x2.splat(-Infinity);
  if (mode == 2) {
    for (let o: usize = 0; o < end; o += stride) {
      const v = f64x2.neg(ldF64(x + o, one));
      stF64(y + o, v, one);
      mv = f64x2.pmax(mv, v);
    }
    src = y;
  } else {
    for (let o: usize = 0; o < end; o += stride) mv = f64x2.pmax(mv, ldF64(x + o, one));
  }
  mv = f64x2.add(mv, f64x2.splat(0));
  const nmv = f64x2.neg(mv);
  let s = f64x2.splat(0), c = s;
  const st = mode != 1;
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF64x2(ldF64(src + o, one), nmv);
    if (st) stF64(y + o, e, one);
    const t = f64x2.add(s, e);
    const b = f64x2.sub(t, s);
    c = f64x2.add(c, f64x2.add(f64x2.sub(s, f64x2.sub(t, b)), f64x2.sub(e, b)));
    s = t;
  }
  if (mode == 1) {
    let l0 = lnSumF64(f64x2.extract_lane(s, 0), f64x2.extract_lane(c, 0)), l1 = l0;
    if (!one) l1 = lnSumF64(f64x2.extract_lane(s, 1), f64x2.extract_lane(c, 1));
    const L = f64x2(l0, l1);
    for (let o: usize = 0; o < end; o += stride) {
      stF64(y + o, f64x2.sub(f64x2.sub(ldF64(x + o, one), mv), L), one);
    }
  } else {
    const sv = f64x2.add(s, c);
    for (let o: usize = 0; o < end; o += stride) stF64(y + o, f64x2.div(ldF64(y + o, one), sv), one);
  }
}

function sliceF64(x: usize, y: usize, len: i32, stride: usize, mode: i32): void {
  const end = <usize>len * stride;
  let src = x;
  let m: f64 = -Infinity;
  if (mode == 2) {
    for (let o: usize = 0; o < end; o += stride) {
      const v = -load<f64>(x + o);
      store<f64>(y + o, v);
      m = m < v ? v : m;
    }
    src = y;
  } else {
    for (let o: usize = 0; o < end; o += stride) { const v = load<f64>(x + o); m = m < v ? v : m; }
  }
  m = m + 0;
  const nm = -m;
  let s: f64 = 0, c: f64 = 0;
  const st = mode != 1;
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF64(load<f64>(src + o), nm);
    if (st) store<f64>(y + o, e);
    const t = s + e;
    const b = t - s;
    c = c + ((s - (t - b)) + (e - b));
    s = t;
  }
  if (mode == 1) {
    const lns = lnSumF64(s, c);
    for (let o: usize = 0; o < end; o += stride) store<f64>(y + o, (load<f64>(x + o) - m) - lns);
  } else {
    const sv = s + c;
    for (let o: usize = 0; o < end; o += stride) store<f64>(y + o, load<f64>(y + o) / sv);
  }
}

export function softmax_f64(x: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  const block = (<usize>len * <usize>inner) << 3;
  const stride = <usize>inner << 3;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * block, yo = y + <usize>o * block;
    if (inner == 1) {
      contigF64(xo, yo, len, mode);
    } else if (ASC_FEATURE_SIMD) {
      let j = 0;
      for (; j + 2 <= inner; j += 2) blockF64(xo + (<usize>j << 3), yo + (<usize>j << 3), len, stride, mode, false);
      for (; j < inner; j++) blockF64(xo + (<usize>j << 3), yo + (<usize>j << 3), len, stride, mode, true);
    } else {
      for (let j = 0; j < inner; j++) sliceF64(xo + (<usize>j << 3), yo + (<usize>j << 3), len, stride, mode);
    }
  }
}

// ================================================================ gradients
//
// ABI: softmax_grad_f32(x, dy, y, outer, len, inner, mode) and softmax_grad_f64(...),
// shape and mode as the forward; dy = 0 means all ones; y may equal x or dy.
// The vector-Jacobian product of each slice, with e_i = e^(x_i - m) and
// S = sum e_i computed exactly as the forward computes them (same max, same
// expDiff, same summation order), s_i = e_i / S (the forward's softmax
// before its final rounding: f32 e_i * (1/S) in f64, f64 e_i / S):
//   softmax (0):    y_i = s_i (dy_i - T)   T = P / S, P = sum dy_i e_i
//   logSoftmax (1): y_i = dy_i - s_i D     D = sum dy_i
//   softmin (2):    y_i = s_i (T - dy_i)   (= -s_i (dy_i - T), on -x)
// P and D are summed next to S in S's order: f32 in f64 (dy_i e_i of two
// f32 is exact in f64), f64 with the same compensation, where a sum whose
// leading part is infinite (an infinite dy) is taken as that part.
// dy omitted: P = S (what sum 1 * e_i gives, so T = 1 and the softmax
// gradient is exactly 0), D = len (exact): the bits of an explicit ones.
// Three passes per slice: 1. max, 2. S and P (or D), 3. e_i again and the
// result. Nothing is written before pass 3, which reads x_i and dy_i before
// it writes y_i, element by element (vector by vector): so y may be x or dy.
// Softmin negates x as it loads it (the forward stores -x in y first).
// f32: 1/S, T, s_i and the result in f64, rounded once at the store.
// Special values: NaN in x or dy, +Inf in x (softmin: -Inf) or a slice of
// -Inf make S, P or D NaN and so the whole slice; x_i = -Inf (s_i = 0) in a
// slice with a finite max gives 0 (softmax) or dy_i (logSoftmax).

let G_SH: f64 = 0;
let G_SL: f64 = 0;
let G_QH: f64 = 0;
let G_QL: f64 = 0;

// h + l, or h where h is not finite (l is then NaN from the compensation)
@inline function finSum(h: f64, l: f64): f64 {
  return h - h == 0 ? h + l : h;
}
@inline function finSumX2(h: v128, l: v128): v128 {
  return v128.bitselect(f64x2.add(h, l), h, f64x2.eq(f64x2.sub(h, h), f64x2.splat(0)));
}

// the result from s_i, dy_i and c (T for modes 0 and 2, D for mode 1), in f64
@inline function gOut(s: f64, d: f64, c: f64, mode: i32): f64 {
  return mode == 1 ? d - s * c : mode == 0 ? s * (d - c) : s * (c - d);
}
@inline function gOutX2(s: v128, d: v128, c: v128, mode: i32): v128 {
  return mode == 1 ? f64x2.sub(d, f64x2.mul(s, c)) : mode == 0 ? f64x2.mul(s, f64x2.sub(d, c)) : f64x2.mul(s, f64x2.sub(c, d));
}

// ---------------------------------------------------------------- f32 gradient, contiguous

// max of n f32 at x (neg: of -x), as maxContigF32 but storing nothing
@inline function gMaxContigF32(x: usize, n: i32, neg: bool): f32 {
  const end = <usize>n << 2;
  let m: f32 = -Infinity;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const sg = f32x4.splat(neg ? -0.0 : 0.0);
    let a0 = f32x4.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 64 <= end; i += 64) {
      a0 = f32x4.pmax(a0, v128.xor(v128.load(x + i), sg));
      a1 = f32x4.pmax(a1, v128.xor(v128.load(x + i, 16), sg));
      a2 = f32x4.pmax(a2, v128.xor(v128.load(x + i, 32), sg));
      a3 = f32x4.pmax(a3, v128.xor(v128.load(x + i, 48), sg));
    }
    for (; i + 16 <= end; i += 16) a0 = f32x4.pmax(a0, v128.xor(v128.load(x + i), sg));
    a0 = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
    const l0 = f32x4.extract_lane(a0, 0), l1 = f32x4.extract_lane(a0, 1);
    const l2 = f32x4.extract_lane(a0, 2), l3 = f32x4.extract_lane(a0, 3);
    m = m < l0 ? l0 : m; m = m < l1 ? l1 : m; m = m < l2 ? l2 : m; m = m < l3 ? l3 : m;
  }
  for (; i < end; i += 4) {
    let v = load<f32>(x + i);
    if (neg) v = -v;
    m = m < v ? v : m;
  }
  return m + <f32>0;
}

// One tail element: e -> partial p (S), dy e or dy -> partial q; returns e.
@inline function gTailF32(x: usize, i: usize, nm: f32, neg: bool): f32 {
  let v = load<f32>(x + i);
  if (neg) v = -v;
  return tailExpF32(v, nm);
}

// G_SH = S, G_QH = P (log: D), four partials (element i into i % 4), (p0 + p1) + (p2 + p3)
@inline function gSumContigF32(x: usize, dy: usize, n: i32, nm: f32, neg: bool, log: bool, hd: bool): void {
  const end = <usize>n << 2;
  const end4 = <usize>(n & ~3) << 2;
  let p0: f64 = 0, p1: f64 = 0, p2: f64 = 0, p3: f64 = 0;
  let q0: f64 = 0, q1: f64 = 0, q2: f64 = 0, q3: f64 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f32x4.splat(nm);
    const sg = f32x4.splat(neg ? -0.0 : 0.0);
    let a01 = f64x2.splat(0), a23 = a01, b01 = a01, b23 = a01;
    for (; i < end4; i += 16) {
      const e = expDiffF32x4(v128.xor(v128.load(x + i), sg), nmv);
      const e01 = f64x2.promote_low_f32x4(e), e23 = promoteHigh(e);
      a01 = f64x2.add(a01, e01); a23 = f64x2.add(a23, e23);
      if (hd) {
        const d = v128.load(dy + i);
        let d01 = f64x2.promote_low_f32x4(d), d23 = promoteHigh(d);
        if (!log) { d01 = f64x2.mul(d01, e01); d23 = f64x2.mul(d23, e23); }
        b01 = f64x2.add(b01, d01); b23 = f64x2.add(b23, d23);
      }
    }
    p0 = f64x2.extract_lane(a01, 0); p1 = f64x2.extract_lane(a01, 1);
    p2 = f64x2.extract_lane(a23, 0); p3 = f64x2.extract_lane(a23, 1);
    q0 = f64x2.extract_lane(b01, 0); q1 = f64x2.extract_lane(b01, 1);
    q2 = f64x2.extract_lane(b23, 0); q3 = f64x2.extract_lane(b23, 1);
  } else {
    for (; i < end4; i += 16) {
      let v0 = load<f32>(x + i), v1 = load<f32>(x + i, 4), v2 = load<f32>(x + i, 8), v3 = load<f32>(x + i, 12);
      if (neg) { v0 = -v0; v1 = -v1; v2 = -v2; v3 = -v3; }
      const e0 = <f64>expDiffF32(v0, nm), e1 = <f64>expDiffF32(v1, nm);
      const e2 = <f64>expDiffF32(v2, nm), e3 = <f64>expDiffF32(v3, nm);
      p0 += e0; p1 += e1; p2 += e2; p3 += e3;
      if (hd) {
        let d0 = <f64>load<f32>(dy + i), d1 = <f64>load<f32>(dy + i, 4);
        let d2 = <f64>load<f32>(dy + i, 8), d3 = <f64>load<f32>(dy + i, 12);
        if (!log) { d0 *= e0; d1 *= e1; d2 *= e2; d3 *= e3; }
        q0 += d0; q1 += d1; q2 += d2; q3 += d3;
      }
    }
  }
  if (i < end) {
    let e = <f64>gTailF32(x, i, nm, neg);
    p0 += e;
    if (hd) q0 += log ? <f64>load<f32>(dy + i) : <f64>load<f32>(dy + i) * e;
    i += 4;
    if (i < end) {
      e = <f64>gTailF32(x, i, nm, neg);
      p1 += e;
      if (hd) q1 += log ? <f64>load<f32>(dy + i) : <f64>load<f32>(dy + i) * e;
      i += 4;
      if (i < end) {
        e = <f64>gTailF32(x, i, nm, neg);
        p2 += e;
        if (hd) q2 += log ? <f64>load<f32>(dy + i) : <f64>load<f32>(dy + i) * e;
      }
    }
  }
  G_SH = (p0 + p1) + (p2 + p3);
  G_QH = hd ? (q0 + q1) + (q2 + q3) : log ? <f64>n : G_SH;
}

// pass 3: y_i from e_i (recomputed), dy_i, inv = 1/S and c (T or D)
@inline function gOutContigF32(x: usize, dy: usize, y: usize, n: i32, nm: f32, neg: bool, mode: i32, inv: f64, c: f64, hd: bool): void {
  const end = <usize>n << 2;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f32x4.splat(nm);
    const sg = f32x4.splat(neg ? -0.0 : 0.0);
    const iv = f64x2.splat(inv), cv = f64x2.splat(c), one = f64x2.splat(1);
    for (; i + 16 <= end; i += 16) {
      const e = expDiffF32x4(v128.xor(v128.load(x + i), sg), nmv);
      let d01 = one, d23 = one;
      if (hd) { const d = v128.load(dy + i); d01 = f64x2.promote_low_f32x4(d); d23 = promoteHigh(d); }
      const s01 = f64x2.mul(f64x2.promote_low_f32x4(e), iv), s23 = f64x2.mul(promoteHigh(e), iv);
      v128.store(y + i, demotePair(gOutX2(s01, d01, cv, mode), gOutX2(s23, d23, cv, mode)));
    }
  }
  for (; i < end; i += 4) {
    const e = <f64>gTailF32(x, i, nm, neg);
    const d: f64 = hd ? <f64>load<f32>(dy + i) : 1;
    store<f32>(y + i, <f32>gOut(e * inv, d, c, mode));
  }
}

@inline function gContigF32(x: usize, dy: usize, y: usize, n: i32, mode: i32, hd: bool): void {
  const neg = mode == 2, log = mode == 1;
  const m = gMaxContigF32(x, n, neg);
  const nm = -m;
  gSumContigF32(x, dy, n, nm, neg, log, hd);
  const inv = 1 / G_SH;
  gOutContigF32(x, dy, y, n, nm, neg, mode, inv, log ? G_QH : G_QH / G_SH, hd);
}

// ---------------------------------------------------------------- f32 gradient, strided

// Slices j..j+3 (SIMD build; `one`: a single slice splatted over the lanes), per-lane sums in k order.
@inline function gBlockF32(x: usize, dy: usize, y: usize, len: i32, stride: usize, mode: i32, one: bool, hd: bool): void {
  const end = <usize>len * stride;
  const sg = f32x4.splat(mode == 2 ? -0.0 : 0.0);
  let mv = f32x4.splat(-Infinity);
  for (let o: usize = 0; o < end; o += stride) mv = f32x4.pmax(mv, v128.xor(ldF32(x + o, one), sg));
  mv = f32x4.add(mv, f32x4.splat(0));
  const nmv = f32x4.neg(mv);
  let a01 = f64x2.splat(0), a23 = a01, b01 = a01, b23 = a01;
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF32x4(v128.xor(ldF32(x + o, one), sg), nmv);
    const e01 = f64x2.promote_low_f32x4(e), e23 = promoteHigh(e);
    a01 = f64x2.add(a01, e01); a23 = f64x2.add(a23, e23);
    if (hd) {
      const d = ldF32(dy + o, one);
      let d01 = f64x2.promote_low_f32x4(d), d23 = promoteHigh(d);
      if (mode != 1) { d01 = f64x2.mul(d01, e01); d23 = f64x2.mul(d23, e23); }
      b01 = f64x2.add(b01, d01); b23 = f64x2.add(b23, d23);
    }
  }
  if (!hd) {
    if (mode == 1) { b01 = f64x2.splat(<f64>len); b23 = b01; } else { b01 = a01; b23 = a23; }
  }
  const i01 = f64x2.div(f64x2.splat(1), a01), i23 = f64x2.div(f64x2.splat(1), a23);
  let c01 = b01, c23 = b23;
  if (mode != 1) { c01 = f64x2.div(b01, a01); c23 = f64x2.div(b23, a23); }
  const onev = f64x2.splat(1);
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF32x4(v128.xor(ldF32(x + o, one), sg), nmv);
    let d01 = onev, d23 = onev;
    if (hd) { const d = ldF32(dy + o, one); d01 = f64x2.promote_low_f32x4(d); d23 = promoteHigh(d); }
    const s01 = f64x2.mul(f64x2.promote_low_f32x4(e), i01), s23 = f64x2.mul(promoteHigh(e), i23);
    stF32(y + o, demotePair(gOutX2(s01, d01, c01, mode), gOutX2(s23, d23, c23, mode)), one);
  }
}

// One slice (scalar build).
@inline function gSliceF32(x: usize, dy: usize, y: usize, len: i32, stride: usize, mode: i32, hd: bool): void {
  const end = <usize>len * stride;
  const neg = mode == 2;
  let m: f32 = -Infinity;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f32>(x + o);
    if (neg) v = -v;
    m = m < v ? v : m;
  }
  m = m + <f32>0;
  const nm = -m;
  let s: f64 = 0, q: f64 = 0;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f32>(x + o);
    if (neg) v = -v;
    const e = <f64>expDiffF32(v, nm);
    s += e;
    if (hd) q += mode == 1 ? <f64>load<f32>(dy + o) : <f64>load<f32>(dy + o) * e;
  }
  if (!hd) q = mode == 1 ? <f64>len : s;
  const inv = 1 / s;
  const c = mode == 1 ? q : q / s;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f32>(x + o);
    if (neg) v = -v;
    const e = <f64>expDiffF32(v, nm);
    const d: f64 = hd ? <f64>load<f32>(dy + o) : 1;
    store<f32>(y + o, <f32>gOut(e * inv, d, c, mode));
  }
}

@inline function gOuterF32(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32, hd: bool): void {
  const block = (<usize>len * <usize>inner) << 2;
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const at = <usize>o * block;
    const xo = x + at, yo = y + at, dyo = hd ? dy + at : 0;
    if (inner == 1) {
      gContigF32(xo, dyo, yo, len, mode, hd);
    } else if (ASC_FEATURE_SIMD) {
      let j = 0;
      for (; j + 4 <= inner; j += 4) {
        const b = <usize>j << 2;
        gBlockF32(xo + b, dyo + b, yo + b, len, stride, mode, false, hd);
      }
      for (; j < inner; j++) {
        const b = <usize>j << 2;
        gBlockF32(xo + b, dyo + b, yo + b, len, stride, mode, true, hd);
      }
    } else {
      for (let j = 0; j < inner; j++) {
        const b = <usize>j << 2;
        gSliceF32(xo + b, dyo + b, yo + b, len, stride, mode, hd);
      }
    }
  }
}

function gOuterF32Dy(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  gOuterF32(x, dy, y, outer, len, inner, mode, true);
}
function gOuterF32Ones(x: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  gOuterF32(x, 0, y, outer, len, inner, mode, false);
}

export function softmax_grad_f32(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  if (dy != 0) gOuterF32Dy(x, dy, y, outer, len, inner, mode);
  else gOuterF32Ones(x, y, outer, len, inner, mode);
}

// ---------------------------------------------------------------- f64 gradient, contiguous

@inline function gMaxContigF64(x: usize, n: i32, neg: bool): f64 {
  const end = <usize>n << 3;
  let m: f64 = -Infinity;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const sg = f64x2.splat(neg ? -0.0 : 0.0);
    let a0 = f64x2.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 64 <= end; i += 64) {
      a0 = f64x2.pmax(a0, v128.xor(v128.load(x + i), sg));
      a1 = f64x2.pmax(a1, v128.xor(v128.load(x + i, 16), sg));
      a2 = f64x2.pmax(a2, v128.xor(v128.load(x + i, 32), sg));
      a3 = f64x2.pmax(a3, v128.xor(v128.load(x + i, 48), sg));
    }
    for (; i + 16 <= end; i += 16) a0 = f64x2.pmax(a0, v128.xor(v128.load(x + i), sg));
    a0 = f64x2.pmax(f64x2.pmax(a0, a1), f64x2.pmax(a2, a3));
    const l0 = f64x2.extract_lane(a0, 0), l1 = f64x2.extract_lane(a0, 1);
    m = m < l0 ? l0 : m; m = m < l1 ? l1 : m;
  }
  for (; i < end; i += 8) {
    let v = load<f64>(x + i);
    if (neg) v = -v;
    m = m < v ? v : m;
  }
  return m + 0;
}

@inline function gTailF64(x: usize, i: usize, nm: f64, neg: bool): f64 {
  let v = load<f64>(x + i);
  if (neg) v = -v;
  return tailExpF64(v, nm);
}
@inline function gTerm(dy: usize, i: usize, e: f64, log: bool): f64 {
  return log ? load<f64>(dy + i) : load<f64>(dy + i) * e;
}

// S (compensated, four partials i % 4, combined as the forward: G_SH + G_SL) and P or D (G_QH + G_QL)
@inline function gSumContigF64(x: usize, dy: usize, n: i32, nm: f64, neg: bool, log: bool, hd: bool): void {
  const end = <usize>n << 3;
  const end4 = <usize>(n & ~3) << 3;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let c0: f64 = 0, c1: f64 = 0, c2: f64 = 0, c3: f64 = 0;
  let u0: f64 = 0, u1: f64 = 0, u2: f64 = 0, u3: f64 = 0;
  let w0: f64 = 0, w1: f64 = 0, w2: f64 = 0, w3: f64 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f64x2.splat(nm);
    const sg = f64x2.splat(neg ? -0.0 : 0.0);
    let sa = f64x2.splat(0), sb = sa, ca = sa, cb = sa, ua = sa, ub = sa, wa = sa, wb = sa;
    for (; i < end4; i += 32) {
      const e0 = expDiffF64x2(v128.xor(v128.load(x + i), sg), nmv);
      const e1 = expDiffF64x2(v128.xor(v128.load(x + i, 16), sg), nmv);
      const ta = f64x2.add(sa, e0), tb = f64x2.add(sb, e1);
      const ba = f64x2.sub(ta, sa), bb = f64x2.sub(tb, sb);
      ca = f64x2.add(ca, f64x2.add(f64x2.sub(sa, f64x2.sub(ta, ba)), f64x2.sub(e0, ba)));
      cb = f64x2.add(cb, f64x2.add(f64x2.sub(sb, f64x2.sub(tb, bb)), f64x2.sub(e1, bb)));
      sa = ta; sb = tb;
      if (hd) {
        let q0 = v128.load(dy + i), q1 = v128.load(dy + i, 16);
        if (!log) { q0 = f64x2.mul(q0, e0); q1 = f64x2.mul(q1, e1); }
        const va = f64x2.add(ua, q0), vb = f64x2.add(ub, q1);
        const ga = f64x2.sub(va, ua), gb = f64x2.sub(vb, ub);
        wa = f64x2.add(wa, f64x2.add(f64x2.sub(ua, f64x2.sub(va, ga)), f64x2.sub(q0, ga)));
        wb = f64x2.add(wb, f64x2.add(f64x2.sub(ub, f64x2.sub(vb, gb)), f64x2.sub(q1, gb)));
        ua = va; ub = vb;
      }
    }
    s0 = f64x2.extract_lane(sa, 0); s1 = f64x2.extract_lane(sa, 1);
    s2 = f64x2.extract_lane(sb, 0); s3 = f64x2.extract_lane(sb, 1);
    c0 = f64x2.extract_lane(ca, 0); c1 = f64x2.extract_lane(ca, 1);
    c2 = f64x2.extract_lane(cb, 0); c3 = f64x2.extract_lane(cb, 1);
    u0 = f64x2.extract_lane(ua, 0); u1 = f64x2.extract_lane(ua, 1);
    u2 = f64x2.extract_lane(ub, 0); u3 = f64x2.extract_lane(ub, 1);
    w0 = f64x2.extract_lane(wa, 0); w1 = f64x2.extract_lane(wa, 1);
    w2 = f64x2.extract_lane(wb, 0); w3 = f64x2.extract_lane(wb, 1);
  } else {
    for (; i < end4; i += 32) {
      let v0 = load<f64>(x + i), v1 = load<f64>(x + i, 8), v2 = load<f64>(x + i, 16), v3 = load<f64>(x + i, 24);
      if (neg) { v0 = -v0; v1 = -v1; v2 = -v2; v3 = -v3; }
      const e0 = expDiffF64(v0, nm), e1 = expDiffF64(v1, nm), e2 = expDiffF64(v2, nm), e3 = expDiffF64(v3, nm);
      const t0 = s0 + e0, t1 = s1 + e1, t2 = s2 + e2, t3 = s3 + e3;
      const b0 = t0 - s0, b1 = t1 - s1, b2 = t2 - s2, b3 = t3 - s3;
      c0 = c0 + ((s0 - (t0 - b0)) + (e0 - b0)); c1 = c1 + ((s1 - (t1 - b1)) + (e1 - b1));
      c2 = c2 + ((s2 - (t2 - b2)) + (e2 - b2)); c3 = c3 + ((s3 - (t3 - b3)) + (e3 - b3));
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
      if (hd) {
        const q0 = gTerm(dy, i, e0, log), q1 = gTerm(dy, i + 8, e1, log);
        const q2 = gTerm(dy, i + 16, e2, log), q3 = gTerm(dy, i + 24, e3, log);
        const v0 = u0 + q0, v1 = u1 + q1, v2 = u2 + q2, v3 = u3 + q3;
        const g0 = v0 - u0, g1 = v1 - u1, g2 = v2 - u2, g3 = v3 - u3;
        w0 = w0 + ((u0 - (v0 - g0)) + (q0 - g0)); w1 = w1 + ((u1 - (v1 - g1)) + (q1 - g1));
        w2 = w2 + ((u2 - (v2 - g2)) + (q2 - g2)); w3 = w3 + ((u3 - (v3 - g3)) + (q3 - g3));
        u0 = v0; u1 = v1; u2 = v2; u3 = v3;
      }
    }
  }
  if (i < end) {
    let e = gTailF64(x, i, nm, neg);
    let t = s0 + e; let b = t - s0; c0 = c0 + ((s0 - (t - b)) + (e - b)); s0 = t;
    if (hd) { const q = gTerm(dy, i, e, log); const v = u0 + q; const g = v - u0; w0 = w0 + ((u0 - (v - g)) + (q - g)); u0 = v; }
    i += 8;
    if (i < end) {
      e = gTailF64(x, i, nm, neg);
      t = s1 + e; b = t - s1; c1 = c1 + ((s1 - (t - b)) + (e - b)); s1 = t;
      if (hd) { const q = gTerm(dy, i, e, log); const v = u1 + q; const g = v - u1; w1 = w1 + ((u1 - (v - g)) + (q - g)); u1 = v; }
      i += 8;
      if (i < end) {
        e = gTailF64(x, i, nm, neg);
        t = s2 + e; b = t - s2; c2 = c2 + ((s2 - (t - b)) + (e - b)); s2 = t;
        if (hd) { const q = gTerm(dy, i, e, log); const v = u2 + q; const g = v - u2; w2 = w2 + ((u2 - (v - g)) + (q - g)); u2 = v; }
      }
    }
  }
  combineSums(s0, c0, s1, c1, s2, c2, s3, c3);
  G_SH = SUM_HI; G_SL = SUM_LO;
  if (hd) {
    combineSums(u0, w0, u1, w1, u2, w2, u3, w3);
    G_QH = SUM_HI; G_QL = SUM_LO;
  } else if (log) {
    G_QH = <f64>n; G_QL = 0;
  } else {
    G_QH = G_SH; G_QL = G_SL;
  }
}

@inline function gOutContigF64(x: usize, dy: usize, y: usize, n: i32, nm: f64, neg: bool, mode: i32, sv: f64, c: f64, hd: bool): void {
  const end = <usize>n << 3;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const nmv = f64x2.splat(nm);
    const sg = f64x2.splat(neg ? -0.0 : 0.0);
    const svv = f64x2.splat(sv), cv = f64x2.splat(c);
    for (; i + 16 <= end; i += 16) {
      const e = expDiffF64x2(v128.xor(v128.load(x + i), sg), nmv);
      const d = hd ? v128.load(dy + i) : f64x2.splat(1);
      v128.store(y + i, gOutX2(f64x2.div(e, svv), d, cv, mode));
    }
  }
  for (; i < end; i += 8) {
    const e = gTailF64(x, i, nm, neg);
    const d: f64 = hd ? load<f64>(dy + i) : 1;
    store<f64>(y + i, gOut(e / sv, d, c, mode));
  }
}

@inline function gContigF64(x: usize, dy: usize, y: usize, n: i32, mode: i32, hd: bool): void {
  const neg = mode == 2, log = mode == 1;
  const m = gMaxContigF64(x, n, neg);
  const nm = -m;
  gSumContigF64(x, dy, n, nm, neg, log, hd);
  const sv = G_SH + G_SL;
  const q = finSum(G_QH, G_QL);
  gOutContigF64(x, dy, y, n, nm, neg, mode, sv, log ? q : q / sv, hd);
}

// ---------------------------------------------------------------- f64 gradient, strided

@inline function gBlockF64(x: usize, dy: usize, y: usize, len: i32, stride: usize, mode: i32, one: bool, hd: bool): void {
  const end = <usize>len * stride;
  const sg = f64x2.splat(mode == 2 ? -0.0 : 0.0);
  let mv = f64x2.splat(-Infinity);
  for (let o: usize = 0; o < end; o += stride) mv = f64x2.pmax(mv, v128.xor(ldF64(x + o, one), sg));
  mv = f64x2.add(mv, f64x2.splat(0));
  const nmv = f64x2.neg(mv);
  let s = f64x2.splat(0), c = s, u = s, w = s;
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF64x2(v128.xor(ldF64(x + o, one), sg), nmv);
    const t = f64x2.add(s, e);
    const b = f64x2.sub(t, s);
    c = f64x2.add(c, f64x2.add(f64x2.sub(s, f64x2.sub(t, b)), f64x2.sub(e, b)));
    s = t;
    if (hd) {
      let q = ldF64(dy + o, one);
      if (mode != 1) q = f64x2.mul(q, e);
      const v = f64x2.add(u, q);
      const g = f64x2.sub(v, u);
      w = f64x2.add(w, f64x2.add(f64x2.sub(u, f64x2.sub(v, g)), f64x2.sub(q, g)));
      u = v;
    }
  }
  if (!hd) {
    if (mode == 1) { u = f64x2.splat(<f64>len); w = f64x2.splat(0); } else { u = s; w = c; }
  }
  const sv = f64x2.add(s, c);
  let cv = finSumX2(u, w);
  if (mode != 1) cv = f64x2.div(cv, sv);
  const onev = f64x2.splat(1);
  for (let o: usize = 0; o < end; o += stride) {
    const e = expDiffF64x2(v128.xor(ldF64(x + o, one), sg), nmv);
    const d = hd ? ldF64(dy + o, one) : onev;
    stF64(y + o, gOutX2(f64x2.div(e, sv), d, cv, mode), one);
  }
}

@inline function gSliceF64(x: usize, dy: usize, y: usize, len: i32, stride: usize, mode: i32, hd: bool): void {
  const end = <usize>len * stride;
  const neg = mode == 2;
  let m: f64 = -Infinity;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f64>(x + o);
    if (neg) v = -v;
    m = m < v ? v : m;
  }
  m = m + 0;
  const nm = -m;
  let s: f64 = 0, c: f64 = 0, u: f64 = 0, w: f64 = 0;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f64>(x + o);
    if (neg) v = -v;
    const e = expDiffF64(v, nm);
    const t = s + e;
    const b = t - s;
    c = c + ((s - (t - b)) + (e - b));
    s = t;
    if (hd) {
      const q = gTerm(dy, o, e, mode == 1);
      const vv = u + q;
      const g = vv - u;
      w = w + ((u - (vv - g)) + (q - g));
      u = vv;
    }
  }
  if (!hd) {
    if (mode == 1) { u = <f64>len; w = 0; } else { u = s; w = c; }
  }
  const sv = s + c;
  let cv = finSum(u, w);
  if (mode != 1) cv = cv / sv;
  for (let o: usize = 0; o < end; o += stride) {
    let v = load<f64>(x + o);
    if (neg) v = -v;
    const e = expDiffF64(v, nm);
    const d: f64 = hd ? load<f64>(dy + o) : 1;
    store<f64>(y + o, gOut(e / sv, d, cv, mode));
  }
}

@inline function gOuterF64(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32, hd: bool): void {
  const block = (<usize>len * <usize>inner) << 3;
  const stride = <usize>inner << 3;
  for (let o = 0; o < outer; o++) {
    const at = <usize>o * block;
    const xo = x + at, yo = y + at, dyo = hd ? dy + at : 0;
    if (inner == 1) {
      gContigF64(xo, dyo, yo, len, mode, hd);
    } else if (ASC_FEATURE_SIMD) {
      let j = 0;
      for (; j + 2 <= inner; j += 2) {
        const b = <usize>j << 3;
        gBlockF64(xo + b, dyo + b, yo + b, len, stride, mode, false, hd);
      }
      for (; j < inner; j++) {
        const b = <usize>j << 3;
        gBlockF64(xo + b, dyo + b, yo + b, len, stride, mode, true, hd);
      }
    } else {
      for (let j = 0; j < inner; j++) {
        const b = <usize>j << 3;
        gSliceF64(xo + b, dyo + b, yo + b, len, stride, mode, hd);
      }
    }
  }
}

function gOuterF64Dy(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  gOuterF64(x, dy, y, outer, len, inner, mode, true);
}
function gOuterF64Ones(x: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  gOuterF64(x, 0, y, outer, len, inner, mode, false);
}

export function softmax_grad_f64(x: usize, dy: usize, y: usize, outer: i32, len: i32, inner: i32, mode: i32): void {
  if (outer <= 0 || len <= 0 || inner <= 0) return;
  if (dy != 0) gOuterF64Dy(x, dy, y, outer, len, inner, mode);
  else gOuterF64Ones(x, y, outer, len, inner, mode);
}
