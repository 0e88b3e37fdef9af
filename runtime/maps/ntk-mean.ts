// The continuum ensemble-mean denoiser of an NTK model at any point, for map.score_error:
//   mubar_tau(z) = <lambda k_tau(z, .) E[x0 | .]>   (math.md 10; vkernel/ntk.ts header)
// on the Nystrom design of ntkPopulation. ntkPopulation keeps only the residuals at its design
// points, so the design (same seed derivation, hence the same points) is redrawn here for the
// targets E[x0 | z_j]. kernelRow repeats vkernel/ntk.ts's private weightedKernelRow; when that
// file exports it (or the design targets), this file should call it instead.

import { posterior } from '../posterior.js';
import { deriveSeed } from '../rng.js';
import { embed, ntkTheta, type NtkState } from '../models/ntk.js';
import { design } from '../vkernel/population.js';
import type { NtkPopulation } from '../vkernel/ntk.js';

export interface NtkMean {
  /** mubar_tau(x, t) [D]. */
  at(x: Float64Array, t: number): Float64Array;
}

/** `seed` must be the one ntkPopulation was called with. */
export function ntkMean(state: NtkState, pop: NtkPopulation, seed: number): NtkMean {
  const { data, schedule, spec } = state;
  const { N, D } = pop;
  const s = design(data, schedule, N, spec.t_range, deriveSeed(seed, 'ntk-population'));
  const ybar = new Float64Array(N * D);
  for (let j = 0; j < N; j++) ybar.set(posterior(data, schedule, s.t[j], s.x.subarray(j * D, (j + 1) * D), ['mean']).mean!, j * D);
  return {
    at(x, t) {
      const row = kernelRow(pop, x, t);
      const m = new Float64Array(D);
      for (let j = 0; j < N; j++) for (let d = 0; d < D; d++) m[d] += row[j] * ybar[j * D + d];
      return m;
    },
  };
}

/** lambda_j k_tau(z, z_j) / N for every design point. */
function kernelRow(pop: NtkPopulation, x: Float64Array, t: number): Float64Array {
  const { N, D, nu, v, state } = pop;
  const { spec } = state;
  const e = D + 2;
  const Kk = nu.length;
  const u = new Float64Array(e);
  embed(x, t, D, spec.t_range, u, 0);
  const th = new Float64Array(N);
  for (let j = 0; j < N; j++) th[j] = Math.sqrt(pop.lambda[j]) * ntkTheta(u, 0, pop.Z, j * e, e, spec.depth);
  // Row-major v [N, K]: accumulate over j in the outer loop so the inner loop is contiguous.
  const coef = new Float64Array(Kk);
  for (let j = 0; j < N; j++) {
    const tj = th[j];
    if (tj === 0) continue;
    for (let k = 0; k < Kk; k++) coef[k] += tj * v[j * Kk + k];
  }
  for (let k = 0; k < Kk; k++) coef[k] *= -Math.expm1(-spec.lr * nu[k] * spec.tau) / nu[k];
  const row = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let acc = 0;
    for (let k = 0; k < Kk; k++) acc += coef[k] * v[j * Kk + k];
    row[j] = (Math.sqrt(pop.lambda[j]) * acc) / N;
  }
  return row;
}
