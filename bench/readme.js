// Puts the 1,048,576-element tables of bench/RESULTS.md into the README (between
// <!-- bench:start --> and <!-- bench:end -->), with the run's date, machine and command,
// and checks the targets of issue 4 against that same run, so the README never shows
// figures that no run produced. bench/run.js calls it after a run that includes
// 1,048,576 elements; `node bench/readme.js` redoes it from the RESULTS.md on disk.
import { readFile, writeFile } from 'node:fs/promises';

const N_LABEL = '1,048,576';

/** The rows of the first markdown table after `heading` in `text`, as objects keyed by column. */
function tableAfter(text, heading) {
  const at = text.indexOf(heading);
  if (at < 0) return null;
  const lines = text.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const table = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) table.push(lines[i]);
  const cells = (l) => l.slice(1, -1).split('|').map((c) => c.trim());
  const header = cells(table[0]);
  return { lines: table, rows: table.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i], c]))) };
}

const number = (cell) => {
  const m = /^([\d.]+(?:e\d+)?)/.exec(cell ?? '');
  return m ? Number(m[1]) : null;
};
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2));

/** Each target of issue 4 checked on the 1M speed rows: [target, function, measured, verdict]. */
export function checkTargets(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.function.split(' ')[0], r]));
  const out = [];
  const ratio = (name, a, b, need, label) => {
    const r = by[name];
    const x = number(r?.[a]), y = number(r?.[b]);
    if (x === null || y === null) return;
    const v = x / y;
    out.push({ target: label, name, value: `${fmt(v)}× (${fmt(x)} vs ${fmt(y)})`, ok: v >= need });
  };
  for (const r of rows) {
    const name = r.function.split(' ')[0];
    ratio(name, 'simd out', 'tfjs-wasm e2e', 1.5, '≥ 1.5× tfjs-wasm e2e');
    ratio(name, 'simd out', 'ort-web', 2, '≥ 2× ort-web');
  }
  ratio('relu', 'simd WasmArray', 'copy bound', 0.8, 'relu WasmArray ≥ 0.8× copy bound');
  for (const f of ['sigmoid', 'elu', 'softmax']) ratio(f, 'simd WasmArray', 'tfjs-wasm op', 1.1, `${f} WasmArray ≥ 1.1× tfjs-wasm op`);
  ratio('tanh', 'simd WasmArray', 'tfjs-wasm op', 10, 'tanh WasmArray ≥ 10× tfjs-wasm op');
  for (const r of rows) {
    const name = r.function.split(' ')[0];
    const copy = number(r['copy bound']), js = number(r['js out']);
    // Memory-bound where the js backend already runs within 4x of the copy bound: exempt.
    if (copy !== null && js !== null && js * 4 >= copy) continue;
    ratio(name, 'simd out', 'js out', 5, '≥ 5× js');
  }
  return out;
}

export async function updateReadme(root) {
  const results = await readFile(new URL('bench/RESULTS.md', root), 'utf8');
  const section = results.slice(results.indexOf(`## n = ${N_LABEL} float32`));
  const speed = tableAfter(section, 'Speed, Melem/s:');
  const accuracy = tableAfter(section, 'Accuracy, max ULP:');
  if (!speed || !accuracy) throw new Error(`bench/RESULTS.md has no ${N_LABEL}-element tables: run npm run bench with that size`);
  const meta = (key) => (new RegExp(`^- ${key}: (.*)$`, 'm').exec(results)?.[1] ?? '?');
  const targets = checkTargets(speed.rows);
  const misses = targets.filter((t) => !t.ok);
  const body = [
    `Measured by \`${meta('command').replace(/`/g, '')}\` on ${meta('date').slice(0, 10)}: ${meta('cpu')}, ${meta('node')}; ${meta('peers')}.`,
    `A shared, noisy 2-core machine: read ratios within one row (measured side by side, interleaved), not single cells.`,
    `Every size, the settings, the column legend and the n/a reasons: [bench/RESULTS.md](bench/RESULTS.md).`,
    '',
    '![Melem/s per function and contender, 1,048,576 float32 elements, log scale](bench/results.svg)',
    '',
    `Speed at ${N_LABEL} float32 elements, Melem/s (median ± relative MAD). "simd WasmArray": the public API in place on a`,
    'zero-copy `WasmArray` (`fn(a, { out: a })`); "simd zero-copy": the bare kernel on data already in WebAssembly memory.',
    '',
    ...speed.lines,
    '',
    'Accuracy on the same inputs, max float32 ULP error against a float64 reference (bench/reference.js):',
    '',
    ...accuracy.lines,
    '',
    `### Targets (issue 4), checked on this run: ${targets.length - misses.length} of ${targets.length} met`,
    '',
    misses.length === 0 ? 'All met.' : 'Missed:',
    '',
    ...(misses.length === 0 ? [] : ['| target | function | measured |', '|---|---|---:|', ...misses.map((t) => `| ${t.target} | ${t.name} | ${t.value} |`)]),
  ].join('\n');
  const readmeUrl = new URL('README.md', root);
  const readme = await readFile(readmeUrl, 'utf8');
  const start = readme.indexOf('<!-- bench:start -->'), end = readme.indexOf('<!-- bench:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- bench:start --> ... <!-- bench:end --> block');
  await writeFile(readmeUrl, readme.slice(0, start) + '<!-- bench:start -->\n' + body + '\n' + readme.slice(end));
  return { targets, misses };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { targets, misses } = await updateReadme(new URL('..', import.meta.url));
  console.log(`README.md updated: ${targets.length - misses.length} of ${targets.length} targets met`);
  for (const t of misses) console.log(`  missed: ${t.target}: ${t.name} ${t.value}`);
}
