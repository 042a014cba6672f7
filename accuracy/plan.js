// The shape of the sweep: unit sizes, how many units each phase has, the
// softmax batches and the special float64 points. Shared by the main script,
// the workers and the tests.

/** Float32 sweep: 2^32 inputs in units of 2^22 (1024 units), computed in calls of 2^18. */
export const F32_UNIT = 2 ** 22;
export const F32_SUB = 2 ** 18;
export const F32_UNITS = 2 ** 32 / F32_UNIT;

/** Float64: units of 2^20 seeded samples, 10 units = 10,485,760 per function; calls of 2^17. */
export const F64_UNIT = 2 ** 20;
export const F64_SUB = 2 ** 17;
export const F64_UNITS = 10;

/** Softmax family: 10 units per dtype of about 1.25M entries each (AXIS_BATCHES). */
export const AXIS_UNITS = 10;

export function unitSeed(phase, u) {
  let h = 2166136261;
  for (const c of `${phase}:${u}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

const LENGTHS = [1, 2, 3, 5, 8, 10, 16, 33, 100, 128, 1000, 1024, 4097, 10000, 65536, 262144];
const SPREADS = [1e-3, 0.1, 1, 5, 20, 100, 1e3, 1e5];
const CENTRES = [0, 3, -50, 1e3, -1e4];
const NEG_INF = [0, 0, 0, 0.05];

/** The batches of softmax unit u: one per row length, about 2^16 entries each (one row of 2^18). */
export function AXIS_BATCHES(u) {
  return LENGTHS.map((len, j) => {
    const k = u * LENGTHS.length + j;
    return {
      len,
      count: Math.max(1, Math.floor(65536 / len)),
      spread: SPREADS[k % SPREADS.length],
      centre: CENTRES[(k * 3 + 1) % CENTRES.length],
      negInf: len > 2 ? NEG_INF[(k * 7) % NEG_INF.length] : 0,
    };
  });
}

/**
 * Points every float64 run includes: zeros, infinities, NaN, kinks, the ends of the range, and points near
 * (not at: see test/accuracy-reference.test.ts) the zeros of the derivatives of silu, gelu, mish.
 */
export const SPECIAL_F64 = (() => {
  const v = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 3, -3, 6, -6, 20, -20, 0.1, -0.1, 2, -2,
    5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308,
    1e-300, -1e-300, 1e300, -1e300, 709.78, -709.78, 745, -745, 38, -38, -37.5, -37.7,
    -1.2784, -0.7518, -1.1924, -0.7528, 1e-8, -1e-8, 2 ** -30, -(2 ** -30)];
  for (let e = -1074; e <= 1023; e += 37) v.push(2 ** e, -(2 ** e));
  return Float64Array.from(v);
})();
