// The signature table of every built-in, by (kind, name). Adding a built-in starts here: the
// checker binds arguments against these parameters, the lowering fills defaults from them, and
// the docs and the language server show their one-line docs. Feature bases, samplers and metrics
// have entries keyed by the IR's unions (samplers and bases also carry their lowering, lint, --scale
// and memory estimate), so they live in descriptor tables in stdlib/builtins/ and are listed here.
import type { BuiltinKind, BuiltinSpec, ParamSpec } from './types.js';
import {
  positive,
  nonNegative,
  seedRange,
  dataRef,
  forwardRef,
  T,
  tMinModel,
  modelArg,
  gridArg,
  timesArg,
  mcSamples,
} from './params.js';
import { FEATURE_MAPS } from './builtins/features.js';
import { SAMPLERS } from './builtins/samplers.js';
import { METRICS } from './builtins/metrics.js';
import { MLP_SPEC } from './builtins/mlp.js';

export type { BuiltinKind, BuiltinSpec, ParamSpec, ParamType, DefaultSpec, ValueRange, RefKind } from './types.js';
export { BUILTIN_KINDS } from './types.js';

const map = (name: string, doc: string, extra: ParamSpec[] = []): BuiltinSpec => ({
  kind: 'map',
  name,
  doc,
  params: [
    { ...dataRef, namedOnly: false, doc: 'Training data (positional first argument or `data =`).' },
    { ...forwardRef, namedOnly: false, doc: 'Forward process (second positional argument or `forward =`).' },
    gridArg,
    timesArg,
    ...extra,
  ],
});
const modelMap = (name: string, doc: string, extra: ParamSpec[] = []): BuiltinSpec => ({
  kind: 'map',
  name,
  doc,
  params: [modelArg, gridArg, timesArg, ...extra, mcSamples, dataRef, forwardRef],
});

// ---- the table -------------------------------------------------------------------------------

export const BUILTINS: readonly BuiltinSpec[] = [
  // data
  {
    kind: 'data',
    name: 'points',
    doc: 'Training points written inline, e.g. points([-1], [0], [1]).',
    params: [
      { name: 'points', type: 'point', variadic: true, doc: 'The points, each a list with one coordinate per axis.' },
      { name: 'weights', type: 'numbers', optional: true, doc: 'Relative weight of each point (default: equal).' },
    ],
  },
  {
    kind: 'data',
    name: 'polygon',
    dim: 2,
    doc: 'The n vertices of a regular polygon (2D).',
    params: [
      { name: 'n', type: 'count', range: { min: 3 }, doc: 'Number of vertices.' },
      {
        name: 'radius',
        type: 'number',
        range: positive,
        default: { value: 1 },
        doc: 'Distance of every vertex from the centre.',
      },
      { name: 'angle', type: 'angle', unit: 'rad', default: { value: 0 }, doc: 'Angle of the first vertex.' },
    ],
  },
  {
    kind: 'data',
    name: 'line',
    doc: 'n evenly spaced points on the segment from `from` to `to` (both ends included).',
    params: [
      { name: 'from', type: 'point', doc: 'First point.' },
      { name: 'to', type: 'point', doc: 'Last point.' },
      { name: 'n', type: 'count', range: { min: 2 }, doc: 'Number of points.' },
    ],
  },
  {
    kind: 'data',
    name: 'grid',
    doc: 'A regular grid: n points from lo to hi on each of dim axes (n^dim points).',
    params: [
      { name: 'lo', type: 'number', doc: 'Lowest coordinate on every axis.' },
      { name: 'hi', type: 'number', doc: 'Highest coordinate on every axis.' },
      { name: 'n', type: 'count', doc: 'Points per axis.' },
      { name: 'dim', type: 'count', range: { min: 1, max: 3 }, default: { value: 1 }, doc: 'Number of axes.' },
    ],
  },
  {
    kind: 'data',
    name: 'ring',
    dim: 2,
    doc: 'n points evenly spaced on a circle (2D).',
    params: [
      { name: 'n', type: 'count', doc: 'Number of points.' },
      { name: 'radius', type: 'number', range: positive, default: { value: 1 }, doc: 'Circle radius.' },
      { name: 'center', type: 'point', default: { computed: '[0, 0]' }, doc: 'Circle centre.' },
    ],
  },
  {
    kind: 'data',
    name: 'mixture',
    doc: 'n points drawn from an equal-weight Gaussian mixture (seeded, so the same every run).',
    params: [
      { name: 'means', type: 'matrix', doc: 'Component means, one point per component.' },
      { name: 'std', type: 'number', range: positive, doc: 'Standard deviation of every component (isotropic).' },
      { name: 'n', type: 'count', doc: 'Number of points drawn.' },
      { name: 'seed', type: 'integer', range: seedRange, default: { setting: 'seed' }, doc: 'Seed of the draw.' },
    ],
  },
  {
    kind: 'data',
    name: 'csv',
    doc: 'Points read from a CSV file: one point per row, cells separated by commas, semicolons, tabs or spaces, each a plain decimal number (`1`, `-0.5`, `2e-3`, optionally in double quotes; not hexadecimal, `Infinity` or `NaN`); a first row that is not all numbers is a header and skipped; `#` lines are comments.',
    params: [{ name: 'path', type: 'path', doc: 'File path, relative to the file that declares it.' }],
  },
  {
    kind: 'data',
    name: 'npy',
    doc: 'Points read from a NumPy .npy file (format 1.0, 2.0 or 3.0; float32/float64/int32/int64, C order, shape (M,) or (M, D)).',
    params: [{ name: 'path', type: 'path', doc: 'File path, relative to the file that declares it.' }],
  },
  {
    kind: 'data',
    name: 'rotate',
    dim: 2,
    doc: 'A 2D data set rotated counter-clockwise about a centre.',
    params: [
      { name: 'd', type: 'data', doc: 'Data set to rotate.' },
      { name: 'angle', type: 'angle', unit: 'rad', doc: 'Rotation angle.' },
      { name: 'center', type: 'point', default: { computed: '[0, 0]' }, doc: 'Centre of rotation.' },
    ],
  },
  {
    kind: 'data',
    name: 'scale',
    doc: 'A data set with every coordinate multiplied by a factor.',
    params: [
      { name: 'd', type: 'data', doc: 'Data set to scale.' },
      { name: 'factor', type: 'number', doc: 'Scale factor.' },
    ],
  },
  {
    kind: 'data',
    name: 'shift',
    doc: 'A data set translated by a vector.',
    params: [
      { name: 'd', type: 'data', doc: 'Data set to shift.' },
      { name: 'by', type: 'point', doc: 'Translation, one entry per axis.' },
    ],
  },
  {
    kind: 'data',
    name: 'duplicate',
    doc: 'A data set in which one point counts k times (its weight is multiplied by k).',
    params: [
      { name: 'd', type: 'data', doc: 'Data set.' },
      { name: 'index', type: 'integer', range: nonNegative, doc: '0-based index of the duplicated point.' },
      { name: 'k', type: 'count', doc: 'How many times the point counts.' },
    ],
  },
  {
    kind: 'data',
    name: 'outlier',
    doc: 'A data set with one extra point.',
    params: [
      { name: 'd', type: 'data', doc: 'Data set.' },
      { name: 'at', type: 'point', doc: 'The extra point.' },
      {
        name: 'weight',
        type: 'number',
        range: positive,
        default: { value: 1 },
        doc: 'Its weight relative to one ordinary point.',
      },
    ],
  },
  {
    kind: 'data',
    name: 'concat',
    doc: 'The union of several data sets of the same dimension (weights by point count).',
    params: [{ name: 'sets', type: 'data', variadic: true, doc: 'Data sets to join.' }],
  },

  // forward processes
  {
    kind: 'forward',
    name: 'vp',
    doc: 'Variance-preserving process of the paper: drift -beta_t x, beta_t = beta_min + beta_d t.',
    params: [
      { name: 'beta_min', type: 'number', range: nonNegative, default: { value: 0.1 }, doc: 'beta at t = 0.' },
      { name: 'beta_d', type: 'number', range: nonNegative, default: { value: 19.9 }, doc: 'Slope of beta_t in t.' },
      T,
    ],
  },
  {
    kind: 'forward',
    name: 'alpha_sigma',
    doc: 'A VP-type process given by alpha(t) and sigma^2(t) (Fig. 1: alpha = sqrt(1 - t), sigma2 = t).',
    params: [
      { name: 'alpha', type: 'time', doc: 'Signal scale alpha_t as an expression of t.' },
      { name: 'sigma2', type: 'time', doc: 'Noise variance sigma_t^2 as an expression of t.' },
      T,
    ],
  },
  {
    kind: 'forward',
    name: 'edm',
    doc: 'EDM process: alpha_t = 1, sigma_t^2 = t^2.',
    params: [T],
  },
  {
    kind: 'forward',
    name: 've',
    doc: 'Variance-exploding process with a geometric noise schedule from sigma_min to sigma_max.',
    params: [
      { name: 'sigma_min', type: 'number', range: positive, default: { value: 0.01 }, doc: 'Noise level at t = 0.' },
      { name: 'sigma_max', type: 'number', range: positive, default: { value: 50 }, doc: 'Noise level at t = T.' },
      T,
    ],
  },
  {
    kind: 'forward',
    name: 'anisotropic',
    doc: 'A VP-type process with a full or diagonal diffusion matrix M: D_t = beta_t M (or M).',
    params: [
      { name: 'diffusion', type: 'matrix', optional: true, doc: 'The SPD matrix M (give this or `diag`).' },
      {
        name: 'diag',
        type: 'numbers',
        optional: true,
        namedOnly: true,
        doc: 'Diagonal of M (instead of `diffusion`).',
      },
      { name: 'beta_min', type: 'number', range: nonNegative, default: { value: 0.1 }, doc: 'beta at t = 0.' },
      { name: 'beta_d', type: 'number', range: nonNegative, default: { value: 19.9 }, doc: 'Slope of beta_t in t.' },
      {
        name: 'time',
        type: 'enum',
        values: ['beta', 'constant'],
        default: { value: 'beta' },
        doc: "'beta': D_t = beta_t M (closed form); 'constant': D_t = M.",
      },
      T,
    ],
  },

  // features
  ...Object.values(FEATURE_MAPS).map((d) => d.spec),

  // models (`true` is written as the literal and needs no entry)
  {
    kind: 'model',
    name: 'naive',
    doc: 'The naive score estimator of section 4: exact score plus proxy-score noise of strength kappa.',
    params: [{ name: 'kappa', type: 'number', range: positive, doc: 'Noise strength (a time).' }, dataRef, forwardRef],
  },
  {
    kind: 'model',
    name: 'linear',
    doc: 'A linear model W phi(x, t) trained by ridge-regularized denoising score matching.',
    params: [
      { name: 'features', type: 'features', doc: 'The feature map phi.' },
      { name: 'samples', type: 'count', doc: 'P: denoising samples per trained model.' },
      { name: 'ridge', type: 'number', range: nonNegative, default: { value: 0.1 }, doc: 'Ridge strength gamma.' },
      {
        name: 'param',
        type: 'enum',
        values: ['denoiser', 'score'],
        default: { value: 'denoiser' },
        doc: 'What W phi predicts: the denoiser (as the reference code) or the score.',
      },
      tMinModel,
      dataRef,
      forwardRef,
    ],
  },
  {
    kind: 'model',
    name: 'ntk',
    doc: 'An infinite-width ReLU network trained in the lazy (NTK) regime by gradient flow.',
    params: [
      { name: 'samples', type: 'count', doc: 'P: denoising samples per trained model.' },
      {
        name: 'tau',
        type: 'number',
        range: positive,
        default: { value: 1e300 },
        doc: 'Training time (1e300 for the infinite-time limit).',
      },
      { name: 'lr', type: 'number', range: positive, default: { value: 1 }, doc: 'Learning rate.' },
      { name: 'depth', type: 'count', default: { value: 1 }, doc: 'Hidden layers.' },
      {
        name: 'design',
        type: 'count',
        default: { value: 1000 },
        doc: 'Monte-Carlo design size for the Nystrom eigendecomposition.',
      },
      tMinModel,
      dataRef,
      forwardRef,
    ],
  },
  MLP_SPEC,

  // samples
  ...Object.values(SAMPLERS).map((d) => d.spec),

  // maps
  map('posterior_weights', 'Posterior weights w_m(x, t) of every training point.'),
  map('score', 'The exact score s(x, t).'),
  map('proxy_covariance', 'Trace of the proxy-score covariance C(x, t).'),
  map('score_variance_ratio', 'The Fig. 1 ratio tr C / (tr C + |s|^2).'),
  modelMap('vkernel', 'Diagonal of the V-kernel V(z, z) of a model.'),
  modelMap('vkernel_time_correlation', "V-kernel correlation with a reference point z' = (ref_x, ref_t).", [
    { name: 'ref_x', type: 'point', doc: 'Reference position.' },
    { name: 'ref_t', type: 'number', range: positive, doc: 'Reference time.' },
  ]),
  modelMap('score_error', 'Learned minus exact score, averaged over trained models.'),

  // metrics
  ...Object.values(METRICS).map((d) => d.spec),

  // plots
  {
    kind: 'plot',
    name: 'density',
    doc: 'Density curves (1D) or images (2D) of sample sets, one panel per cell.',
    params: [
      { name: 'samples', type: 'sample', variadic: true, doc: 'Sample sets drawn together.' },
      { name: 'points', type: 'data', optional: true, doc: 'Training points drawn on top.' },
      {
        name: 'y_max',
        type: 'number',
        range: positive,
        optional: true,
        doc: "Top of the density axis of 1D panels (the paper's Fig. 2 uses 2.5, so the gaps stay visible under tall peaks); default: fit the data.",
      },
      {
        name: 'band',
        type: 'enum',
        values: ['quartiles', 'se', 'both'],
        default: { value: 'quartiles' },
        doc: 'Shading of ensemble curves in 1D panels: the 25-75% quartile band across members (as in the paper), the ensemble mean +- one standard error over members, or both.',
      },
    ],
  },
  {
    kind: 'plot',
    name: 'heatmap',
    doc: 'A 2D map as an image per time.',
    params: [
      { name: 'map', type: 'map', doc: 'The map to draw.' },
      { name: 'points', type: 'data', optional: true, doc: 'Training points drawn on top.' },
    ],
  },
  {
    kind: 'plot',
    name: 'vkernel',
    doc: 'V-kernel maps of a vkernel or vkernel_time_correlation map.',
    params: [
      { name: 'map', type: 'map', doc: 'The V-kernel map.' },
      { name: 'points', type: 'data', optional: true, doc: 'Training points drawn on top.' },
    ],
  },
  {
    kind: 'plot',
    name: 'loss',
    doc: "Training-loss curves of mlp ensembles: every member's loss against its step, log scale, one panel per cell.",
    params: [{ name: 'samples', type: 'sample', variadic: true, doc: 'Ensembles of mlp models.' }],
  },
  {
    kind: 'plot',
    name: 'table',
    doc: 'A table of metric values over the cells.',
    params: [{ name: 'metrics', type: 'metric', variadic: true, doc: 'Metrics shown as columns.' }],
  },

  // grids (arguments of maps)
  {
    kind: 'grid',
    name: 'interval',
    dim: 1,
    doc: '1D grid: n points from lo to hi.',
    params: [
      { name: 'lo', type: 'number', doc: 'First point.' },
      { name: 'hi', type: 'number', doc: 'Last point.' },
      { name: 'n', type: 'count', doc: 'Number of points.' },
    ],
  },
  {
    kind: 'grid',
    name: 'square',
    dim: 2,
    doc: '2D grid: n x n points on [lo, hi]^2.',
    params: [
      { name: 'lo', type: 'number', doc: 'Lowest coordinate.' },
      { name: 'hi', type: 'number', doc: 'Highest coordinate.' },
      { name: 'n', type: 'count', doc: 'Points per axis.' },
    ],
  },
  {
    kind: 'grid',
    name: 'box',
    doc: 'Grid over a box, one interval per axis: box([lo, hi], [lo, hi], n = 100).',
    params: [
      { name: 'sides', type: 'interval', variadic: true, doc: 'One interval per axis.' },
      { name: 'n', type: 'count', namedOnly: true, doc: 'Points per axis.' },
    ],
  },

  // sweep generators
  {
    kind: 'sweep',
    name: 'linspace',
    doc: 'n evenly spaced values from a to b (both included).',
    params: [
      { name: 'a', type: 'number', doc: 'First value.' },
      { name: 'b', type: 'number', doc: 'Last value.' },
      { name: 'n', type: 'count', doc: 'Number of values.' },
    ],
  },
  {
    kind: 'sweep',
    name: 'geomspace',
    doc: 'n geometrically spaced values from a to b (both included, same sign, non-zero).',
    params: [
      { name: 'a', type: 'number', doc: 'First value.' },
      { name: 'b', type: 'number', doc: 'Last value.' },
      { name: 'n', type: 'count', doc: 'Number of values.' },
    ],
  },

  // arithmetic functions (fold on constants and sweep variables; in alpha_sigma they stay symbolic in t)
  ...(
    [
      ['sqrt', 'Square root.'],
      ['exp', 'Exponential.'],
      ['log', 'Natural logarithm.'],
      ['sin', 'Sine (radians).'],
      ['cos', 'Cosine (radians).'],
      ['abs', 'Absolute value.'],
    ] as const
  ).map(([name, doc]): BuiltinSpec => ({
    kind: 'function',
    name,
    doc,
    params: [{ name: 'u', type: 'number', doc: 'Argument.' }],
  })),
  ...(
    [
      ['min', 'Smaller of two numbers.'],
      ['max', 'Larger of two numbers.'],
    ] as const
  ).map(([name, doc]): BuiltinSpec => ({
    kind: 'function',
    name,
    doc,
    params: [
      { name: 'a', type: 'number', doc: 'First number.' },
      { name: 'b', type: 'number', doc: 'Second number.' },
    ],
  })),
];

const byKey = new Map(BUILTINS.map((b) => [`${b.kind}:${b.name}`, b]));

/** The built-in `name` of `kind`, if any. */
export function lookupBuiltin(kind: BuiltinKind, name: string): BuiltinSpec | undefined {
  return byKey.get(`${kind}:${name}`);
}

/** Every built-in, in table order (grouped by kind). */
export function listBuiltins(kind?: BuiltinKind): readonly BuiltinSpec[] {
  return kind ? BUILTINS.filter((b) => b.kind === kind) : BUILTINS;
}

/** The kinds that have a built-in called `name` (for "`gauss` is a features built-in" hints). */
export function kindsOfBuiltin(name: string): BuiltinKind[] {
  return BUILTINS.filter((b) => b.name === name).map((b) => b.kind);
}

/** A parameter of a built-in by name. */
export function lookupParam(spec: BuiltinSpec, name: string): ParamSpec | undefined {
  return spec.params.find((p) => p.name === name);
}

/** Study settings: each is also the default of every built-in parameter of the same name. */
export const SETTINGS: readonly ParamSpec[] = [
  {
    name: 'seed',
    type: 'integer',
    range: seedRange,
    default: { value: 0 },
    doc: 'Study seed: cell, model and data seeds derive from it.',
  },
  {
    name: 't_min',
    type: 'number',
    range: positive,
    default: { value: 1e-3 },
    doc: 'Default cutoff time for training and sampling.',
  },
  { name: 'steps', type: 'count', default: { value: 30 }, doc: 'Default number of sampling steps.' },
];

/** A one-line signature such as `vp(beta_min = 0.1, beta_d = 19.9, T = 1)` for hover and docs. */
export function formatSignature(spec: BuiltinSpec): string {
  const params = spec.params.map((p) => {
    let s = p.variadic ? `${p.name}...` : p.name;
    if (p.default && 'value' in p.default)
      s += ` = ${typeof p.default.value === 'string' ? JSON.stringify(p.default.value) : p.default.value}`;
    else if (p.default && 'setting' in p.default) s += ` = <study ${p.default.setting}>`;
    else if (p.default || p.optional) s += '?';
    return s;
  });
  return `${spec.name}(${params.join(', ')})`;
}
