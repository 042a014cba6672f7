// The TensorFlow.js plug-in (wasm-activations/tfjs), op by op: with our kernels registered,
// every activation op of the cpu backend gives what TensorFlow.js's own cpu kernel gives.
// The reference is the original kernel itself (an independent float64 evaluation in JS):
// bit for bit where both are exact (relu, relu6, leakyRelu, prelu, step), within our ULP
// bounds where the function is transcendental, with the cancellation of tfjs's
// exp(x) - 1 near 0 (elu, selu) allowed for as an absolute error. Also: the fused matMul
// and conv kernels' activation epilogue, the fallbacks (other dtypes, other broadcasts),
// registration and unregistration, and bad calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; @tensorflow/tfjs and tfjs-layers do (as a side effect of the import).
import '@tensorflow/tfjs-layers';
import { loadBackend, type Backend } from '../dist/index.js';
import { registerTfjsKernels, TFJS_KERNELS, type TfjsKernelsHandle, type TfjsLike } from '../dist/tfjs/index.js';
import { ord32 } from './ulp.js';

const tfl = tf as unknown as TfjsLike;
let ours: Backend;

beforeAll(async () => {
  tf.env().set('PROD', true);
  const warn = console.warn;
  console.warn = () => {}; // the cpu backend's banner about tfjs-node
  try {
    await tf.setBackend('cpu');
    tf.add(1, 1).dataSync();
  } finally {
    console.warn = warn;
  }
  ours = await loadBackend('wasm-simd');
});
afterAll(() => ours?.release());

/** Runs f with our kernels registered (all, or some), then restores tfjs's. */
async function withPlugin<T>(f: (h: TfjsKernelsHandle) => T, options?: Parameters<typeof registerTfjsKernels>[1]): Promise<T> {
  const h = await registerTfjsKernels(tfl, options);
  try {
    return f(h);
  } finally {
    h.unregister();
  }
}

/** Float32 test inputs: special values, thresholds of the functions, every exponent (random bits), and a dense [-20, 20]. */
function inputs(): Float32Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126), 3.4028234663852886e38, -3.4028234663852886e38,
    1, -1, 6, 6.000000476837158, 5.999999523162842, 13.942385152878742, -13.942385152878742, 13.94238567352295, -13.94238567352295, 13.942384719848633, -13.942384719848633,
    20, -20, 88.7, -88.7, 89, -104, -1e-10, 1e-10, -1e-20, -1e-30, 0.5, -0.5];
  const n = 1 << 17;
  const x = new Float32Array(n);
  x.set(special.map(Math.fround));
  let s = 0x2545f491;
  const bits = new Uint32Array(x.buffer);
  for (let i = special.length; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    if (i % 2) bits[i] = s;
    else x[i] = Math.fround((s / 4294967296) * 40 - 20);
  }
  return x;
}
const X = inputs();

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function firstDifference(got: ArrayLike<number>, want: ArrayLike<number>, ok: (g: number, w: number, i: number) => boolean, x: ArrayLike<number> = X): string | null {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!ok(got[i]!, want[i]!, i)) return `[${i}] x = ${x[i] ?? '?'}: got ${Object.is(got[i], -0) ? '-0' : got[i]}, tfjs ${Object.is(want[i], -0) ? '-0' : want[i]}`;
  }
  return null;
}

const ulpDistance = (a: number, b: number) => (same(a, b) ? 0 : Number.isNaN(a) || Number.isNaN(b) ? Infinity : Math.abs(ord32(a) - ord32(b)));

/** Result of an op with tfjs's kernels, then with ours. */
async function both(op: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  const run = () => tf.tidy(() => op().dataSync() as Float32Array).slice();
  const want = run();
  const got = await withPlugin(run);
  return [got, want];
}

describe('tfjs plug-in: elementwise ops match the cpu kernels', () => {
  const exact: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
    ['relu', (x) => tf.relu(x)],
    ['relu6', (x) => tf.relu6(x)],
    ['leakyRelu (default alpha 0.2)', (x) => tf.leakyRelu(x)],
    ['leakyRelu alpha 0.25', (x) => tf.leakyRelu(x, 0.25)],
    ['leakyRelu alpha 0.1 (not a float32)', (x) => tf.leakyRelu(x, 0.1)],
    ['leakyRelu alpha -3.7', (x) => tf.leakyRelu(x, -3.7)],
    ['prelu scalar alpha 0.2', (x) => tf.prelu(x, tf.scalar(0.2))],
    ['step (alpha 0)', (x) => tf.step(x)],
    ['step alpha 0.3', (x) => tf.step(x, 0.3)],
    ['step alpha -0', (x) => tf.step(x, -0)],
    ['step alpha -Infinity', (x) => tf.step(x, -Infinity)],
  ];
  for (const [name, op] of exact) {
    it(`${name}: the same bits`, async () => {
      const [got, want] = await both(() => op(tf.tensor1d(X)));
      expect(firstDifference(got, want, same)).toBeNull();
    });
  }

  it('prelu per channel, on the last axis, on a middle block (NCHW-like) and on the full trailing shape: the same bits', async () => {
    const alphaC = new Float32Array(16).map((_, i) => (i - 5) / 7);
    const cases: Array<[number[], number[], Float32Array]> = [
      [[X.length / 16, 16], [16], alphaC],
      [[64, 16, X.length / 1024], [16, 1], alphaC],
      [[X.length / 256, 16, 16], [16, 16], new Float32Array(256).map((_, i) => Math.sin(i))],
      [[X.length / 16, 16], [1, 16], alphaC],
    ];
    for (const [shape, alphaShape, alpha] of cases) {
      const [got, want] = await both(() => tf.prelu(tf.tensor(X, shape), tf.tensor(alpha, alphaShape)));
      expect(firstDifference(got, want, same), `x ${shape}, alpha ${alphaShape}`).toBeNull();
    }
  });

  const close: Array<[string, (x: tf.Tensor) => tf.Tensor, number, number]> = [
    // name, op, max ULP, absolute slack below |x| < 1e-3 for tfjs's cancellation in exp(x) - 1
    ['sigmoid', (x) => tf.sigmoid(x), 2, 0],
    ['tanh', (x) => tf.tanh(x), 2, 0],
    ['elu', (x) => tf.elu(x), 2, 2 ** -52],
    ['selu', (x) => tf.selu(x), 2, 2 ** -51],
    ['softplus', (x) => tf.softplus(x), 2, 0],
  ];
  for (const [name, op, maxUlp, slack] of close) {
    it(`${name}: within ${maxUlp} ULP of the cpu kernel`, async () => {
      const [got, want] = await both(() => op(tf.tensor1d(X)));
      const problem = firstDifference(got, want, (g, w, i) => {
        if (ulpDistance(g, w) <= maxUlp) return true;
        return Math.abs(X[i]!) < 1e-3 && X[i]! <= 0 && Math.abs(g - w) <= slack;
      });
      expect(problem).toBeNull();
      // and the plug-in did run: our results are not tfjs's bits everywhere
      expect(firstDifference(got, want, same)).not.toBeNull();
    });
  }

  it('softplus follows tfjs\'s threshold formula: exp(x) below -13.94, x above 13.94, bit for bit', async () => {
    const [got, want] = await both(() => tf.softplus(tf.tensor1d(X)));
    const t = Math.log(1.1920928955078125e-7) + 2;
    expect(firstDifference(got, want, (g, w, i) => (X[i]! < t || X[i]! > -t ? same(g, w) : true))).toBeNull();
  });

  it('every elementwise kernel gives our library\'s bits for the same function (elu, selu, sigmoid, tanh)', async () => {
    for (const [name, op] of [['elu', tf.elu], ['selu', tf.selu], ['sigmoid', tf.sigmoid], ['tanh', tf.tanh]] as const) {
      const got = await withPlugin(() => tf.tidy(() => (op(tf.tensor1d(X)).dataSync() as Float32Array).slice()));
      const want = (ours[name] as (x: Float32Array) => Float32Array)(X);
      expect(firstDifference(got, want, same), name).toBeNull();
    }
  });

  it('works on every tensor rank and on 0, 1 and odd sizes', async () => {
    for (const shape of [[0], [1], [7], [3, 5], [2, 3, 5, 7]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = X.subarray(1000, 1000 + n);
      const [got, want] = await both(() => tf.relu6(tf.tensor(data, shape)));
      expect(firstDifference(got, want, same), `${shape}`).toBeNull();
      const y = await withPlugin(() => tf.tidy(() => tf.sigmoid(tf.tensor(data, shape)).shape));
      expect(y).toEqual(shape);
    }
  });
});

describe('tfjs plug-in: softmax', () => {
  /** float64 softmax along the last axis: the independent reference. */
  function ref(x: Float32Array, len: number): Float64Array {
    const y = new Float64Array(x.length);
    for (let r = 0; r < x.length; r += len) {
      let m = -Infinity;
      for (let i = r; i < r + len; i++) m = Math.max(m, x[i]!);
      let s = 0;
      for (let i = r; i < r + len; i++) s += Math.exp(x[i]! - m);
      for (let i = r; i < r + len; i++) y[i] = Math.exp(x[i]! - m) / s;
    }
    return y;
  }

  it('along the last axis, as tfjs, on ranks 1 to 3: both within their error of a float64 reference, and close to each other', async () => {
    const data = Float32Array.from(X.subarray(0, 1 << 14), (v, i) => Math.fround(Math.sin(i * 0.37) * 12 + (v % 3 || 0)));
    for (const shape of [[data.length], [128, 128], [8, 16, 128], [1024, 16], [16384, 1]]) {
      const len = shape[shape.length - 1]!;
      const [got, want] = await both(() => tf.softmax(tf.tensor(data, shape)));
      const r = ref(data, len);
      // ours: SPEC 6 (4 ULP or 2^-24 absolute below 2^-20); tfjs: exp of a float32-rounded x - max is looser.
      expect(firstDifference(got, r, (g, w) => ulpDistance(g, Math.fround(w)) <= 4 || (Math.abs(w) < 2 ** -20 && Math.abs(g - w) <= 2 ** -24)), `${shape} ours`).toBeNull();
      expect(firstDifference(got, want, (g, w) => Math.abs(g - w) <= 1e-5 * Math.abs(w) + 2 ** -30), `${shape} vs tfjs`).toBeNull();
      expect(Array.from(got).every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });

  it('gives our softmax\'s bits, and tfjs\'s special values: -Infinity gives 0, a row with NaN or +Infinity or all -Infinity is NaN', async () => {
    const rows = [[1, 2, 3, -Infinity], [NaN, 0, 1, 2], [Infinity, 0, 1, 2], [-Infinity, -Infinity, -Infinity, -Infinity], [0, 0, 0, 0], [-1e30, 1e30, 5, 5]];
    const data = Float32Array.from(rows.flat());
    const [got, want] = await both(() => tf.softmax(tf.tensor(data, [rows.length, 4])));
    expect(firstDifference(got, want, (g, w) => same(g, w) || Math.abs(g - w) <= 1e-7)).toBeNull();
    expect(firstDifference(got, ours.softmax(data, { shape: [rows.length, 4] }), same)).toBeNull();
    expect(got[3]).toBe(0);
  });

  it('a non-last axis throws as tfjs does', async () => {
    const msg = (f: () => unknown) => { try { f(); return ''; } catch (e) { return (e as Error).message; } };
    const want = msg(() => tf.softmax(tf.ones([2, 3]), 0));
    const got = await withPlugin(() => msg(() => tf.softmax(tf.ones([2, 3]), 0)));
    expect(want).toMatch(/non-last dimension/);
    expect(got).toBe(want);
  });
});

describe('tfjs plug-in: the fused kernels\' activation epilogue runs on ours', () => {
  const a = tf.tensor(X.subarray(0, 96 * 64).map((v) => (Number.isFinite(v) && Math.abs(v) < 20 ? v : 0.5)), [96, 64]);
  const b = tf.tensor(Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i) / 8), [64, 48]);
  const bias = tf.tensor(Float32Array.from({ length: 48 }, (_, i) => (i - 24) / 10));
  const preluChannels = tf.tensor(Float32Array.from({ length: 48 }, (_, i) => (i - 20) / 15));
  const mm = (activation: string, extra: Record<string, unknown> = {}) => () =>
    tf.fused.matMul({ a, b, bias, activation: activation as 'relu', ...extra });
  const linear = () => tf.tidy(() => (tf.fused.matMul({ a, b, bias }).dataSync() as Float32Array).slice());

  for (const [act, extra] of [['relu', {}], ['relu6', {}], ['leakyrelu', { leakyreluAlpha: 0.2 }], ['leakyrelu', { leakyreluAlpha: 0.5 }], ['prelu', { preluActivationWeights: preluChannels }], ['linear', {}]] as const) {
    it(`matMul + bias + ${act} ${JSON.stringify(Object.keys(extra))}: the same bits as tfjs`, async () => {
      const [got, want] = await both(mm(act, extra));
      expect(firstDifference(got, want, same)).toBeNull();
    });
  }

  for (const act of ['elu', 'sigmoid'] as const) {
    it(`matMul + bias + ${act}: our function of the linear result, bit for bit, and within 2 ULP of tfjs`, async () => {
      const [got, want] = await both(mm(act));
      const lin = linear();
      expect(firstDifference(got, ours[act](lin), same)).toBeNull();
      expect(firstDifference(got, want, (g, w, i) => ulpDistance(g, w) <= 2 || (Math.abs(lin[i]!) < 1e-3 && Math.abs(g - w) <= 2 ** -52))).toBeNull();
      expect(firstDifference(got, want, same)).not.toBeNull(); // ours ran
    });
  }

  it('a prelu alpha we do not take (NaN in it) falls back to tfjs\'s fused kernel: the same bits', async () => {
    const alpha = tf.tensor(Float32Array.from({ length: 48 }, (_, i) => (i === 7 ? NaN : i / 48)));
    const [got, want] = await both(mm('prelu', { preluActivationWeights: alpha }));
    expect(firstDifference(got, want, same)).toBeNull();
    expect(got.some(Number.isNaN)).toBe(true);
  });

  it('conv2d + bias + elu / relu6 / prelu (NHWC), and depthwise conv2d + sigmoid: as tfjs', async () => {
    const x = tf.tensor(Float32Array.from({ length: 2 * 9 * 9 * 4 }, (_, i) => Math.sin(i * 0.7) * 3), [2, 9, 9, 4]);
    const f = tf.tensor(Float32Array.from({ length: 3 * 3 * 4 * 6 }, (_, i) => Math.cos(i) / 4), [3, 3, 4, 6]);
    const fd = tf.tensor(Float32Array.from({ length: 3 * 3 * 4 * 2 }, (_, i) => Math.cos(i * 1.3) / 4), [3, 3, 4, 2]);
    const cb = tf.tensor(Float32Array.from({ length: 6 }, (_, i) => i / 10 - 0.2));
    const alpha = tf.tensor(Float32Array.from({ length: 6 }, (_, i) => i / 6 - 0.3));
    const cases: Array<[string, () => tf.Tensor, boolean]> = [
      ['relu6', () => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: cb, activation: 'relu6' }), true],
      ['prelu', () => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'valid', bias: cb, activation: 'prelu', preluActivationWeights: alpha }), true],
      ['elu', () => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias: cb, activation: 'elu' }), false],
      ['depthwise sigmoid', () => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: fd as tf.Tensor4D, strides: 1, pad: 'same', activation: 'sigmoid' }), false],
    ];
    for (const [name, op, exactly] of cases) {
      const [got, want] = await both(op);
      const ok = exactly ? same : (g: number, w: number) => ulpDistance(g, w) <= 2 || Math.abs(g - w) <= 2 ** -52;
      expect(firstDifference(got, want, ok), name).toBeNull();
    }
  });
});

describe('tfjs plug-in: what is not ours goes to tfjs\'s kernel', () => {
  it('int32 tensors (relu, step, relu6) give tfjs\'s int32 results', async () => {
    const ints = [-3, -1, 0, 2, 7, 100];
    for (const op of [tf.relu, tf.relu6, (t: tf.Tensor) => tf.step(t, 0.5)]) {
      const want = tf.tidy(() => { const y = op(tf.tensor1d(ints, 'int32')); return [y.dtype, Array.from(y.dataSync())] as const; });
      const got = await withPlugin(() => tf.tidy(() => { const y = op(tf.tensor1d(ints, 'int32')); return [y.dtype, Array.from(y.dataSync())] as const; }));
      expect(got).toEqual(want);
    }
  });

  it('prelu whose alpha broadcasts x to a larger shape: tfjs\'s shape and values', async () => {
    const op = () => tf.prelu(tf.tensor([-1, 2, -3], [3, 1]), tf.tensor([0.5, 0.25, 2]));
    const want = tf.tidy(() => { const y = op(); return [y.shape, Array.from(y.dataSync())] as const; });
    const got = await withPlugin(() => tf.tidy(() => { const y = op(); return [y.shape, Array.from(y.dataSync())] as const; }));
    expect(want[0]).toEqual([3, 3]);
    expect(got).toEqual(want);
  });

  it('NaN parameters (leakyRelu alpha, step alpha, prelu alpha) give tfjs\'s results', async () => {
    const data = Float32Array.of(-2, -0, 0, 3, NaN);
    for (const op of [(t: tf.Tensor) => tf.leakyRelu(t, NaN), (t: tf.Tensor) => tf.step(t, NaN), (t: tf.Tensor) => tf.prelu(t, tf.tensor([NaN, 1, 1, 1, 1]))]) {
      const [got, want] = await both(() => op(tf.tensor1d(data)));
      expect(firstDifference(got, want, same)).toBeNull();
    }
  });
});

describe('tfjs plug-in: gradients through our kernels', () => {
  it('tf.grad of each op gives tfjs\'s gradient (relu, relu6, leakyRelu, prelu, elu, selu, sigmoid, tanh, softplus, softmax)', async () => {
    const data = Float32Array.from({ length: 4096 }, (_, i) => Math.fround(Math.sin(i * 0.61) * 6));
    const ops: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
      ['relu', tf.relu], ['relu6', tf.relu6], ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)], ['prelu', (x) => tf.prelu(x, tf.scalar(0.3))],
      ['elu', tf.elu], ['selu', tf.selu], ['sigmoid', tf.sigmoid], ['tanh', tf.tanh], ['softplus', tf.softplus],
      ['softmax', (x) => tf.softmax(tf.reshape(x, [64, 64]))],
    ];
    const w = tf.tensor(Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i)));
    for (const [name, op] of ops) {
      const g = () => tf.tidy(() => (tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.reshape(op(x), [-1]), w)))(tf.tensor1d(data)).dataSync() as Float32Array).slice());
      const want = g();
      const got = await withPlugin(g);
      // Exact functions: exact gradients. The others: tfjs computes sigmoid', tanh', elu' and softmax's
      // VJP from the op's output y (y (1 - y), 1 - y², dy (y + 1), ...), which cancel where y nears
      // its bound: one ULP of y (up to 2^-24 near 1) moves the gradient by as much, in absolute terms,
      // whichever kernel computed y (|dy| <= 1 here).
      const exact = ['relu', 'relu6', 'leakyRelu', 'prelu'].includes(name);
      expect(firstDifference(got, want, exact ? same : (a, b) => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 2 ** -22, data), name).toBeNull();
    }
  });
});

describe('tfjs plug-in: gradient functions on our fn.grad', () => {
  // Exact gradients, with the points where tfjs's value is not the derivative PyTorch takes:
  // relu6' at 6 (tfjs 1), leakyRelu' at NaN (tfjs alpha), products with dy of either sign (signed zeros).
  const xs = Float32Array.from([...X.subarray(0, 1 << 14), 6, 6, -6, 0, -0, NaN, NaN, Infinity, -Infinity, 1e-45, -1e-45]);
  const dys = Float32Array.from(xs, (_, i) => (i % 3 === 0 ? -1 : 1) * Math.fround(0.25 + (i % 7) / 5));
  dys[dys.length - 6] = -2; // dy < 0 at x = NaN

  const gradOf = (op: (x: tf.Tensor) => tf.Tensor) => () =>
    tf.tidy(() => (tf.grad((x: tf.Tensor) => op(x))(tf.tensor1d(xs), tf.tensor1d(dys)).dataSync() as Float32Array).slice());

  for (const [name, op] of [['relu', tf.relu], ['relu6', tf.relu6], ['leakyRelu 0.2', (x: tf.Tensor) => tf.leakyRelu(x, 0.2)], ['leakyRelu -1.5', (x: tf.Tensor) => tf.leakyRelu(x, -1.5)]] as const) {
    it(`${name}: ours (one fused pass) gives tfjs's gradient bit for bit`, async () => {
      const want = gradOf(op)();
      const h = await registerTfjsKernels(tfl);
      let got: Float32Array;
      let kernels: string[];
      try {
        expect(h.gradients).toContain(name.startsWith('leakyRelu') ? 'LeakyRelu' : name === 'relu' ? 'Relu' : 'Relu6');
        got = gradOf(op)();
        kernels = (await tf.profile(() => { gradOf(op)(); })).kernelNames;
      } finally {
        h.unregister();
      }
      expect(firstDifference(got, want, same, xs)).toBeNull();
      expect(kernels).toContain('WasmActivationsGrad'); // the backward pass ran on ours
    });
  }

  it('replaces the gradient functions of the ops whose gradient kernel this build has, and restores tfjs\'s', async () => {
    const names = ['Relu', 'Relu6', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax'] as const;
    const has: Record<string, boolean> = {};
    const probe = Float32Array.of(-1, 0.5);
    for (const n of names) {
      const fn = ({ Relu: 'relu', Relu6: 'relu6', LeakyRelu: 'leakyRelu', Elu: 'elu', Selu: 'selu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softplus: 'softplus', Softmax: 'softmax' } as const)[n];
      try { (ours[fn].grad as (x: Float32Array, o?: object) => unknown)(probe, n === 'Softmax' ? { dy: probe, shape: [1, 2] } : {}); has[n] = true; } catch { has[n] = false; }
    }
    expect(has['Relu'] && has['Relu6'] && has['LeakyRelu']).toBe(true);
    const before = names.map((n) => tf.getGradient(n));
    const h = await registerTfjsKernels(tfl);
    expect([...h.gradients].sort()).toEqual(names.filter((n) => has[n]).sort());
    for (const [i, n] of names.entries()) {
      if (has[n]) expect(tf.getGradient(n), n).not.toBe(before[i]);
      else expect(tf.getGradient(n), n).toBe(before[i]);
    }
    expect(tf.getGradient('Prelu')).toBeDefined();
    h.unregister();
    for (const [i, n] of names.entries()) expect(tf.getGradient(n), n).toBe(before[i]);
    expect(tf.getKernel('WasmActivationsGrad', 'cpu')).toBeUndefined();
  });

  it('second-order gradients (tf.grad of tf.grad) still work, on tfjs\'s differentiable gradients', async () => {
    const data = tf.tensor1d([-2, -0.5, 0.5, 3, 7]);
    // d/dx sum(f'(x) x): the inner backward pass must be recorded on the outer tape.
    const g2 = (op: (x: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.grad((y: tf.Tensor) => tf.sum(op(y)))(x), x)))(data).dataSync()));
    // (tfjs has none through relu6, leakyRelu, selu and sigmoid: LessEqual and Greater have no gradient, sigmoid' uses y)
    for (const op of [tf.relu, tf.elu, tf.softplus, tf.tanh, (x: tf.Tensor) => tf.mul(tf.softmax(x), tf.tensor1d([1, 2, 3, 4, 5]))]) {
      const want = g2(op);
      const got = await withPlugin(() => g2(op));
      // (our forward kernels' last bits differ from tfjs's, and tanh' and softmax's VJP are taken from them)
      expect(firstDifference(got, want, (a, b) => Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-6, [-2, -0.5, 0.5, 3, 7])).toBeNull();
    }
  });

  it('a gradient recorded with ours and taken after unregister() runs tfjs\'s', async () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const w = tf.tensor1d([1, 2, 3]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(tf.relu(t)), w));
    const want = Array.from(tf.grad(f)(x).dataSync());
    const h = await registerTfjsKernels(tfl);
    // The forward pass is recorded with our gradient functions; the backward pass runs after unregister(),
    // when our gradient kernel is gone: the recorded functions must hand over to tfjs's.
    const got = Array.from(tf.grad((t: tf.Tensor) => { const v = f(t); h.unregister(); return v; })(x).dataSync());
    expect(tf.getKernel('WasmActivationsGrad', 'cpu')).toBeUndefined();
    expect(got).toEqual(want);
    // With the plug-in, sigmoid's gradient is ours (sigma' from x, not y (1 - y)): the same within float32 rounding.
    const again = await withPlugin(() => Array.from(tf.grad(f)(x).dataSync()));
    expect(firstDifference(again, want, (a, b) => Math.abs(a - b) <= 2 ** -22 * Math.abs(b), [-1, 0.5, 2])).toBeNull();
  });
});

describe('tfjs plug-in: the package subpath', () => {
  it('is exported as wasm-activations/tfjs (types first), with TensorFlow.js an optional peer dependency', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(pkg.exports['./tfjs'])[0]).toBe('types');
    expect(pkg.exports['./tfjs'].types).toBe('./dist/tfjs/index.d.ts');
    for (const dep of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu']) {
      expect(pkg.peerDependencies[dep], dep).toBeDefined();
      expect(pkg.peerDependenciesMeta[dep], dep).toEqual({ optional: true });
      expect(pkg.dependencies?.[dep], dep).toBeUndefined();
    }
    // The package resolves its own subpath, to the module these tests use.
    const self = await import('wasm-activations/tfjs');
    expect(self.registerTfjsKernels).toBe(registerTfjsKernels);
  });

  it('the main entry loads no TensorFlow.js', async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of ['index.js', 'api.js', 'wasm.js', 'catalog.js']) {
      expect(readFileSync(new URL(`../dist/${f}`, import.meta.url), 'utf8'), f).not.toMatch(/@tensorflow|tfjs/);
    }
    expect(readFileSync(new URL('../dist/tfjs/index.js', import.meta.url), 'utf8')).not.toMatch(/from '@tensorflow/);
  });
});

describe('tfjs plug-in: registration', () => {
  it('replaces every listed kernel of the cpu backend, and unregister() puts tfjs\'s own configs back', async () => {
    const before = TFJS_KERNELS.map((k) => tf.getKernel(k, 'cpu'));
    expect(before.every((c) => c !== undefined)).toBe(true);
    const h = await registerTfjsKernels(tfl);
    expect(h.backend.name).toBe('wasm-simd');
    expect(h.gradients.every((g) => h.kernels.includes(g))).toBe(true);
    expect([...h.kernels]).toEqual([...TFJS_KERNELS]);
    for (const [i, k] of TFJS_KERNELS.entries()) expect(tf.getKernel(k, 'cpu')!.kernelFunc, k).not.toBe(before[i]!.kernelFunc);
    h.unregister();
    for (const [i, k] of TFJS_KERNELS.entries()) expect(tf.getKernel(k, 'cpu'), k).toBe(before[i]);
    h.unregister(); // idempotent
    for (const [i, k] of TFJS_KERNELS.entries()) expect(tf.getKernel(k, 'cpu'), k).toBe(before[i]);
  });

  it('replaces only the kernels asked for', async () => {
    const relu = tf.getKernel('Relu', 'cpu');
    await withPlugin((h) => {
      expect([...h.kernels]).toEqual(['Sigmoid']);
      expect(tf.getKernel('Relu', 'cpu')).toBe(relu);
    }, { kernels: ['Sigmoid'] });
  });

  it('rejects a second registration while the first is active, and allows one after unregister()', async () => {
    const h = await registerTfjsKernels(tfl);
    await expect(registerTfjsKernels(tfl)).rejects.toThrow(/already registered/);
    h.unregister();
    const some = await registerTfjsKernels(tfl, { kernels: ['Sigmoid'] });
    await expect(registerTfjsKernels(tfl, { kernels: ['Relu'] })).rejects.toThrow(/already registered/); // one at a time, whatever the subsets
    some.unregister();
    const h2 = await registerTfjsKernels(tfl);
    h2.unregister();
  });

  it('on the js backend gives the same bits as on wasm-simd (the library\'s same-bits promise)', async () => {
    const run = () => tf.tidy(() => (tf.tanh(tf.tensor1d(X)).dataSync() as Float32Array).slice());
    const simd = await withPlugin(run);
    const js = await withPlugin((h) => { expect(h.backend.name).toBe('js'); return run(); }, { backend: 'js' });
    expect(firstDifference(js, simd, same)).toBeNull();
  });

  it('rejects bad calls with clear errors and changes nothing', async () => {
    const relu = tf.getKernel('Relu', 'cpu');
    await expect(registerTfjsKernels({} as TfjsLike)).rejects.toThrow(TypeError);
    await expect(registerTfjsKernels(tfl, { backnd: 'js' } as never)).rejects.toThrow(/unknown option 'backnd'/);
    await expect(registerTfjsKernels(tfl, { backend: 'gpu' } as never)).rejects.toThrow(RangeError);
    await expect(registerTfjsKernels(tfl, { kernels: ['Gelu'] } as never)).rejects.toThrow(/unknown kernel\(s\) "Gelu"/);
    const empty: TfjsLike = { getKernel: () => undefined, registerKernel: () => {}, unregisterKernel: () => {} };
    await expect(registerTfjsKernels(empty)).rejects.toThrow(/cpu backend's kernels are not registered/);
    await expect(registerTfjsKernels(tfl, { wasm: '/nowhere/activations.wasm' })).rejects.toThrow(/nowhere/);
    expect(tf.getKernel('Relu', 'cpu')).toBe(relu);
  });
});
