// effective_sde for linear models (math.md 6.3, 9.2): the Gaussian-field sampler, exact under
// the Gaussian (second-cumulant) approximation. Population Sigma_gamma and Xi come from
// mc_samples Monte-Carlo design points (vkernel/population.ts); each virtual model is
// W = Wbar + Omega Sigma_gamma^{-1} with Cov[Omega] = Xi / P, integrated with the same PF-ODE
// and histogrammed exactly like the trained ensemble (ensemble.ts), so the two are comparable
// bin by bin.
//
// API
//   effectiveSdeKernel   kernel for sample.effective_sde (variant 'gaussian_field'; the
//                        'white_noise' variant is refused with a message: not implemented yet)

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import { lookup, type Kernel } from '../kernels/types.js';
import { linearState } from '../models/linear-kernel.js';
import { drawOmegaWeights, population } from '../vkernel/population.js';
import { membersOutput, runMembers } from './ensemble.js';

export const effectiveSdeKernel: Kernel<IrSample> = (node, ctx) => {
  if (node.method !== 'effective_sde') throw new Error(`internal: sample method '${node.method}' routed to effective_sde`);
  const model = lookup(ctx, node.model, 'model');
  if (model.type !== 'linear')
    throw new Error(`effective_sde supports linear models; '${node.model}' is a ${model.type} model`);
  if (node.variant === 'white_noise')
    throw new Error("effective_sde variant 'white_noise' is not implemented yet; use variant = gaussian_field");
  const state = linearState(model);
  const pop = population(state, node.mc_samples, deriveSeed(node.seed, 'population'));
  const out = runMembers(node, state, node.members, (m) => drawOmegaWeights(pop, deriveSeed(node.seed, 'virtual', m)), ctx);
  const res = membersOutput(node, state.dim, node.members, out, [
    `Gaussian-field effective SDE: ${node.members} virtual models, Sigma_gamma and Xi from ${node.mc_samples} Monte-Carlo design points`,
  ]);
  res.result.scalars.mc_samples = node.mc_samples;
  return res;
};
