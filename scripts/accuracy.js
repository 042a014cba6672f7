#!/usr/bin/env node
// npm run accuracy: the exhaustive float32 sweep (all 2^32 inputs of every
// elementwise function and gradient), the float64 and softmax-family samples,
// measured against the reference module (accuracy/reference.ts) on worker
// threads; writes build/accuracy/results.json and, for a full run,
// docs/ACCURACY.md. See accuracy/report.js for the table's meaning.
import { Worker } from 'node:worker_threads';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { buildReference, ROOT } from '../accuracy/build.js';
import { emptyStats, mergeStats, S } from '../accuracy/tasks.js';
import { AXIS_BATCHES, AXIS_UNITS, F32_UNIT, F32_UNITS, F64_UNIT, F64_UNITS } from '../accuracy/plan.js';
import { renderMarkdown } from '../accuracy/report.js';

const HELP = `usage: node scripts/accuracy.js [options]   (npm run accuracy builds first, then runs this)

  --threads N      worker threads (default: min(2, cores))
  --stride K       float32: sweep every K-th unit of 2^22 inputs only (default 1: all 2^32)
  --f64-units N    float64: units of 2^20 samples (default ${F64_UNITS})
  --axis-units N   softmax family: units per dtype (default ${AXIS_UNITS})
  --only a,b       only these functions (catalog names, or geluTanh)
  --skip-f32 / --skip-f64 / --skip-axis
  --docs           write docs/ACCURACY.md even for a partial run (a full run always does)
  --no-docs        never write docs/ACCURACY.md
  --report-only    rewrite docs/ACCURACY.md from the last run's build/accuracy/results.json
`;

function parseArgs(argv) {
  const o = { threads: Math.max(1, Math.min(2, availableParallelism())), stride: 1, f64Units: F64_UNITS, axisUnits: AXIS_UNITS, only: null, skip: new Set(), docs: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = () => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs an integer >= 0`);
      return v;
    };
    if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (a === '--threads') o.threads = Math.max(1, int());
    else if (a === '--stride') o.stride = Math.max(1, int());
    else if (a === '--f64-units') o.f64Units = int();
    else if (a === '--axis-units') o.axisUnits = int();
    else if (a === '--only') o.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--skip-f32') o.skip.add('f32');
    else if (a === '--skip-f64') o.skip.add('f64');
    else if (a === '--skip-axis') o.skip.add('axis');
    else if (a === '--docs') o.docs = true;
    else if (a === '--no-docs') o.docs = false;
    else if (a === '--report-only') o.reportOnly = true;
    else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const jsonPath = join(ROOT, 'build', 'accuracy', 'results.json');
if (opts.reportOnly) {
  writeFileSync(join(ROOT, 'docs', 'ACCURACY.md'), renderMarkdown(JSON.parse(readFileSync(jsonPath, 'utf8'))));
  process.stdout.write(`accuracy: wrote docs/ACCURACY.md from ${jsonPath}\n`);
  process.exit(0);
}
const full = opts.stride === 1 && opts.only === null && opts.skip.size === 0 && opts.f64Units === F64_UNITS && opts.axisUnits === AXIS_UNITS;
const writeDocs = opts.docs ?? full;

await buildReference({ quiet: false });

const units = [];
if (!opts.skip.has('f32')) for (let u = 0; u < F32_UNITS; u += opts.stride) units.push({ phase: 'f32', unit: u });
if (!opts.skip.has('f64')) for (let u = 0; u < opts.f64Units; u++) units.push({ phase: 'f64', unit: u });
if (!opts.skip.has('axis')) {
  for (let u = 0; u < opts.axisUnits; u++) units.push({ phase: 'axis-f32', unit: u }, { phase: 'axis-f64', unit: u });
}
const PHASES = ['f32', 'f64', 'axis-f32', 'axis-f64'];
const total = Object.fromEntries(PHASES.map((p) => [p, units.filter((u) => u.phase === p).length]));
const done = Object.fromEntries(PHASES.map((p) => [p, 0]));
const busyMs = Object.fromEntries(PHASES.map((p) => [p, 0]));
/** First guesses of a unit's time (ms), replaced by the measured mean once a unit is done. */
const GUESS = { f32: 3000, f64: 15000, 'axis-f32': 10000, 'axis-f64': 10000 };
const merged = Object.fromEntries(PHASES.map((p) => [p, new Map()]));
let taskLists = null;
let missingGrads = null;

const t0 = Date.now();
const loadBefore = loadavg()[0];
const fmt = (ms) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const unitMs = (p) => (done[p] > 0 ? busyMs[p] / done[p] : GUESS[p]);
function progressLine() {
  const left = PHASES.reduce((a, p) => a + (total[p] - done[p]) * unitMs(p), 0) / opts.threads;
  const all = PHASES.reduce((a, p) => a + total[p] * unitMs(p), 0);
  const pct = all > 0 ? (100 * PHASES.reduce((a, p) => a + done[p] * unitMs(p), 0)) / all : 100;
  const parts = PHASES.filter((p) => total[p] > 0).map((p) => `${p} ${done[p]}/${total[p]}`);
  return `accuracy ${pct.toFixed(1).padStart(5)}% | ${parts.join(' | ')} | ${fmt(Date.now() - t0)} elapsed, ~${fmt(left)} left`;
}
const tty = process.stderr.isTTY;
let lastPrint = 0;
function progress(force = false) {
  const now = Date.now();
  if (tty) {
    if (force || now - lastPrint > 500) {
      process.stderr.write(`\r${progressLine()}\x1b[K`);
      lastPrint = now;
    }
  } else if (force || now - lastPrint > 30000) {
    process.stderr.write(`${progressLine()}\n`);
    lastPrint = now;
  }
}

const queue = units.slice();
const workers = [];
await new Promise((resolve, reject) => {
  let running = 0;
  const next = (w) => {
    const job = queue.shift();
    if (job === undefined) {
      w.postMessage({ type: 'stop' });
      return;
    }
    running++;
    w.postMessage(job);
  };
  let exited = 0;
  for (let i = 0; i < opts.threads; i++) {
    const w = new Worker(new URL('../accuracy/worker.js', import.meta.url), { workerData: { only: opts.only } });
    workers.push(w);
    w.on('message', (m) => {
      if (m.type === 'ready') {
        taskLists ??= { f32: m.tasks32, f64: m.tasks64, 'axis-f32': m.tasksAxis, 'axis-f64': m.tasksAxis };
        missingGrads ??= m.missingGrads;
        next(w);
        return;
      }
      running--;
      done[m.phase]++;
      busyMs[m.phase] += m.ms;
      const into = merged[m.phase];
      for (const [key, s] of Object.entries(m.stats)) {
        const a = into.get(key) ?? emptyStats();
        into.set(key, mergeStats(a, Float64Array.from(s)));
      }
      progress();
      next(w);
    });
    w.on('error', (e) => reject(e));
    w.on('exit', (code) => {
      if (code !== 0) reject(new Error(`accuracy worker exited with code ${code}`));
      if (++exited === opts.threads) resolve();
    });
  }
  void running;
});
progress(true);
if (tty) process.stderr.write('\n');
const wallSeconds = (Date.now() - t0) / 1000;

// ------------------------------------------------------------- results --
const named = (s) => Object.fromEntries(Object.entries(S).map(([k, i]) => [k, s[i]]));
const section = (phase, samples) => ({
  complete: phase === 'f32' ? done.f32 === F32_UNITS : done[phase] === total[phase],
  samples,
  tasks: (taskLists?.[phase] ?? []).map((t) => ({ ...t, stats: Array.from(merged[phase].get(t.key) ?? emptyStats()) })),
});
const axisEntries = (n) => {
  let c = 0;
  for (let u = 0; u < n; u++) for (const b of AXIS_BATCHES(u)) c += b.count * b.len;
  return c;
};
let commit = '';
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  // not a git checkout
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const results = {
  date: new Date().toISOString().slice(0, 10),
  command: full ? 'npm run accuracy' : `node scripts/accuracy.js ${process.argv.slice(2).join(' ')}`,
  machine: `${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
  threads: opts.threads,
  wallSeconds,
  /** 1-minute load averages when the run started and ended: other processes share the cores. */
  load: [loadBefore, loadavg()[0]],
  version: pkg.version,
  commit,
  missingGrads: missingGrads ?? [],
  f32: section('f32', done.f32 * F32_UNIT),
  f64: section('f64', done.f64 * F64_UNIT),
  axisF32: section('axis-f32', axisEntries(done['axis-f32'])),
  axisF64: section('axis-f64', axisEntries(done['axis-f64'])),
};
mkdirSync(join(ROOT, 'build', 'accuracy'), { recursive: true });
writeFileSync(jsonPath, JSON.stringify(results, null, 1));

// ------------------------------------------------------------- summary --
let failures = 0;
const out = [];
for (const [name, sec] of [['float32', results.f32], ['float64', results.f64], ['float32 softmax', results.axisF32], ['float64 softmax', results.axisF64]]) {
  for (const t of sec.tasks) {
    const s = t.stats;
    if (s[S.count] === 0) continue;
    const bad = s[S.fail] > 0;
    if (bad) failures++;
    out.push(`${bad ? 'OUT ' : 'ok  '} ${name.padEnd(16)} ${t.label.padEnd(34)} max ${String(s[S.maxInt]).padStart(3)} ULP (bound ${t.ulp}${t.allow ? '+abs' : ''})` +
      `${s[S.maxInt] > 0 ? ` at x = ${s[S.xAtMax]}` : ''}${bad ? `; ${s[S.fail]} outside, worst ${s[S.failMax]} ULP at x = ${s[S.xAtFail]}` : ''}`);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
process.stdout.write(`accuracy: mean unit time ${PHASES.filter((p) => done[p] > 0).map((p) => `${p} ${(busyMs[p] / done[p] / 1000).toFixed(2)} s`).join(', ')}\n`);
process.stdout.write(`accuracy: ${failures === 0 ? 'every measured function within its bound' : `${failures} outside their bound`}; wall time ${fmt(wallSeconds * 1000)}; ${jsonPath}\n`);
if (writeDocs) {
  const md = renderMarkdown(results);
  writeFileSync(join(ROOT, 'docs', 'ACCURACY.md'), md);
  process.stdout.write(`accuracy: wrote docs/ACCURACY.md\n`);
}
