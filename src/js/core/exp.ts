// Mirror of assembly/core/exp.ts, operation for operation (see the comments
// there for the algorithm and its error bounds). f32 functions round every
// operation with Math.fround; f64 functions are plain JS arithmetic, which is
// IEEE binary64. Bit tricks become exact arithmetic: the shifted integer n is
// `shifted - SHIFT`, n >> 1 is an arithmetic shift, and 2^n comes from tables
// of exact powers of two built from their bits.
const fr = Math.fround;

/** 2^k for k in [-150, 150] as exact f32 values (index k + 150). */
const POW2_F32 = (() => {
  const bits = new Int32Array(301);
  for (let k = -126; k <= 127; k++) bits[k + 150] = (k + 127) << 23;
  return new Float32Array(bits.buffer);
})();
const pow2F32 = (k: number): number => POW2_F32[k + 150]!;

/** 2^k for k in [-1100, 1100] as exact f64 values (index k + 1100). */
const POW2_F64 = (() => {
  const words = new Int32Array(2 * 2201);
  for (let k = -1022; k <= 1023; k++) words[2 * (k + 1100) + 1] = (k + 1023) << 20;
  return new Float64Array(words.buffer);
})();
const pow2F64 = (k: number): number => POW2_F64[k + 1100]!;

// ---------------------------------------------------------------- f32 ----

const LOG2E_F32 = fr(1.44269502);
const SHIFT_F32 = 12582912.0;
const LN2_HI_F32 = 0.693145751953125;
const LN2_LO_F32 = fr(1.428606765330187e-6);
const EXP_MIN_F32 = -160.0;
const EXP_MAX_F32 = 89.0;
const E2_F32 = 0.5;
const E3_F32 = 0.166665181517601;
const E4_F32 = 0.04166620597243309;
const E5_F32 = 0.008368908427655697;
const E6_F32 = 0.001395052415318787;

function expm1ReducedF32(r: number): number {
  let q = fr(fr(E6_F32 * r) + E5_F32);
  q = fr(fr(q * r) + E4_F32);
  q = fr(fr(q * r) + E3_F32);
  q = fr(fr(q * r) + E2_F32);
  return fr(r + fr(fr(r * r) * q));
}

export function expF32(x: number): number {
  return expScaledF32(x, 0);
}

/** e^x * 2^k, see assembly/core/exp.ts. */
export function expScaledF32(x: number, k: number): number {
  x = x < EXP_MIN_F32 ? EXP_MIN_F32 : x;
  x = EXP_MAX_F32 < x ? EXP_MAX_F32 : x;
  const shifted = fr(fr(x * LOG2E_F32) + SHIFT_F32);
  const n = shifted - SHIFT_F32;
  const r = fr(fr(x - fr(n * LN2_HI_F32)) - fr(n * LN2_LO_F32));
  const p = fr(1 + expm1ReducedF32(r));
  if (Number.isNaN(p)) return NaN;
  const n1 = n >> 1;
  return fr(fr(p * pow2F32(n1)) * pow2F32(n - n1 + k));
}

const EXPM1_MIN_F32 = -40.0;

export function expm1F32(x: number): number {
  x = x < EXPM1_MIN_F32 ? EXPM1_MIN_F32 : x;
  x = EXP_MAX_F32 < x ? EXP_MAX_F32 : x;
  const shifted = fr(fr(x * LOG2E_F32) + SHIFT_F32);
  const n = shifted - SHIFT_F32;
  const r = fr(fr(x - fr(n * LN2_HI_F32)) - fr(n * LN2_LO_F32));
  const t = expm1ReducedF32(r);
  if (Number.isNaN(t)) return NaN;
  if (n > 24) {
    const n1 = n >> 1;
    return fr(fr(fr(fr(1 + t) * pow2F32(n1)) * pow2F32(n - n1)) - 1);
  }
  const scale = pow2F32(n);
  return fr(fr(t * scale) + fr(scale - 1));
}

const SQRT1_2_BITS = 0x3f3504f3;
const L1_F32 = fr(0.6666667);
const L2_F32 = fr(0.4);
const L3_F32 = fr(0.2857143);
const L4_F32 = fr(0.22222222);
const L5_F32 = fr(0.18181819);

const f32box = new Float32Array(1);
const i32box = new Int32Array(f32box.buffer);

export function log1pF32(u: number): number {
  const w = fr(1 + u);
  if (!(w < Infinity && w > 0)) return w > 0 ? w : w === 0 ? -Infinity : NaN;
  const c = fr(fr(u - fr(w - 1)) / w);
  f32box[0] = w;
  const ix = (i32box[0]! + (0x3f800000 - SQRT1_2_BITS)) | 0;
  const k = (ix >> 23) - 127;
  i32box[0] = (ix & 0x007fffff) + SQRT1_2_BITS;
  const f = fr(f32box[0]! - 1);
  const s = fr(f / fr(2 + f));
  const z = fr(s * s);
  let R = fr(fr(L5_F32 * z) + L4_F32);
  R = fr(fr(R * z) + L3_F32);
  R = fr(fr(R * z) + L2_F32);
  R = fr(fr(R * z) + L1_F32);
  R = fr(R * z);
  const hfsq = fr(fr(0.5 * f) * f);
  const low = fr(fr(s * fr(hfsq + R)) + fr(fr(k * LN2_LO_F32) + c));
  return fr(fr(k * LN2_HI_F32) + fr(f - fr(hfsq - low)));
}

// ---------------------------------------------------------------- f64 ----

const LOG2E_F64 = 1.4426950408889634;
const SHIFT_F64 = 6755399441055744.0;
const LN2_HI_F64 = 6.93147180369123816490e-01;
const LN2_LO_F64 = 1.90821492927058770002e-10;
const EXP_MIN_F64 = -840.0;
const EXP_MAX_F64 = 710.0;
const E2 = 0.5;
const E3 = 1.0 / 6.0;
const E4 = 1.0 / 24.0;
const E5 = 1.0 / 120.0;
const E6 = 1.0 / 720.0;
const E7 = 1.0 / 5040.0;
const E8 = 1.0 / 40320.0;
const E9 = 1.0 / 362880.0;
const E10 = 1.0 / 3628800.0;
const E11 = 1.0 / 39916800.0;
const E12 = 1.0 / 479001600.0;
const E13 = 1.0 / 6227020800.0;

function expm1ReducedF64(r: number): number {
  let q = E13 * r + E12;
  q = q * r + E11;
  q = q * r + E10;
  q = q * r + E9;
  q = q * r + E8;
  q = q * r + E7;
  q = q * r + E6;
  q = q * r + E5;
  q = q * r + E4;
  q = q * r + E3;
  q = q * r + E2;
  return r + (r * r) * q;
}

export function expF64(x: number): number {
  return expScaledF64(x, 0);
}

/** e^x * 2^k, see assembly/core/exp.ts. */
export function expScaledF64(x: number, k: number): number {
  x = x < EXP_MIN_F64 ? EXP_MIN_F64 : x;
  x = EXP_MAX_F64 < x ? EXP_MAX_F64 : x;
  const shifted = x * LOG2E_F64 + SHIFT_F64;
  const n = shifted - SHIFT_F64;
  const r = (x - n * LN2_HI_F64) - n * LN2_LO_F64;
  const p = 1.0 + expm1ReducedF64(r);
  if (Number.isNaN(p)) return NaN;
  const n1 = Math.floor(n / 2);
  return (p * pow2F64(n1)) * pow2F64(n - n1 + k);
}

const EXPM1_MIN_F64 = -45.0;

export function expm1F64(x: number): number {
  x = x < EXPM1_MIN_F64 ? EXPM1_MIN_F64 : x;
  x = EXP_MAX_F64 < x ? EXP_MAX_F64 : x;
  const shifted = x * LOG2E_F64 + SHIFT_F64;
  const n = shifted - SHIFT_F64;
  const r = (x - n * LN2_HI_F64) - n * LN2_LO_F64;
  const t = expm1ReducedF64(r);
  if (Number.isNaN(t)) return NaN;
  if (n > 53) {
    const n1 = Math.floor(n / 2);
    return ((1.0 + t) * pow2F64(n1)) * pow2F64(n - n1) - 1.0;
  }
  const scale = pow2F64(n);
  return t * scale + (scale - 1.0);
}

const SQRT1_2_HI = 0x3fe6a09e;
const L1 = 2.0 / 3.0;
const L2 = 2.0 / 5.0;
const L3 = 2.0 / 7.0;
const L4 = 2.0 / 9.0;
const L5 = 2.0 / 11.0;
const L6 = 2.0 / 13.0;
const L7 = 2.0 / 15.0;
const L8 = 2.0 / 17.0;
const L9 = 2.0 / 19.0;
const L10 = 2.0 / 21.0;

const f64box = new Float64Array(1);
const words = new Int32Array(f64box.buffer);

export function log1pF64(u: number): number {
  const w = 1.0 + u;
  if (!(w < Infinity && w > 0)) return w > 0 ? w : w === 0 ? -Infinity : NaN;
  const c = (u - (w - 1.0)) / w;
  f64box[0] = w;
  // High word shifted so the exponent counts from sqrt(2)/2 (little-endian: word 1 is high).
  const hi = (words[1]! + (0x3ff00000 - SQRT1_2_HI)) | 0;
  const k = (hi >> 20) - 1023;
  words[1] = (hi & 0x000fffff) + SQRT1_2_HI;
  const f = f64box[0]! - 1.0;
  const s = f / (2.0 + f);
  const z = s * s;
  let R = L10 * z + L9;
  R = R * z + L8;
  R = R * z + L7;
  R = R * z + L6;
  R = R * z + L5;
  R = R * z + L4;
  R = R * z + L3;
  R = R * z + L2;
  R = R * z + L1;
  R = R * z;
  const hfsq = (0.5 * f) * f;
  const low = s * (hfsq + R) + (k * LN2_LO_F64 + c);
  return k * LN2_HI_F64 + (f - (hfsq - low));
}
