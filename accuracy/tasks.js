// What the accuracy sweep measures: one task per elementwise function (and
// gelu's tanh form), forward and, where the library has it, gradient; the
// bound of each from the catalog (SPEC section 6); the stats record the
// reference module fills, and how records merge.

/** Functions whose derivative is piecewise constant: their gradients must be exact (SPEC 6). */
export const PIECEWISE_LINEAR = new Set([
  'identity', 'step', 'threshold', 'relu', 'relu6', 'leakyRelu', 'prelu', 'hardTanh', 'softshrink', 'hardshrink', 'hardSigmoid',
]);

export const STATS_LEN = 16;
export const S = {
  count: 0, cr: 1, maxInt: 2, realAtMax: 3, xAtMax: 4, yAtMax: 5, eAtMax: 6, fail: 7, failMax: 8, xAtFail: 9,
  allowed: 10, maxAbsAllowed: 11, maxIntBig: 12, xAtMaxBig: 13, realAtMaxBig: 14,
};

/** A fresh stats record. */
export function emptyStats() {
  const s = new Float64Array(STATS_LEN);
  s[S.xAtMax] = s[S.yAtMax] = s[S.eAtMax] = s[S.xAtFail] = s[S.xAtMaxBig] = NaN;
  return s;
}

/** Merges record b into a (same rules as the reference module's record()). */
export function mergeStats(a, b) {
  a[S.count] += b[S.count];
  a[S.cr] += b[S.cr];
  a[S.fail] += b[S.fail];
  a[S.allowed] += b[S.allowed];
  if (b[S.maxInt] > a[S.maxInt] || (b[S.maxInt] === a[S.maxInt] && b[S.realAtMax] > a[S.realAtMax])) {
    for (const k of [S.maxInt, S.realAtMax, S.xAtMax, S.yAtMax, S.eAtMax]) a[k] = b[k];
  }
  if (b[S.fail] > 0 && (b[S.failMax] > a[S.failMax] || Number.isNaN(a[S.xAtFail]))) {
    a[S.failMax] = b[S.failMax];
    a[S.xAtFail] = b[S.xAtFail];
  }
  a[S.maxAbsAllowed] = Math.max(a[S.maxAbsAllowed], b[S.maxAbsAllowed]);
  if (b[S.maxIntBig] > a[S.maxIntBig] || (b[S.maxIntBig] === a[S.maxIntBig] && b[S.realAtMaxBig] > a[S.realAtMaxBig])) {
    for (const k of [S.maxIntBig, S.xAtMaxBig, S.realAtMaxBig]) a[k] = b[k];
  }
  return a;
}

/** SPEC 6 bound of a task: the catalog's class; a gradient's is that plus 2 ULP, or exact for piecewise-linear functions. */
export function boundOf(def, grad) {
  const { ulp, absoluteBelowTiny } = def.accuracy;
  if (!grad) return { ulp, allow: absoluteBelowTiny };
  if (PIECEWISE_LINEAR.has(def.name)) return { ulp: 0, allow: false };
  return { ulp: ulp + 2, allow: absoluteBelowTiny };
}

/**
 * The elementwise tasks for a dtype: { key, label, name, grad, opts, a, b,
 * ulp, allow, refName }. opts are the call's params (the catalog's example,
 * i.e. the defaults plus required params); a and b the numeric ones, in the
 * catalog's order, rounded to the dtype as the library rounds them.
 * withGrad(name, dtype) says whether the library computes fn.grad for that dtype.
 */
export function elementwiseTasks(catalog, dtype, withGrad) {
  const round = (v) => (dtype === 'f32' ? Math.fround(v) : v);
  const tasks = [];
  for (const def of catalog) {
    if (def.kind === 'axis') continue;
    const variants = def.name === 'gelu' ? [['gelu', {}], ['geluTanh', { approximate: 'tanh' }]] : [[def.name, {}]];
    for (const [refName, extra] of variants) {
      const opts = { ...def.example, ...extra };
      const nums = [];
      for (const p of def.params) {
        if (p.type === 'enum') continue;
        const v = opts[p.name] ?? p.default;
        nums.push(round(v));
      }
      for (const grad of [false, true]) {
        if (grad && !withGrad(def.name, dtype)) continue;
        const label = (refName === 'geluTanh' ? "gelu (approximate: 'tanh')" : def.name) + (grad ? ' grad' : '');
        tasks.push({
          key: `${refName}${grad ? "'" : ''}`,
          label,
          name: def.name,
          refName,
          grad,
          opts,
          a: nums[0] ?? 0,
          b: nums[1] ?? 0,
          ...boundOf(def, grad),
        });
      }
    }
  }
  return tasks;
}

/** Modes of the reference's axis functions; a gradient (dy omitted: all ones) is mode + 3. */
export const AXIS_MODES = { softmax: 0, logSoftmax: 1, softmin: 2 };

export function axisTasks(catalog, withGrad) {
  const tasks = [];
  for (const d of catalog.filter((d) => d.kind === 'axis')) {
    for (const grad of [false, true]) {
      if (grad && !withGrad(d.name)) continue;
      tasks.push({
        key: `${d.name}${grad ? "'" : ''}`, label: `${d.name}${grad ? ' grad' : ''}`, name: d.name, grad,
        mode: AXIS_MODES[d.name] + (grad ? 3 : 0), ...boundOf(d, grad),
      });
    }
  }
  return tasks;
}
