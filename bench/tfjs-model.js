// The TensorFlow.js model of the plug-in's parity tests (test/tfjs-model.test.ts) and of its
// benchmark rows (bench/tfjs-plugin.js): Dense layers with relu, elu, selu, sigmoid, tanh and
// softmax activations, 281,930 parameters with the default sizes, and a synthetic dataset.
// Everything is deterministic: weights and data come from a fixed-seed xorshift32.

/** Uniform floats in [lo, hi) from a fixed-seed xorshift32. */
export function uniform(n, seed, lo = -1, hi = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

export const LAYERS = [
  [512, 'relu'],
  [256, 'elu'],
  [256, 'selu'],
  [128, 'sigmoid'],
  [128, 'tanh'],
  [10, 'softmax'],
];

/**
 * A Sequential model of Dense layers, weights set from the seed (Glorot-uniform scale), compiled
 * with SGD and categorical cross-entropy.
 * @param tf the @tensorflow/tfjs-core namespace; tfl the @tensorflow/tfjs-layers namespace
 */
export function buildModel(tf, tfl, { inputs = 64, layers = LAYERS, seed = 1, learningRate = 0.05 } = {}) {
  const model = tfl.sequential();
  layers.forEach(([units, activation], i) => {
    model.add(tfl.layers.dense({ units, activation, ...(i === 0 ? { inputShape: [inputs] } : {}) }));
  });
  setWeights(tf, model, seed);
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy' });
  return model;
}

/** Sets every weight of the model from the seed: kernels Glorot-uniform, biases small uniform. */
export function setWeights(tf, model, seed) {
  const weights = model.getWeights().map((w, i) => {
    const shape = w.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const limit = shape.length === 2 ? Math.sqrt(6 / (shape[0] + shape[1])) : 0.1;
    return tf.tensor(uniform(n, seed * 1000 + i + 1, -limit, limit), shape);
  });
  model.setWeights(weights);
  for (const w of weights) w.dispose();
}

export function paramCount(model) {
  return model.getWeights().reduce((sum, w) => sum + w.size, 0);
}

/** A synthetic classification set: x uniform in [-2, 2), labels the argmax of a fixed random linear map, one-hot. */
export function dataset(tf, { samples = 512, inputs = 64, classes = 10, seed = 7 } = {}) {
  const x = uniform(samples * inputs, seed, -2, 2);
  const map = uniform(inputs * classes, seed + 1);
  const y = new Float32Array(samples * classes);
  for (let s = 0; s < samples; s++) {
    let best = 0, bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = 0;
      for (let i = 0; i < inputs; i++) score += x[s * inputs + i] * map[i * classes + c];
      if (score > bestScore) { bestScore = score; best = c; }
    }
    y[s * classes + best] = 1;
  }
  return { xs: tf.tensor(x, [samples, inputs]), ys: tf.tensor(y, [samples, classes]) };
}
