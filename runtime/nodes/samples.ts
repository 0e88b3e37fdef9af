// The sample implementations, one per IR sample method (SAMPLE_NODES, a mapped type over the
// methods: a method without one is a compile error), and those of `pf_ode` and `naive`.

import type { IrSample } from '../../compiler/ir/types.js';
import { timeGrid } from '../timegrid.js';
import { pfOdeChunk, samplePfOde } from '../samplers/pf-ode.js';
import { naiveChunk, sampleNaive } from '../samplers/naive.js';
import { sampleOutput } from '../samplers/common.js';
import { exactScore } from './basic.js';
import { lookup, type NodeImpl, type NodeContext } from './types.js';
import { runEnsemble } from '../samplers/ensemble.js';
import { runEffectiveSde } from '../samplers/effective-sde.js';

type PfOdeNode = Extract<IrSample, { method: 'pf_ode' }>;
type NaiveNode = Extract<IrSample, { method: 'naive' }>;

/** Progress in steps over all chunks; also the per-step interruption check. */
function stepProgress(ctx: NodeContext, name: string, draws: number, steps: number, perChunk: number) {
  let done = 0;
  ctx.progress?.start(`${name}: ${draws} draws x ${steps} steps`, steps * Math.ceil(draws / perChunk));
  return () => {
    ctx.progress?.tick(++done);
    ctx.checkInterrupted();
  };
}

export const runPfOde: NodeImpl<PfOdeNode> = (node, ctx) => {
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const model = node.model === 'true' ? null : lookup(ctx, node.model, 'model');
  const score = model ? model.score : exactScore(data, schedule);
  // The exact score (of `true`, or of a closed-form model over this data and process) runs on the float64 loops.
  const exactOf = !model
    ? data
    : (model.type === 'true' || model.type === 'naive') && model.schedule === schedule
      ? model.data
      : null;
  const times = timeGrid(node.grid, schedule.T);
  const opts = {
    schedule,
    dim: data.dim,
    draws: node.draws,
    times,
    solver: node.solver,
    seed: node.seed,
    score,
    exact: exactOf,
    compat: node.compat_grid_lookup,
    budget: ctx.memoryBudget,
    M: data.M,
    check: () => ctx.checkInterrupted(),
  };
  const onStep = stepProgress(ctx, node.name, node.draws, node.grid.steps, pfOdeChunk(opts));
  const samples = samplePfOde({ ...opts, onStep });
  ctx.progress?.end();
  const notes = node.compat_grid_lookup
    ? [`compatibility: denoiser looked up on a ${node.compat_grid_lookup.n}-point grid (reference-code quirk)`]
    : [];
  return sampleOutput(samples, node.draws, data.dim, node.histogram, node.grid.t_min, notes);
};

export const runNaive: NodeImpl<NaiveNode> = (node, ctx) => {
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const model = lookup(ctx, node.model, 'model');
  if (model.kappa === undefined) throw new Error(`internal: sample '${node.name}' needs a naive model`);
  const times = timeGrid(node.grid, schedule.T);
  const opts = {
    data,
    schedule,
    score: exactScore(data, schedule),
    kappa: model.kappa,
    form: node.form,
    draws: node.draws,
    times,
    seed: node.seed,
    budget: ctx.memoryBudget,
    check: () => ctx.checkInterrupted(),
  };
  const onStep = stepProgress(ctx, node.name, node.draws, node.grid.steps, naiveChunk(opts));
  const samples = sampleNaive({ ...opts, onStep });
  ctx.progress?.end();
  const notes =
    node.solver === 'heun' ? ['the naive estimator is stochastic: integrated with euler (heun ignored)'] : [];
  return sampleOutput(samples, node.draws, data.dim, node.histogram, node.grid.t_min, notes);
};

export const SAMPLE_NODES: { [M in IrSample['method']]: NodeImpl<Extract<IrSample, { method: M }>> } = {
  pf_ode: runPfOde,
  naive: runNaive,
  ensemble: runEnsemble,
  effective_sde: runEffectiveSde,
};
