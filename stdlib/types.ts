// Types of the stdlib signature table. The checker, the lowering defaults, the generated
// language reference and the language server (hover, completion) all read the same table.

/** Kinds of built-in: one per declaration keyword, plus helpers used inside arguments. */
export const BUILTIN_KINDS = [
  'data',
  'forward',
  'features',
  'model',
  'sample',
  'map',
  'metric',
  'plot',
  'grid',
  'sweep',
  'function',
] as const;
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];

/** The declaration kinds a reference parameter can point at. */
export type RefKind = 'data' | 'forward' | 'features' | 'model' | 'sample' | 'map' | 'metric';

/**
 * What an argument must be:
 * - number: any finite real; integer: a whole number; count: a whole number >= 1 (unless `range`
 *   says otherwise). None of these accept a unit.
 * - angle: a number in radians; `deg` and `rad` suffixes are accepted, a bare number is radians.
 * - interval: `lo .. hi` or `[lo, hi]`, lo < hi. intervals: one interval for every data axis, or
 *   a list of intervals (one per axis).
 * - numbers: a list of numbers (a single number is a list of one).
 * - point: `[a, b, ...]`, one coordinate per data axis. matrix: a list of equal-length rows.
 * - enum: a string from `values`. path: a file path string, relative to the declaring file.
 * - axis: one of x, y, z, t; axes: an axis or a list of axes.
 * - time: an expression of the diffusion time `t` (kept symbolic).
 * - grid: a call to interval / square / box.
 * - features: a features name or an expression of feature built-ins with `*` and `+`.
 * - data / forward / model / sample / map / metric: the name of a declaration of that kind
 *   (`model` also accepts `true`, the exact empirical score).
 */
export type ParamType =
  | 'number'
  | 'integer'
  | 'count'
  | 'angle'
  | 'interval'
  | 'intervals'
  | 'numbers'
  | 'point'
  | 'matrix'
  | 'enum'
  | 'path'
  | 'bool'
  | 'axis'
  | 'axes'
  | 'time'
  | 'grid'
  | 'features'
  | RefKind;

export interface ValueRange {
  min?: number;
  max?: number;
  /** true: the bound itself is not allowed (t_min > 0 rather than >= 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** Where a missing argument's value comes from. */
export type DefaultSpec =
  | { value: number | string | boolean }
  /** The study setting of the same name (`seed`, `t_min`, `steps`). */
  | { setting: 'seed' | 't_min' | 'steps' }
  /** Computed by the lowering from other arguments; the text says how (for docs and hover). */
  | { computed: string };

export interface ParamSpec {
  name: string;
  type: ParamType;
  doc: string;
  /** Unit the value is stored in (only angles have one: radians). */
  unit?: 'rad';
  range?: ValueRange;
  /** enum choices; for a count, strings accepted instead of a number. */
  values?: readonly string[];
  default?: DefaultSpec;
  /** May be left out with no value at all (the IR holds null or an inferred value). */
  optional?: boolean;
  /** Collects every remaining positional argument (at least one). */
  variadic?: boolean;
  /** Only accepted as a named argument (`data = d`), never positionally. */
  namedOnly?: boolean;
  /** A metric's second set may be the name `true_density` instead of a sample. */
  acceptsTrueDensity?: boolean;
}

export interface BuiltinSpec {
  kind: BuiltinKind;
  name: string;
  doc: string;
  params: readonly ParamSpec[];
  /** Data dimension the built-in produces or requires, when fixed (polygon: 2). */
  dim?: number;
}
