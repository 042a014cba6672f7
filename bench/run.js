#!/usr/bin/env node
// Benchmark of every catalog function on every backend and against its peers, run by
// `npm run bench` (which builds dist/ first). Prints markdown tables and writes bench/RESULTS.md
// and the chart bench/results.svg (at 1,048,576 elements, when measured).
//
//   node bench/run.js [--only sigmoid,relu] [--sizes 1024,65536,1048576,16777216] [--time 150] [--rounds 3]
//                     [--tfjs-plugin | --no-tfjs-plugin]
//
// After the main table it runs bench/tfjs-plugin.js (in a child process, so that its kernel
// registrations never touch the peers' TensorFlow.js): the TensorFlow.js plug-in's rows, each
// activation op of the tfjs cpu backend at 1,048,576 elements with and without it, and a model's
// predict(), written to bench/TFJS-PLUGIN.md. --only passes on the ops it names (and skips the
// model rows); --tfjs-plugin runs that section alone; --no-tfjs-plugin skips it.
//
// Per function and size, the contenders are
//   simd out / simd fresh   wasm-simd backend, with `out` given / returning a new array
//   simd WasmArray          the public API on a zero-copy WasmArray, in place (x = out)
//   simd zero-copy          the SIMD build's kernel called directly on data already in
//                           WebAssembly memory (no copies, no validation): the ceiling
//   wasm out / wasm fresh   the scalar WebAssembly backend
//   js out / js fresh       the pure-JavaScript backend
// and the peers (bench/peers.js): TensorFlow.js wasm and cpu backends, end to end
// (tf.tensor(x) -> op -> dataSync()) and op only (on a tensor made beforehand, result disposed),
// onnxruntime-web (wasm EP, 1 thread) and onnxruntime-node (CPU EP, 1 thread) running one-node
// ONNX models built by bench/onnx-model.js, a plain JavaScript loop with Math.*, and the copy
// bound out.set(x). Accuracy: max ULP error of every contender against a float64 reference
// (bench/reference.js) on the first 1,048,576 elements.
// From 4,194,304 elements up a task runs in 1 round, 2 timed calls at least, without warmup
// (the checked call before it warms up), so that the default run stays in minutes.
// All contenders of one function run in the same process, interleaved: the time per task is
// split into --rounds rounds, each round runs every contender once (in a rotated order), and
// the samples of all rounds are pooled. So a noisy stretch of the machine hits all alike.
// Reported: elements / median time, in Melem/s, with the relative median absolute deviation.
import { Bench } from 'tinybench';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { loadPeers, peerTasks, releasePeers, PEER_CONTENDERS } from './peers.js';
import { reference, maxUlp } from './reference.js';
import { chartSvg } from './chart.js';
import process from 'node:process';
import { spawnSync } from 'node:child_process';

const root = new URL('../', import.meta.url);
const { catalog, loadBackend } = await import(new URL('dist/index.js', root).href);

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const opts = { only: null, sizes: [1024, 65536, 1 << 20, 1 << 24], time: 150, rounds: 3, tfjsPlugin: 'after' };
  const usage = 'usage: node bench/run.js [--only f1,f2] [--sizes n1,n2] [--time ms-per-task] [--rounds k] [--tfjs-plugin | --no-tfjs-plugin]';
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
      case '--sizes': opts.sizes = value().split(',').map((s) => positiveInt(s.trim(), '--sizes')); break;
      case '--time': opts.time = positiveInt(value(), '--time'); break;
      case '--rounds': opts.rounds = positiveInt(value(), '--rounds'); break;
      case '--tfjs-plugin': opts.tfjsPlugin = 'only'; break;
      case '--no-tfjs-plugin': opts.tfjsPlugin = 'skip'; break;
      case '-h': case '--help': console.log(usage); process.exit(0); break;
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}\n${usage}`);
    }
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

let defs = catalog;
if (opts.only) {
  const unknown = opts.only.filter((name) => !catalog.some((d) => d.name === name || d.aliases.includes(name)));
  if (unknown.length > 0) {
    console.error(`--only: unknown function(s) ${unknown.join(', ')}; known: ${catalog.map((d) => d.name).join(', ')}`);
    process.exit(2);
  }
  defs = catalog.filter((d) => opts.only.includes(d.name) || d.aliases.some((a) => opts.only.includes(a)));
}

// ---------------------------------------------------------------- the TensorFlow.js plug-in section

/** Runs bench/tfjs-plugin.js in a child process with the matching options; false when it failed. */
function runTfjsPlugin() {
  const TFJS_OPS = ['relu', 'relu6', 'leakyRelu', 'prelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'step'];
  const args = [fileURLToPath(new URL('bench/tfjs-plugin.js', root)), '--time', String(opts.time), '--rounds', String(opts.rounds)];
  if (opts.only) {
    const ops = TFJS_OPS.filter((o) => opts.only.includes(o));
    if (ops.length === 0) {
      console.error('note: --only names no activation op of the tfjs cpu backend; the TensorFlow.js plug-in section is skipped');
      return true;
    }
    args.push('--only', ops.join(','));
  }
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return child.status === 0;
}

if (opts.tfjsPlugin === 'only') process.exit(runTfjsPlugin() ? 0 : 1);

// ---------------------------------------------------------------- inputs and params

/** Uniform in [-8, 8], never 0, from a fixed-seed xorshift32 (fresh array per size). */
function randomInput(n, seed) {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    let v = Math.fround((s / 4294967296) * 16 - 8);
    if (v === 0) v = 0.5;
    x[i] = v;
  }
  return x;
}

/** The params a call with `def.example` resolves to on a Float32Array (defaults filled in, rounded to f32). */
function resolvedParams(def) {
  const p = {};
  for (const param of def.params) {
    const given = def.example[param.name];
    const v = given !== undefined ? given : param.default;
    p[param.name] = typeof v === 'number' ? Math.fround(v) : v;
  }
  return p;
}

// ---------------------------------------------------------------- zero-copy kernel

const simdModule = await WebAssembly.compile(await readFile(new URL('dist/wasm/activations-simd.wasm', root)));

/** An instance of the SIMD build with room for n float32 at a 64-byte aligned address above heapBase. */
async function zeroCopyInstance(n) {
  const instance = await WebAssembly.instantiate(simdModule, {});
  const ex = instance.exports;
  if (typeof ex._initialize === 'function') ex._initialize();
  const ptr = Math.ceil(Number(ex.heapBase()) / 64) * 64;
  const need = ptr + n * 4;
  const have = ex.memory.buffer.byteLength;
  if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
  return { ex, ptr };
}

/** A task body calling the kernel in place on WebAssembly memory, or null (with a reason) when the build lacks it. */
function zeroCopyTask(def, zc, n) {
  const { ex, ptr } = zc;
  if (def.kind === 'axis') {
    const fn = ex.softmax_f32;
    if (typeof fn !== 'function') return { reason: 'no export softmax_f32' };
    const mode = { softmax: 0, logSoftmax: 1, softmin: 2 }[def.name];
    if (mode === undefined) return { reason: `no kernel mode for ${def.name}` };
    return { run: () => fn(ptr, ptr, 1, n, 1, mode) };
  }
  if (typeof def.call !== 'function') return { reason: 'catalog entry has no call()' };
  const { kernel, a, b } = def.call(resolvedParams(def));
  const fn = ex[`${kernel}_f32`];
  if (typeof fn !== 'function') return { reason: `no export ${kernel}_f32` };
  return { run: () => fn(ptr, ptr, n, a, b) };
}

// ---------------------------------------------------------------- statistics

/** Calls per timed sample: 1 from 65,536 elements up, more below. */
const repsFor = (n) => Math.max(1, Math.round(65536 / n));

function median(sorted) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** median (ms) and relative median absolute deviation of pooled latency samples. */
function summarize(samples) {
  const s = Float64Array.from(samples).sort();
  const med = median(s);
  const dev = Float64Array.from(s, (v) => Math.abs(v - med)).sort();
  return { median: med, rmad: med > 0 ? median(dev) / med : 0, count: s.length };
}

// ---------------------------------------------------------------- the run

const OURS = ['simd out', 'simd fresh', 'simd WasmArray', 'simd zero-copy', 'wasm out', 'wasm fresh', 'js out', 'js fresh'];
const CONTENDERS = [...OURS, ...PEER_CONTENDERS];
const LARGE = 1 << 22;
const ACCURACY_LIMIT = 1 << 20;

const peers = await loadPeers();
for (const note of peers.notes) console.error(`note: ${note}`);

const backends = {};
for (const name of ['wasm-simd', 'wasm', 'js']) {
  try {
    backends[name] = await loadBackend(name);
  } catch (e) {
    backends[name] = null;
    console.error(`note: backend ${name} cannot load here (${e.message}); its columns are n/a`);
  }
}

const tty = process.stderr.isTTY;
function progress(line) {
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
}

/** Measures one function at one size: { contender: {median, rmad, count} | 'n/a' }. */
async function measure(def, n, x, zc) {
  const params = { ...def.example };
  const tasks = []; // { name, fn, beforeEach? }
  const result = {};
  const na = (name, why) => { result[name] = { na: why }; };
  const outputs = []; // [contender, result of one call], checked for the same bits below

  for (const [label, backendName] of [['simd', 'wasm-simd'], ['wasm', 'wasm'], ['js', 'js']]) {
    const b = backends[backendName];
    const fn = b?.[def.name];
    if (typeof fn !== 'function') {
      na(`${label} out`, `backend ${backendName} unavailable`);
      na(`${label} fresh`, `backend ${backendName} unavailable`);
      continue;
    }
    const out = new Float32Array(n);
    const withOut = { ...params, out };
    // One checked call first: a backend lacking the kernel throws, and the cell reads n/a.
    try {
      fn(x, withOut);
      outputs.push([`${label} out`, out.slice()]);
      outputs.push([`${label} fresh`, fn(x, params)]);
    } catch (e) {
      na(`${label} out`, e.message);
      na(`${label} fresh`, e.message);
      continue;
    }
    tasks.push({ name: `${label} out`, fn: () => fn(x, withOut) });
    tasks.push({ name: `${label} fresh`, fn: () => fn(x, params) });
  }

  // Ours on a zero-copy array through the public API (validation included), in place.
  let wasmArray = null;
  const simdFn = backends['wasm-simd']?.[def.name];
  if (typeof simdFn === 'function') {
    wasmArray = backends['wasm-simd'].allocate('f32', n);
    const inPlace = { ...params, out: wasmArray };
    wasmArray.view.set(x);
    simdFn(wasmArray, inPlace);
    outputs.push(['simd WasmArray', wasmArray.view.slice()]);
    const arr = wasmArray;
    tasks.push({ name: 'simd WasmArray', fn: () => simdFn(arr, inPlace), beforeEach: () => arr.view.set(x) });
  } else {
    na('simd WasmArray', 'backend wasm-simd unavailable');
  }

  const z = zeroCopyTask(def, zc, n);
  if (z.run) {
    const view = new Float32Array(zc.ex.memory.buffer, zc.ptr, n);
    // Restore the input before every call (untimed), so the in-place kernel always sees x.
    tasks.push({ name: 'simd zero-copy', fn: z.run, beforeEach: () => view.set(x) });
    view.set(x);
    z.run();
    outputs.push(['simd zero-copy', new Float32Array(zc.ex.memory.buffer, zc.ptr, n).slice()]);
  } else {
    na('simd zero-copy', z.reason);
  }

  // The peers (their results are not expected to match ours bit for bit).
  const peer = await peerTasks(peers, def.name, x, ACCURACY_LIMIT);
  for (const [name, why] of Object.entries(peer.na)) na(name, why);
  result.marks = peer.marks;
  tasks.push(...peer.tasks);

  // Accuracy of every contender against the float64 reference.
  const ref = reference(def.name, x, ACCURACY_LIMIT);
  result.ulp = {};
  if (ref) for (const [name, y] of [...outputs, ...peer.outputs]) result.ulp[name] = maxUlp(y, ref);

  // SPEC section 2: every contender must give the same bits (NaN payloads aside).
  const mismatches = [];
  if (outputs.length > 1) {
    const [refName, ref] = outputs.find(([c]) => c === 'js out') ?? outputs[0];
    const refBits = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
    for (const [name, y] of outputs) {
      const bits = new Uint32Array(y.buffer, y.byteOffset, y.length);
      let bad = -1;
      for (let i = 0; i < n; i++) {
        if (bits[i] !== refBits[i] && !(Number.isNaN(y[i]) && Number.isNaN(ref[i]))) { bad = i; break; }
      }
      if (bad >= 0) mismatches.push(`${name} differs from ${refName} at [${bad}]: x = ${x[bad]}, ${y[bad]} vs ${ref[bad]}`);
    }
  }
  if (mismatches.length > 0) {
    result.mismatches = mismatches;
    for (const m of mismatches) console.error(`\nWARNING ${def.name} n=${n}: ${m}`);
  }

  if (tasks.length === 0) {
    progress(`[${progressAt}/${progressTotal}] ${def.name} n=${n}: n/a on every backend`);
    wasmArray?.free();
    return result;
  }
  // Small arrays: several calls per sample, so that one sample is well above the timer's resolution.
  const reps = repsFor(n);
  if (reps > 1) {
    for (const t of tasks) {
      const once = t.fn;
      t.fn = t.async ? async () => { for (let i = 0; i < reps; i++) await once(); } : () => { for (let i = 0; i < reps; i++) once(); };
    }
  }
  const samples = Object.fromEntries(tasks.map((t) => [t.name, []]));
  const large = n >= LARGE;
  const rounds = large ? 1 : opts.rounds;
  const perRound = Math.max(1, opts.time / rounds);
  for (let r = 0; r < rounds; r++) {
    progress(`[${progressAt}/${progressTotal}] ${def.name} n=${n}: ${tasks.length} contenders, round ${r + 1}/${rounds}`);
    const bench = new Bench({
      name: `${def.name} n=${n} round ${r + 1}`,
      time: perRound,
      iterations: large ? 2 : 3,
      warmup: !large,
      warmupTime: r === 0 ? Math.min(50, perRound) : Math.min(10, perRound),
      warmupIterations: r === 0 ? 3 : 1,
      retainSamples: true,
      throws: true,
    });
    // Rotate the order every round so no contender always runs first (or right after the js ones).
    const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]);
    for (const t of order) {
      const o = { async: Boolean(t.async) };
      for (const hook of ['beforeAll', 'beforeEach', 'afterAll']) if (t[hook]) o[hook] = t[hook];
      bench.add(t.name, t.fn, o);
    }
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed') throw new Error(`${def.name} ${task.name}: ${res.state}${res.error ? `: ${res.error.message}` : ''}`);
      for (const v of res.latency.samples) samples[task.name].push(v / reps);
    }
  }
  for (const t of tasks) result[t.name] = summarize(samples[t.name]);
  wasmArray?.free();
  return result;
}

const started = new Date();
const rowsBySize = new Map();
let progressAt = 0;
const progressTotal = defs.length * opts.sizes.length;
for (const n of opts.sizes) {
  const x = randomInput(n, 0x5eed0000 + n);
  const zc = await zeroCopyInstance(n);
  const rows = [];
  for (const def of defs) {
    progressAt++;
    rows.push({ def, result: await measure(def, n, x, zc) });
  }
  rowsBySize.set(n, rows);
}
if (tty) process.stderr.write('\r\x1b[K');
progress(`done in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);

// ---------------------------------------------------------------- the table

const melem = (n, r) => n / (r.median * 1e-3) / 1e6; // median is in ms
function fmtRate(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
function cell(n, r) {
  if (!r || r.na) return 'n/a';
  return `${fmtRate(melem(n, r))} ±${(r.rmad * 100).toFixed(r.rmad < 0.1 ? 1 : 0)}%`;
}
function ratio(n, a, b) {
  if (!a || a.na || !b || b.na) return 'n/a';
  return `${(melem(n, a) / melem(n, b)).toFixed(2)}×`;
}
const MARK = (m) => (!m ? '' : m === 'composite' ? ' ᶜ' : m.startsWith('semantics') ? ' ˢ' : '');
function fmtUlp(u) {
  if (u === undefined) return 'n/a';
  if (u === Infinity) return 'NaN';
  return u < 1e4 ? String(u) : u.toExponential(1).replace('e+', 'e');
}
const RATIOS = [['tfjs-wasm e2e', 'ours/tfjs-wasm e2e'], ['ort-web', 'ours/ort-web'], ['ort-node', 'ours/ort-node']];

const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown';
const command = ['node', ...process.argv.slice(1).map((a, i) => (i === 0 ? fileURLToPath(new URL(a, `file://${process.cwd()}/`)).replace(fileURLToPath(root), '') : a))].join(' ');
const lines = [];
lines.push('# wasm-activations benchmark', '');
lines.push(`- date: ${started.toISOString()}`);
lines.push(`- node: ${process.version} (${process.platform} ${process.arch}), tinybench ${await tinybenchVersion()}`);
lines.push(`- cpu: ${cpu} (${os.cpus().length} logical cores)`);
lines.push(`- peers: ${Object.entries(peers.versions).map(([k, v]) => `${k} ${v}`).join(', ')}${peers.notes.length ? `; ${peers.notes.join('; ')}` : ''}`);
lines.push(`- command: \`${command}\``);
lines.push(`- settings: ${opts.time} ms per task in ${opts.rounds} interleaved rounds (from ${LARGE.toLocaleString('en-US')} elements: 1 round, at least 2 timed calls, no warmup); float32 input uniform in [-8, 8] without 0; params: the catalog's example and defaults${opts.sizes.some((n) => repsFor(n) > 1) ? '; below 65,536 elements a sample times 65,536 / n calls in a row (zero-copy: input restored once per sample)' : ''}`);
lines.push('');
lines.push('Cells: elements / median time in Melem/s (higher is faster), ± the relative median absolute deviation of the samples.');
lines.push('"out": `fn(x, { out })`; "fresh": `fn(x)` allocating the result; "WasmArray": `fn(a, { out: a })` on a zero-copy WasmArray through the public API; "zero-copy": the SIMD build\'s kernel called in place on data already in WebAssembly memory, without the API.');
lines.push('Peers: "tfjs-wasm"/"tfjs-cpu": TensorFlow.js with that backend; "e2e": `tf.tensor(x)` -> op -> `dataSync()`; "op": the op alone on a tensor made beforehand, its result disposed. "ort-web": onnxruntime-web, wasm execution provider, 1 thread; "ort-node": onnxruntime-node, CPU execution provider, 1 thread; both run a one-node ONNX model (bench/onnx-model.js) from a Float32Array to a Float32Array. "js loop": a plain loop with Math.* into a preallocated array. "copy bound": `out.set(x)`, the cost of moving the data at all (not the function).');
lines.push('ᶜ composite: no such op in that library, built from several of its ops. ˢ the op\'s semantics differ from ours (see the notes).');
lines.push('simd/js: speed of simd out over js out. (simd out)/(zero-copy): speed of the API call with `out` over the bare kernel (1 = no overhead). ours/X: speed of simd out over contender X (> 1: we are faster). n/a: the function or backend does not exist there (reasons below).');
lines.push('Accuracy: max error in float32 ULPs against a float64 reference (bench/reference.js; gelu with an erf accurate to 1e-15) on the first 1,048,576 elements, 0 = correctly rounded; "NaN": a NaN where none belongs. Counted in ULPs of the true result even where it is tiny: gelu(-8) = -5.1e-15, so a result of 0 there is ~8.7e8 ULPs off (SPEC section 6 would accept an absolute error of 2^-24 below 2^-20).');
for (const [n, rows] of rowsBySize) {
  lines.push('', `## n = ${n.toLocaleString('en-US')} float32`, '');
  lines.push('Speed, Melem/s:', '');
  lines.push(`| function | ${CONTENDERS.join(' | ')} | simd/js | (simd out)/(zero-copy) | ${RATIOS.map(([, h]) => h).join(' | ')} |`);
  lines.push(`|---|${CONTENDERS.map(() => '---:').join('|')}|---:|---:|${RATIOS.map(() => '---:').join('|')}|`);
  for (const { def, result } of rows) {
    const cells = CONTENDERS.map((c) => (result[c] && !result[c].na ? cell(n, result[c]) + MARK(result.marks?.[c]) : cell(n, result[c])));
    const peerRatios = RATIOS.map(([c]) => ratio(n, result['simd out'], result[c]));
    lines.push(`| ${def.name}${result.mismatches ? ' ⚠' : ''} | ${cells.join(' | ')} | ${ratio(n, result['simd out'], result['js out'])} | ${ratio(n, result['simd out'], result['simd zero-copy'])} | ${peerRatios.join(' | ')} |`);
  }
  const acc = CONTENDERS.filter((c) => c !== 'copy bound');
  lines.push('', 'Accuracy, max ULP:', '');
  lines.push(`| function | ${acc.join(' | ')} |`);
  lines.push(`|---|${acc.map(() => '---:').join('|')}|`);
  for (const { def, result } of rows) {
    lines.push(`| ${def.name} | ${acc.map((c) => (result[c]?.na ? 'n/a' : fmtUlp(result.ulp?.[c]) + MARK(result.marks?.[c]))).join(' | ')} |`);
  }
}
const mismatchLines = [];
for (const [n, rows] of rowsBySize) {
  for (const { def, result } of rows) for (const m of result.mismatches ?? []) mismatchLines.push(`- ${def.name}, n = ${n}: ${m}`);
}
if (mismatchLines.length > 0) lines.push('', '⚠ Results that are not bitwise identical across contenders (SPEC section 2):', '', ...mismatchLines);
else lines.push('', 'Every measured contender returned bitwise-identical results for every function (checked once per function and size).');
const reasons = new Map();
for (const rows of rowsBySize.values()) {
  for (const { def, result } of rows) {
    for (const c of CONTENDERS) {
      const why = result[c]?.na;
      if (why === undefined) continue;
      const key = `${def.name}: ${why}`;
      reasons.set(key, [...(reasons.get(key) ?? []), c].filter((v, i, a) => a.indexOf(v) === i));
    }
  }
}
if (reasons.size > 0) {
  lines.push('', '<details><summary>Why n/a</summary>', '');
  for (const [key, cs] of reasons) lines.push(`- ${key} (${cs.join(', ')})`);
  lines.push('', '</details>');
}
const semantics = new Map();
for (const rows of rowsBySize.values()) {
  for (const { def, result } of rows) {
    for (const [c, m] of Object.entries(result.marks ?? {})) if (m.startsWith('semantics')) semantics.set(`${def.name} (${c}): ${m.replace(/^semantics: /, '')}`, true);
  }
}
if (semantics.size > 0) lines.push('', 'ˢ notes:', '', ...[...semantics.keys()].map((k) => `- ${k}`));
const markdown = lines.join('\n') + '\n';
process.stdout.write(markdown);
await writeFile(new URL('bench/RESULTS.md', root), markdown);
progress('wrote bench/RESULTS.md');
const chartN = rowsBySize.has(1 << 20) ? 1 << 20 : null;
if (chartN) {
  await writeFile(new URL('bench/results.svg', root), chartSvg({ n: chartN, rows: rowsBySize.get(chartN), contenders: CONTENDERS, rate: (r) => (r && !r.na ? melem(chartN, r) : null), title: `wasm-activations vs peers, ${chartN.toLocaleString('en-US')} float32 elements, Melem/s (log scale, higher is faster), ${started.toISOString().slice(0, 10)}, Node ${process.version}` }));
  progress('wrote bench/results.svg');
  if (!opts.only) {
    // A full run: the README's table and target check come from it (bench/readme.js).
    const { updateReadme } = await import('./readme.js');
    const { targets, misses } = await updateReadme(root);
    progress(`updated README.md: ${targets.length - misses.length} of ${targets.length} targets of issue 4 met`);
  }
}
for (const b of Object.values(backends)) b?.release();
await releasePeers();
if (opts.tfjsPlugin === 'after' && !runTfjsPlugin()) process.exitCode = 1;

async function tinybenchVersion() {
  try {
    return JSON.parse(await readFile(new URL('../package.json', import.meta.resolve('tinybench')), 'utf8')).version;
  } catch {
    return '?';
  }
}
