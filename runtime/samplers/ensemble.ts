// The trained-ensemble method of Figs. 2-3 (docs/theory.md 9, 13.2-13.3): N independently trained
// linear models, each integrated with the PF-ODE; per-member histograms, their pointwise mean and
// 25% / 75% quantiles. 2D histograms are normalized over the whole plane (histogram.ts), which is
// the fix of the reference code's per-column normalization (docs/theory.md 13.3).
//
// Arrays: samplers/members.ts.

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import { timeGrid } from '../timegrid.js';
import { lookup, type NodeImpl, type NodeContext } from '../nodes/types.js';
import { linearState, type LinearState } from '../models/linear-node.js';
import { stepPlan } from '../particles/steps.js';
import { runParallel, shared } from '../pool/pool.js';
import { memberTask, type MemberJob, type OmegaInputs, type TrainInputs } from '../particles/member.js';
import type { OmegaField } from '../vkernel/omega.js';
import type { TransposeSource } from '../vkernel/design-rows.js';
import { cholesky } from '../linalg/cholesky.js';
import { NonFiniteError } from '../errors.js';
import { ntkState } from '../models/ntk.js';
import { ntkEnsemble } from './ntk-members.js';
import { mlpEnsemble } from '../models/mlp/ensemble.js';
import { mlpState } from '../models/mlp/node.js';
import { memberSamples, membersOutput, trainingSets, type MembersOut } from './members.js';

type SampleNode = IrSample;

/** Gaussian-field virtual models: member m is drawOmegaWeights(field, seeds[m], mean). */
export interface VirtualModels {
  field: OmegaField;
  mean: Float64Array;
  seeds: number[];
}

/**
 * Members 0..members-1 of a linear-model ensemble: `weights` gives member m's W [D, F] (computed
 * here, before sampling starts); 'train' trains member m like state.train(m), and VirtualModels
 * draws virtual model m, inside the thread that samples it. Execution: runtime/pool (threads) and
 * runtime/particles (fused per-particle loop).
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
    ...memberSamples(node, members, dim, ctx),
    density,
    table: 'eval' in node && node.eval === 'table' ? { points: node.table_points } : undefined,
  };
  ctx?.progress?.start(`${node.name}: ${members} members`, members);
  runParallel(memberTask, job, members, {
    check: () => ctx?.checkInterrupted(),
    done: (n) => ctx?.progress?.tick(n),
    nonFinite: (m, step) => {
      throw new NonFiniteError({
        quantity: `linear-model PF-ODE state (member ${m})`,
        step,
        t: times[step],
        s2: plan.s2[step],
      });
    },
  });
  ctx?.progress?.end();
  // The shared arrays themselves, not copies: a cell's results go to the main thread, which
  // shares rather than copies them (cli/cell-thread.ts), and copies would double the peak.
  return { samples: job.samples, memberDensity: density, binCount };
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
    ? {
        kind: 'product',
        factors: d.factors.map(({ n, row, win }) => ({ n, row: shared(row), win: shared(win) })),
        order: shared(d.order),
      }
    : { kind: 'sparse', start: shared(d.start), col: shared(d.col), val: shared(d.val) };
}

/** Member m's DSM samples and targets, drawn exactly as state.train(m) draws them. */
function trainInputs(state: LinearState, members: number): TrainInputs {
  return { kind: 'train', ridge: state.spec.ridge, ...trainingSets(state, state.spec.parametrization, members) };
}

/**
 * runEnsemble                             kernel for sample.ensemble (NTK models: ntk-members.ts)
 */
export const runEnsemble: NodeImpl<IrSample> = (node, ctx) => {
  if (node.method !== 'ensemble') throw new Error(`internal: sample method '${node.method}' routed to ensemble`);
  const model = lookup(ctx, node.model, 'model');
  if (model.type === 'ntk') return ntkEnsemble(node, ntkState(model), ctx);
  if (model.type === 'mlp') return mlpEnsemble(node, mlpState(model), ctx);
  if (model.type !== 'linear')
    throw new Error(`ensemble sampling supports linear, NTK and mlp models; '${node.model}' is a ${model.type} model`);
  const state = linearState(model);
  const out = runMembers(node, state, node.members, 'train', ctx);
  return membersOutput(node, state.dim, node.members, out, []);
};
