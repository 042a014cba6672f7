// Mirror of assembly/core/log.ts (see there for the algorithm).
import { log1pF64 } from './exp.js';

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const SQRT2 = 1.4142135623730951;

const f64buf = new Float64Array(1);
const u32buf = new Uint32Array(f64buf.buffer); // little-endian: [lo word, hi word]

export function lnSumF64(hi: number, lo: number): number {
  if (hi < 2) return log1pF64((hi - 1) + lo);
  if (!(hi < Infinity)) return hi + lo;
  f64buf[0] = hi;
  const w = u32buf[1]!;
  let k = (w >>> 20) - 1023;
  u32buf[1] = (w & 0x000fffff) | 0x3ff00000;
  let f = f64buf[0]!;
  if (f > SQRT2) { f = f * 0.5; k = k + 1; }
  u32buf[0] = 0;
  u32buf[1] = (1023 - k) << 20;
  const scale = f64buf[0]!;
  const u = (f - 1) + lo * scale;
  return k * LN2_HI + (log1pF64(u) + k * LN2_LO);
}
