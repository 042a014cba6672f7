// One worker of `npm run accuracy`: computes results with the library's
// wasm-simd backend through the public API on zero-copy WasmArrays, copies
// them into the reference module, and lets it measure them. Units of work
// come from scripts/accuracy.js; each reply carries the merged stats records.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadReference, ROOT } from './build.js';
import { elementwiseTasks, axisTasks, emptyStats, STATS_LEN } from './tasks.js';
import { AXIS_BATCHES, F32_SUB, F32_UNIT, F64_SUB, F64_UNIT, SPECIAL_F64, unitSeed } from './plan.js';

const lib = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
const b = await lib.loadBackend('wasm-simd');
const ref = await loadReference();
const ex = ref.exports;

const only = workerData?.only ?? null;
const keep = (t) => only === null || only.includes(t.refName ?? t.name) || only.includes(t.name);
/** Whether the library computes fn.grad here (before every kernel lands, some throw for want of one). */
function hasGrad(name, dtype = 'f32') {
  const def = lib.catalog.find((d) => d.name === name);
  if (typeof b[name]?.grad !== 'function') return false;
  try {
    b[name].grad(dtype === 'f32' ? Float32Array.of(0.5, -1) : Float64Array.of(0.5, -1), { ...def.example });
    return true;
  } catch {
    return false;
  }
}
const tasks32 = elementwiseTasks(lib.catalog, 'f32', hasGrad).filter(keep);
const tasks64 = elementwiseTasks(lib.catalog, 'f64', hasGrad).filter(keep);
const tasksAxis = axisTasks(lib.catalog, (n) => hasGrad(n, 'f32') && hasGrad(n, 'f64')).filter(keep);
const missingGrads = lib.catalog.filter((d) => !hasGrad(d.name, 'f32') || !hasGrad(d.name, 'f64')).map((d) => d.name);

function statsBlocks(tasks) {
  for (const t of tasks) t.stats = ref.block(STATS_LEN * 8);
}
statsBlocks(tasks32);
statsBlocks(tasks64);
statsBlocks(tasksAxis);
const resetStats = (tasks) => { for (const t of tasks) ref.f64(t.stats, STATS_LEN).set(emptyStats()); };
const readStats = (tasks) => Object.fromEntries(tasks.map((t) => [t.key, Array.from(ref.f64(t.stats, STATS_LEN))]));

const x32 = b.allocate('f32', F32_SUB);
const y32 = b.allocate('f32', F32_SUB);
const x64 = b.allocate('f64', F64_SUB);
const y64 = b.allocate('f64', F64_SUB);
const ry32 = ref.block(F32_SUB * 4);
const rx64 = ref.block(F64_SUB * 8);
const ry64 = ref.block(F64_SUB * 8);

const call = (t, x, y) => {
  const fn = t.grad ? b[t.name].grad : b[t.name];
  fn(x, { ...t.opts, out: y });
};

/** Float32 unit u: the inputs with bits [u * F32_UNIT, (u + 1) * F32_UNIT). */
function unitF32(u) {
  for (let sub = 0; sub < F32_UNIT / F32_SUB; sub++) {
    const start = u * F32_UNIT + sub * F32_SUB;
    const xv = x32.view;
    const bits = new Uint32Array(xv.buffer, xv.byteOffset, F32_SUB);
    for (let i = 0; i < F32_SUB; i++) bits[i] = start + i;
    for (const t of tasks32) {
      call(t, x32, y32);
      ref.f32(ry32, F32_SUB).set(y32.view);
      ex.check32(ref.fid(t.refName, t.grad), 0, start | 0, F32_SUB, ry32, t.a, t.b, t.ulp, t.allow ? 1 : 0, t.stats);
    }
  }
  return readStats(tasks32);
}

/** Float64 unit u: F64_UNIT seeded samples (unit 0 starts with the special points). */
function unitF64(u) {
  ex.seed(unitSeed('f64', u));
  for (let sub = 0; sub < F64_UNIT / F64_SUB; sub++) {
    ex.fill64(rx64, F64_SUB);
    const xs = ref.f64(rx64, F64_SUB);
    if (u === 0 && sub === 0) xs.set(SPECIAL_F64);
    x64.view.set(xs);
    for (const t of tasks64) {
      call(t, x64, y64);
      ref.f64(ry64, F64_SUB).set(y64.view);
      ex.check64(ref.fid(t.refName, t.grad), rx64, F64_SUB, ry64, t.a, t.b, t.ulp, t.allow ? 1 : 0, t.stats);
    }
  }
  return readStats(tasks64);
}

/** Softmax-family unit u of a dtype: batches of rows (plan.js), each through the three functions. */
function unitAxis(dtype, u) {
  const f32 = dtype === 'f32';
  const bytes = f32 ? 4 : 8;
  ex.seed(unitSeed(`axis-${dtype}`, u));
  for (const batch of AXIS_BATCHES(u)) {
    const n = batch.count * batch.len;
    const px = scratch(`x${dtype}`, n * bytes);
    ex.fillRows(px, f32 ? 1 : 0, batch.count, batch.len, batch.centre, batch.spread, batch.negInf);
    const xa = b.allocate(dtype, n);
    const ya = b.allocate(dtype, n);
    const view = (p) => (f32 ? ref.f32(p, n) : ref.f64(p, n));
    xa.view.set(view(px));
    const py = scratch(`y${dtype}`, n * bytes);
    for (const t of tasksAxis) {
      (t.grad ? b[t.name].grad : b[t.name])(xa, { shape: [batch.count, batch.len], out: ya });
      view(py).set(ya.view);
      ex.checkAxis(t.mode, f32 ? 1 : 0, px, py, batch.count, batch.len, t.ulp, t.allow ? 1 : 0, t.stats);
    }
    xa.free();
    ya.free();
  }
  return readStats(tasksAxis);
}

/** Reference-module blocks reused across batches, grown as needed. */
const blocks = new Map();
function scratch(name, bytes) {
  const have = blocks.get(name);
  if (have && have.bytes >= bytes) return have.ptr;
  const ptr = ref.block(bytes);
  blocks.set(name, { ptr, bytes });
  return ptr;
}

parentPort.postMessage({
  type: 'ready',
  tasks32: tasks32.map(({ key, label, grad, ulp, allow }) => ({ key, label, grad, ulp, allow })),
  tasks64: tasks64.map(({ key, label, grad, ulp, allow }) => ({ key, label, grad, ulp, allow })),
  tasksAxis: tasksAxis.map(({ key, label, grad, ulp, allow }) => ({ key, label, grad, ulp, allow })),
  missingGrads,
});

parentPort.on('message', (m) => {
  if (m.type === 'stop') {
    process.exit(0);
  }
  const t0 = performance.now();
  let stats;
  if (m.phase === 'f32') {
    resetStats(tasks32);
    stats = unitF32(m.unit);
  } else if (m.phase === 'f64') {
    resetStats(tasks64);
    stats = unitF64(m.unit);
  } else {
    resetStats(tasksAxis);
    stats = unitAxis(m.phase === 'axis-f32' ? 'f32' : 'f64', m.unit);
  }
  parentPort.postMessage({ type: 'done', phase: m.phase, unit: m.unit, stats, ms: performance.now() - t0 });
});
