// Mirror of assembly/core/dd.ts: exact rounding errors of f64 products and sums.
const SPLIT = 134217729.0;

export function productErrorF64(a: number, b: number, p: number): number {
  const ca = a * SPLIT;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = b * SPLIT;
  const bh = cb - (cb - b);
  const bl = b - bh;
  const err = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
  return err === err ? err : 0.0;
}

export function sumErrorF64(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}
