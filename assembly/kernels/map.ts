// Loop drivers for elementwise kernels.
//
// Every elementwise activation is written once as an operator class with two
// @inline methods: `vec` on a v128 (f32x4 or f64x2 lanes) and `one` on a
// scalar. The SIMD build runs `vec` everywhere, tails included (a tail element
// is splatted, run through `vec` and extracted), so a tail can never differ
// from the body; the scalar build runs `one`. `one` must therefore be the same
// algorithm as `vec`, operation for operation, and the JS fallback in src/js
// mirrors `one` the same way.
//
// Kernel ABI: (x, y, n, a, b) where x and y are byte addresses of n elements
// in linear memory (16-byte aligned by the wrapper; y may equal x), and a, b
// are the function's numeric parameters, already rounded to the element type
// by the wrapper, so `<f32>a` is exact.

export interface OpF32 {
  vec(x: v128, a: v128, b: v128): v128;
  one(x: f32, a: f32, b: f32): f32;
}

export interface OpF64 {
  vec(x: v128, a: v128, b: v128): v128;
  one(x: f64, a: f64, b: f64): f64;
}

// Four vectors per iteration: measured here to help the exp-based loops
// (more independent work to hide latency); eight hurt (register spills).
@inline export function mapF32<Op extends OpF32>(x: usize, y: usize, n: i32, a: f64, b: f64): void {
  const op = changetype<Op>(0);
  const af = <f32>a, bf = <f32>b;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(af), bv = f32x4.splat(bf);
    const end = <usize>n << 2;
    let i: usize = 0;
    for (; i + 64 <= end; i += 64) {
      const v0 = op.vec(v128.load(x + i), av, bv);
      const v1 = op.vec(v128.load(x + i, 16), av, bv);
      const v2 = op.vec(v128.load(x + i, 32), av, bv);
      const v3 = op.vec(v128.load(x + i, 48), av, bv);
      v128.store(y + i, v0);
      v128.store(y + i, v1, 16);
      v128.store(y + i, v2, 32);
      v128.store(y + i, v3, 48);
    }
    for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), av, bv));
    for (; i < end; i += 4) {
      store<f32>(y + i, f32x4.extract_lane(op.vec(f32x4.splat(load<f32>(x + i)), av, bv), 0));
    }
  } else {
    const end = <usize>n << 2;
    for (let i: usize = 0; i < end; i += 4) store<f32>(y + i, op.one(load<f32>(x + i), af, bf));
  }
}

@inline export function mapF64<Op extends OpF64>(x: usize, y: usize, n: i32, a: f64, b: f64): void {
  const op = changetype<Op>(0);
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(a), bv = f64x2.splat(b);
    const end = <usize>n << 3;
    let i: usize = 0;
    for (; i + 64 <= end; i += 64) {
      const v0 = op.vec(v128.load(x + i), av, bv);
      const v1 = op.vec(v128.load(x + i, 16), av, bv);
      const v2 = op.vec(v128.load(x + i, 32), av, bv);
      const v3 = op.vec(v128.load(x + i, 48), av, bv);
      v128.store(y + i, v0);
      v128.store(y + i, v1, 16);
      v128.store(y + i, v2, 32);
      v128.store(y + i, v3, 48);
    }
    for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), av, bv));
    for (; i < end; i += 8) {
      store<f64>(y + i, f64x2.extract_lane(op.vec(f64x2.splat(load<f64>(x + i)), av, bv), 0));
    }
  } else {
    const end = <usize>n << 3;
    for (let i: usize = 0; i < end; i += 8) store<f64>(y + i, op.one(load<f64>(x + i), a, b));
  }
}

// ------------------------------------------------------------ gradients ----
// A gradient kernel computes out[i] = dy[i] * f'(x[i]) in one pass that reads
// x and dy once. Its operator class has the same two methods as a forward one
// with dy added: `vec(x, dy, a, b)` and `one(x, dy, a, b)`, each ending in the
// product with dy (so that dy = 1 gives f'(x) with the same bits).
//
// Kernel ABI: (x, dy, y, n, a, b); dy = 0 means "dy is all ones" (the wrapper
// passes 0 when the caller gives no dy, which saves reading a buffer of ones).
// y may equal x or dy.

export interface GradOpF32 {
  vec(x: v128, dy: v128, a: v128, b: v128): v128;
  one(x: f32, dy: f32, a: f32, b: f32): f32;
}

export interface GradOpF64 {
  vec(x: v128, dy: v128, a: v128, b: v128): v128;
  one(x: f64, dy: f64, a: f64, b: f64): f64;
}

@inline export function mapGradF32<Op extends GradOpF32>(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void {
  const op = changetype<Op>(0);
  const af = <f32>a, bf = <f32>b;
  const end = <usize>n << 2;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(af), bv = f32x4.splat(bf);
    let i: usize = 0;
    if (dy == 0) {
      const ones = f32x4.splat(1);
      for (; i + 32 <= end; i += 32) {
        const v0 = op.vec(v128.load(x + i), ones, av, bv);
        const v1 = op.vec(v128.load(x + i, 16), ones, av, bv);
        v128.store(y + i, v0);
        v128.store(y + i, v1, 16);
      }
      for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), ones, av, bv));
      for (; i < end; i += 4) {
        store<f32>(y + i, f32x4.extract_lane(op.vec(f32x4.splat(load<f32>(x + i)), ones, av, bv), 0));
      }
    } else {
      for (; i + 32 <= end; i += 32) {
        const v0 = op.vec(v128.load(x + i), v128.load(dy + i), av, bv);
        const v1 = op.vec(v128.load(x + i, 16), v128.load(dy + i, 16), av, bv);
        v128.store(y + i, v0);
        v128.store(y + i, v1, 16);
      }
      for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), v128.load(dy + i), av, bv));
      for (; i < end; i += 4) {
        const v = op.vec(f32x4.splat(load<f32>(x + i)), f32x4.splat(load<f32>(dy + i)), av, bv);
        store<f32>(y + i, f32x4.extract_lane(v, 0));
      }
    }
  } else {
    if (dy == 0) {
      for (let i: usize = 0; i < end; i += 4) store<f32>(y + i, op.one(load<f32>(x + i), 1, af, bf));
    } else {
      for (let i: usize = 0; i < end; i += 4) store<f32>(y + i, op.one(load<f32>(x + i), load<f32>(dy + i), af, bf));
    }
  }
}

@inline export function mapGradF64<Op extends GradOpF64>(x: usize, dy: usize, y: usize, n: i32, a: f64, b: f64): void {
  const op = changetype<Op>(0);
  const end = <usize>n << 3;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(a), bv = f64x2.splat(b);
    let i: usize = 0;
    if (dy == 0) {
      const ones = f64x2.splat(1);
      for (; i + 32 <= end; i += 32) {
        const v0 = op.vec(v128.load(x + i), ones, av, bv);
        const v1 = op.vec(v128.load(x + i, 16), ones, av, bv);
        v128.store(y + i, v0);
        v128.store(y + i, v1, 16);
      }
      for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), ones, av, bv));
      for (; i < end; i += 8) {
        store<f64>(y + i, f64x2.extract_lane(op.vec(f64x2.splat(load<f64>(x + i)), ones, av, bv), 0));
      }
    } else {
      for (; i + 32 <= end; i += 32) {
        const v0 = op.vec(v128.load(x + i), v128.load(dy + i), av, bv);
        const v1 = op.vec(v128.load(x + i, 16), v128.load(dy + i, 16), av, bv);
        v128.store(y + i, v0);
        v128.store(y + i, v1, 16);
      }
      for (; i + 16 <= end; i += 16) v128.store(y + i, op.vec(v128.load(x + i), v128.load(dy + i), av, bv));
      for (; i < end; i += 8) {
        const v = op.vec(f64x2.splat(load<f64>(x + i)), f64x2.splat(load<f64>(dy + i)), av, bv);
        store<f64>(y + i, f64x2.extract_lane(v, 0));
      }
    }
  } else {
    if (dy == 0) {
      for (let i: usize = 0; i < end; i += 8) store<f64>(y + i, op.one(load<f64>(x + i), 1, a, b));
    } else {
      for (let i: usize = 0; i < end; i += 8) store<f64>(y + i, op.one(load<f64>(x + i), load<f64>(dy + i), a, b));
    }
  }
}
