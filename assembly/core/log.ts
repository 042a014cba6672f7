// Natural logarithm of a softmax sum, built on the shared log1p core.
//
// The sum s = hi + lo (lo: the compensation of a compensated sum, 0 for a
// plain one) is >= 1, because the maximal element contributes e^0 = 1
// exactly. For hi < 2, ln s = log1p((hi - 1) + lo): hi - 1 is exact
// (Sterbenz), so a sum that is 1 + tiny keeps its tiny part to full relative
// precision, which is what logSoftmax of the dominant element needs. For
// larger sums, s = 2^k f with f in [sqrt(1/2), sqrt(2)) and
// ln s = k ln2_hi + (log1p(f - 1 + lo 2^-k) + k ln2_lo); ln2_hi has 21 trailing
// zero bits, so k ln2_hi is exact for the k that occur here (k <= 31).
// Error: that of log1p plus half an ulp of the result, far below an f32 ulp
// and about 1 ulp in f64.
import { log1pF64 } from './exp';

const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
const SQRT2: f64 = 1.4142135623730951;

export function lnSumF64(hi: f64, lo: f64): f64 {
  if (hi < 2) return log1pF64((hi - 1) + lo);
  if (!(hi < Infinity)) return hi + lo; // NaN (a slice holding NaN or +Inf)
  const bits = reinterpret<u64>(hi);
  let k = <i32>(bits >> 52) - 1023;
  let f = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (f > SQRT2) { f = f * 0.5; k = k + 1; }
  const scale = reinterpret<f64>(<u64>(1023 - k) << 52); // 2^-k
  const u = (f - 1) + lo * scale;
  return <f64>k * LN2_HI + (log1pF64(u) + <f64>k * LN2_LO);
}
