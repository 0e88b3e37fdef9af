// The gtv IR, version 1: the contract between the compiler and the runtime.
//
// One IR document describes one study. Sweep axes are already expanded into cells; inside a
// cell every value is concrete (sweep variables substituted, constants folded, defaults filled,
// data sets materialized as point lists), so the runtime never evaluates user expressions and
// never reads user files. Nodes refer to each other by name within their cell. Key order and
// number formatting are fixed by the serializer (compiler/ir/serialize.ts), so `gtv ir` output
// is byte-stable and diffable. compiler/ir/schema.json is the JSON Schema of this file; it is
// checked with ajv at the compiler output and again at the runtime input.

export const IR_VERSION = 1;

export interface IrDocument {
  ir_version: 1;
  /** Name of the study block. */
  study: string;
  /** Source path relative to the working directory, '/'-separated (never absolute). */
  source: string;
  /** The study seed (setting `seed`, default 0). */
  seed: number;
  /** Sweep axes in declaration order. Empty for a study without sweeps (one cell). */
  axes: IrAxis[];
  cells: IrCell[];
  plots: IrPlot[];
}

export interface IrAxis {
  name: string;
  values: number[];
}

export interface IrCell {
  /** Stable id derived from the axis values, e.g. `eps=0.0001,P=64`; `main` without sweeps. */
  id: string;
  /** Row-major position in the grid of axes (last axis fastest). */
  index: number;
  values: Record<string, number>;
  /** Derived from the study seed and the cell id; node seeds derive from it. */
  seed: number;
  /** In dependency order: every reference points to an earlier node. */
  nodes: IrNode[];
}

export type IrNode =
  | IrData
  | IrForward
  | IrFeatures
  | IrModel
  | IrSample
  | IrMap
  | IrMetric;

// ---- data --------------------------------------------------------------------------------

export interface IrData {
  kind: 'data';
  name: string;
  dim: number;
  /** M points of length dim. */
  points: number[][];
  /** M weights summing to 1 (duplicates and explicit weights folded in). */
  weights: number[];
}

// ---- forward processes -------------------------------------------------------------------

/** A scalar expression of the time `t` (only for `alpha_sigma`). */
export type IrTimeExpr =
  | { op: 'const'; value: number }
  | { op: 't' }
  | { op: 'add' | 'sub' | 'mul' | 'div' | 'pow'; args: [IrTimeExpr, IrTimeExpr] }
  | { op: 'neg' | 'sqrt' | 'exp' | 'log' | 'sin' | 'cos'; args: [IrTimeExpr] };

export type IrForward = { kind: 'forward'; name: string; T: number } & (
  | { process: 'vp'; beta_min: number; beta_d: number }
  | { process: 'alpha_sigma'; alpha: IrTimeExpr; sigma2: IrTimeExpr }
  | { process: 'edm' }
  | { process: 've'; sigma_min: number; sigma_max: number }
  | {
      process: 'anisotropic';
      beta_min: number;
      beta_d: number;
      /** dim x dim SPD matrix M; the diffusion matrix is D_t = (beta_t or 1) * M. */
      diffusion: number[][];
      /** 'beta': D_t = beta_t M (closed-form S_t); 'constant': D_t = M (S_t by quadrature). */
      diffusion_time: 'beta' | 'constant';
    }
);

// ---- features ----------------------------------------------------------------------------

export type IrAxisName = 'x' | 'y' | 'z' | 't';

/**
 * THE list of feature bases. gauss: normalized pdfs; fourier: [1, cos(2 pi n u/L)_{1..},
 * sin(2 pi n u/L)_{1..}]; poly: u^0..u^(n-1); rff: sqrt(2/n) cos(w.u + b), w ~ N(0, 1/width^2).
 * The compiler's descriptors (stdlib/builtins/features.ts) and the runtime's basis
 * definitions are tables keyed by it, so a basis missing from either is a compile error.
 */
export type IrBasisKind = 'gauss' | 'fourier' | 'poly' | 'rff';

export interface IrBasis {
  op: 'basis';
  basis: IrBasisKind;
  axes: IrAxisName[];
  n: number;
  over: [number, number];
  /** gauss: pdf standard deviation; rff: length scale. 0 where unused. */
  width: number;
  /** rff only; 0 otherwise. */
  seed: number;
}

export type IrFeatureTree = { op: 'product'; factors: IrFeatureTree[] } | { op: 'concat'; parts: IrFeatureTree[] } | IrBasis;

export interface IrFeatures {
  kind: 'features';
  name: string;
  /** Total feature count F. */
  count: number;
  tree: IrFeatureTree;
}

// ---- models ------------------------------------------------------------------------------

export type IrModel = { kind: 'model'; name: string; data: string; forward: string } & (
  | { type: 'true' }
  | { type: 'naive'; kappa: number }
  | {
      type: 'linear';
      features: string;
      /** P: DSM samples per trained model. */
      samples: number;
      ridge: number;
      parametrization: 'denoiser' | 'score';
      /** Training times t ~ U(t_range). */
      t_range: [number, number];
      seed: number;
    }
  | {
      type: 'ntk';
      /** Hidden layers of the infinite-width ReLU network (1 = the two-layer network). */
      depth: number;
      samples: number;
      /** Training time tau of gradient flow (Infinity is written as the string "inf" nowhere: use 1e300). */
      tau: number;
      lr: number;
      /** Size of the Monte-Carlo design for the Nystrom eigendecomposition. */
      design: number;
      t_range: [number, number];
      seed: number;
    }
);

// ---- samples -----------------------------------------------------------------------------

export interface IrHistogram {
  /** Bins per data axis. */
  bins: number;
  /** Histogram range per data axis. */
  range: [number, number][];
}

export interface IrTimeGrid {
  steps: number;
  t_min: number;
  /** Descending from T to t_min: uniform, or Karras with exponent rho. */
  spacing: 'uniform' | 'karras';
  rho: number;
}

/** The fields every sample node has, whatever its method. */
export interface IrSampleCommon {
  kind: 'sample';
  name: string;
  data: string;
  forward: string;
  /** Draws per model (per ensemble member). */
  draws: number;
  grid: IrTimeGrid;
  solver: 'euler' | 'heun';
  seed: number;
  histogram: IrHistogram;
}

/** THE list of samplers: one variant per method (stdlib/builtins/samplers.ts describes each). */
export type IrSample = IrSampleCommon & (
  | {
      method: 'pf_ode';
      /** 'true' or the name of a model node. */
      model: string;
      /** Reference-code quirk: evaluate the denoiser by right-neighbour lookup on this grid. */
      compat_grid_lookup: { n: number; range: [number, number] } | null;
    }
  | { method: 'naive'; model: string; form: 'resample' | 'sde' }
  | { method: 'ensemble'; model: string; members: number }
  | {
      method: 'effective_sde';
      model: string;
      /** gaussian_field: exact under the Gaussian approximation; white_noise: factorized V. */
      variant: 'gaussian_field' | 'white_noise';
      /** Virtual models drawn for the Gaussian-field sampler. */
      members: number;
      /** Monte-Carlo samples for the population Sigma_gamma and Xi. */
      mc_samples: number;
    }
);

// ---- maps --------------------------------------------------------------------------------

export interface IrGrid {
  /** One entry per data axis: n points from lo to hi inclusive. */
  axes: { lo: number; hi: number; n: number }[];
}

export interface IrMap {
  kind: 'map';
  name: string;
  quantity:
    | 'posterior_weights'
    | 'score'
    | 'proxy_covariance'
    | 'score_variance_ratio'
    | 'vkernel'
    | 'vkernel_time_correlation'
    | 'score_error';
  data: string;
  forward: string;
  /** Model for vkernel / score_error; null otherwise. */
  model: string | null;
  grid: IrGrid;
  t: number[];
  /** vkernel_time_correlation: the reference point z' = (x_ref, t_ref); null otherwise. */
  ref: { x: number[]; t: number } | null;
  mc_samples: number;
  seed: number;
}

// ---- metrics -----------------------------------------------------------------------------

export interface IrMetric {
  kind: 'metric';
  name: string;
  metric:
    | 'memorized_fraction'
    | 'gap_mass'
    | 'nearest_distance'
    | 'total_variation'
    | 'kl'
    | 'mmd'
    | 'effective_dimension';
  /** The sample set measured. */
  of: string;
  /** Second sample set, 'true_density' (p(x|t_min) of the data), or null. */
  against: string | null;
  data: string;
  forward: string;
  /** memorized_fraction / gap_mass radius; mmd bandwidth; 0 where unused. */
  radius: number;
  histogram: IrHistogram;
}

// ---- plots -------------------------------------------------------------------------------

export interface IrPlot {
  name: string;
  type: 'density' | 'heatmap' | 'vkernel' | 'metric_table';
  /** Names of sample / map / metric nodes, looked up in every cell. */
  inputs: string[];
  /** Data set drawn as training points on top, or null. */
  points: string | null;
  /** Sweep axes laid out as panel rows (first) and columns (second). */
  by: string[];
  /** Output file name relative to the run folder. */
  file: string;
  /** density: top of the 1D density axis (curves above it are clipped); null: fit the data. */
  y_max: number | null;
  /** density: the shading of ensemble curves in 1D panels; null for other plot types. */
  band: 'quartiles' | 'se' | 'both' | null;
}
