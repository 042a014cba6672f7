// Double-double arithmetic for the accuracy reference (accuracy/reference.ts).
//
// A double-double (dd) is an unevaluated sum hi + lo of two float64 with
// |lo| <= ulp(hi)/2: about 106 significant bits. Functions return hi and leave
// lo in the global LO (AssemblyScript has no tuples); read LO right after the
// call, before anything else can overwrite it.
//
// The algorithms are the textbook error-free transforms (Knuth's TwoSum,
// Dekker's split and product) and the QD library's dd add / mul / div
// (Hida, Li & Bailey 2001). Nothing here comes from assembly/ (the library
// under test); its own dd helpers are neither imported nor copied.

/** The low part of the last dd result. */
export let LO: f64 = 0;

// @ts-ignore: decorator
@inline export function twoSum(a: f64, b: f64): f64 {
  const s = a + b;
  const bb = s - a;
  LO = (a - (s - bb)) + (b - bb);
  return s;
}

/** TwoSum when |a| >= |b| (or a == 0). */
// @ts-ignore: decorator
@inline export function quickTwoSum(a: f64, b: f64): f64 {
  const s = a + b;
  LO = b - (s - a);
  return s;
}

/** a * b exactly as hi + lo (Dekker; |a|, |b| < 2^995 and the product not in the subnormal range). */
export function twoProd(a: f64, b: f64): f64 {
  const p = a * b;
  const t1 = 134217729.0 * a;
  const ah = t1 - (t1 - a);
  const al = a - ah;
  const t2 = 134217729.0 * b;
  const bh = t2 - (t2 - b);
  const bl = b - bh;
  LO = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

export function ddAdd(ah: f64, al: f64, bh: f64, bl: f64): f64 {
  let s = twoSum(ah, bh);
  let e = LO;
  const t = twoSum(al, bl);
  const f = LO;
  e += t;
  s = quickTwoSum(s, e);
  e = LO + f;
  return quickTwoSum(s, e);
}

export function ddAddD(ah: f64, al: f64, b: f64): f64 {
  const s = twoSum(ah, b);
  const e = LO + al;
  return quickTwoSum(s, e);
}

export function ddMul(ah: f64, al: f64, bh: f64, bl: f64): f64 {
  const p = twoProd(ah, bh);
  const e = LO + (ah * bl + al * bh);
  return quickTwoSum(p, e);
}

export function ddMulD(ah: f64, al: f64, b: f64): f64 {
  const p = twoProd(ah, b);
  const e = LO + al * b;
  return quickTwoSum(p, e);
}

export function ddSqr(ah: f64, al: f64): f64 {
  const p = twoProd(ah, ah);
  const e = LO + 2 * ah * al;
  return quickTwoSum(p, e);
}

export function ddDiv(ah: f64, al: f64, bh: f64, bl: f64): f64 {
  const q1 = ah / bh;
  let ph = ddMulD(bh, bl, q1);
  let pl = LO;
  let rh = ddAdd(ah, al, -ph, -pl);
  let rl = LO;
  const q2 = rh / bh;
  ph = ddMulD(bh, bl, q2);
  pl = LO;
  rh = ddAdd(rh, rl, -ph, -pl);
  rl = LO;
  const q3 = rh / bh;
  const h = quickTwoSum(q1, q2);
  const l = LO;
  return ddAddD(h, l, q3);
}

export function ddDivD(ah: f64, al: f64, b: f64): f64 {
  return ddDiv(ah, al, b, 0);
}

/** 1 / (bh + bl). */
export function ddRecip(bh: f64, bl: f64): f64 {
  return ddDiv(1, 0, bh, bl);
}

export function ddSqrt(ah: f64, al: f64): f64 {
  if (ah <= 0) {
    LO = 0;
    return 0;
  }
  const s = Math.sqrt(ah);
  const sh = twoProd(s, s);
  const sl = LO;
  const rh = ddAdd(ah, al, -sh, -sl);
  return quickTwoSum(s, rh / (2 * s));
}

/** 2^e as a float64, for e in [-1022, 1023]. */
// @ts-ignore: decorator
@inline export function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(e + 1023) << 52);
}

/** v * 2^e for any e, through steps that stay in range (exact unless the result under- or overflows). */
export function scaleBy(v: f64, e: i32): f64 {
  while (e > 1000) {
    v *= pow2(1000);
    e -= 1000;
  }
  while (e < -1000) {
    v *= pow2(-1000);
    e += 1000;
  }
  return v * pow2(e);
}
