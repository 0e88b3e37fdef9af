// effective_sde for linear models (docs/theory.md 6.3, 9.2); NTK models: ntk-members.ts (docs/theory.md 10). Population Sigma_gamma, the ensemble mean
// and Xi come from mc_samples Monte-Carlo design points (vkernel/population.ts).
//   gaussian_field (exact under the Gaussian approximation): each virtual model is
//     W = Wavg + Omega Sigma_gamma^{-1} with Cov[Omega] = Xi / P, integrated with the same PF-ODE
//     and histogrammed exactly like the trained ensemble (ensemble.ts), so the two are comparable
//     bin by bin. Wavg is the ensemble mean to first order in 1/P (population.ts).
//   white_noise (an approximation, labelled so in the notes): one Euler-Maruyama SDE with the
//     factorized, time-integrated V (samplers/white-noise.ts); `members` is not used.
// How close the exact form comes to trained ensembles: docs/theory-checks.md.

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import { timeGrid } from '../timegrid.js';
import { lookup, type NodeImpl } from '../nodes/types.js';
import { linearState, type LinearState } from '../models/linear-node.js';
import { population } from '../vkernel/population.js';
import { omegaField } from '../vkernel/omega.js';
import type { GridAxis } from '../vkernel/white.js';
import { runMembers } from './ensemble.js';
import { membersOutput } from './members.js';
import { ntkEffectiveSde } from './ntk-members.js';
import { ntkState } from '../models/ntk.js';
import { mlpState } from '../models/mlp/node.js';
import { mlpEffectiveSde } from '../models/mlp/theory.js';
import { sampleWhiteNoise } from './white-noise.js';
import { sampleOutput } from './common.js';

/** Intensity-table points per axis (kbar is as smooth as the features). */
const WHITE_GRID = { 1: 241, 2: 49 } as Record<number, number>;

/** runEffectiveSde   kernel for sample.effective_sde */
export const runEffectiveSde: NodeImpl<IrSample> = (node, ctx) => {
  if (node.method !== 'effective_sde')
    throw new Error(`internal: sample method '${node.method}' routed to effective_sde`);
  const model = lookup(ctx, node.model, 'model');
  if (model.type === 'ntk') return ntkEffectiveSde(node, ntkState(model), ctx);
  if (model.type === 'mlp') return mlpEffectiveSde(node, mlpState(model), ctx);
  if (model.type !== 'linear')
    throw new Error(`effective_sde supports linear and NTK models; '${node.model}' is a ${model.type} model`);
  const state = linearState(model);
  const pop = population(state, node.mc_samples, deriveSeed(node.seed, 'population'));
  if (node.variant === 'white_noise') {
    if (state.dim > 2)
      throw new Error(`effective_sde variant 'white_noise' supports 1D and 2D data, not ${state.dim}D`);
    const samples = sampleWhiteNoise({
      pop,
      draws: node.draws,
      times: timeGrid(node.grid, state.schedule.T),
      seed: node.seed,
      axes: whiteAxes(state, node.histogram.range),
    });
    const notes = [
      'APPROXIMATION: white-noise effective SDE, V ~ (lambda/P) D C k D made white in time ' +
        '(k integrated over t at fixed x), Euler-Maruyama (Ito); the exact form is variant = gaussian_field',
    ];
    if (node.solver === 'heun') notes.push('the white-noise SDE is integrated with Euler-Maruyama (heun ignored)');
    const res = sampleOutput(samples, node.draws, state.dim, node.histogram, node.grid.t_min, notes);
    res.result.scalars.mc_samples = node.mc_samples;
    return res;
  }
  // Each thread draws the virtual models it samples (vkernel/omega.ts).
  const seeds = Array.from({ length: node.members }, (_, m) => deriveSeed(node.seed, 'virtual', m));
  const out = runMembers(node, state, node.members, { field: omegaField(pop), mean: pop.Wavg, seeds }, ctx);
  const res = membersOutput(node, state.dim, node.members, out, [
    `Gaussian-field effective SDE: ${node.members} virtual models, Sigma_gamma, the mean and Xi from ${node.mc_samples} Monte-Carlo design points`,
  ]);
  res.result.scalars.mc_samples = node.mc_samples;
  return res;
};

/** The histogram range widened to where the particles start (x_T ~ N(0, S_T), 4 sd). */
function whiteAxes(state: LinearState, range: [number, number][]): GridAxis[] {
  const sd = 4 * Math.sqrt(state.schedule.s2(state.schedule.T) * maxShape(state));
  return range
    .slice(0, state.dim)
    .map(([lo, hi]) => ({ lo: Math.min(lo, -sd), hi: Math.max(hi, sd), n: WHITE_GRID[state.dim] }));
}

function maxShape(state: LinearState): number {
  const M = state.schedule.shape;
  return M ? Math.max(...M.map((r, i) => r[i])) : 1;
}
