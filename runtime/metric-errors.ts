// Standard errors of metrics (issue 9): what a metric's `standard_error` covers and how it is
// computed. The draws of one sample set fall into independent groups:
//   members  an ensemble-like sample (trained or NTK ensemble, Gaussian-field effective SDE):
//            one group per member, n / members draws each (SampleValue.members). The members
//            differ (each saw its own training set), so the spread between them, not the binomial
//            noise of the pooled draws, is the uncertainty of the ensemble-mean value.
//   draws    a single model (pf_ode, naive, white-noise SDE): its draws are independent, so any
//            split into blocks of consecutive draws gives independent groups (DRAW_BLOCKS blocks).
// Errors:
//   meanError(perGroup)  sd / sqrt(G) of per-group values (sample sd, G - 1 in the denominator):
//                        the standard error of their mean, which for equal-size groups is the
//                        pooled value.
//   bootstrap(G, B, seed, stat)  resample G groups with replacement B times; the sd of the B
//                        recomputed statistics. For metrics that are not a mean of per-group
//                        values (TV, KL, MMD, effective dimension). The uniforms come from rng.ts
//                        with a seed derived from the cell seed, so the bytes are deterministic.
// A bootstrap sd measures the spread of the statistic, not its bias: TV and KL of finite samples
// are biased upward (docs/outputs.md), and the bias is not part of the standard error.

import { uniforms } from './rng.js';

export type SeOver = 'members' | 'draws';

/** Blocks of draws of a single-model sample; enough that the bootstrap sd is within ~10%. */
export const DRAW_BLOCKS = 100;
/** Bootstrap replicates. */
export const BOOTSTRAP = 200;

export interface Groups {
  over: SeOver;
  /** Group g is draws start[g] .. start[g + 1] - 1. */
  start: Int32Array;
  count: number;
}

export function groupsOf(n: number, members: number | undefined): Groups {
  const over: SeOver = members !== undefined ? 'members' : 'draws';
  const G = members !== undefined ? members : Math.min(n, DRAW_BLOCKS);
  const start = new Int32Array(G + 1);
  for (let g = 0; g <= G; g++) start[g] = Math.floor((g * n) / G);
  return { over, start, count: G };
}

/** Standard error of the mean of equally weighted per-group values; NaN for fewer than 2. */
export function meanError(values: ArrayLike<number>): number {
  const G = values.length;
  if (G < 2) return NaN;
  let m = 0;
  for (let i = 0; i < G; i++) m += values[i] / G;
  let ss = 0;
  for (let i = 0; i < G; i++) ss += (values[i] - m) ** 2;
  return Math.sqrt(ss / (G - 1) / G);
}

/** Per-group means of a per-draw quantity. */
export function groupMeans(perDraw: ArrayLike<number>, groups: Groups): Float64Array {
  const out = new Float64Array(groups.count);
  for (let g = 0; g < groups.count; g++) {
    let s = 0;
    for (let i = groups.start[g]; i < groups.start[g + 1]; i++) s += perDraw[i];
    out[g] = s / (groups.start[g + 1] - groups.start[g]);
  }
  return out;
}

/**
 * Bootstrap over groups: `stat(weights)` gets how often each group was drawn in one replicate
 * (one Float64Array per resampled set, for a statistic of two sets resampled independently) and
 * returns the statistic. The sd of the replicates; NaN if fewer than 2 groups in any set or a
 * replicate is not finite (KL with an empty bin).
 */
export function bootstrap(
  counts: number[],
  seed: number,
  stat: (weights: Float64Array[]) => number,
  B = BOOTSTRAP,
): number {
  const weights = bootstrapWeights(counts, seed, B);
  if (!weights) return NaN;
  const reps = new Float64Array(B);
  const one = counts.map((G) => new Float64Array(G));
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < counts.length; s++) one[s].set(weights[s].subarray(b * counts[s], (b + 1) * counts[s]));
    reps[b] = stat(one);
    if (!Number.isFinite(reps[b])) return NaN;
  }
  return replicateSd(reps);
}

/**
 * The group weights of bootstrap()'s B replicates, per set [B, G] (replicate-major), for a
 * statistic that is cheaper over all replicates at once (study/compare.ts); null if a set has
 * fewer than 2 groups.
 */
export function bootstrapWeights(counts: number[], seed: number, B = BOOTSTRAP): Float64Array[] | null {
  if (counts.some((G) => G < 2)) return null;
  const total = counts.reduce((a, b) => a + b, 0);
  const u = uniforms(seed, B * total);
  const weights = counts.map((G) => new Float64Array(B * G));
  let k = 0;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < counts.length; s++) {
      const G = counts[s];
      const w = weights[s].subarray(b * G, (b + 1) * G);
      for (let i = 0; i < G; i++) w[Math.min(G - 1, Math.floor(u[k++] * G))]++;
    }
  }
  return weights;
}

/** The sample sd of bootstrap replicates; NaN if one is not finite. */
export function replicateSd(reps: Float64Array): number {
  const B = reps.length;
  for (let b = 0; b < B; b++) if (!Number.isFinite(reps[b])) return NaN;
  let m = 0;
  for (let b = 0; b < B; b++) m += reps[b] / B;
  let ss = 0;
  for (let b = 0; b < B; b++) ss += (reps[b] - m) ** 2;
  return Math.sqrt(ss / (B - 1));
}

/**
 * Bin probabilities of the pooled sample for group weights w: rows of `perGroup` [G, bins + 1]
 * are each group's bin probabilities (outside bin last), `sizes` its draws.
 */
export function pooledBins(
  perGroup: Float64Array,
  sizes: ArrayLike<number>,
  w: Float64Array,
  out: Float64Array,
): Float64Array {
  const L = out.length;
  out.fill(0);
  let total = 0;
  for (let g = 0; g < w.length; g++) {
    if (w[g] === 0) continue;
    const c = w[g] * sizes[g];
    total += c;
    for (let j = 0; j < L; j++) out[j] += c * perGroup[g * L + j];
  }
  for (let j = 0; j < L; j++) out[j] /= total;
  return out;
}
