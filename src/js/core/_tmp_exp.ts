// TEMPORARY mirror of assembly/core/_tmp_exp.ts
const fr = Math.fround;
const SH32 = 12582912, SH64 = 6755399441055744;
const p2 = (e: number): number => { const b = new Float64Array(1); new BigInt64Array(b.buffer)[0] = BigInt(e + 1023) << 52n; return b[0]!; };
const POW2: number[] = []; for (let i = -1100; i < 1100; i++) POW2.push(i >= -1022 && i <= 1023 ? p2(i) : NaN);
const pw = (e: number): number => POW2[e + 1100]!;
export function expF32(x: number): number {
  x = x < -110 ? -110 : x; x = 88.5 < x ? 88.5 : x;
  const n = fr(fr(fr(x * fr(1.44269504)) + SH32) - SH32);
  const t = fr(fr(x - fr(n * 0.693359375)) - fr(n * fr(-2.12194440e-4)));
  let p = fr(1 / 720);
  p = fr(fr(p * t) + fr(1 / 120)); p = fr(fr(p * t) + fr(1 / 24)); p = fr(fr(p * t) + fr(1 / 6));
  p = fr(fr(p * t) + 0.5); p = fr(fr(p * t) + 1); p = fr(fr(p * t) + 1);
  const h = n >> 1;
  return fr(fr(p * pw(h)) * pw(n - h));
}
export function expF64(x: number): number {
  x = x < -800 ? -800 : x; x = 709.5 < x ? 709.5 : x;
  const n = (x * 1.4426950408889634 + SH64) - SH64;
  const t = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  let p = 1 / 479001600;
  p = p * t + 1 / 39916800; p = p * t + 1 / 3628800; p = p * t + 1 / 362880;
  p = p * t + 1 / 40320; p = p * t + 1 / 5040; p = p * t + 1 / 720; p = p * t + 1 / 120;
  p = p * t + 1 / 24; p = p * t + 1 / 6; p = p * t + 0.5; p = p * t + 1; p = p * t + 1;
  const h = Math.floor(n / 2);
  return p * pw(h) * pw(n - h);
}
export function log1pF64(u: number): number {
  const s = u / (2 + u); const z = s * s;
  let p = 1 / 23;
  p = p * z + 1 / 21; p = p * z + 1 / 19; p = p * z + 1 / 17; p = p * z + 1 / 15;
  p = p * z + 1 / 13; p = p * z + 1 / 11; p = p * z + 1 / 9; p = p * z + 1 / 7;
  p = p * z + 1 / 5; p = p * z + 1 / 3;
  return 2 * s + 2 * s * z * p;
}
