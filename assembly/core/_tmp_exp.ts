// TEMPORARY stand-in for the shared exp core (branch h-exp). Same names.
@inline export function expF32(x: f32): f32 {
  x = x < <f32>-110 ? <f32>-110 : x;
  x = <f32>88.5 < x ? <f32>88.5 : x;
  const n = nearest<f32>(x * <f32>1.44269504);
  const t = (x - n * <f32>0.693359375) - n * <f32>-2.12194440e-4;
  let p: f32 = <f32>(1.0 / 720);
  p = p * t + <f32>(1.0 / 120); p = p * t + <f32>(1.0 / 24); p = p * t + <f32>(1.0 / 6);
  p = p * t + <f32>0.5; p = p * t + <f32>1; p = p * t + <f32>1;
  const ni = <i32>n; const h = ni >> 1;
  return p * reinterpret<f32>((h + 127) << 23) * reinterpret<f32>((ni - h + 127) << 23);
}
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.pmax(x, f32x4.splat(-110));
  x = f32x4.pmin(x, f32x4.splat(88.5));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  const t = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(<f32>(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>(1.0 / 120)));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>(1.0 / 24)));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(<f32>(1.0 / 6)));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n); const h = i32x4.shr_s(ni, 1);
  const a = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
  const b = i32x4.shl(i32x4.add(i32x4.sub(ni, h), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, a), b);
}
@inline export function expF64(x: f64): f64 {
  x = x < -800 ? -800 : x;
  x = 709.5 < x ? 709.5 : x;
  const n = nearest<f64>(x * 1.4426950408889634);
  const t = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  let p: f64 = 1.0 / 479001600;
  p = p * t + 1.0 / 39916800; p = p * t + 1.0 / 3628800; p = p * t + 1.0 / 362880;
  p = p * t + 1.0 / 40320; p = p * t + 1.0 / 5040; p = p * t + 1.0 / 720; p = p * t + 1.0 / 120;
  p = p * t + 1.0 / 24; p = p * t + 1.0 / 6; p = p * t + 0.5; p = p * t + 1; p = p * t + 1;
  const ni = <i64>n; const h = ni >> 1;
  return p * reinterpret<f64>((h + 1023) << 52) * reinterpret<f64>((ni - h + 1023) << 52);
}
@inline export function expF64x2(x: v128): v128 {
  return f64x2(expF64(f64x2.extract_lane(x, 0)), expF64(f64x2.extract_lane(x, 1)));
}
// log1p for u >= 0 (temporary): 2 atanh(u / (2 + u)) after range reduction is the caller's job.
@inline export function log1pF64(u: f64): f64 {
  const s = u / (2 + u); const z = s * s;
  let p: f64 = 1.0 / 23;
  p = p * z + 1.0 / 21; p = p * z + 1.0 / 19; p = p * z + 1.0 / 17; p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13; p = p * z + 1.0 / 11; p = p * z + 1.0 / 9; p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5; p = p * z + 1.0 / 3;
  return 2 * s + 2 * s * z * p;
}
