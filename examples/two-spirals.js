// A two-layer network learns the two-spirals problem, with no machine-learning library: the
// matrix products are plain loops over Float32Arrays, and every activation, forward and
// backward, is a call into wasm-activations (`fn(x, { out })` and `fn.grad(x, { dy, out })`).
// It is how another library would use us as its activation backend.
//
//   npm run build && node examples/two-spirals.js [activation]     (activation: tanh by default;
//                                                                   any of gelu, silu, mish, elu, ...)
//
// Network: 2 inputs -> 64 hidden units (the activation) -> 2 logits -> logSoftmax, cross-entropy
// loss, full-batch Adam. In an app, import from 'wasm-activations' instead of '../dist/index.js'.
import * as wa from '../dist/index.js';

const { init, backendInfo, catalog, logSoftmax, softmax } = wa;

/** True when this build has the kernel behind a call (the gradients of the exp-based functions land one family at a time). */
const works = (f) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};
const probe = Float32Array.of(-1, 0.5);
const name = process.argv[2] ?? (works(() => wa.tanh.grad(probe)) ? 'tanh' : 'softsign');
const softmaxGradInBuild = works(() => wa.logSoftmax.grad(probe, { dy: probe }));
const act = wa[name];
const def = catalog.find((d) => d.name === name || d.aliases.includes(name));
if (typeof act !== 'function' || def?.kind !== 'elementwise' || !works(() => act.grad(probe))) {
  const usable = catalog.filter((d) => d.kind === 'elementwise' && works(() => wa[d.name].grad(probe))).map((d) => d.name);
  console.error(`'${name}' is not an elementwise activation with a gradient in this build; try one of: ${usable.join(', ')}`);
  process.exit(2);
}
await init();

// ---------------------------------------------------------------- data: two interleaved spirals

let seed = 0x1234567;
const rand = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
};
const PER_CLASS = 200;
const N = 2 * PER_CLASS;
const X = new Float32Array(N * 2); // [N, 2]
const T = new Float32Array(N * 2); // one-hot targets, [N, 2]
for (let i = 0; i < PER_CLASS; i++) {
  const r = (i / PER_CLASS) * 5 + 0.5; // radius 0.5 .. 5.5, two turns
  const a = (i / PER_CLASS) * 4 * Math.PI;
  for (const k of [0, 1]) {
    const j = 2 * i + k;
    const s = k === 0 ? 1 : -1; // the second spiral is the first turned by 180 degrees
    X[j * 2] = (s * r * Math.cos(a) + (rand() - 0.5) * 0.2) / 3;
    X[j * 2 + 1] = (s * r * Math.sin(a) + (rand() - 0.5) * 0.2) / 3;
    T[j * 2 + k] = 1;
  }
}

// ---------------------------------------------------------------- parameters and Adam

const H = 64;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const param = (n, scale) => ({ w: Float32Array.from({ length: n }, () => gaussian() * scale), g: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) });
const W1 = param(2 * H, 1.5); // [2, H]
const b1 = param(H, 0.5);
const W2 = param(H * 2, Math.sqrt(1 / H)); // [H, 2]
const b2 = param(2, 0);
const params = [W1, b1, W2, b2];

function adam(step, lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
  for (const p of params) {
    for (let i = 0; i < p.w.length; i++) {
      p.m[i] = beta1 * p.m[i] + (1 - beta1) * p.g[i];
      p.v[i] = beta2 * p.v[i] + (1 - beta2) * p.g[i] * p.g[i];
      p.w[i] -= (lr * p.m[i] / c1) / (Math.sqrt(p.v[i] / c2) + eps);
    }
  }
}

/** out[n, k] = a[n, :] . b[:, k] + bias[k] */
function affine(a, b, bias, out, n, inner, cols) {
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < cols; c++) {
      let s = bias[c];
      for (let i = 0; i < inner; i++) s += a[r * inner + i] * b[i * cols + c];
      out[r * cols + c] = s;
    }
  }
}

// ---------------------------------------------------------------- training

const z1 = new Float32Array(N * H); // pre-activation
const h = new Float32Array(N * H); // activation
const z2 = new Float32Array(N * 2); // logits
const logp = new Float32Array(N * 2);
const dlogp = new Float32Array(N * 2);
const dz2 = new Float32Array(N * 2);
const dh = new Float32Array(N * H);
const dz1 = new Float32Array(N * H);

function forward() {
  affine(X, W1.w, b1.w, z1, N, 2, H);
  act(z1, { out: h }); // ours
  affine(h, W2.w, b2.w, z2, N, H, 2);
  logSoftmax(z2, { shape: [N, 2], axis: 1, out: logp }); // ours
  let loss = 0;
  for (let i = 0; i < N * 2; i++) loss -= T[i] * logp[i];
  return loss / N;
}

function backward() {
  for (const p of params) p.g.fill(0);
  // d loss / d logp = -t / N; logSoftmax's vector-Jacobian product along the class axis gives d loss / d z2.
  for (let i = 0; i < N * 2; i++) dlogp[i] = -T[i] / N;
  if (softmaxGradInBuild) {
    logSoftmax.grad(z2, { dy: dlogp, shape: [N, 2], axis: 1, out: dz2 }); // ours: softmax(z2) / N - t / N
  } else {
    const p = softmax(z2, { shape: [N, 2], axis: 1 }); // the same vector-Jacobian product, by hand
    for (let i = 0; i < N * 2; i++) dz2[i] = dlogp[i] + p[i] / N;
  }
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < 2; c++) {
      const g = dz2[r * 2 + c];
      b2.g[c] += g;
      for (let k = 0; k < H; k++) W2.g[k * 2 + c] += h[r * H + k] * g;
    }
    for (let k = 0; k < H; k++) dh[r * H + k] = W2.w[k * 2] * dz2[r * 2] + W2.w[k * 2 + 1] * dz2[r * 2 + 1];
  }
  act.grad(z1, { dy: dh, out: dz1 }); // ours: dh * act'(z1)
  for (let r = 0; r < N; r++) {
    for (let k = 0; k < H; k++) {
      const g = dz1[r * H + k];
      b1.g[k] += g;
      W1.g[k] += X[r * 2] * g;
      W1.g[H + k] += X[r * 2 + 1] * g;
    }
  }
}

function accuracy() {
  const p = softmax(z2, { shape: [N, 2] }); // ours
  let right = 0;
  for (let r = 0; r < N; r++) if ((p[r * 2 + 1] > p[r * 2]) === (T[r * 2 + 1] === 1)) right++;
  return right / N;
}

console.log(`two spirals: ${N} points, 2 -> ${H} ${name} -> 2 softmax, full-batch Adam; activations on ${backendInfo().name}`);
if (!softmaxGradInBuild) console.log('(this build has no softmax-family gradient kernel yet: logSoftmax\'s vector-Jacobian product is done by hand)');
const EPOCHS = 3000;
let first = 0, last = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const loss = forward();
  if (epoch === 1) first = loss;
  last = loss;
  if (epoch === 1 || epoch % 250 === 0) console.log(`epoch ${String(epoch).padStart(4)}  loss ${loss.toFixed(4)}  accuracy ${(accuracy() * 100).toFixed(1)}%`);
  backward();
  adam(epoch);
}
console.log(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
if (!(last < first / 4)) {
  console.error('the loss did not fall as it should');
  process.exit(1);
}
