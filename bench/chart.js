// A hand-written SVG chart of one size of the benchmark: per function a group of horizontal
// bars, one per contender (one colour each), Melem/s on a log axis, a legend on top.

const SHOWN = [
  ['simd out', '#1f4e9c'],
  ['simd zero-copy', '#5b8ee6'],
  ['wasm out', '#8fb3ef'],
  ['js out', '#a6a6a6'],
  ['tfjs-wasm e2e', '#e07b00'],
  ['tfjs-wasm op', '#f5b041'],
  ['tfjs-cpu e2e', '#8e5b2a'],
  ['tfjs-cpu op', '#c9a27a'],
  ['ort-web', '#1e8449'],
  ['ort-node', '#7dcea0'],
  ['js loop', '#7d3c98'],
  ['copy bound', '#222222'],
];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * @param {{ n: number, rows: Array<{ def: { name: string }, result: object }>, contenders: string[],
 *           rate: (r: object) => number | null, title: string }} o
 * @returns {string} SVG text
 */
export function chartSvg({ rows, contenders, rate, title }) {
  const shown = SHOWN.filter(([c]) => contenders.includes(c));
  const values = rows.flatMap(({ result }) => shown.map(([c]) => rate(result[c])).filter((v) => v > 0));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const bar = 5, gap = 14, labelW = 110, plotW = 820, right = 60, top = 96;
  const groupH = shown.length * bar + gap;
  const plotH = rows.length * groupH;
  const width = labelW + plotW + right, height = top + plotH + 40;
  const x = (v) => labelW + (Math.log10(v / lo) / Math.log10(hi / lo)) * plotW;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  // Legend: up to 6 per line.
  shown.forEach(([c, colour], i) => {
    const lx = labelW + (i % 6) * 140, ly = 38 + Math.floor(i / 6) * 18;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colour}"/><text x="${lx + 16}" y="${ly + 10}">${esc(c)}</text>`);
  });
  // Decade grid lines and labels.
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x(d).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + plotH}" stroke="#cccccc"/>`);
    out.push(`<text x="${gx}" y="${top - 10}" text-anchor="middle" fill="#555555">${d >= 1 ? d.toLocaleString('en-US') : d}</text>`);
    out.push(`<text x="${gx}" y="${top + plotH + 16}" text-anchor="middle" fill="#555555">${d >= 1 ? d.toLocaleString('en-US') : d}</text>`);
  }
  out.push(`<text x="${labelW + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle">Melem/s (log scale); a missing bar is n/a</text>`);
  rows.forEach(({ def, result }, g) => {
    const gy = top + g * groupH;
    if (g % 2 === 1) out.push(`<rect x="0" y="${gy - gap / 2}" width="${width}" height="${groupH}" fill="#f4f6fa"/>`);
    out.push(`<text x="${labelW - 8}" y="${gy + (shown.length * bar) / 2 + 4}" text-anchor="end" font-weight="bold">${esc(def.name)}</text>`);
    shown.forEach(([c, colour], i) => {
      const v = rate(result[c]);
      if (!(v > 0)) return;
      const w = Math.max(1, x(v) - labelW);
      out.push(`<rect x="${labelW}" y="${gy + i * bar}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${colour}"><title>${esc(`${def.name}, ${c}: ${fmt(v)} Melem/s`)}</title></rect>`);
    });
    const best = rate(result['simd out']);
    if (best > 0) out.push(`<text x="${(x(best) + 4).toFixed(1)}" y="${gy + bar}" font-size="10" fill="#1f4e9c">${fmt(best)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
