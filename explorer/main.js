// The explorer: every activation of the catalog, its derivative (fn.grad), params, formula,
// properties, code and speed, computed by the library in this browser. Everything comes from
// `catalog`, so a new activation appears here without editing this page.
import katex from 'katex';
import 'katex/dist/katex.min.css';
import './style.css';
import * as wa from 'wasm-activations';
import { guide, fallbackGuide } from './guide.js';

const { catalog } = wa;
const byName = new Map(catalog.map((d) => [d.name, d]));
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];
const $ = (id) => document.getElementById(id);

const state = { name: 'gelu', params: {}, compare: new Set(), xmin: -5, xmax: 5, cursor: null };
/** What the last draw plotted, for the readout and for tests: [{ name, xs, ys, ds }]. */
const plotted = [];
window.explorer = { state, plotted, ready: false };

// ---------------------------------------------------------------- params --

/** A slider range for a number param, from its default and its domain (catalog `valid`). */
function sliderRange(param, def) {
  const d = param.default ?? def.example[param.name] ?? 0;
  const valid = param.valid ?? (() => true); // prelu's per-channel alpha: any number here
  let lo = d - 3, hi = d + 3;
  if (!valid(lo)) lo = valid(0) ? 0 : 0.05;
  if (param.name === 'alpha' && def.name === 'leakyRelu') { lo = -1; hi = 1; }
  return { lo, hi, step: (hi - lo) / 200, value: d };
}

function defaults(def) {
  const p = {};
  for (const param of def.params) p[param.name] = param.type === 'enum' ? param.default : (param.default ?? def.example[param.name]);
  return p;
}

function renderParams() {
  const def = byName.get(state.name);
  const box = $('params');
  box.replaceChildren();
  for (const param of def.params) {
    const row = document.createElement('div');
    row.className = 'param';
    const id = `param-${param.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    if (param.type === 'enum') {
      label.textContent = param.name;
      const select = document.createElement('select');
      select.id = id;
      for (const v of param.values) select.append(new Option(v, v, false, v === state.params[param.name]));
      select.addEventListener('change', () => { state.params[param.name] = select.value; update(); });
      row.append(label, select);
    } else {
      const r = sliderRange(param, def);
      const input = document.createElement('input');
      input.type = 'range';
      input.id = id;
      input.min = String(r.lo); input.max = String(r.hi); input.step = String(r.step);
      input.value = String(state.params[param.name]);
      const out = document.createElement('output');
      out.textContent = String(state.params[param.name]);
      label.append(`${param.name} `, out);
      input.title = param.doc ?? '';
      input.addEventListener('input', () => {
        let v = Number(input.value);
        if (param.type === 'number' && !param.valid(v)) v = r.lo + r.step; // celu's alpha: never 0
        state.params[param.name] = Math.round(v * 1000) / 1000;
        out.textContent = String(state.params[param.name]);
        update();
      });
      row.append(label, input);
    }
    box.append(row);
  }
}

function renderCompare() {
  const box = $('compare');
  box.querySelectorAll('label').forEach((l) => l.remove());
  for (const def of catalog) {
    if (def.name === state.name) continue;
    const label = document.createElement('label');
    const box1 = document.createElement('input');
    box1.type = 'checkbox';
    box1.value = def.name;
    box1.checked = state.compare.has(def.name);
    box1.addEventListener('change', () => { box1.checked ? state.compare.add(def.name) : state.compare.delete(def.name); update(); });
    label.append(box1, ` ${def.name}`);
    box.append(label);
  }
}

// ------------------------------------------------------------- the curves --

/** f and f' of a catalog entry over xs (default params for compared ones). Axis functions: component 0 of f([x, 0]). */
function curves(def, params, xs) {
  const fn = wa[def.name];
  if (def.kind === 'axis') {
    const pairs = new Float64Array(xs.length * 2);
    const dy = new Float64Array(xs.length * 2);
    for (let i = 0; i < xs.length; i++) { pairs[2 * i] = xs[i]; dy[2 * i] = 1; }
    const shape = [xs.length, 2];
    const y = fn(pairs, { shape });
    const g = fn.grad(pairs, { shape, dy });
    return { ys: xs.map((_, i) => y[2 * i]), ds: xs.map((_, i) => g[2 * i]) };
  }
  const opts = def.kind === 'channelwise' ? { alpha: params.alpha } : params;
  return { ys: fn(xs, opts), ds: fn.grad(xs, opts) };
}

function draw() {
  const canvas = $('plot');
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, pad = 36;
  const xs = new Float64Array(801).map((_, i) => state.xmin + ((state.xmax - state.xmin) * i) / 800);
  plotted.length = 0;
  const names = [state.name, ...state.compare];
  for (const name of names) {
    const def = byName.get(name);
    const { ys, ds } = curves(def, name === state.name ? state.params : defaults(def), xs);
    plotted.push({ name, xs, ys: Float64Array.from(ys), ds: Float64Array.from(ds) });
  }
  // y range from the finite values, padded.
  let lo = Infinity, hi = -Infinity;
  for (const p of plotted) for (const arr of [p.ys, p.ds]) for (const v of arr) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const margin = (hi - lo) * 0.08;
  lo -= margin; hi += margin;
  const sx = (x) => pad + ((x - state.xmin) / (state.xmax - state.xmin)) * (W - 2 * pad);
  const sy = (y) => H - pad - ((y - lo) / (hi - lo)) * (H - 2 * pad);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  // grid and axes
  ctx.strokeStyle = '#e6e8eb'; ctx.lineWidth = 1; ctx.fillStyle = '#57606a'; ctx.font = '11px system-ui, sans-serif';
  const tick = (span) => { const s = 10 ** Math.floor(Math.log10(span / 5)); return [1, 2, 5, 10].map((m) => m * s).find((t) => span / t <= 8); };
  const tx = tick(state.xmax - state.xmin), ty = tick(hi - lo);
  for (let x = Math.ceil(state.xmin / tx) * tx; x <= state.xmax; x += tx) {
    ctx.beginPath(); ctx.moveTo(sx(x), pad); ctx.lineTo(sx(x), H - pad); ctx.stroke();
    ctx.fillText(String(Math.round(x * 1e6) / 1e6), sx(x) - 8, H - pad + 14);
  }
  for (let y = Math.ceil(lo / ty) * ty; y <= hi; y += ty) {
    ctx.beginPath(); ctx.moveTo(pad, sy(y)); ctx.lineTo(W - pad, sy(y)); ctx.stroke();
    ctx.fillText(String(Math.round(y * 1e6) / 1e6), 2, sy(y) + 4);
  }
  ctx.strokeStyle = '#8c959f';
  if (lo < 0 && hi > 0) { ctx.beginPath(); ctx.moveTo(pad, sy(0)); ctx.lineTo(W - pad, sy(0)); ctx.stroke(); }
  if (state.xmin < 0 && state.xmax > 0) { ctx.beginPath(); ctx.moveTo(sx(0), pad); ctx.lineTo(sx(0), H - pad); ctx.stroke(); }
  // curves: f solid, f' dashed
  plotted.forEach((p, k) => {
    ctx.strokeStyle = COLORS[k % COLORS.length];
    for (const [arr, dash] of [[p.ys, []], [p.ds, [6, 4]]]) {
      ctx.setLineDash(dash); ctx.lineWidth = 2; ctx.beginPath();
      let pen = false;
      for (let i = 0; i < xs.length; i++) {
        const v = arr[i];
        if (!Number.isFinite(v)) { pen = false; continue; }
        const X = sx(xs[i]), Y = Math.max(-1e4, Math.min(1e4, sy(v)));
        pen ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y);
        pen = true;
      }
      ctx.stroke();
    }
  });
  ctx.setLineDash([]);
  // legend
  plotted.forEach((p, k) => {
    ctx.fillStyle = COLORS[k % COLORS.length];
    ctx.fillRect(W - pad - 150, pad + 4 + k * 16, 12, 3);
    ctx.fillText(`${p.name}  (— f, - - f')`, W - pad - 132, pad + 9 + k * 16);
  });
  // cursor
  if (state.cursor !== null) {
    const i = state.cursor;
    ctx.strokeStyle = '#57606a'; ctx.setLineDash([2, 3]);
    ctx.beginPath(); ctx.moveTo(sx(xs[i]), pad); ctx.lineTo(sx(xs[i]), H - pad); ctx.stroke(); ctx.setLineDash([]);
    $('readout').textContent = `x = ${xs[i].toPrecision(5)}: ` + plotted.map((p) => `${p.name} = ${p.ys[i].toPrecision(6)}, ${p.name}' = ${p.ds[i].toPrecision(6)}`).join('; ');
  }
  canvas.dataset.drawn = String(plotted[0].ys.filter(Number.isFinite).length);
}

// -------------------------------------------------------------- the text --

function tex(el, source) {
  try { katex.render(source, el, { throwOnError: false, displayMode: true }); } catch { el.textContent = source; }
}

function describe() {
  const def = byName.get(state.name);
  const g = guide[def.name] ?? fallbackGuide;
  $('title').textContent = `${def.name}${def.aliases.length ? ` (alias ${def.aliases.join(', ')})` : ''}`;
  tex($('formula'), `f(x) = ${def.formula}`);
  tex($('derivative'), `f'(x) = ${def.derivative}`);
  const props = def.properties;
  const regions = [];
  if (def.family === 'piecewise' && ['relu', 'relu6', 'hardTanh', 'hardSigmoid', 'threshold', 'softshrink', 'hardshrink', 'step'].includes(def.name)) regions.push('dying gradient: f\' = 0 on whole intervals (see the dashed curve)');
  if (props.bounded) regions.push('saturating: f\' → 0 as |x| grows (vanishing gradients far from 0)');
  const facts = [
    ['Output range', `[${def.range[0]}, ${def.range[1]}]`],
    ['Monotonic', props.monotonic ? 'yes' : 'no'], ['Smooth', props.smooth ? 'yes' : 'no'],
    ['Zero-centred', props.zeroCentred ? 'yes' : 'no'], ['Bounded', props.bounded ? 'yes' : 'no'],
    ['Gradient', regions.length ? regions.join('; ') : 'non-zero almost everywhere'],
    ['Accuracy', def.accuracy.ulp === 0 ? 'exact' : `≤ ${def.accuracy.ulp} ULP`],
    ['Reference', def.reference],
  ];
  $('facts').replaceChildren(...facts.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    if (k === 'Output range') dd.innerHTML = katex.renderToString(v, { throwOnError: false });
    else dd.textContent = v;
    return [dt, dd];
  }));
  $('guide').textContent = `${def.summary} ${g.use}`;
}

function snippet() {
  const def = byName.get(state.name);
  const g = guide[def.name] ?? fallbackGuide;
  const p = state.params;
  const shown = def.params.filter((q) => q.type === 'enum' ? p[q.name] !== q.default : p[q.name] !== q.default);
  const opts = shown.map((q) => `${q.name}: ${JSON.stringify(p[q.name])}`).join(', ');
  const o = opts ? `, { ${opts} }` : '';
  const og = opts ? `, { dy, ${opts} }` : ', { dy }';
  const forms = [
    ['This library (TypeScript)', `import { init, ${def.name} } from 'wasm-activations';\n\nawait init();\nconst x = new Float32Array([-2, -1, 0, 1, 2]);\nconst y = ${def.name}(x${o});\nconst dx = ${def.name}.grad(x${og}); // dy: the upstream gradient`],
    ['PyTorch', `import torch\nimport torch.nn.functional as F\n\nx = torch.tensor([-2., -1., 0., 1., 2.], requires_grad=True)\ny = ${g.torch(p)}`],
    ['TensorFlow.js', `import * as tf from '@tensorflow/tfjs';\n\nconst x = tf.tensor1d([-2, -1, 0, 1, 2]);\nconst y = ${g.tfjs(p)};`],
  ];
  const box = $('snippets');
  box.replaceChildren();
  for (const [title, code] of forms) {
    const fig = document.createElement('figure');
    const cap = document.createElement('figcaption');
    cap.textContent = title;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', `Copy the ${title} snippet`);
    const pre = document.createElement('pre');
    pre.textContent = code;
    pre.dataset.form = title;
    button.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(code); button.textContent = 'Copied'; } catch { button.textContent = 'Select and copy'; }
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
    cap.append(' ', button);
    fig.append(cap, pre);
    box.append(fig);
  }
  if (g.differs) {
    const note = document.createElement('p');
    note.className = 'differs';
    note.textContent = `Differences: ${g.differs}`;
    box.append(note);
  }
}

function bars() {
  const values = $('vector').value.split(',').map((s) => Number(s.trim())).filter((v) => Number.isFinite(v));
  const T = Number($('temperature').value);
  $('tval').textContent = String(T);
  const box = $('bars');
  box.replaceChildren();
  if (values.length === 0) return;
  const x = Float64Array.from(values, (v) => v / T);
  for (const name of ['softmax', 'logSoftmax', 'softmin']) {
    const y = wa[name](x);
    const group = document.createElement('div');
    group.className = 'bargroup';
    const h = document.createElement('h3');
    h.textContent = `${name}(x / ${T})`;
    group.append(h);
    const scale = name === 'logSoftmax' ? Math.max(...y.map((v) => -v), 1e-9) : 1;
    y.forEach((v, i) => {
      const row = document.createElement('div');
      row.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${Math.min(100, (Math.abs(v) / scale) * 100)}%`;
      if (v < 0) fill.className = 'neg';
      const label = document.createElement('em');
      label.textContent = `${values[i]} → ${v.toFixed(4)}`;
      row.append(fill, label);
      group.append(row);
    });
    box.append(group);
  }
}

// --------------------------------------------------------------- speed --

async function bench() {
  const out = $('benchOut');
  const button = $('bench');
  button.disabled = true;
  out.textContent = 'Measuring…';
  await new Promise((r) => setTimeout(r, 20));
  const def = byName.get(state.name);
  const n = 1 << 18;
  const x = new Float32Array(n).map(() => Math.random() * 16 - 8 || 1);
  const y = new Float32Array(n);
  const params = def.kind === 'channelwise' ? { alpha: state.params.alpha } : def.kind === 'axis' ? { shape: [n / 256, 256] } : state.params;
  const rows = [];
  for (const name of ['wasm-simd', 'js']) {
    const backend = await wa.loadBackend(name);
    const fn = backend[def.name];
    const times = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      fn(x, { ...params, out: y });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    rows.push([name, n / times[3] / 1e3]);
    if (name !== 'js') backend.release();
  }
  const max = Math.max(...rows.map((r) => r[1]));
  out.replaceChildren(...rows.map(([name, rate]) => {
    const row = document.createElement('div');
    row.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${(rate / max) * 100}%`;
    const label = document.createElement('em');
    label.textContent = `${name}: ${rate.toFixed(rate >= 100 ? 0 : 1)} Melem/s`;
    label.dataset.rate = String(rate);
    row.append(fill, label);
    return row;
  }), Object.assign(document.createElement('p'), { textContent: `${def.name}, ${n.toLocaleString()} float32 elements, median of 7; ratio ${(rows[0][1] / rows[1][1]).toFixed(1)}×.` }));
  button.disabled = false;
}

// ---------------------------------------------------------------- wiring --

function update() {
  $('error').textContent = '';
  try {
    draw();
    snippet();
  } catch (e) {
    $('error').textContent = e.message; // the library's own RangeError (hardTanh with min > max, ...)
  }
}

function select(name) {
  state.name = name;
  state.params = defaults(byName.get(name));
  state.compare.delete(name);
  renderParams();
  renderCompare();
  describe();
  update();
}

async function start() {
  const info = await wa.init().catch((e) => { $('error').textContent = e.message; return wa.backendInfo(); });
  $('backend').textContent = info.name;
  const picker = $('fn');
  for (const def of catalog) picker.append(new Option(def.name, def.name));
  picker.value = state.name;
  picker.addEventListener('change', () => select(picker.value));
  for (const id of ['xmin', 'xmax']) {
    $(id).addEventListener('change', () => {
      const a = Number($('xmin').value), b = Number($('xmax').value);
      if (Number.isFinite(a) && Number.isFinite(b) && a < b) { state.xmin = a; state.xmax = b; update(); }
    });
  }
  const canvas = $('plot');
  const toIndex = (clientX) => {
    const r = canvas.getBoundingClientRect();
    const f = ((clientX - r.left) / r.width * canvas.width - 36) / (canvas.width - 72);
    return Math.max(0, Math.min(800, Math.round(f * 800)));
  };
  canvas.addEventListener('mousemove', (e) => { state.cursor = toIndex(e.clientX); draw(); });
  canvas.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    state.cursor = Math.max(0, Math.min(800, (state.cursor ?? 400) + (e.key === 'ArrowLeft' ? -8 : 8)));
    draw();
    e.preventDefault();
  });
  $('vector').addEventListener('input', bars);
  $('temperature').addEventListener('input', bars);
  $('bench').addEventListener('click', bench);
  select(state.name);
  bars();
  window.explorer.ready = true;
}

start();
