// The one source of truth: every activation, its params with defaults and
// domains, its formula and properties, and which kernel computes it. The
// public functions, their validation, `catalog`, the tests, the docs and the
// benchmark are all derived from this table.

/** A numeric param (alpha, beta, lambda, ...). */
export interface NumberParam {
  readonly name: string;
  readonly type: 'number';
  /** Absent: the param is required. */
  readonly default?: number;
  /** Plain-language domain, used in error messages and docs. */
  readonly domain: string;
  /** True when v (already known to be a number, not NaN) lies in the domain. */
  readonly valid: (v: number) => boolean;
  readonly doc: string;
}

/** A param taking one of a few strings (gelu's `approximate`). */
export interface EnumParam {
  readonly name: string;
  readonly type: 'enum';
  readonly values: readonly string[];
  readonly default: string;
  readonly doc: string;
}

/** prelu's alpha: one number, or one number per channel along `axis` of `shape`. */
export interface ChannelParam {
  readonly name: string;
  readonly type: 'channels';
  readonly default: number;
  readonly doc: string;
}

export type ParamDef = NumberParam | EnumParam | ChannelParam;

export type Kind = 'elementwise' | 'channelwise' | 'axis';
export type Family = 'piecewise' | 'exp' | 'tanh' | 'axis';

/** Accuracy class of SPEC section 6. */
export interface Accuracy {
  /** Max error in ULPs of the result type; 0 means correctly rounded (exact). */
  readonly ulp: number;
  /** Where |result| < 2^-20, an absolute error of 2^-24 (f32) or 2^-53 (f64) is also accepted. */
  readonly absoluteBelowTiny: boolean;
}

export interface Properties {
  readonly monotonic: boolean;
  readonly smooth: boolean;
  readonly zeroCentred: boolean;
  readonly bounded: boolean;
}

/** Which kernel runs a call, with the two numeric kernel args (a, b). */
export interface KernelCall {
  readonly kernel: string;
  readonly a: number;
  readonly b: number;
}

export type ResolvedParams = Readonly<Record<string, number | string | ArrayLike<number>>>;

export interface ActivationDef {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly kind: Kind;
  readonly family: Family;
  readonly summary: string;
  readonly params: readonly ParamDef[];
  /** LaTeX. */
  readonly formula: string;
  /** LaTeX: f'(x) as `fn.grad` computes it (PyTorch's values at kinks); for the axis functions the vector-Jacobian product. */
  readonly derivative: string;
  /** Output range for the default params, as [low, high] in LaTeX-friendly text. */
  readonly range: readonly [string, string];
  readonly properties: Properties;
  readonly accuracy: Accuracy;
  /** Params for examples and benchmarks where some are required (threshold). */
  readonly example: Readonly<Record<string, number | string>>;
  /** A rule between params (hardTanh: min <= max): the problem, or undefined when fine. */
  readonly constraint?: (p: ResolvedParams) => string | undefined;
  /** Elementwise and channelwise: kernel and args for resolved params. */
  readonly call?: (p: ResolvedParams) => KernelCall;
  /** Where the function comes from (paper or the library whose semantics we follow). */
  readonly reference: string;
}

const EXACT: Accuracy = { ulp: 0, absoluteBelowTiny: false };
const ONE_ULP: Accuracy = { ulp: 1, absoluteBelowTiny: false };
const TWO_ULP: Accuracy = { ulp: 2, absoluteBelowTiny: false };
const FOUR_ULP_OR_TINY: Accuracy = { ulp: 4, absoluteBelowTiny: true };

const any = (): boolean => true;
const nonNegative = (v: number): boolean => v >= 0;
const positive = (v: number): boolean => v > 0;
const nonZero = (v: number): boolean => v !== 0;

function num(name: string, def: number | undefined, doc: string, domain = 'any number', valid: (v: number) => boolean = any): NumberParam {
  return def === undefined ? { name, type: 'number', domain, valid, doc } : { name, type: 'number', default: def, domain, valid, doc };
}

const n = (p: ResolvedParams, k: string): number => p[k] as number;
const call = (kernel: string, a = 0, b = 0): KernelCall => ({ kernel, a, b });

/** SELU constants (Klambauer et al. 2017), as PyTorch spells them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

const axisParams: readonly ParamDef[] = [];

export const catalog: readonly ActivationDef[] = [
  {
    name: 'identity', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'Passes x through unchanged; the output layer of a regression.',
    reference: '—',
    params: [], formula: 'x', derivative: '1', range: ['-\\infty', '\\infty'],
    properties: { monotonic: true, smooth: true, zeroCentred: true, bounded: false },
    accuracy: EXACT, example: {}, call: () => call('identity')
  },
  {
    name: 'step', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'The Heaviside step: 1 at and above the threshold, else 0. Its gradient is 0 everywhere.',
    reference: 'Heaviside step; torch.heaviside-like with a threshold',
    params: [num('threshold', 0, 'Inputs at or above it give 1.')],
    formula: '\\begin{cases} 1 & x \\ge \\theta \\\\ 0 & \\text{otherwise} \\end{cases}', derivative: '0', range: ['0', '1'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: true },
    accuracy: EXACT, example: {}, call: (p) => call('step', n(p, 'threshold'))
  },
  {
    name: 'threshold', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'x above the threshold, else a fixed value (torch.nn.functional.threshold).',
    reference: 'torch.nn.functional.threshold',
    params: [num('threshold', undefined, 'Inputs above it pass through.'), num('value', undefined, 'Output at or below the threshold.')],
    formula: '\\begin{cases} x & x > \\theta \\\\ v & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & x > \\theta \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['\\min(v, \\theta)', '\\infty'],
    properties: { monotonic: false, smooth: false, zeroCentred: false, bounded: false },
    accuracy: EXACT, example: { threshold: 0.1, value: -1 }, call: (p) => call('threshold', n(p, 'threshold'), n(p, 'value'))
  },
  {
    name: 'sigmoid', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'Squashes to (0, 1); the output of binary classifiers and the gate of LSTM/GRU cells.',
    reference: 'logistic function; torch.sigmoid',
    params: [], formula: '\\sigma(x) = \\frac{1}{1 + e^{-x}}', derivative: '\\sigma(x)\\,(1 - \\sigma(x))', range: ['0', '1'],
    properties: { monotonic: true, smooth: true, zeroCentred: false, bounded: true },
    accuracy: TWO_ULP, example: {}, call: () => call('sigmoid')
  },
  {
    name: 'tanh', aliases: [], kind: 'elementwise', family: 'tanh',
    summary: 'Squashes to (-1, 1), zero-centred; recurrent cells and small networks.',
    reference: 'torch.tanh',
    params: [], formula: '\\tanh x = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}', derivative: '1 - \\tanh^2 x', range: ['-1', '1'],
    properties: { monotonic: true, smooth: true, zeroCentred: true, bounded: true },
    accuracy: TWO_ULP, example: {}, call: () => call('tanh')
  },
  {
    name: 'relu', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'max(0, x): the default for hidden layers of deep networks; units can die (gradient 0 for x < 0).',
    reference: 'Nair & Hinton 2010',
    params: [], formula: '\\max(0, x)', derivative: '\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['0', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: false },
    accuracy: EXACT, example: {}, call: () => call('relu')
  },
  {
    name: 'relu6', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'relu clipped at 6; mobile networks (MobileNet) for low-precision friendliness.',
    reference: 'Howard et al. 2017 (MobileNets)',
    params: [], formula: '\\min(\\max(0, x), 6)', derivative: '\\begin{cases} 1 & 0 < x < 6 \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['0', '6'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: true },
    accuracy: EXACT, example: {}, call: () => call('relu6')
  },
  {
    name: 'leakyRelu', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'relu with a small slope alpha for x < 0, so units do not die. Default alpha 0.01 (PyTorch); TensorFlow.js uses 0.2.',
    reference: 'Maas et al. 2013; torch.nn.functional.leaky_relu',
    params: [num('alpha', 0.01, 'Slope for negative inputs.')],
    formula: '\\begin{cases} x & x \\ge 0 \\\\ \\alpha x & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & x > 0 \\\\ \\alpha & \\text{otherwise} \\end{cases}', range: ['-\\infty', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: false },
    accuracy: EXACT, example: {}, call: (p) => call('leakyRelu', n(p, 'alpha'))
  },
  {
    name: 'prelu', aliases: [], kind: 'channelwise', family: 'piecewise',
    summary: 'leakyRelu with a learned slope, one per channel (He et al. 2015).',
    reference: 'He et al. 2015, "Delving Deep into Rectifiers"',
    params: [
      { name: 'alpha', type: 'channels', default: 0.25, doc: 'Slope for negative inputs: a number, or one per channel (an array of C).' },
    ],
    formula: '\\begin{cases} x & x \\ge 0 \\\\ \\alpha_c x & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & x > 0 \\\\ \\alpha_c & \\text{otherwise} \\end{cases}', range: ['-\\infty', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: false },
    accuracy: EXACT, example: {}, call: (p) => call('leakyRelu', n(p, 'alpha'))
  },
  {
    name: 'elu', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'Smooth for x < 0, saturating at -alpha; pushes mean activations toward 0 (Clevert et al. 2015).',
    reference: 'Clevert et al. 2015',
    params: [num('alpha', 1, 'Saturation value for negative inputs is -alpha.')],
    formula: '\\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & \\text{otherwise} \\end{cases}', range: ['-\\alpha', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: true, bounded: false },
    accuracy: TWO_ULP, example: {}, call: (p) => call('elu', n(p, 'alpha'))
  },
  {
    name: 'selu', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'Scaled elu with fixed constants that make deep fully-connected networks self-normalising (Klambauer et al. 2017).',
    reference: 'Klambauer et al. 2017, "Self-Normalizing Neural Networks"',
    params: [], formula: 's \\cdot \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & \\text{otherwise} \\end{cases},\\ \\alpha \\approx 1.6733,\\ s \\approx 1.0507',
    derivative: 's \\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & \\text{otherwise} \\end{cases}', range: ['-s\\alpha', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: true, bounded: false },
    accuracy: TWO_ULP, example: {}, call: () => call('selu')
  },
  {
    name: 'celu', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'elu made continuously differentiable for every alpha (Barron 2017).',
    reference: 'Barron 2017, "Continuously Differentiable Exponential Linear Units"',
    params: [num('alpha', 1, 'Saturation value for negative inputs is -alpha.', 'any number but 0', nonZero)],
    formula: '\\max(0, x) + \\min\\left(0, \\alpha \\left(e^{x/\\alpha} - 1\\right)\\right)', derivative: '\\begin{cases} 1 & x > 0 \\\\ e^{x/\\alpha} & \\text{otherwise} \\end{cases}', range: ['-\\alpha', '\\infty'],
    properties: { monotonic: true, smooth: true, zeroCentred: true, bounded: false },
    accuracy: TWO_ULP, example: {}, call: (p) => call('celu', n(p, 'alpha'))
  },
  {
    name: 'gelu', aliases: [], kind: 'elementwise', family: 'tanh',
    summary: 'x weighted by the normal CDF; the activation of transformers (BERT, GPT). approximate: "tanh" gives the older tanh formula.',
    reference: 'Hendrycks & Gimpel 2016',
    params: [{ name: 'approximate', type: 'enum', values: ['none', 'tanh'], default: 'none', doc: '"none": x Phi(x) exactly; "tanh": the tanh approximation.' }],
    formula: 'x \\, \\Phi(x) = \\frac{x}{2} \\left(1 + \\operatorname{erf}\\frac{x}{\\sqrt 2}\\right)', derivative: '\\Phi(x) + x\\,\\varphi(x) \\text{ (the tanh form: its own derivative)}', range: ['\\approx -0.17', '\\infty'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: false },
    accuracy: FOUR_ULP_OR_TINY, example: {},
    call: (p) => call(p['approximate'] === 'tanh' ? 'geluTanh' : 'gelu'),
  },
  {
    name: 'silu', aliases: ['swish'], kind: 'elementwise', family: 'exp',
    summary: 'x sigmoid(x) (swish); smooth, non-monotonic just below 0; EfficientNet and many modern CNNs.',
    reference: 'Elfwing et al. 2017; Ramachandran et al. 2017 (swish)',
    params: [], formula: 'x \\, \\sigma(x)', derivative: '\\sigma(x)\\,\\bigl(1 + x\\,(1 - \\sigma(x))\\bigr)', range: ['\\approx -0.28', '\\infty'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: false },
    accuracy: TWO_ULP, example: {}, call: () => call('silu')
  },
  {
    name: 'mish', aliases: [], kind: 'elementwise', family: 'tanh',
    summary: 'x tanh(softplus(x)); smooth and self-regularising (Misra 2019), used in YOLOv4.',
    reference: 'Misra 2019',
    params: [], formula: 'x \\tanh\\left(\\ln(1 + e^{x})\\right)', derivative: '\\tanh(s) + x\\,\\sigma(x)\\,\\operatorname{sech}^2(s),\\ s = \\ln(1 + e^{x})', range: ['\\approx -0.31', '\\infty'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: false },
    accuracy: FOUR_ULP_OR_TINY, example: {}, call: () => call('mish')
  },
  {
    name: 'softplus', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'A smooth relu; positive outputs for variances and rates. Linear where beta x > threshold.',
    reference: 'Dugas et al. 2001; torch.nn.functional.softplus',
    params: [
      num('beta', 1, 'Sharpness: larger beta is closer to relu.', 'a number > 0', positive),
      num('threshold', 20, 'Above beta x > threshold the result is x.'),
    ],
    formula: '\\frac{1}{\\beta} \\ln\\left(1 + e^{\\beta x}\\right)', derivative: '\\begin{cases} 1 & \\beta x > \\text{threshold} \\\\ \\sigma(\\beta x) & \\text{otherwise} \\end{cases}', range: ['0', '\\infty'],
    properties: { monotonic: true, smooth: true, zeroCentred: false, bounded: false },
    accuracy: TWO_ULP, example: {}, call: (p) => call('softplus', n(p, 'beta'), n(p, 'threshold'))
  },
  {
    name: 'softsign', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'x / (1 + |x|): like tanh but with polynomial tails that saturate slowly.',
    reference: 'Bergstra et al. 2009',
    params: [], formula: '\\frac{x}{1 + |x|}', derivative: '\\frac{1}{(1 + |x|)^2}', range: ['-1', '1'],
    properties: { monotonic: true, smooth: false, zeroCentred: true, bounded: true },
    accuracy: ONE_ULP, example: {}, call: () => call('softsign')
  },
  {
    name: 'hardSigmoid', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'A piecewise-linear sigmoid, cheap on mobile hardware (MobileNetV3): 0 below -3, 1 above 3.',
    reference: 'Howard et al. 2019 (MobileNetV3); torch.nn.functional.hardsigmoid',
    params: [], formula: '\\begin{cases} 0 & x \\le -3 \\\\ 1 & x \\ge 3 \\\\ x/6 + 1/2 & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1/6 & -3 < x < 3 \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['0', '1'],
    properties: { monotonic: true, smooth: false, zeroCentred: false, bounded: true },
    accuracy: ONE_ULP, example: {}, call: () => call('hardSigmoid')
  },
  {
    name: 'hardSwish', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'x hardSigmoid(x): a cheap swish for mobile networks (MobileNetV3).',
    reference: 'Howard et al. 2019 (MobileNetV3)',
    params: [], formula: 'x \\cdot \\operatorname{hardSigmoid}(x)', derivative: '\\begin{cases} 0 & x < -3 \\\\ x/3 + 1/2 & -3 \\le x \\le 3 \\\\ 1 & x > 3 \\end{cases}', range: ['-0.375', '\\infty'],
    properties: { monotonic: false, smooth: false, zeroCentred: false, bounded: false },
    accuracy: ONE_ULP, example: {}, call: () => call('hardSwish')
  },
  {
    name: 'hardTanh', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'x clipped to [min, max]; gradient 0 outside.',
    reference: 'torch.nn.functional.hardtanh',
    params: [
      num('min', -1, 'Lower bound (<= max).'),
      num('max', 1, 'Upper bound (>= min).'),
    ],
    formula: '\\min(\\max(x, \\text{min}), \\text{max})', derivative: '\\begin{cases} 1 & \\min < x < \\max \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['\\text{min}', '\\text{max}'],
    properties: { monotonic: true, smooth: false, zeroCentred: true, bounded: true },
    accuracy: EXACT, example: {}, call: (p) => call('hardTanh', n(p, 'min'), n(p, 'max')),
    constraint: (p) => (n(p, 'min') > n(p, 'max') ? `param 'min' (${n(p, 'min')}) must be <= param 'max' (${n(p, 'max')})` : undefined),
  },
  {
    name: 'logSigmoid', aliases: [], kind: 'elementwise', family: 'exp',
    summary: 'ln sigmoid(x) = -softplus(-x), computed without overflow; log-likelihoods of binary outputs.',
    reference: 'torch.nn.functional.logsigmoid',
    params: [], formula: '\\ln \\sigma(x) = -\\ln\\left(1 + e^{-x}\\right)', derivative: '1 - \\sigma(x) = \\sigma(-x)', range: ['-\\infty', '0'],
    properties: { monotonic: true, smooth: true, zeroCentred: false, bounded: false },
    accuracy: TWO_ULP, example: {}, call: () => call('logSigmoid')
  },
  {
    name: 'tanhshrink', aliases: [], kind: 'elementwise', family: 'tanh',
    summary: 'x - tanh x: zero slope at 0, linear tails; sparse-coding networks.',
    reference: 'torch.nn.functional.tanhshrink',
    params: [], formula: 'x - \\tanh x', derivative: '\\tanh^2 x', range: ['-\\infty', '\\infty'],
    properties: { monotonic: true, smooth: true, zeroCentred: true, bounded: false },
    accuracy: FOUR_ULP_OR_TINY, example: {}, call: () => call('tanhshrink')
  },
  {
    name: 'softshrink', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'Soft thresholding: shrinks x toward 0 by lambda, zero inside [-lambda, lambda] (the proximal operator of L1).',
    reference: 'Donoho 1995 (soft thresholding); torch.nn.functional.softshrink',
    params: [num('lambda', 0.5, 'Width of the dead zone.', 'a number >= 0', nonNegative)],
    formula: '\\begin{cases} x - \\lambda & x > \\lambda \\\\ x + \\lambda & x < -\\lambda \\\\ 0 & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['-\\infty', '\\infty'],
    properties: { monotonic: true, smooth: false, zeroCentred: true, bounded: false },
    accuracy: EXACT, example: {}, call: (p) => call('softshrink', n(p, 'lambda'))
  },
  {
    name: 'hardshrink', aliases: [], kind: 'elementwise', family: 'piecewise',
    summary: 'Hard thresholding: x where |x| > lambda, else 0.',
    reference: 'torch.nn.functional.hardshrink',
    params: [num('lambda', 0.5, 'Width of the dead zone.', 'a number >= 0', nonNegative)],
    formula: '\\begin{cases} x & |x| > \\lambda \\\\ 0 & \\text{otherwise} \\end{cases}', derivative: '\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} \\end{cases}', range: ['-\\infty', '\\infty'],
    properties: { monotonic: false, smooth: false, zeroCentred: true, bounded: false },
    accuracy: EXACT, example: {}, call: (p) => call('hardshrink', n(p, 'lambda'))
  },
  {
    name: 'softmax', aliases: [], kind: 'axis', family: 'axis',
    summary: 'Turns a vector of scores into probabilities along an axis; the output of multi-class classifiers and attention.',
    reference: 'Bridle 1990; torch.softmax',
    params: axisParams, formula: '\\frac{e^{x_i - m}}{\\sum_j e^{x_j - m}},\\ m = \\max_j x_j', derivative: '\\text{VJP: } y \\odot (dy - \\langle dy, y \\rangle),\\ y = \\operatorname{softmax}(x)', range: ['0', '1'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: true },
    accuracy: FOUR_ULP_OR_TINY, example: {},
  },
  {
    name: 'logSoftmax', aliases: [], kind: 'axis', family: 'axis',
    summary: 'ln softmax, computed stably; pairs with the negative log-likelihood loss.',
    reference: 'torch.log_softmax',
    params: axisParams, formula: 'x_i - m - \\ln \\sum_j e^{x_j - m}', derivative: '\\text{VJP: } dy - \\operatorname{softmax}(x) \\textstyle\\sum_j dy_j', range: ['-\\infty', '0'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: false },
    accuracy: FOUR_ULP_OR_TINY, example: {},
  },
  {
    name: 'softmin', aliases: [], kind: 'axis', family: 'axis',
    summary: 'softmax(-x): probabilities that favour the smallest entries.',
    reference: 'torch.nn.functional.softmin',
    params: axisParams, formula: '\\frac{e^{-x_i + m}}{\\sum_j e^{-x_j + m}},\\ m = \\min_j x_j', derivative: '\\text{VJP: } -y \\odot (dy - \\langle dy, y \\rangle),\\ y = \\operatorname{softmin}(x)', range: ['0', '1'],
    properties: { monotonic: false, smooth: true, zeroCentred: false, bounded: true },
    accuracy: FOUR_ULP_OR_TINY, example: {},
  },
];

/** Kernel mode of each axis function (see assembly/kernels/softmax.ts). */
export const AXIS_MODE: Readonly<Record<string, number>> = { softmax: 0, logSoftmax: 1, softmin: 2 };

/** Options every function takes besides its params. */
export const COMMON_OPTIONS: Readonly<Record<Kind, readonly string[]>> = {
  elementwise: ['out'],
  channelwise: ['out', 'shape', 'axis'],
  axis: ['out', 'shape', 'axis'],
};

export function findActivation(name: string): ActivationDef | undefined {
  return catalog.find((d) => d.name === name || d.aliases.includes(name));
}
