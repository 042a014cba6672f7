// Turns the sweep's merged records into docs/ACCURACY.md.
import { S } from './tasks.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const hex32 = (x) => {
  f32[0] = x;
  return `0x${u32[0].toString(16).padStart(8, '0')}`;
};

const num = (v, digits) => {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '-∞';
  if (Object.is(v, -0)) return '-0';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e7) return String(Number(v.toPrecision(digits)));
  return v.toExponential(digits - 1).replace('e+', 'e');
};

function share(cr, count) {
  if (count === 0) return '—';
  if (cr === count) return '100%';
  const p = (100 * cr) / count;
  // enough digits to tell it from 100%
  let d = 2;
  while (d < 9 && Number(p.toFixed(d)) >= 100) d++;
  return `${p.toFixed(d)}%`;
}

const ulps = (n) => (n === Infinity ? '∞' : String(n));

function boundText(t) {
  const base = t.ulp === 0 ? 'exact' : `${t.ulp} ULP`;
  return t.allow ? `${base} or 2^-24 abs. below 2^-20` : base;
}

/** One table row. dtype: 'f32' or 'f64'. */
function row(t, dtype) {
  const s = t.stats;
  const count = s[S.count];
  const maxInt = s[S.maxInt];
  const where = maxInt === 0
    ? '—'
    : dtype === 'f32'
      ? `x = ${num(s[S.xAtMax], 9)} (${hex32(s[S.xAtMax])}): ${num(s[S.yAtMax], 9)}, exact ${num(s[S.eAtMax], 12)}`
      : `x = ${num(s[S.xAtMax], 17)}: ${num(s[S.yAtMax], 17)}, exact ${num(s[S.eAtMax], 19)}`;
  const real = maxInt === 0 ? '≤ 0.5' : maxInt === Infinity ? '∞' : s[S.realAtMax].toFixed(3);
  let within = s[S.fail] === 0 ? '**yes**' : `**NO**: ${s[S.fail]} results, up to ${ulps(s[S.failMax])} ULP (x = ${num(s[S.xAtFail], dtype === 'f32' ? 9 : 17)})`;
  if (t.allow && s[S.allowed] > 0) {
    within += ` (${s[S.allowed]} by the absolute allowance, up to ${num(s[S.maxAbsAllowed], 3)} × 2^${dtype === 'f32' ? -24 : -53}; ${ulps(s[S.maxIntBig])} ULP at most where \\|exact\\| ≥ 2^-20)`;
  }
  return `| ${t.label} | ${boundText(t)} | ${ulps(maxInt)} | ${real} | ${where} | ${share(s[S.cr], count)} | ${within} |`;
}

const HEAD = '| function | bound (SPEC 6) | max error, ULP | max error, real ULP | where (x: result, exact) | correctly rounded | within bound |\n|---|---|---:|---:|---|---:|---|';

function table(tasks, dtype) {
  return [HEAD, ...tasks.map((t) => row(t, dtype))].join('\n');
}

function verdict(groups) {
  const bad = [];
  for (const [name, tasks] of groups) for (const t of tasks) if (t.stats[S.fail] > 0) bad.push(`${t.label} (${name}): ${ulps(t.stats[S.failMax])} ULP at x = ${t.stats[S.xAtFail]}`);
  return bad;
}

export function renderMarkdown(r) {
  const fwd32 = r.f32.tasks.filter((t) => !t.grad);
  const grad32 = r.f32.tasks.filter((t) => t.grad);
  const fwd64 = r.f64.tasks.filter((t) => !t.grad);
  const grad64 = r.f64.tasks.filter((t) => t.grad);
  const bad = verdict([['float32', r.f32.tasks], ['float64', r.f64.tasks], ['float32 softmax', r.axisF32.tasks], ['float64 softmax', r.axisF64.tasks]]);
  const mins = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  const lines = [
    '# Accuracy',
    '',
    '<!-- Written by `npm run accuracy` (scripts/accuracy.js); do not edit by hand. -->',
    '',
    `Measured ${r.date} with \`${r.command}\` on ${r.machine} (${r.threads} worker threads, ${mins(r.wallSeconds)} wall time;`,
    `load average ${r.load.map((v) => v.toFixed(1)).join(' at the start, ')} at the end, other work sharing the two cores),`,
    `wasm-activations ${r.version}${r.commit ? ` at ${r.commit}` : ''}, backend \`wasm-simd\`. The other backends return the same bits`,
    '(the test suite checks that on samples), so the figures hold for all three.',
    '',
    bad.length === 0
      ? '**Every function and gradient is within its SPEC section 6 bound on every input measured.**'
      : `**Outside the SPEC section 6 bound:** ${bad.join('; ')}.`,
    '',
    '## How it is measured',
    '',
    '- **float32, every input.** Each elementwise function runs on all 2^32 float32 bit patterns (NaNs, infinities,',
    '  subnormals and both zeros included), through the public API on zero-copy `WasmArray`s, 2^18 inputs per call;',
    '  where the library has `fn.grad`, so does its gradient (`dy` omitted, so the result is f\'(x)).',
    '- **float64 and the softmax family, samples.** float64: 10,485,760 seeded samples per function (30% random bit',
    '  patterns over every exponent, 40% log-uniform magnitudes 2^-40 to 2^8, 30% uniform in [-20, 20], plus special',
    '  points). softmax, logSoftmax and softmin: about 12.5 million entries per dtype in rows of 1 to 262,144 entries,',
    '  spreads from 10^-3 to 10^6, centres from -10^4 to 10^3, some entries -∞, some ties.',
    '- **The reference** is a separate WebAssembly module (`accuracy/reference.ts`, AssemblyScript) that shares no code',
    '  with the library. For float32 results it evaluates each formula in float64 on AssemblyScript\'s std `Math`',
    '  (musl-derived `exp`, `expm1`, `log1p`, `tanh`), arranged so that nothing cancels (tanhshrink by its series near 0,',
    '  mish through the rational e(e+2)/(e(e+2)+2) of e = e^x, gelu\'s Φ from erfc, softplus as x + log1p(e^-x)), and in',
    '  double-double arithmetic (~106 bits) where a result is a small difference of larger terms (the derivatives of',
    '  silu, gelu and mish near their zeros) and for the exact and rational functions. Its error is about 10^-8 of a',
    '  float32 ULP. For float64 results and the softmax family everything is double-double (error ~10^-14 float64 ULP).',
    '  `test/accuracy-reference.test.ts` checks the module against decimal.js (test/reference.ts) and checks that',
    '  the measurement finds planted errors.',
    '- **ULP error.** *max error, ULP* counts float steps between the result and the exact value rounded once',
    '  (round to nearest, ties to even): SPEC section 6\'s measure, 0 for a correctly rounded result. *max error, real',
    '  ULP* is the distance to the exact value itself, in units of the float spacing there (between that count - 1/2',
    '  and + 1/2), at the same input. NaN must meet NaN and an exact infinity must be met exactly.',
    '  *correctly rounded* is the share of inputs whose result is the exact value rounded once.',
    '- **Bounds.** SPEC section 6 per function; a gradient\'s is its function\'s plus 2 ULP, and exact (0) for',
    '  piecewise-linear functions (hardSigmoid included). gelu, mish, tanhshrink and the softmax family may instead',
    '  be within 2^-24 (float64: 2^-53) absolutely where the exact result is below 2^-20 in magnitude; the table says',
    '  how many results needed that allowance and the largest ULP error where it does not apply.',
    '- Params are the defaults (threshold: threshold 0.1, value -1); the softplus switch "x where beta x > threshold"',
    '  compares beta x rounded to the dtype, as PyTorch does. Derivatives follow PyTorch at kinks: relu\'(0) = 0,',
    '  leakyRelu\'(0) = alpha, relu6\' and hardTanh\' 0 at both bounds, hardSigmoid\' 0 at ±3, hardSwish\' = x/3 + 1/2 on',
    '  [-3, 3], elu\'(0) = alpha, softshrink\' and hardshrink\' 0 at ±lambda; at ±∞ the limits.',
    '',
    `## float32: all 2^32 inputs${r.f32.complete ? '' : ' (INCOMPLETE RUN)'}`,
    '',
    table(fwd32, 'f32'),
    '',
  ];
  const missing = r.missingGrads.length > 0
    ? `Not measured: the gradients of ${r.missingGrads.join(', ')} (no gradient kernel in the build measured).`
    : '';
  if (grad32.length > 0) lines.push('### Gradients (float32, all 2^32 inputs)', '', table(grad32, 'f32'), '');
  if (missing) lines.push(missing, '');
  lines.push(`## float64: ${r.f64.samples.toLocaleString('en-US')} samples per function`, '', table(fwd64, 'f64'), '');
  if (grad64.length > 0) lines.push('### Gradients (float64)', '', table(grad64, 'f64'), '');
  lines.push(
    `## softmax family: ${r.axisF32.samples.toLocaleString('en-US')} float32 and ${r.axisF64.samples.toLocaleString('en-US')} float64 entries`,
    '',
    '### float32', '', table(r.axisF32.tasks, 'f32'), '',
    '### float64', '', table(r.axisF64.tasks, 'f64'), '',
    'Reproduce: `npm run accuracy` (about half an hour on two cores; `node scripts/accuracy.js --help` for partial runs).',
    '',
  );
  return lines.join('\n');
}
