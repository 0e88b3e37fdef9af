// mlp ensembles (sample.ensemble with an mlp model): members trained and sampled on every core
// (pool/pool.ts, task kind 'mlp', member.ts), with the outputs of the linear ensembles
// (samplers/members.ts membersOutput) plus each member's loss curve.

import type { IrSample } from '../../../compiler/ir/types.js';
import { deriveSeed } from '../../rng.js';
import { timeGrid } from '../../timegrid.js';
import type { NodeContext, NodeOutput } from '../../nodes/types.js';
import { stepPlan } from '../../particles/steps.js';
import { runParallel, shared } from '../../pool/pool.js';
import { NonFiniteError } from '../../errors.js';
import { memberSamples, membersOutput } from '../../samplers/members.js';
import * as member from './member.js';
import { mlpMemberTask, provideMemberModule } from './member-task.js';
import { memberSeed, type MlpState } from './node.js';

type EnsembleNode = Extract<IrSample, { method: 'ensemble' }>;

/** mlpEnsemble(node, state, forward, ctx): NodeOutput */
export function mlpEnsemble(node: EnsembleNode, state: MlpState, ctx: NodeContext): NodeOutput {
  const { dim, schedule: sc, spec, config } = state;
  if (sc.shape) throw new Error('mlp models support isotropic forward processes only');
  const members = node.members;
  const forward = state.forward;
  const times = timeGrid(node.grid, sc.T);
  const binCount = dim === 1 ? node.histogram.bins : node.histogram.bins ** 2;
  const job: member.MlpMemberJob = {
    config,
    forward,
    data: { points: shared(state.data.points), weights: shared(state.data.weights), M: state.data.M, dim },
    trainSeeds: Float64Array.from({ length: members }, (_, m) => memberSeed(spec, m)),
    backend: ctx.backend,
    loss: new Float32Array(new SharedArrayBuffer(4 * members * config.steps)),
    dim,
    draws: node.draws,
    plan: stepPlan(sc, times, node.solver, 'denoiser', dim),
    init: { sd: Math.sqrt(sc.s2(sc.T)), L: null },
    seeds: Float64Array.from({ length: members }, (_, m) => deriveSeed(node.seed, 'member', m)),
    histogram: dim <= 2 ? node.histogram : null,
    binCount,
    ...memberSamples(node, members, dim, ctx),
    density: new Float64Array(new SharedArrayBuffer(dim <= 2 ? 8 * members * binCount : 0)),
  };
  provideMemberModule(member);
  ctx.progress?.start(`${node.name}: ${members} mlp members (${config.steps} steps each)`, members);
  runParallel(mlpMemberTask, job, members, {
    check: () => ctx.checkInterrupted(),
    done: (n) => ctx.progress?.tick(n),
    nonFinite: (m, step) => {
      throw new NonFiniteError({
        quantity: `mlp PF-ODE state (member ${m})`,
        step,
        t: times[step],
        s2: job.plan.s2[step],
      });
    },
  });
  ctx.progress?.end();
  const out = { samples: job.samples.slice(), memberDensity: job.density.slice(), binCount };
  const res = membersOutput(node, dim, members, out, [
    `mlp ensemble: ${members} networks of width ${config.width}, depth ${config.depth}, ${config.steps} ${config.optimizer} steps`,
  ]);
  res.result.arrays.loss = {
    shape: [members, config.steps],
    dtype: 'float32',
    data: job.loss.slice(),
    doc: 'training loss of each member at each step (the DSM objective of the step batch, before its update)',
    dims: ['member', 'step'],
  };
  return res;
}
