// The continuum ensemble-mean denoiser of an NTK model at any point, for map.score_error:
//   mubar_tau(z) = <lambda k_tau(z, .) E[x0 | .]>   (docs/theory.md 10; vkernel/ntk.ts header)
// on the Nystrom design of ntkPopulation. ntkPopulation keeps only the residuals at its design
// points, so the design (ntkDesign: same seed derivation, hence the same points) is redrawn here
// for the targets E[x0 | z_j].

import { posterior } from '../posterior.js';
import type { NtkState } from '../models/ntk.js';
import { ntkDesign, weightedKernelRow, type NtkPopulation } from '../vkernel/ntk.js';

export interface NtkMean {
  /** mubar_tau(x, t) [D]. */
  at(x: Float64Array, t: number): Float64Array;
}

/** `seed` must be the one ntkPopulation was called with. */
export function ntkMean(state: NtkState, pop: NtkPopulation, seed: number): NtkMean {
  const { data, schedule } = state;
  const { N, D } = pop;
  const s = ntkDesign(state, N, seed);
  const ybar = new Float64Array(N * D);
  for (let j = 0; j < N; j++)
    ybar.set(posterior(data, schedule, s.t[j], s.x.subarray(j * D, (j + 1) * D), ['mean']).mean!, j * D);
  return {
    at(x, t) {
      const row = weightedKernelRow(pop, x, t);
      const m = new Float64Array(D);
      for (let j = 0; j < N; j++) for (let d = 0; d < D; d++) m[d] += row[j] * ybar[j * D + d];
      return m;
    },
  };
}
