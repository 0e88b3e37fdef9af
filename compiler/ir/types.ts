// The gtv IR, version 1: the contract between the compiler and the runtime.
//
// One IR document describes one study. Sweep axes are already expanded into cells; inside a
// cell every value is concrete (sweep variables substituted, constants folded, defaults filled,
// data sets materialized as point lists), so the runtime never evaluates user expressions and
// never reads user files. Nodes refer to each other by name within their cell. Key order and
// number formatting are fixed by the serializer (compiler/ir/serialize.ts), so `gtv ir` output
// is byte-stable and diffable. compiler/ir/schema.json, the JSON Schema checked with ajv at the
// compiler output and again at the runtime input, is generated from this file (`npm run schema`;
// test/compiler/schema.test.ts fails when it is stale).

export const IR_VERSION = 1;

// The TSDoc tags @minLength, @minimum, @exclusiveMinimum, @minItems, @maxItems and @asType carry
// the constraints TypeScript cannot express into the generated schema.

/**
 * A name (of a study, node, axis, cell or file): never empty.
 * @minLength 1
 */
export type IrName = string;

/**
 * A count: a whole number >= 1.
 * @asType integer
 * @minimum 1
 */
export type IrCount = number;

/**
 * A whole number >= 0: seeds (unsigned 32-bit), positions, counts that may be unused (0).
 * @asType integer
 * @minimum 0
 */
export type IrUint = number;

/**
 * A number > 0.
 * @exclusiveMinimum 0
 */
export type IrPositive = number;

export interface IrDocument {
  ir_version: 1;
  /** Name of the study block. */
  study: IrName;
  /** Source path relative to the working directory, '/'-separated (never absolute). */
  source: IrName;
  /** The study seed (setting `seed`, default 0). */
  seed: IrUint;
  /** Sweep axes in declaration order. Empty for a study without sweeps (one cell). */
  axes: IrAxis[];
  /** @minItems 1 */
  cells: IrCell[];
  plots: IrPlot[];
}

export interface IrAxis {
  name: IrName;
  /** @minItems 1 */
  values: number[];
}

export interface IrCell {
  /** Stable id derived from the axis values, e.g. `eps=0.0001,P=64`; `main` without sweeps. */
  id: IrName;
  /** Row-major position in the grid of axes (last axis fastest). */
  index: IrUint;
  values: Record<string, number>;
  /** Derived from the study seed and the cell id; node seeds derive from it. */
  seed: IrUint;
  /** In dependency order: every reference points to an earlier node. */
  nodes: IrNode[];
}

export type IrNode = IrData | IrForward | IrFeatures | IrModel | IrSample | IrMap | IrMetric;

// ---- data --------------------------------------------------------------------------------

export interface IrData {
  kind: 'data';
  name: IrName;
  dim: IrCount;
  /**
   * M points of length dim.
   * @minItems 1
   */
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

export type IrForward = { kind: 'forward'; name: IrName; T: number } & (
  | { process: 'vp'; beta_min: number; beta_d: number }
  | { process: 'alpha_sigma'; alpha: IrTimeExpr; sigma2: IrTimeExpr }
  | { process: 'edm' }
  | { process: 've'; sigma_min: number; sigma_max: number }
  | {
      process: 'anisotropic';
      beta_min: number;
      beta_d: number;
      /**
       * dim x dim SPD matrix M; the diffusion matrix is D_t = (beta_t or 1) * M.
       * @minItems 1
       */
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
  /** @minItems 1 */
  axes: IrAxisName[];
  n: IrCount;
  over: [number, number];
  /** gauss: pdf standard deviation; rff: length scale. 0 where unused. */
  width: number;
  /** rff only; 0 otherwise. */
  seed: IrUint;
}

export type IrFeatureTree =
  | {
      op: 'product';
      /** @minItems 1 */
      factors: IrFeatureTree[];
    }
  | {
      op: 'concat';
      /** @minItems 1 */
      parts: IrFeatureTree[];
    }
  | IrBasis;

export interface IrFeatures {
  kind: 'features';
  name: IrName;
  /** Total feature count F. */
  count: IrCount;
  tree: IrFeatureTree;
}

// ---- models ------------------------------------------------------------------------------

export type IrModel = { kind: 'model'; name: IrName; data: IrName; forward: IrName } & (
  | { type: 'true' }
  | { type: 'naive'; kappa: number }
  | {
      type: 'linear';
      features: IrName;
      /** P: DSM samples per trained model. */
      samples: IrCount;
      ridge: number;
      parametrization: 'denoiser' | 'score';
      /** Training times t ~ U(t_range). */
      t_range: [number, number];
      seed: IrUint;
    }
  | {
      type: 'ntk';
      /** Hidden layers of the infinite-width ReLU network (1 = the two-layer network). */
      depth: IrCount;
      samples: IrCount;
      /** Training time tau of gradient flow (Infinity is written as the string "inf" nowhere: use 1e300). */
      tau: number;
      lr: number;
      /** Size of the Monte-Carlo design for the Nystrom eigendecomposition. */
      design: IrCount;
      t_range: [number, number];
      seed: IrUint;
    }
  | IrMlpFields
);

/**
 * A small real network trained by DSM with tfjs (runtime/models/mlp; stdlib/builtins/mlp.ts
 * documents each field).
 */
export interface IrMlpFields {
  type: 'mlp';
  width: IrCount;
  /** Hidden layers. */
  depth: IrCount;
  activation: 'relu' | 'silu' | 'gelu';
  /** The time coordinate fed to the sinusoidal embedding. */
  time: 't' | 'log_sigma';
  /** Size of the time embedding (even). */
  embed: IrCount;
  /** Factor on the data coordinates in the network's input, after each input block is scaled by its own fan-in. */
  x_scale: IrPositive;
  output: 'denoiser' | 'score' | 'noise';
  /** P: one fixed set of DSM samples per trained network, or 0: fresh samples every batch (`online`). */
  samples: IrUint;
  optimizer: 'sgd' | 'adam';
  lr: IrPositive;
  steps: IrCount;
  batch: IrCount;
  /** Decoupled weight decay (>= 0). */
  weight_decay: number;
  /** Train and evaluate f(z; p) - f(z; p_0): the initial function removed, as the NTK theory assumes. */
  center: boolean;
  /** The NTK of the network's theory (V-kernel maps, effective_sde): empirical at member 0's initialization, or the infinite-width limit. */
  ntk: 'empirical' | 'analytic';
  /** Size of the Monte-Carlo design of the theory's Nystrom eigendecomposition. */
  design: IrCount;
  t_range: [number, number];
  seed: IrUint;
}

// ---- samples -----------------------------------------------------------------------------

export interface IrHistogram {
  /** Bins per data axis. */
  bins: IrCount;
  /**
   * Histogram range per data axis.
   * @minItems 1
   */
  range: [number, number][];
}

export interface IrTimeGrid {
  steps: IrCount;
  t_min: number;
  /** Descending from T to t_min: uniform, or Karras with exponent rho. */
  spacing: 'uniform' | 'karras';
  rho: number;
}

/** The fields every sample node has, whatever its method. */
export interface IrSampleCommon {
  kind: 'sample';
  name: IrName;
  data: IrName;
  forward: IrName;
  /** Draws per model (per ensemble member). */
  draws: IrCount;
  grid: IrTimeGrid;
  solver: 'euler' | 'heun';
  seed: IrUint;
  histogram: IrHistogram;
}

/** THE list of samplers: one variant per method (stdlib/builtins/samplers.ts describes each). */
export type IrSample = IrSampleCommon &
  (
    | {
        method: 'pf_ode';
        /** 'true' or the name of a model node. */
        model: IrName;
        /** Reference-code quirk: evaluate the denoiser by right-neighbour lookup on this grid. */
        compat_grid_lookup: { n: IrCount; range: [number, number] } | null;
      }
    | { method: 'naive'; model: IrName; form: 'resample' | 'sde' }
    | ({ method: 'ensemble'; model: IrName; members: IrCount } & IrVelocityEval)
    | ({
        method: 'effective_sde';
        model: IrName;
        /** gaussian_field: exact under the Gaussian approximation; white_noise: factorized V. */
        variant: 'gaussian_field' | 'white_noise';
        /** Virtual models drawn for the Gaussian-field sampler. */
        members: IrCount;
        /** Monte-Carlo samples for the population Sigma_gamma and Xi. */
        mc_samples: IrCount;
      } & IrVelocityEval)
  );

/**
 * How the members' PF-ODE evaluates a linear model's velocity: 'table' interpolates a cubic
 * spline of the field tabulated per evaluation time (runtime/particles/table.ts; features a table
 * does not cover, and NTK models, evaluate exactly), 'exact' evaluates the features at every
 * particle-step.
 */
export interface IrVelocityEval {
  eval: 'table' | 'exact';
  /** Table nodes per space axis across the features' `over` interval; null: the runtime's default. */
  table_points: IrCount | null;
}

// ---- maps --------------------------------------------------------------------------------

export interface IrGrid {
  /**
   * One entry per data axis: n points from lo to hi inclusive.
   * @minItems 1
   */
  axes: { lo: number; hi: number; n: IrCount }[];
}

export interface IrMap {
  kind: 'map';
  name: IrName;
  quantity:
    | 'posterior_weights'
    | 'score'
    | 'proxy_covariance'
    | 'score_variance_ratio'
    | 'vkernel'
    | 'vkernel_time_correlation'
    | 'score_error';
  data: IrName;
  forward: IrName;
  /** Model for vkernel / score_error; null otherwise. */
  model: IrName | null;
  grid: IrGrid;
  /** @minItems 1 */
  t: number[];
  /** vkernel_time_correlation: the reference point z' = (x_ref, t_ref); null otherwise. */
  ref: { x: number[]; t: number } | null;
  mc_samples: IrUint;
  seed: IrUint;
}

// ---- metrics -----------------------------------------------------------------------------

export interface IrMetric {
  kind: 'metric';
  name: IrName;
  metric:
    'memorized_fraction' | 'gap_mass' | 'nearest_distance' | 'total_variation' | 'kl' | 'mmd' | 'effective_dimension';
  /** The sample set measured. */
  of: IrName;
  /** Second sample set, 'true_density' (p(x|t_min) of the data), or null. */
  against: IrName | null;
  data: IrName;
  forward: IrName;
  /** memorized_fraction / gap_mass radius; mmd bandwidth; 0 where unused. */
  radius: number;
  histogram: IrHistogram;
}

// ---- plots -------------------------------------------------------------------------------

export interface IrPlot {
  name: IrName;
  type: 'density' | 'heatmap' | 'vkernel' | 'metric_table' | 'loss';
  /** Names of sample / map / metric nodes, looked up in every cell. */
  inputs: IrName[];
  /** Data set drawn as training points on top, or null. */
  points: IrName | null;
  /**
   * Sweep axes laid out as panel rows (first) and columns (second).
   * @maxItems 2
   */
  by: IrName[];
  /** Output file name relative to the run folder. */
  file: IrName;
  /** density: top of the 1D density axis (curves above it are clipped); null: fit the data. */
  y_max: IrPositive | null;
  /** density: the shading of ensemble curves in 1D panels; null for other plot types. */
  band: 'quartiles' | 'se' | 'both' | null;
}
