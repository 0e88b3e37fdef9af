// The trained-ensemble method of Figs. 2-3 (docs/theory.md 9, 13.2-13.3): N independently trained
// linear models, each integrated with the PF-ODE; per-member histograms, their pointwise mean and
// 25% / 75% quantiles. 2D histograms are normalized over the whole plane (histogram.ts), which is
// the fix of the reference code's per-column normalization (docs/theory.md 13.3).
//
// API
//   runMembers(node, state, members, W(m) | 'train' | VirtualModels, ctx): MembersOut
//                                              shared with effective-sde.ts (virtual members);
//                                              runs on every core (runtime/fast/pool.ts)
//   runEnsemble                             kernel for sample.ensemble (NTK models: ntk-members.ts)
//   quantile(sorted, q)                        numpy's default (linear) quantile of a sorted array
//
// Arrays: density (mean over members = the pooled samples' histogram, equal draws per member),
// density_q25, density_q75, member_density [members, ...bins]; samples are all members' draws
// (member-major), and the sample value says how many members (SampleValue.members), so metrics
// take their standard errors across members.

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import { timeGrid } from '../timegrid.js';
import { lookup, type NodeImpl, type NodeContext } from '../nodes/types.js';
import { linearState, type LinearState } from '../models/linear-kernel.js';
import { stepPlan } from '../fast/steps.js';
import { runMembersParallel, shared } from '../fast/pool.js';
import type { MemberJob, OmegaInputs, TrainInputs } from '../fast/member.js';
import type { OmegaField } from '../vkernel/omega.js';
import type { TransposeSource } from '../vkernel/design-rows.js';
import { dsmSamples } from '../models/dsm.js';
import { targets } from '../models/linear.js';
import { cholesky } from '../linalg.js';
import { NonFiniteError } from '../errors.js';
import { ntkState } from '../models/ntk.js';
import { ntkEnsemble } from './ntk-members.js';
import { sampleOutput } from './common.js';
import type { NodeOutput } from '../nodes/types.js';

type SampleNode = IrSample;

export interface MembersOut {
  samples: Float32Array;
  memberDensity: Float64Array;
  binCount: number;
}

/** Gaussian-field virtual models: member m is drawOmegaWeights(field, seeds[m], mean). */
export interface VirtualModels {
  field: OmegaField;
  mean: Float64Array;
  seeds: number[];
}

/**
 * Members 0..members-1 of a linear-model ensemble: `weights` gives member m's W [D, F] (computed
 * here, before sampling starts); 'train' trains member m like state.train(m), and VirtualModels
 * draws virtual model m, inside the thread that samples it. Execution: runtime/fast (threads,
 * fused per-particle loop).
 */
export function runMembers(
  node: SampleNode,
  state: LinearState,
  members: number,
  weights: ((m: number) => Float64Array) | 'train' | VirtualModels,
  ctx?: NodeContext,
): MembersOut {
  const dim = state.dim;
  const sc = state.schedule;
  const times = timeGrid(node.grid, sc.T);
  const plan = stepPlan(sc, times, node.solver, state.spec.parametrization, dim);
  const binCount = dim === 1 ? node.histogram.bins : node.histogram.bins ** 2;
  const samples = new Float32Array(new SharedArrayBuffer(4 * members * node.draws * dim));
  const density = new Float64Array(new SharedArrayBuffer(dim <= 2 ? 8 * members * binCount : 0));
  const seeds = Float64Array.from({ length: members }, (_, m) => deriveSeed(node.seed, 'member', m));
  const job: MemberJob = {
    tree: state.tree,
    dim,
    draws: node.draws,
    plan,
    init: { sd: Math.sqrt(sc.s2(sc.T)), L: sc.shape ? cholesky(sc.shape) : null },
    seeds,
    histogram: dim <= 2 ? node.histogram : null,
    binCount,
    weights:
      weights === 'train'
        ? trainInputs(state, members)
        : typeof weights === 'function'
          ? { kind: 'given', W: givenWeights(weights, members) }
          : virtualInputs(weights),
    samples,
    density,
  };
  ctx?.progress?.start(`${node.name}: ${members} members`, members);
  runMembersParallel(job, members, {
    check: () => ctx?.checkInterrupted(),
    done: (n) => ctx?.progress?.tick(n),
    nonFinite: (m, step) => {
      throw new NonFiniteError({ quantity: `linear-model PF-ODE state (member ${m})`, step, t: times[step], s2: plan.s2[step] });
    },
  });
  ctx?.progress?.end();
  // Plain (unshared) copies for the results.
  return { samples: samples.slice(), memberDensity: density.slice(), binCount };
}

function givenWeights(weightsOf: (m: number) => Float64Array, members: number): Float64Array {
  const first = weightsOf(0);
  const W = new Float64Array(new SharedArrayBuffer(8 * members * first.length));
  W.set(first);
  for (let m = 1; m < members; m++) W.set(weightsOf(m), m * first.length);
  return W;
}

/** The field's arrays in shared memory (read by every thread, copied once). */
function virtualInputs(v: VirtualModels): OmegaInputs {
  const f = v.field;
  const field: OmegaField = {
    N: f.N,
    D: f.D,
    F: f.F,
    P: f.P,
    lambda: shared(f.lambda),
    noiseChol: shared(f.noiseChol),
    resid: shared(f.resid),
    G: shared(f.G),
    SigmaGinv: shared(f.SigmaGinv),
    design: shareSource(f.design),
  };
  return { kind: 'omega', field, mean: shared(v.mean), seeds: Float64Array.from(v.seeds) };
}

function shareSource(d: TransposeSource): TransposeSource {
  return d.kind === 'product'
    ? { kind: 'product', factors: d.factors.map(({ n, row, win }) => ({ n, row: shared(row), win: shared(win) })), order: shared(d.order) }
    : { kind: 'sparse', start: shared(d.start), col: shared(d.col), val: shared(d.val) };
}

/** Member m's DSM samples and targets, drawn exactly as state.train(m) draws them. */
function trainInputs(state: LinearState, members: number): TrainInputs {
  return { kind: 'train', ridge: state.spec.ridge, ...trainingSets(state, state.spec.parametrization, members) };
}

/**
 * The DSM training sets of members 0..members-1 (linear and NTK ensembles), in shared memory for
 * the threads: per member, member-major, x [P, dim], t [P], lambda [P] and targets Y [P, dim].
 */
export function trainingSets(
  state: Pick<LinearState, 'data' | 'schedule' | 'dim'> & { spec: { samples: number; t_range: LinearState['spec']['t_range']; seed: number } },
  parametrization: Parameters<typeof targets>[2],
  members: number,
): { P: number; x: Float64Array; t: Float64Array; lambda: Float64Array; Y: Float64Array } {
  const { spec, data, schedule, dim } = state;
  const P = spec.samples;
  const x = new Float64Array(new SharedArrayBuffer(8 * members * P * dim));
  const t = new Float64Array(new SharedArrayBuffer(8 * members * P));
  const lambda = new Float64Array(new SharedArrayBuffer(8 * members * P));
  const Y = new Float64Array(new SharedArrayBuffer(8 * members * P * dim));
  for (let m = 0; m < members; m++) {
    const s = dsmSamples(data, schedule, P, spec.t_range, deriveSeed(spec.seed, 'member', m));
    const tg = targets(s, schedule, parametrization);
    x.set(s.x, m * P * dim);
    t.set(s.t, m * P);
    lambda.set(tg.lambda, m * P);
    Y.set(tg.Y, m * P * dim);
  }
  return { P, x, t, lambda, Y };
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Sample output plus the across-member band. */
export function membersOutput(node: SampleNode, dim: number, members: number, out: MembersOut, notes: string[]): NodeOutput {
  const res = sampleOutput(out.samples, members * node.draws, dim, node.histogram, node.grid.t_min, notes);
  if (res.value.kind === 'sample') res.value.members = members;
  res.result.scalars.members = members;
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
  const binDims = a.density.dims;
  a.density_q25 = { shape, dtype: 'float64', data: q25, doc: '25% quantile across members of the density per bin', dims: binDims };
  a.density_q75 = { shape, dtype: 'float64', data: q75, doc: '75% quantile across members of the density per bin', dims: binDims };
  a.member_density = {
    shape: [members, ...shape],
    dtype: 'float64',
    data: out.memberDensity,
    doc: 'density per bin of each member [members, ...bins]',
    dims: ['member', ...binDims],
  };
  return res;
}

export const runEnsemble: NodeImpl<IrSample> = (node, ctx) => {
  if (node.method !== 'ensemble') throw new Error(`internal: sample method '${node.method}' routed to ensemble`);
  const model = lookup(ctx, node.model, 'model');
  if (model.type === 'ntk') return ntkEnsemble(node, ntkState(model), ctx);
  if (model.type !== 'linear')
    throw new Error(`ensemble sampling supports linear and NTK models; '${node.model}' is a ${model.type} model`);
  const state = linearState(model);
  const out = runMembers(node, state, node.members, 'train', ctx);
  return membersOutput(node, state.dim, node.members, out, []);
};
