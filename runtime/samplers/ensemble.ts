// The trained-ensemble method of Figs. 2-3 (math.md 9, 13.2-13.3): N independently trained
// linear models, each integrated with the PF-ODE; per-member histograms, their pointwise mean and
// 25% / 75% quantiles. 2D histograms are normalized over the whole plane (histogram.ts), which is
// the fix of the reference code's per-column normalization (math.md 13.3).
//
// API
//   runMembers(o, W(m), members): MembersOut   shared with effective-sde.ts (virtual members)
//   ensembleKernel                             kernel for sample.ensemble (NTK models: models/ntk.ts)
//   quantile(sorted, q)                        numpy's default (linear) quantile of a sorted array
//
// Arrays: density (mean over members = the pooled samples' histogram, equal draws per member),
// density_q25, density_q75, member_density [members, ...bins]; samples are all members' draws
// (member-major).

import type { IrSample } from '../../compiler/ir/types.js';
import { histogram } from '../histogram.js';
import { deriveSeed } from '../rng.js';
import { timeGrid } from '../timegrid.js';
import { lookup, type Kernel, type KernelContext } from '../kernels/types.js';
import { linearState, type LinearState } from '../models/linear-kernel.js';
import { sampleLinear } from './linear-pfode.js';
import { ntkEnsemble, ntkState } from '../models/ntk.js';
import { sampleOutput } from './common.js';
import type { KernelOutput } from '../kernels/types.js';

type SampleNode = IrSample;

export interface MembersOut {
  samples: Float32Array;
  memberDensity: Float64Array;
  binCount: number;
}

export function runMembers(
  node: SampleNode,
  state: LinearState,
  members: number,
  weightsOf: (m: number) => Float64Array,
  ctx?: KernelContext,
): MembersOut {
  const dim = state.dim;
  const times = timeGrid(node.grid, state.schedule.T);
  const samples = new Float32Array(members * node.draws * dim);
  const binCount = dim === 1 ? node.histogram.bins : node.histogram.bins ** 2;
  const memberDensity = new Float64Array(dim <= 2 ? members * binCount : 0);
  ctx?.progress?.start(`${node.name}: ${members} members`, members);
  for (let m = 0; m < members; m++) {
    ctx?.checkInterrupted();
    const W = weightsOf(m);
    const xs = sampleLinear({
      schedule: state.schedule,
      dim,
      draws: node.draws,
      times,
      solver: node.solver,
      seed: deriveSeed(node.seed, 'member', m),
      parametrization: state.spec.parametrization,
      evaluator: state.evaluator,
      W,
    });
    samples.set(xs, m * node.draws * dim);
    if (dim <= 2) memberDensity.set(histogram(xs, node.draws, dim, node.histogram).density, m * binCount);
    ctx?.progress?.tick(m + 1);
  }
  ctx?.progress?.end();
  return { samples, memberDensity, binCount };
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Sample output plus the across-member band. */
export function membersOutput(node: SampleNode, dim: number, members: number, out: MembersOut, notes: string[]): KernelOutput {
  const res = sampleOutput(out.samples, members * node.draws, dim, node.histogram, node.grid.t_min, notes);
  if (dim > 2) return res;
  const B = out.binCount;
  const shape = dim === 1 ? [node.histogram.bins] : [node.histogram.bins, node.histogram.bins];
  const q25 = new Float64Array(B);
  const q75 = new Float64Array(B);
  const col = new Float64Array(members);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < members; m++) col[m] = out.memberDensity[m * B + b];
    col.sort();
    q25[b] = quantile(col, 0.25);
    q75[b] = quantile(col, 0.75);
  }
  const a = res.result.arrays;
  a.density_q25 = { shape, dtype: 'float64', data: q25, doc: '25% quantile across members of the density per bin' };
  a.density_q75 = { shape, dtype: 'float64', data: q75, doc: '75% quantile across members of the density per bin' };
  a.member_density = {
    shape: [members, ...shape],
    dtype: 'float64',
    data: out.memberDensity,
    doc: 'density per bin of each member [members, ...bins]',
  };
  res.result.scalars.members = members;
  return res;
}

export const ensembleKernel: Kernel<IrSample> = (node, ctx) => {
  if (node.method !== 'ensemble') throw new Error(`internal: sample method '${node.method}' routed to ensemble`);
  const model = lookup(ctx, node.model, 'model');
  if (model.type === 'ntk') return ntkEnsemble(node, ntkState(model), ctx);
  if (model.type !== 'linear')
    throw new Error(`ensemble sampling supports linear and NTK models; '${node.model}' is a ${model.type} model`);
  const state = linearState(model);
  const out = runMembers(node, state, node.members, (m) => state.train(m).W, ctx);
  return membersOutput(node, state.dim, node.members, out, []);
};
