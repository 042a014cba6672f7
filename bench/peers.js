// The peers of the benchmark: TensorFlow.js (cpu and wasm backends), onnxruntime-web (wasm EP,
// 1 thread), onnxruntime-node (CPU EP), a plain JavaScript loop with Math.*, and the copy bound;
// plus the float64 references the accuracy columns are measured against.
//
// Every contender takes the same Float32Array x and gives a Float32Array y. Marks:
//   composite   no such op in the library: built from several of its ops
//   semantics   the library's op differs from ours somewhere (said where)
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { onnxModel } from './onnx-model.js';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- loading

/** Loads what loads; a peer that does not is null, with a note. */
export async function loadPeers() {
  const notes = [];
  const peers = { tf: null, tfBackends: [], ortWeb: null, ortNode: null, versions: {}, notes };
  const version = (pkg) => {
    // Walk up from the package's entry point (its exports may hide package.json).
    try {
      let dir = path.dirname(require.resolve(pkg));
      for (;;) {
        try {
          const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
          if (meta.name === pkg) return meta.version;
        } catch { /* not here */ }
        const up = path.dirname(dir);
        if (up === dir) return '?';
        dir = up;
      }
    } catch { return '?'; }
  };
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    peers.versions['@tensorflow/tfjs-core'] = version('@tensorflow/tfjs-core');
    tf.env().set('PROD', true);
    peers.tf = tf;
    // The cpu backend prints a banner about tfjs-node on first use in Node: keep it off stderr.
    const warn = console.warn;
    console.warn = () => {};
    try {
      if (await tf.setBackend('cpu')) peers.tfBackends.push('cpu');
      tf.tidy(() => tf.add(tf.scalar(1), 1).dataSync());
    } finally {
      console.warn = warn;
    }
    try {
      const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      setWasmPaths(dist + path.sep);
      if (await tf.setBackend('wasm')) {
        // wasm build in use: SIMD yes, threads no (no SharedArrayBuffer workers set up in Node).
        peers.tfBackends.push('wasm');
        peers.versions['tfjs-backend-wasm SIMD'] = String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        peers.versions['tfjs-backend-wasm threads'] = String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      }
    } catch (e) {
      notes.push(`tfjs wasm backend unavailable: ${e.message}`);
    }
  } catch (e) {
    notes.push(`tfjs unavailable: ${e.message}`);
  }
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
    ort.env.logLevel = 'error';
    peers.ortWeb = ort;
    peers.versions['onnxruntime-web'] = version('onnxruntime-web');
  } catch (e) {
    notes.push(`onnxruntime-web unavailable: ${e.message}`);
  }
  try {
    const ort = await import('onnxruntime-node');
    ort.env.logLevel = 'error';
    peers.ortNode = ort;
    peers.versions['onnxruntime-node'] = version('onnxruntime-node');
  } catch (e) {
    notes.push(`onnxruntime-node unavailable: ${e.message}`);
  }
  return peers;
}

// ---------------------------------------------------------------- TensorFlow.js

const COMPOSITE = 'composite';
const SQRT1_2 = Math.SQRT1_2;

/** name -> [build(tf, t) -> tensor, mark?]. t is a float32 1-D tensor. */
const TFJS = {
  identity: [(tf, t) => tf.clone(t), 'semantics: tf.clone shares the input\'s buffer (no copy; on cpu dataSync returns that buffer)'],
  step: [(tf, t) => tf.step(t, 0), 'semantics: tf.step is 1 for x > 0 (ours x >= 0); the inputs have no 0'],
  threshold: [(tf, t) => tf.where(tf.greater(t, 0.1), t, tf.fill(t.shape, -1)), COMPOSITE],
  sigmoid: [(tf, t) => tf.sigmoid(t)],
  tanh: [(tf, t) => tf.tanh(t)],
  relu: [(tf, t) => tf.relu(t)],
  relu6: [(tf, t) => tf.relu6(t)],
  leakyRelu: [(tf, t) => tf.leakyRelu(t, 0.01)],
  prelu: [(tf, t) => tf.prelu(t, tf.scalar(0.25))],
  elu: [(tf, t) => tf.elu(t)],
  selu: [(tf, t) => tf.selu(t)],
  celu: [(tf, t) => tf.elu(t), 'semantics: tf.elu, equal to celu at alpha 1'],
  gelu: [(tf, t) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, SQRT1_2)))), COMPOSITE],
  silu: [(tf, t) => tf.mul(t, tf.sigmoid(t)), COMPOSITE],
  mish: [(tf, t) => tf.mul(t, tf.tanh(tf.softplus(t))), COMPOSITE],
  softplus: [(tf, t) => tf.softplus(t)],
  softsign: [(tf, t) => tf.div(t, tf.add(1, tf.abs(t))), COMPOSITE],
  hardSigmoid: [(tf, t) => tf.clipByValue(tf.add(tf.mul(t, 1 / 6), 0.5), 0, 1), COMPOSITE],
  hardSwish: [(tf, t) => tf.mul(t, tf.clipByValue(tf.add(tf.mul(t, 1 / 6), 0.5), 0, 1)), COMPOSITE],
  hardTanh: [(tf, t) => tf.clipByValue(t, -1, 1)],
  logSigmoid: [(tf, t) => tf.logSigmoid(t)],
  tanhshrink: [(tf, t) => tf.sub(t, tf.tanh(t)), COMPOSITE],
  softshrink: [(tf, t) => tf.where(tf.greater(t, 0.5), tf.sub(t, 0.5), tf.where(tf.less(t, -0.5), tf.add(t, 0.5), tf.zerosLike(t))), COMPOSITE],
  hardshrink: [(tf, t) => tf.where(tf.greater(tf.abs(t), 0.5), t, tf.zerosLike(t)), COMPOSITE],
  softmax: [(tf, t) => tf.softmax(t)],
  logSoftmax: [(tf, t) => tf.logSoftmax(t)],
  softmin: [(tf, t) => tf.softmax(tf.neg(t)), COMPOSITE],
};

// ---------------------------------------------------------------- ONNX

/** name -> { opset, nodes, initializers?, mark? } or a string: why there is no model. */
const ONNX = {
  identity: { nodes: [{ op: 'Identity' }] },
  step: 'no ONNX op (Heaviside needs a composite of Greater/Cast; not built)',
  threshold: 'no ONNX op (ThresholdedRelu has a fixed value 0, ours -1 in the example)',
  sigmoid: { nodes: [{ op: 'Sigmoid' }] },
  tanh: { nodes: [{ op: 'Tanh' }] },
  relu: { nodes: [{ op: 'Relu' }] },
  relu6: { nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'] }], initializers: { lo: 0, hi: 6 } },
  leakyRelu: { nodes: [{ op: 'LeakyRelu', attrs: { alpha: 0.01 } }] },
  prelu: { nodes: [{ op: 'PRelu', inputs: ['x', 'slope'] }], initializers: { slope: 0.25 } },
  elu: { nodes: [{ op: 'Elu', attrs: { alpha: 1 } }] },
  selu: { nodes: [{ op: 'Selu' }] },
  celu: { nodes: [{ op: 'Celu', attrs: { alpha: 1 } }] },
  gelu: { opset: 20, nodes: [{ op: 'Gelu' }] },
  silu: { nodes: [{ op: 'Sigmoid' }, { op: 'Mul', inputs: ['x', 't0'] }], mark: COMPOSITE },
  mish: { nodes: [{ op: 'Mish' }] },
  softplus: { nodes: [{ op: 'Softplus' }] },
  softsign: { nodes: [{ op: 'Softsign' }] },
  hardSigmoid: { nodes: [{ op: 'HardSigmoid', attrs: { alpha: 1 / 6, beta: 0.5 } }] },
  hardSwish: { nodes: [{ op: 'HardSwish' }] },
  hardTanh: { nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'] }], initializers: { lo: -1, hi: 1 } },
  logSigmoid: { nodes: [{ op: 'Neg' }, { op: 'Softplus' }, { op: 'Neg' }], mark: COMPOSITE },
  tanhshrink: { nodes: [{ op: 'Tanh' }, { op: 'Sub', inputs: ['x', 't0'] }], mark: COMPOSITE },
  softshrink: { nodes: [{ op: 'Shrink', attrs: { bias: 0.5, lambd: 0.5 } }] },
  hardshrink: { nodes: [{ op: 'Shrink', attrs: { bias: 0, lambd: 0.5 } }] },
  softmax: { nodes: [{ op: 'Softmax', attrs: { axis: -1 }, ints: ['axis'] }] },
  logSoftmax: { nodes: [{ op: 'LogSoftmax', attrs: { axis: -1 }, ints: ['axis'] }] },
  softmin: { nodes: [{ op: 'Neg' }, { op: 'Softmax', attrs: { axis: -1 }, ints: ['axis'] }], mark: COMPOSITE },
};

const sessionCache = new Map();
async function ortSession(ort, ep, name) {
  const key = `${ep}:${name}`;
  if (!sessionCache.has(key)) {
    const spec = ONNX[name];
    const bytes = onnxModel({ opset: spec.opset ?? 18, nodes: spec.nodes, initializers: spec.initializers });
    const options = { executionProviders: [ep], graphOptimizationLevel: 'all' };
    if (ep === 'cpu') Object.assign(options, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    sessionCache.set(key, ort.InferenceSession.create(bytes, options));
  }
  return sessionCache.get(key);
}

// ---------------------------------------------------------------- plain JavaScript

/** name -> (x: Float32Array, y: Float32Array) => void, or a string: why there is none. */
const JS_LOOP = {
  identity: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i]; },
  step: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] >= 0 ? 1 : 0; },
  threshold: (x, y) => { const t = Math.fround(0.1); for (let i = 0; i < x.length; i++) y[i] = x[i] > t ? x[i] : -1; },
  sigmoid: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i])); },
  tanh: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]); },
  relu: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]); },
  relu6: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(0, x[i]), 6); },
  leakyRelu: (x, y) => { const a = Math.fround(0.01); for (let i = 0; i < x.length; i++) y[i] = x[i] >= 0 ? x[i] : a * x[i]; },
  prelu: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] >= 0 ? x[i] : 0.25 * x[i]; },
  elu: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : Math.exp(x[i]) - 1; },
  selu: (x, y) => { const a = 1.6732632423543772, s = 1.0507009873554805; for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? s * x[i] : s * a * (Math.exp(x[i]) - 1); },
  celu: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]) + Math.min(0, Math.exp(x[i]) - 1); },
  gelu: 'Math has no erf',
  silu: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.exp(-x[i])); },
  mish: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] * Math.tanh(Math.log(1 + Math.exp(x[i]))); },
  softplus: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] > 20 ? x[i] : Math.log(1 + Math.exp(x[i])); },
  softsign: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.abs(x[i])); },
  hardSigmoid: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i] / 6 + 0.5, 0), 1); },
  hardSwish: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] * Math.min(Math.max(x[i] / 6 + 0.5, 0), 1); },
  hardTanh: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], -1), 1); },
  logSigmoid: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = -Math.log(1 + Math.exp(-x[i])); },
  tanhshrink: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] - Math.tanh(x[i]); },
  softshrink: (x, y) => { for (let i = 0; i < x.length; i++) { const v = x[i]; y[i] = v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0; } },
  hardshrink: (x, y) => { for (let i = 0; i < x.length; i++) { const v = x[i]; y[i] = Math.abs(v) > 0.5 ? v : 0; } },
  softmax: (x, y) => jsSoftmax(x, y, 1, false),
  logSoftmax: (x, y) => jsSoftmax(x, y, 1, true),
  softmin: (x, y) => jsSoftmax(x, y, -1, false),
};

function jsSoftmax(x, y, sign, log) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, sign * x[i]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(sign * x[i] - m);
  if (log) { const l = Math.log(s); for (let i = 0; i < x.length; i++) y[i] = sign * x[i] - m - l; } else {
    for (let i = 0; i < x.length; i++) y[i] = Math.exp(sign * x[i] - m) / s;
  }
}

// ---------------------------------------------------------------- the contenders

export const PEER_CONTENDERS = ['tfjs-wasm e2e', 'tfjs-wasm op', 'tfjs-cpu e2e', 'tfjs-cpu op', 'ort-web', 'ort-node', 'js loop', 'copy bound'];

/**
 * The peer tasks for one function and size.
 * @returns {{ tasks: Array<{ name, fn, async?, beforeAll?, afterAll? }>, na: Record<string,string>,
 *             marks: Record<string,string>, outputs: Array<[string, Float32Array]> }}
 *   outputs: the first `keep` elements of each contender's result
 */
export async function peerTasks(peers, name, x, keep = 1 << 20) {
  // Copies of the first `keep` elements of each result, for the accuracy columns.
  const head = (y) => y.slice(0, keep);
  const n = x.length;
  const tasks = [], na = {}, marks = {}, outputs = [];

  // TensorFlow.js, per backend: end to end, and the op alone on a tensor made beforehand.
  for (const backend of ['wasm', 'cpu']) {
    const e2e = `tfjs-${backend} e2e`, op = `tfjs-${backend} op`;
    const entry = TFJS[name];
    const { tf } = peers;
    if (!tf || !peers.tfBackends.includes(backend)) { na[e2e] = na[op] = `tfjs backend ${backend} unavailable`; continue; }
    if (!entry) { na[e2e] = na[op] = 'no tfjs op or composite'; continue; }
    const [build, mark] = entry;
    await tf.setBackend(backend);
    // Not `tf.tidy(() => ....dataSync())`: tidy walks its result looking for tensors, which on
    // a Float32Array of n elements costs more than the op.
    const e2eRun = () => {
      let y;
      tf.tidy(() => { y = build(tf, tf.tensor1d(x)).dataSync(); });
      return y;
    };
    try {
      const y = e2eRun();
      if (!(y instanceof Float32Array) || y.length !== n) throw new Error(`result is not a Float32Array of ${n}`);
      outputs.push([e2e, head(y)], [op, head(y)]);
    } catch (e) {
      na[e2e] = na[op] = e.message.split('\n')[0];
      continue;
    }
    if (mark) marks[e2e] = marks[op] = mark;
    const use = async () => { await tf.setBackend(backend); };
    tasks.push({ name: e2e, fn: e2eRun, beforeAll: use });
    let t = null;
    tasks.push({
      name: op,
      fn: () => { tf.tidy(() => build(tf, t)).dispose(); },
      beforeAll: async () => { await use(); t = tf.tensor1d(x); },
      afterAll: () => { t?.dispose(); t = null; },
    });
  }

  // onnxruntime: one model per function, one session per runtime (reused across sizes).
  for (const [label, ort, ep] of [['ort-web', peers.ortWeb, 'wasm'], ['ort-node', peers.ortNode, 'cpu']]) {
    const spec = ONNX[name];
    if (!ort) { na[label] = `${label} unavailable`; continue; }
    if (spec === undefined) { na[label] = 'no ONNX op'; continue; }
    if (typeof spec === 'string') { na[label] = spec; continue; }
    let session;
    const run = async () => (await session.run({ x: new ort.Tensor('float32', x, [n]) })).y.data;
    try {
      session = await ortSession(ort, ep, name);
      const y = await run();
      if (!(y instanceof Float32Array) || y.length !== n) throw new Error(`result is not a Float32Array of ${n}`);
      outputs.push([label, head(y)]);
    } catch (e) {
      na[label] = String(e.message).split('\n')[0].slice(0, 160);
      continue;
    }
    if (spec.mark) marks[label] = spec.mark;
    tasks.push({ name: label, fn: run, async: true });
  }

  // Plain JavaScript with Math.*, into a preallocated array.
  const loop = JS_LOOP[name];
  if (typeof loop === 'function') {
    const y = new Float32Array(n);
    loop(x, y);
    outputs.push(['js loop', head(y)]);
    tasks.push({ name: 'js loop', fn: () => loop(x, y) });
  } else {
    na['js loop'] = loop ?? 'not written';
  }

  // The copy bound: what moving n float32 costs, whatever the function.
  const out = new Float32Array(n);
  tasks.push({ name: 'copy bound', fn: () => out.set(x) });
  marks['copy bound'] = 'not the function: out.set(x)';
  return { tasks, na, marks, outputs };
}

export async function releasePeers() {
  for (const s of sessionCache.values()) {
    try { await (await s).release(); } catch { /* already gone */ }
  }
  sessionCache.clear();
}
