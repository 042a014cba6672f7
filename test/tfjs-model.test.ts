// A tfjs-layers model, unchanged, with and without the plug-in (wasm-activations/tfjs): Dense
// layers with relu, elu, selu, sigmoid, tanh and softmax (281,098 parameters, bench/tfjs-model.js)
// predicts the same outputs within 1e-5 relative, and model.fit for a few epochs on a small
// synthetic dataset reaches the same losses within 1e-5 relative. The reference is the same
// model on TensorFlow.js's own cpu kernels, from the same weights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerTfjsKernels, type TfjsLike } from '../dist/tfjs/index.js';
// @ts-ignore: plain JavaScript, shared with the benchmark (bench/tfjs-plugin.js)
import { buildModel, dataset, paramCount, setWeights } from '../bench/tfjs-model.js';

type Model = { predict(x: tf.Tensor): tf.Tensor; fit(x: tf.Tensor, y: tf.Tensor, o: object): Promise<{ history: { loss: number[] } }>; compile(o: object): void };

let model: Model;
let data: { xs: tf.Tensor; ys: tf.Tensor };

beforeAll(async () => {
  tf.env().set('PROD', true);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await tf.setBackend('cpu');
    tf.add(1, 1).dataSync();
  } finally {
    console.warn = warn;
  }
  model = buildModel(tf, tfl);
  data = dataset(tf, { samples: 256 });
});
afterAll(() => {
  data?.xs.dispose();
  data?.ys.dispose();
});

function maxRelative(got: Float32Array, want: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (d === 0) continue;
    worst = Math.max(worst, d / Math.max(Math.abs(want[i]!), Number.MIN_VALUE));
  }
  return worst;
}

describe('tfjs-layers model with and without the plug-in', () => {
  it('has some hundreds of thousands of parameters and every activation of the issue', () => {
    expect(paramCount(model)).toBeGreaterThan(200_000);
    const acts = (model as unknown as { layers: Array<{ getConfig(): { activation: string } }> }).layers.map((l) => l.getConfig().activation);
    expect(acts).toEqual(['relu', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax']);
  });

  it('predicts the same outputs within 1e-5 relative (and our kernels did run)', async () => {
    const predict = () => tf.tidy(() => (model.predict(data.xs).dataSync() as Float32Array).slice());
    const want = predict();
    const h = await registerTfjsKernels(tf as unknown as TfjsLike);
    let got: Float32Array;
    try {
      got = predict();
    } finally {
      h.unregister();
    }
    expect(got.length).toBe(256 * 10);
    expect(maxRelative(got, want)).toBeLessThanOrEqual(1e-5);
    // Rows are probabilities.
    for (let r = 0; r < 256; r++) expect(Math.abs(got.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    // The plug-in's sigmoid, tanh, elu and selu differ from tfjs's in the last bit here and there: identical bits would mean they never ran.
    expect(got.some((v, i) => !Object.is(v, want[i]))).toBe(true);
    // And after unregister(), tfjs's own bits again.
    expect(predict()).toEqual(want);
  });

  it('trains (model.fit, 3 epochs, SGD) to the same loss within 1e-5 relative, epoch by epoch', async () => {
    const fit = async () => {
      setWeights(tf, model, 1);
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
      const history = await model.fit(data.xs, data.ys, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
      const after = tf.tidy(() => (model.predict(data.xs).dataSync() as Float32Array).slice());
      return { loss: history.history.loss, after };
    };
    const want = await fit();
    const h = await registerTfjsKernels(tf as unknown as TfjsLike);
    let got: Awaited<ReturnType<typeof fit>>;
    try {
      got = await fit();
    } finally {
      h.unregister();
    }
    expect(want.loss).toHaveLength(3);
    expect(want.loss[2]!).toBeLessThan(want.loss[0]!); // it does learn
    for (let e = 0; e < 3; e++) expect(Math.abs(got.loss[e]! - want.loss[e]!) / want.loss[e]!, `epoch ${e}`).toBeLessThanOrEqual(1e-5);
    expect(maxRelative(got.after, want.after)).toBeLessThanOrEqual(1e-4);
  });
});
