// Every sampler in one place: its signature, the models it can integrate, its IR fields, the
// counts `--scale` multiplies, the members whose draws are pooled, its share of the cell-memory
// estimate and its labels in density plots. The table is a mapped type over the IR's sample methods
// (compiler/ir/types.ts), so a method without an entry here, or an entry without a method
// there, is a compile error. The fields every sampler shares (draws, time grid, solver,
// histogram, seed) are lowered by compiler/lower/sample.ts.
import type { IrModel, IrSample, IrSampleCommon, IrVelocityEval } from '../../compiler/ir/types.js';
import { mcSamples, modelArg, sampling } from '../params.js';
import type { BuiltinSpec, ParamSpec } from '../types.js';

export type SampleMethod = IrSample['method'];
export type SampleOf<M extends SampleMethod> = Extract<IrSample, { method: M }>;
/** The method-specific fields of a sample node (the lowering adds IrSampleCommon). */
export type SampleFields<M extends SampleMethod> = M extends SampleMethod
  ? Omit<SampleOf<M>, keyof IrSampleCommon>
  : never;

/** Monte-Carlo counts besides `draws` that `--scale` may multiply (study/scale.ts sets their floors). */
export type ScaledCountField = 'members' | 'mc_samples';
/** The scaled counts a sample node of method M has. */
type ScaledFieldOf<M extends SampleMethod> = M extends SampleMethod
  ? Extract<keyof SampleOf<M>, ScaledCountField>
  : never;

/** A reason the lowering refuses the arguments: a semantic code's key, the blamed argument, the text. */
export interface Refusal {
  code: 'incompatibleModel' | 'gridRank';
  arg: string;
  message: string;
  hint?: string;
}

export interface SamplerDescriptor<M extends SampleMethod> {
  spec: BuiltinSpec & { kind: 'sample'; name: M };
  /** Model types it can integrate ('true' is the exact score). */
  accepts: readonly IrModel['type'][];
  /**
   * The method-specific IR fields from the evaluated arguments (`args`, by parameter name, table
   * defaults filled) and the model's name and type, or why they are refused.
   */
  lower(args: Record<string, any>, model: { name: string; type: IrModel['type'] }): SampleFields<M> | Refusal;
  /** Counts `--scale` multiplies besides `draws`. */
  scaled: readonly ScaledFieldOf<M>[];
  /**
   * Members whose draws the runtime pools (kept together until the cell ends, standard errors
   * across members); undefined when the draws are one model's.
   */
  pooledMembers(node: SampleOf<M>): number | undefined;
  /**
   * Memory beyond the kept draws and histogram, for the cell-memory lint (GTV0806), given the
   * feature count F of the model (0 for models without features): bytes kept until the cell
   * ends, and the largest unsplittable piece of work with what it is.
   */
  memory(node: SampleOf<M>, F: number): { kept: number; work: number; what: string };
  /** Legend entry and colour of its curve in 1D density plots (the paper's Figure 2 colours). */
  legend(node: SampleOf<M>, name: string): { label: string; color: string };
  /** What it is in one word, for the row labels of 2D density plots. */
  short: string;
}

const F64 = 8;
const none = { kept: 0, work: 0, what: '' };

/** How members evaluate a linear model's velocity (runtime/particles/table.ts). */
const velocityEval: ParamSpec[] = [
  {
    name: 'eval',
    type: 'enum',
    values: ['table', 'exact'],
    default: { value: 'table' },
    doc:
      "How the members' PF-ODE evaluates a linear model's velocity: `table` interpolates a cubic spline of the " +
      'field tabulated at each time step (Gaussian and Fourier space factors, 1D and 2D; outside the table, and ' +
      'for other features, exact), `exact` evaluates the features at every particle-step. NTK and mlp models, and the ' +
      'white-noise effective SDE, always evaluate exactly.',
  },
  {
    name: 'table_points',
    type: 'count',
    range: { min: 4 },
    default: {
      computed:
        "per axis, across the features' `over`: Gaussian 8 nodes per feature width in 1D, 4 in 2D; Fourier 256 nodes per period in 1D, 96 in 2D",
    },
    doc: 'Table nodes per space axis across the features\' `over` interval (with `eval = "table"`); a member whose tables would exceed 2^24 numbers evaluates exactly.',
  },
];

function evalFields(args: Record<string, any>): IrVelocityEval {
  return { eval: args.eval, table_points: args.table_points ?? null };
}

export const SAMPLERS: { readonly [M in SampleMethod]: SamplerDescriptor<M> } = {
  pf_ode: {
    spec: {
      kind: 'sample',
      name: 'pf_ode',
      doc: 'Samples from integrating the probability-flow ODE with a model score (or the exact one).',
      params: [
        modelArg,
        ...sampling,
        {
          name: 'compat_grid_lookup',
          type: 'grid',
          optional: true,
          doc: 'Reference-code quirk: look the denoiser up on this 1D grid (right neighbour) per axis.',
        },
      ],
    },
    accepts: ['true', 'linear', 'ntk', 'mlp'],
    lower(args, model) {
      const g = args.compat_grid_lookup as { grid: { axes: { lo: number; hi: number; n: number }[] } } | null;
      if (g && g.grid.axes.length !== 1) {
        return {
          code: 'gridRank',
          arg: 'compat_grid_lookup',
          message: 'the lookup grid is applied per axis, so it must be 1D: interval(lo, hi, n)',
        };
      }
      const a = g?.grid.axes[0];
      return { method: 'pf_ode', model: model.name, compat_grid_lookup: a ? { n: a.n, range: [a.lo, a.hi] } : null };
    },
    scaled: [],
    pooledMembers: () => undefined,
    memory: () => none,
    legend: (node, name) =>
      node.model === 'true'
        ? { label: `${name}: PF-ODE, true score`, color: '#9a9a9a' }
        : { label: `${name}: PF-ODE, ${node.model}`, color: '#ff7f0e' },
    short: 'PF-ODE',
  },
  naive: {
    spec: {
      kind: 'sample',
      name: 'naive',
      doc: 'Samples of the naive estimator: posterior resampling at every step, or its SDE form.',
      params: [
        modelArg,
        {
          name: 'form',
          type: 'enum',
          values: ['resample', 'sde'],
          default: { value: 'resample' },
          doc: 'Resampling scheme or Euler-Maruyama SDE.',
        },
        ...sampling,
      ],
    },
    accepts: ['naive'],
    lower: (args, model) => ({ method: 'naive', model: model.name, form: args.form }),
    scaled: [],
    pooledMembers: () => undefined,
    memory: () => none,
    legend: (_, name) => ({ label: `${name}: naive estimator`, color: '#2ca02c' }),
    short: 'naive',
  },
  ensemble: {
    spec: {
      kind: 'sample',
      name: 'ensemble',
      doc: 'Train `members` models on fresh denoising samples and integrate each.',
      params: [
        modelArg,
        { name: 'members', type: 'count', default: { value: 100 }, doc: 'Number of trained models.' },
        ...velocityEval,
        ...sampling,
      ],
    },
    accepts: ['linear', 'ntk', 'mlp'],
    lower: (args, model) => ({ method: 'ensemble', model: model.name, members: args.members, ...evalFields(args) }),
    scaled: ['members'],
    pooledMembers: (node) => node.members,
    // The trained weights of every member (F per member).
    memory: (node, F) => ({ kept: node.members * F * F64, work: 0, what: '' }),
    legend: (node, name) => ({
      label: `${name}: ensemble mean (${node.members} model${node.members === 1 ? '' : 's'})`,
      color: '#d62728',
    }),
    short: 'ensemble',
  },
  effective_sde: {
    spec: {
      kind: 'sample',
      name: 'effective_sde',
      doc: "Samples from the V-kernel theory's effective SDE for the typical learned distribution.",
      params: [
        modelArg,
        {
          name: 'variant',
          type: 'enum',
          values: ['gaussian_field', 'white_noise'],
          default: { value: 'gaussian_field' },
          doc: 'Gaussian-field sampling (exact under the Gaussian approximation) or white noise (linear models only).',
        },
        { name: 'members', type: 'count', default: { value: 100 }, doc: 'Virtual models drawn (Gaussian field).' },
        {
          ...mcSamples,
          doc: "Monte-Carlo samples for population averages (NTK models use the model's `design` instead).",
        },
        ...velocityEval,
        ...sampling,
      ],
    },
    accepts: ['linear', 'ntk', 'mlp', 'naive'],
    lower(args, model) {
      if ((model.type === 'ntk' || model.type === 'mlp') && args.variant === 'white_noise') {
        return {
          code: 'incompatibleModel',
          arg: 'variant',
          message: `\`effective_sde\` with variant = white_noise cannot sample the ${model.type} model \`${model.name}\``,
          hint: 'use variant = gaussian_field for NTK models',
        };
      }
      return {
        method: 'effective_sde',
        model: model.name,
        variant: args.variant,
        members: args.members,
        mc_samples: args.mc_samples,
        ...evalFields(args),
      };
    },
    scaled: ['members', 'mc_samples'],
    pooledMembers: (node) => (node.variant === 'gaussian_field' ? node.members : undefined),
    // The population's F x F feature covariance and its factor.
    memory: (_, F) => (F ? { kept: 0, work: 2 * F * F * F64, what: `${F} x ${F} feature covariance` } : none),
    legend: (_, name) => ({ label: `${name}: effective-SDE theory`, color: '#1f77b4' }),
    short: 'theory',
  },
};

/** The descriptor of a sample node's method, typed for that node. */
export function samplerOf<M extends SampleMethod>(node: SampleOf<M>): SamplerDescriptor<M> {
  return SAMPLERS[node.method as M];
}

/** A refusal rather than IR fields. */
export function isRefusal(x: object): x is Refusal {
  return 'code' in x && 'arg' in x;
}
