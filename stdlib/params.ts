// Parameter groups shared by several built-ins of the signature table (stdlib/signatures.ts and
// the per-kind descriptor tables in stdlib/builtins/).
import type { ParamSpec } from './types.js';

export const positive = { min: 0, minExclusive: true } as const;
export const nonNegative = { min: 0 } as const;
/** Seeds are unsigned 32-bit integers (what the PRNGs take). */
export const seedRange = { min: 0, max: 4294967295 } as const;

// ---- shared parameter groups ---------------------------------------------------------------

export const dataRef: ParamSpec = {
  name: 'data',
  type: 'data',
  namedOnly: true,
  optional: true,
  doc: 'Training data; required only when the study declares more than one data set.',
};
export const forwardRef: ParamSpec = {
  name: 'forward',
  type: 'forward',
  namedOnly: true,
  optional: true,
  doc: 'Forward process; required only when the study declares more than one.',
};
export const T: ParamSpec = {
  name: 'T',
  type: 'number',
  range: positive,
  default: { value: 1 },
  doc: 'Final diffusion time.',
};
export const tMinModel: ParamSpec = {
  name: 't_min',
  type: 'number',
  range: positive,
  default: { setting: 't_min' },
  doc: 'Smallest training time: training times are drawn from U(t_min, T).',
};
export const histogram: ParamSpec[] = [
  { name: 'bins', type: 'count', default: { value: 200 }, doc: 'Histogram bins per data axis.' },
  {
    name: 'range',
    type: 'intervals',
    default: { computed: 'the data bounding box padded by max(0.5, a quarter of its extent) per axis' },
    doc: 'Histogram range: one interval for every axis, or a list with one interval per axis.',
  },
];
export const sampling: ParamSpec[] = [
  { name: 'draws', type: 'count', default: { value: 10000 }, doc: 'Samples drawn per model (per ensemble member).' },
  { name: 'steps', type: 'count', default: { setting: 'steps' }, doc: 'Integration steps from T down to t_min.' },
  {
    name: 't_min',
    type: 'number',
    range: positive,
    default: { setting: 't_min' },
    doc: 'Time at which sampling stops (the cutoff epsilon).',
  },
  { name: 'solver', type: 'enum', values: ['euler', 'heun'], default: { value: 'euler' }, doc: 'Integration scheme.' },
  {
    name: 'spacing',
    type: 'enum',
    values: ['uniform', 'karras'],
    default: { value: 'uniform' },
    doc: 'Time grid: uniform, or Karras with exponent rho.',
  },
  { name: 'rho', type: 'number', range: positive, default: { value: 7 }, doc: 'Exponent of the Karras time grid.' },
  ...histogram,
  dataRef,
  forwardRef,
];
export const modelArg: ParamSpec = {
  name: 'model',
  type: 'model',
  doc: 'The model whose score is integrated (`true` for the exact score).',
};
export const gridArg: ParamSpec = {
  name: 'grid',
  type: 'grid',
  doc: 'Evaluation grid: interval(...) in 1D, square(...) in 2D, box(...) in any dimension.',
};
export const timesArg: ParamSpec = {
  name: 't',
  type: 'numbers',
  doc: 'Diffusion times at which the field is evaluated (each in (0, T]).',
};
export const mcSamples: ParamSpec = {
  name: 'mc_samples',
  type: 'count',
  default: { value: 10000 },
  doc: 'Monte-Carlo samples for population averages.',
};
export const featureCommon = (what: string): ParamSpec[] => [
  { name: 'axis', type: 'axis', doc: 'The axis the features depend on: x, y, z (data coordinates) or t (time).' },
  { name: 'n', type: 'count', doc: `Number of ${what}.` },
  { name: 'over', type: 'interval', doc: 'The range the features cover, `lo .. hi`.' },
];
export const metricOf: ParamSpec = { name: 'of', type: 'sample', doc: 'The sample set measured.' };
export const metricHistogram: ParamSpec[] = [
  {
    name: 'bins',
    type: 'count',
    default: { computed: "the measured sample's bins" },
    doc: 'Histogram bins per data axis.',
  },
  {
    name: 'range',
    type: 'intervals',
    default: { computed: "the measured sample's range" },
    doc: 'Histogram range per data axis.',
  },
];
