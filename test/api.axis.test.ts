// softmax, logSoftmax and softmin over every axis of a 4-D shape against a
// plain reference, and prelu per channel over shapes and axes, on every backend.
import { beforeAll, describe, expect, it } from 'vitest';
import { axisRef64, axisRefDec, type AxisMode } from './reference.js';
import { withinBound, distance } from './ulp.js';
import { AXIS, BACKENDS, Ctor, DTYPES, fnOf, rng, round, wa, type DType } from './helpers.js';

const api: Record<string, unknown> = {};
beforeAll(async () => {
  for (const b of BACKENDS) api[b] = await wa.loadBackend(b);
});

const SHAPE = [3, 4, 5, 6];
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const strides = (s: number[]): number[] => s.map((_, i) => size(s.slice(i + 1)));

/** Indices of every slice along `axis` of `shape` (row-major). */
function slices(shape: number[], axis: number): number[][] {
  const st = strides(shape);
  const out: number[][] = [];
  const total = size(shape);
  for (let flat = 0; flat < total; flat++) {
    // A slice starts where the index along axis is 0.
    if (Math.floor(flat / st[axis]!) % shape[axis]! !== 0) continue;
    out.push(Array.from({ length: shape[axis]! }, (_, k) => flat + k * st[axis]!));
  }
  return out;
}

describe('softmax family over every axis of [3, 4, 5, 6]', () => {
  for (const def of AXIS) {
    for (const dtype of DTYPES) {
      for (let axis = -SHAPE.length; axis < SHAPE.length; axis++) {
        it(`${def.name} ${dtype} axis ${axis}`, () => {
          const r = rng(axis + 10);
          const x = Ctor(dtype).from({ length: size(SHAPE) }, () => (r() * 2 - 1) * 8);
          const a = axis < 0 ? axis + SHAPE.length : axis;
          const sl = slices(SHAPE, a);
          expect(sl.length * SHAPE[a]!).toBe(x.length);
          for (const b of BACKENDS) {
            const y = fnOf(api[b], def.name)(x, { shape: SHAPE, axis });
            for (const idx of sl) {
              const row = idx.map((i) => x[i]!);
              const want = dtype === 'f32' ? axisRef64(row, def.name as AxisMode) : axisRefDec(row, def.name as AxisMode);
              idx.forEach((i, k) => {
                if (!withinBound(dtype, y[i]!, want[k]!, def.accuracy)) {
                  expect.fail(`${b} ${def.name} axis ${axis}: y[${i}] = ${y[i]}, want ${String(want[k])} (${distance(dtype, y[i]!, want[k]!)} ULP)`);
                }
              });
            }
          }
        });
      }
    }
  }
});

describe('prelu per channel', () => {
  const cases: Array<[number[], number | undefined]> = [
    [[10], undefined], [[10], 0], [[2, 3], undefined], [[2, 3], 1], [[2, 3], 0], [[2, 3], -1],
    [[2, 3, 4], undefined], [[2, 3, 4], 2], [[2, 3, 4], 0], [[2, 3, 4, 5], 1], [[2, 3, 4, 5], 3], [[1, 5, 1, 1], 1],
    // channels last (inner = 1) with whole vectors of alphas per row, and across chunks (20,100 elements)
    [[37, 64], 1], [[300, 67], -1], [[2, 1000], 1],
  ];
  for (const dtype of DTYPES as DType[]) {
    for (const [shape, axis] of cases) {
      it(`${dtype} shape [${shape}] axis ${axis ?? 'default'}`, () => {
        const rank = shape.length;
        const a = axis === undefined ? (rank === 1 ? 0 : 1) : axis < 0 ? axis + rank : axis;
        const C = shape[a]!;
        const alpha = Array.from({ length: C }, (_, c) => (c % 2 === 0 ? 0.1 : -1.7) * (c + 1) + 0.013);
        const r = rng(rank * 31 + a);
        const x = Ctor(dtype).from({ length: size(shape) }, () => (r() * 2 - 1) * 5);
        x[0] = -0; if (x.length > 1) x[1] = -Infinity;
        const st = strides(shape);
        // Plain reference: x >= 0 ? x : alpha_c x with alpha_c rounded to the dtype, one rounding.
        const want = Array.from(x, (v, i) => {
          const c = Math.floor(i / st[a]!) % C;
          return v >= 0 ? v : round(dtype, round(dtype, alpha[c]!) * v);
        });
        for (const b of BACKENDS) {
          const y = fnOf(api[b], 'prelu')(x, axis === undefined ? { shape, alpha } : { shape, axis, alpha });
          for (let i = 0; i < x.length; i++) {
            if (!Object.is(y[i], want[i])) expect.fail(`${b} prelu [${shape}] axis ${axis}: y[${i}] = ${y[i]} for x = ${x[i]}, want ${want[i]}`);
          }
        }
      });
    }
  }
});
