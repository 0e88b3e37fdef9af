// NTK ensembles (sample.ensemble) and their Gaussian-field effective SDE (sample.effective_sde),
// member by member on every core (pool/pool.ts, task kind 'ntk', particles/ntk-member.ts), with the
// outputs of the linear ensemble (ensemble.ts membersOutput). Trained member m draws its DSM
// samples like NtkState.train(m); virtual member m is vkernel/ntk-field.ts drawNtkCoef with its
// own seed.

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import { timeGrid } from '../timegrid.js';
import type { NodeContext, NodeOutput } from '../nodes/types.js';
import type { NtkState } from '../models/ntk.js';
import { stepPlan } from '../particles/steps.js';
import { runParallel, shared } from '../pool/pool.js';
import {
  ntkMemberTask,
  type NtkMemberJob,
  type NtkTrainInputs,
  type NtkVirtualInputs,
} from '../particles/ntk-member.js';
import { ntkField, type NtkField } from '../vkernel/ntk-field.js';
import { ntkModelPopulation, reportFirstOrder, type NtkPopulation } from '../vkernel/ntk.js';
import type { NtkKernelSpec } from '../vkernel/kernel-source.js';
import { NonFiniteError } from '../errors.js';
import { memberSamples, membersOutput, trainingSets, type MembersOut } from './members.js';

type EnsembleNode = Extract<IrSample, { method: 'ensemble' }>;
type SdeNode = Extract<IrSample, { method: 'effective_sde' }>;

/** ntkEnsemble(node, state, ctx?): NodeOutput */
export function ntkEnsemble(node: EnsembleNode, state: NtkState, ctx?: NodeContext): NodeOutput {
  const out = runNtkMembers(node, state, node.members, trainInputs(state, node.members), ctx);
  return membersOutput(node, state.dim, node.members, out, [
    `NTK ensemble: ${node.members} networks, tau = ${state.spec.tau}, lr = ${state.spec.lr}`,
  ]);
}

/** ntkEffectiveSde(node, state, ctx?): NodeOutput    (gaussian_field only) */
export function ntkEffectiveSde(
  node: SdeNode,
  state: NtkState,
  ctx?: NodeContext,
  pop: NtkPopulation = ntkModelPopulation(state),
): NodeOutput {
  if (node.variant !== 'gaussian_field')
    throw new Error(
      `effective_sde variant '${node.variant}' supports linear models; for NTK models use variant = gaussian_field`,
    );
  const seeds = Float64Array.from({ length: node.members }, (_, m) => deriveSeed(node.seed, 'virtual', m));
  const out = runNtkMembers(node, state, node.members, virtualInputs(ntkField(pop), pop.Z, seeds, pop.kernel), ctx);
  const res = membersOutput(node, state.dim, node.members, out, [
    `Gaussian-field effective SDE of an NTK model: ${node.members} virtual models on the model's ` +
      `${pop.N}-point Nystrom design (its \`design\`, not mc_samples), target-noise and random-design terms (docs/theory.md 10)`,
  ]);
  res.result.scalars.mc_samples = pop.N;
  reportFirstOrder(pop, res.result);
  return res;
}

/** runNtkMembers(node, state, members, model, ctx?): MembersOut */
export function runNtkMembers(
  node: EnsembleNode | SdeNode,
  state: NtkState,
  members: number,
  model: NtkTrainInputs | NtkVirtualInputs,
  ctx?: NodeContext,
): MembersOut {
  const dim = state.dim;
  const sc = state.schedule;
  if (sc.shape) throw new Error('NTK models support isotropic forward processes only');
  const times = timeGrid(node.grid, sc.T);
  const plan = stepPlan(sc, times, node.solver, 'denoiser', dim);
  const binCount = dim === 1 ? node.histogram.bins : node.histogram.bins ** 2;
  const job: NtkMemberJob = {
    spec: { depth: state.spec.depth, t_range: state.spec.t_range, lr: state.spec.lr, tau: state.spec.tau },
    dim,
    draws: node.draws,
    plan,
    init: { sd: Math.sqrt(sc.s2(sc.T)), L: null },
    seeds: Float64Array.from({ length: members }, (_, m) => deriveSeed(node.seed, 'member', m)),
    histogram: dim <= 2 ? node.histogram : null,
    binCount,
    model,
    ...memberSamples(node, members, dim, ctx),
    density: new Float64Array(new SharedArrayBuffer(dim <= 2 ? 8 * members * binCount : 0)),
  };
  ctx?.progress?.start(`${node.name}: ${members} NTK members`, members);
  runParallel(ntkMemberTask, job, members, {
    check: () => ctx?.checkInterrupted(),
    done: (n) => ctx?.progress?.tick(n),
    nonFinite: (m, step) => {
      throw new NonFiniteError({
        quantity: `NTK-model PF-ODE state (member ${m})`,
        step,
        t: times[step],
        s2: plan.s2[step],
      });
    },
  });
  ctx?.progress?.end();
  return { samples: job.samples, memberDensity: job.density, binCount };
}

/** Member m's DSM samples and targets (denoiser targets), drawn exactly as state.train(m) draws them. */
function trainInputs(state: NtkState, members: number): NtkTrainInputs {
  return { kind: 'train', ...trainingSets(state, 'denoiser', members) };
}

/** The field's arrays in shared memory (read by every thread, copied once). */
function virtualInputs(f: NtkField, Z: Float64Array, seeds: Float64Array, kernel?: NtkKernelSpec): NtkVirtualInputs {
  const field: NtkField = {
    ...f,
    lambda: shared(f.lambda),
    noiseChol: shared(f.noiseChol),
    v: shared(f.v),
    nu: shared(f.nu),
    f: shared(f.f),
    meanModes: shared(f.meanModes),
    infl: shared(f.infl),
  };
  return { kind: 'virtual', field, Z: shared(Z), seeds, ...(kernel ? { kernel } : {}) };
}
