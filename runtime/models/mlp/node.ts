// The mlp model node: its state (plain IR data, so workers can rebuild it) and its value's score,
// which trains member 0 on first use (pf_ode with an mlp model samples one trained network).

import type { IrForward, IrModel } from '../../../compiler/ir/types.js';
import type { PointSet } from '../../posterior.js';
import type { Schedule } from '../../schedule.js';
import { deriveSeed } from '../../rng.js';
import { emptyResult, lookup, type ModelValue, type NodeImpl } from '../../nodes/types.js';
import { evaluatorScore } from '../evaluator-score.js';
import { parameterCount, type MlpConfig } from './config.js';
import { mlpDenoiser, type MlpDenoiser } from './evaluate.js';
import { trainMlp } from './train.js';

export type MlpNode = Extract<IrModel, { type: 'mlp' }>;

/** interface MlpState { spec, config, data, schedule, dim } */
export interface MlpState {
  spec: MlpNode;
  /** The forward process node (workers rebuild the schedule from it). */
  forward: IrForward;
  config: MlpConfig;
  data: PointSet;
  schedule: Schedule;
  dim: number;
}

/** The runtime configuration of an mlp node for data of dimension dim. */
export function mlpConfig(spec: MlpNode, dim: number): MlpConfig {
  const { width, depth, activation, time, embed, x_scale, output, t_range } = spec;
  const { samples, optimizer, lr, steps, batch, weight_decay, center } = spec;
  return {
    dim,
    width,
    depth,
    activation,
    time,
    embed,
    x_scale,
    output,
    t_range,
    samples,
    optimizer,
    lr,
    steps,
    batch,
    weight_decay,
    center,
  };
}

/** The training seed of member m: the DSM set of a linear model with the same seed (models/dsm.ts). */
export function memberSeed(spec: MlpNode, m: number): number {
  return deriveSeed(spec.seed, 'member', m);
}

/** runMlpModel      value.extra: MlpState; value.score is the score of member 0 */
export const runMlpModel: NodeImpl<IrModel> = (node, ctx) => {
  if (node.type !== 'mlp') throw new Error(`internal: model type '${node.type}' routed to the mlp kernel`);
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const forward = ctx.cell.nodes.find((n) => n.kind === 'forward' && n.name === node.forward);
  if (!forward || forward.kind !== 'forward') throw new Error(`internal: no forward node '${node.forward}'`);
  const state: MlpState = { spec: node, forward, config: mlpConfig(node, data.dim), data, schedule, dim: data.dim };
  let first: MlpDenoiser | null = null;
  const value: ModelValue = {
    kind: 'model',
    type: 'mlp',
    data,
    schedule,
    extra: state,
    score: (x, t) => {
      if (!first) {
        const net = trainMlp(state.config, data, schedule, memberSeed(node, 0));
        first = mlpDenoiser(state.config, net.params, schedule, net.init);
      }
      return evaluatorScore(x, t, schedule, true, first.atTime(t));
    },
    dispose: () => first?.dispose(),
  };
  const result = emptyResult();
  result.scalars.parameters = parameterCount(state.config);
  result.scalars.samples = node.samples;
  result.notes.push(
    `mlp: width ${node.width}, depth ${node.depth}, ${node.activation}, ${node.output} output, NTK parametrization; ` +
      `${node.optimizer} lr = ${node.lr}, ${node.steps} steps of ${node.batch}, ` +
      (node.samples ? `fixed set of ${node.samples} DSM samples` : 'online DSM samples') +
      (node.center ? '; centred (f - f_0)' : ''),
  );
  return { value, result };
};

/** mlpState(value)     the MlpState of an mlp model value (throws for other models) */
export function mlpState(v: ModelValue): MlpState {
  if (v.type !== 'mlp') throw new Error(`internal: expected an mlp model, got '${v.type}'`);
  return v.extra as MlpState;
}
