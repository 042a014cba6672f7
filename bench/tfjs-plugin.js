#!/usr/bin/env node
// Benchmark of the TensorFlow.js plug-in (wasm-activations/tfjs): each activation op of the
// `cpu` backend on a 1,048,576-element float32 tensor with TensorFlow.js's own kernel and with
// ours registered, and a whole tfjs-layers model's predict() (bench/tfjs-model.js) with and
// without. `npm run bench` runs it after the main table (bench/run.js); alone:
//
//   node bench/tfjs-plugin.js [--only sigmoid,relu] [--time 150] [--rounds 3] [--no-model]
//
// "op": the op on a tensor made beforehand, its result disposed (the cpu backend computes
// synchronously), as the "tfjs-cpu op" column of the main table. Both contenders of a row run in
// the same process, interleaved: each round runs tfjs, then registers our kernels, runs ours
// and unregisters (the order rotates per round); the samples of all rounds are pooled.
// Writes bench/TFJS-PLUGIN.md.
import { Bench } from 'tinybench';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import process from 'node:process';

const root = new URL('../', import.meta.url);
const { registerTfjsKernels } = await import(new URL('dist/tfjs/index.js', root).href);
const { buildModel, dataset, paramCount, uniform } = await import(new URL('bench/tfjs-model.js', root).href);

const N = 1 << 20;
const OPS = {
  relu: (tf, t) => tf.relu(t),
  relu6: (tf, t) => tf.relu6(t),
  leakyRelu: (tf, t) => tf.leakyRelu(t), // tfjs's default alpha 0.2
  prelu: (tf, t, c) => tf.prelu(tf.reshape(t, [N / 256, 256]), c.alpha), // one alpha per channel, 256 channels
  elu: (tf, t) => tf.elu(t),
  selu: (tf, t) => tf.selu(t),
  sigmoid: (tf, t) => tf.sigmoid(t),
  tanh: (tf, t) => tf.tanh(t),
  softplus: (tf, t) => tf.softplus(t),
  softmax: (tf, t) => tf.softmax(tf.reshape(t, [1024, 1024])), // 1,024 rows of 1,024
  step: (tf, t) => tf.step(t),
};

function parseArgs(argv) {
  const opts = { only: null, time: 150, rounds: 3, model: true };
  const usage = 'usage: node bench/tfjs-plugin.js [--only op1,op2] [--time ms-per-task] [--rounds k] [--no-model]';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [key, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value\n${usage}`);
      return v;
    };
    const positiveInt = (v, what) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${JSON.stringify(v)}\n${usage}`);
      return n;
    };
    switch (key) {
      case '--only': opts.only = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--time': opts.time = positiveInt(value(), '--time'); break;
      case '--rounds': opts.rounds = positiveInt(value(), '--rounds'); break;
      case '--no-model': opts.model = false; break;
      case '-h': case '--help': console.log(usage); process.exit(0); break;
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}\n${usage}`);
    }
  }
  if (opts.only) {
    const unknown = opts.only.filter((o) => !(o in OPS));
    if (unknown.length > 0) throw new Error(`--only: unknown op(s) ${unknown.join(', ')}; known: ${Object.keys(OPS).join(', ')}`);
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

// ---------------------------------------------------------------- TensorFlow.js, cpu backend

let tf, tfl;
try {
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  tfl = await import('@tensorflow/tfjs-layers');
} catch (e) {
  console.error(`bench/tfjs-plugin.js: TensorFlow.js is not installed (${e.message.split('\n')[0]}); run npm ci`);
  process.exit(1);
}
tf.env().set('PROD', true);
{
  const warn = console.warn;
  console.warn = () => {}; // the cpu backend's banner about tfjs-node
  try {
    await tf.setBackend('cpu');
    tf.add(1, 1).dataSync();
  } finally {
    console.warn = warn;
  }
}

// ---------------------------------------------------------------- measuring

function median(sorted) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
function summarize(samples) {
  const s = Float64Array.from(samples).sort();
  const med = median(s);
  const dev = Float64Array.from(s, (v) => Math.abs(v - med)).sort();
  return { median: med, rmad: med > 0 ? median(dev) / med : 0, count: s.length };
}

let handle = null;
const plugIn = async () => { handle = await registerTfjsKernels(tf); };
const plugOut = () => { handle?.unregister(); handle = null; };

/** Times `fn` with tfjs's kernels ('tfjs') and with ours ('plug-in'), interleaved: { tfjs, 'plug-in' } summaries in ms. */
async function compare(label, fn, { time = opts.time, rounds = opts.rounds, async = false } = {}) {
  const samples = { tfjs: [], 'plug-in': [] };
  const perRound = Math.max(1, time / rounds);
  for (let r = 0; r < rounds; r++) {
    process.stderr.write(`${label}: round ${r + 1}/${rounds}\n`);
    const bench = new Bench({ name: label, time: perRound, iterations: 3, warmup: true, warmupTime: Math.min(30, perRound), warmupIterations: 2, retainSamples: true, throws: true });
    const tasks = [['tfjs', { async }], ['plug-in', { async, beforeAll: plugIn, afterAll: plugOut }]];
    for (const [name, hooks] of r % 2 ? tasks.reverse() : tasks) bench.add(name, fn, hooks);
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`${label} ${task.name}: ${task.result.state}${task.result.error ? `: ${task.result.error.message}` : ''}`);
      samples[task.name].push(...task.result.latency.samples);
    }
  }
  return { tfjs: summarize(samples.tfjs), 'plug-in': summarize(samples['plug-in']) };
}

/** Float32 bits of one run with tfjs's kernels and one with ours: how many elements differ. */
async function differing(fn) {
  const once = () => tf.tidy(() => fn().dataSync().slice());
  const want = once();
  await plugIn();
  const got = once();
  plugOut();
  let d = 0;
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) d++;
  return `${d.toLocaleString('en-US')} of ${want.length.toLocaleString('en-US')}`;
}

const started = new Date();
const x = uniform(N, 0x5eed0000 + N, -8, 8);
const t = tf.tensor1d(x);
const ctx = { alpha: tf.tensor(uniform(256, 99, 0, 0.5)) };
const opRows = [];
for (const name of Object.keys(OPS).filter((o) => !opts.only || opts.only.includes(o))) {
  const build = OPS[name];
  const run = () => { tf.tidy(() => build(tf, t, ctx)).dispose(); };
  const r = await compare(name, run);
  opRows.push({ name, ...r, bits: await differing(() => build(tf, t, ctx)) });
}

const modelRows = [];
let modelInfo = '';
let gradientsInfo = '';
{
  const h = await registerTfjsKernels(tf);
  gradientsInfo = h.gradients.length ? h.gradients.join(', ') + ' (tfjs\'s own for the others: this build has no gradient kernel for them yet)' : 'none';
  h.unregister();
}
if (opts.model && !opts.only) {
  const model = buildModel(tf, tfl);
  modelInfo = `${paramCount(model).toLocaleString('en-US')} parameters: Dense 64 -> 512 relu -> 256 elu -> 256 selu -> 128 sigmoid -> 128 tanh -> 10 softmax (bench/tfjs-model.js)`;
  for (const batch of [256, 1]) {
    const { xs, ys } = dataset(tf, { samples: batch });
    ys.dispose();
    const run = () => { tf.tidy(() => model.predict(xs).dataSync()); };
    const r = await compare(`model predict, batch ${batch}`, run, { time: Math.max(opts.time, 3000), rounds: Math.max(opts.rounds, 5) });
    // Activation elements per predict: batch x (512 + 256 + 256 + 128 + 128 + 10).
    modelRows.push({ name: `predict(), batch of ${batch}`, batch, ...r, bits: await differing(() => model.predict(xs)) });
    xs.dispose();
  }
  // Training: the forward activations, and the gradients of relu (and of the others as their
  // gradient kernels land) on ours; matMul and the optimizer on tfjs.
  {
    const { xs, ys } = dataset(tf, { samples: 256 });
    const run = () => model.fit(xs, ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    await run();
    const r = await compare('model fit, 1 epoch', run, { time: Math.max(opts.time, 6000), async: true });
    modelRows.push({ name: 'fit(), 1 epoch of 256 samples, batch 32, SGD', ...r, bits: 'n/a' });
    xs.dispose();
    ys.dispose();
  }
}
t.dispose();
ctx.alpha.dispose();

// ---------------------------------------------------------------- the tables

const rate = (s) => N / (s.median * 1e-3) / 1e6;
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const spread = (s) => `±${(s.rmad * 100).toFixed(s.rmad < 0.1 ? 1 : 0)}%`;
const ver = async (pkg) => {
  try {
    const { createRequire } = await import('node:module');
    return createRequire(import.meta.url)(`${pkg}/package.json`).version;
  } catch { return '?'; }
};
const lines = [];
lines.push('# TensorFlow.js plug-in benchmark', '');
lines.push(`- date: ${started.toISOString()}`);
lines.push(`- node: ${process.version} (${process.platform} ${process.arch}); cpu: ${os.cpus()[0]?.model?.trim() ?? '?'} (${os.cpus().length} logical cores)`);
lines.push(`- TensorFlow.js: @tensorflow/tfjs-core ${await ver('@tensorflow/tfjs-core')}, tfjs-backend-cpu ${await ver('@tensorflow/tfjs-backend-cpu')}, tfjs-layers ${await ver('@tensorflow/tfjs-layers')}; ours: \`registerTfjsKernels(tf)\` on wasm-simd`);
lines.push(`- command: \`node bench/tfjs-plugin.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\``);
lines.push(`- settings: ${opts.time} ms per contender in ${opts.rounds} interleaved rounds (model rows: at least 3 s in 5 rounds for predict, 6 s for fit); medians ± relative median absolute deviation; float32 input uniform in [-8, 8]`);
if (opRows.length > 0) {
  lines.push('', `## Ops of the \`cpu\` backend, ${N.toLocaleString('en-US')} float32 elements`, '');
  lines.push('The op on a tensor made beforehand, result disposed (`tf.tidy(() => tf.sigmoid(t)).dispose()`), in Melem/s. prelu: [4096, 256] with 256 alphas; softmax: [1024, 1024] along the last axis; leakyRelu: tfjs\'s alpha 0.2; step: alpha 0. "bits differing": elements whose float32 bits differ from tfjs\'s own kernel (0: the same bits; elsewhere within 2 ULP, see test/tfjs.test.ts).', '');
  lines.push('| op | tfjs cpu | with the plug-in | speed-up | bits differing |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const r of opRows) lines.push(`| ${r.name} | ${fmt(rate(r.tfjs))} ${spread(r.tfjs)} | ${fmt(rate(r['plug-in']))} ${spread(r['plug-in'])} | ${(rate(r['plug-in']) / rate(r.tfjs)).toFixed(2)}× | ${r.bits} |`);
}
if (modelRows.length > 0) {
  lines.push('', '## A tfjs-layers model, predict() and fit()', '');
  lines.push(`${modelInfo}. \`model.predict(x).dataSync()\` and \`model.fit(...)\`, ms per call (lower is faster). In predict(), Dense layers with relu and elu run as _FusedMatMul (the plug-in applies the activation epilogue); the others call the activation op after it. In fit(), every activation is an op of its own, and the plug-in's gradients are: ${gradientsInfo}.`, '');
  lines.push('| model | tfjs cpu | with the plug-in | speed-up | outputs differing (bits) |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const r of modelRows) lines.push(`| ${r.name} | ${r.tfjs.median.toFixed(r.tfjs.median < 10 ? 3 : 1)} ms ${spread(r.tfjs)} | ${r['plug-in'].median.toFixed(r['plug-in'].median < 10 ? 3 : 1)} ms ${spread(r['plug-in'])} | ${(r.tfjs.median / r['plug-in'].median).toFixed(2)}× | ${r.bits} |`);
}
const markdown = lines.join('\n') + '\n';
process.stdout.write(markdown);
await writeFile(new URL('bench/TFJS-PLUGIN.md', root), markdown);
process.stderr.write('wrote bench/TFJS-PLUGIN.md\n');
