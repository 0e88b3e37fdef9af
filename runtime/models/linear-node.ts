// Kernels for `features` and `model.linear`.

import type { IrFeatureTree, IrFeatures, IrModel } from '../../compiler/ir/types.js';
import type { PointSet } from '../posterior.js';
import type { Schedule } from '../schedule.js';
import { compileFeatures, type FeatureMap } from '../features.js';
import { deriveSeed } from '../rng.js';
import { emptyResult, lookup, type NodeImpl, type ModelValue } from '../nodes/types.js';
import { dsmSamples } from './dsm.js';
import { trainLinear, type LinearModel } from './linear.js';
import { linearEvaluator, type LinearEvaluator } from './linear-eval.js';
import { evaluatorScore } from './evaluator-score.js';

export type LinearNode = Extract<IrModel, { type: 'linear' }>;

/**
 * interface LinearState {
 *   spec, tree (the features' IR tree), features, evaluator, data, schedule, dim
 *   train(member): LinearModel   member m of the ensemble: fresh DSM samples from
 *                                deriveSeed(model seed, 'member', m), closed-form ridge fit
 * }
 */
export interface LinearState {
  spec: LinearNode;
  tree: IrFeatureTree;
  features: FeatureMap;
  evaluator: LinearEvaluator;
  data: PointSet;
  schedule: Schedule;
  dim: number;
  train(member: number): LinearModel;
}

/**
 * runFeatures         value { kind: 'features', count, tree } (compiled per model, where the
 * data dimension is known)
 */
export const runFeatures: NodeImpl<IrFeatures> = (node) => ({
  value: { kind: 'features', count: node.count, tree: node.tree },
  result: emptyResult(),
});

export function makeLinearState(
  spec: LinearNode,
  tree: IrFeatureTree,
  data: PointSet,
  schedule: Schedule,
): LinearState {
  const dim = data.dim;
  const features = compileFeatures(tree, dim);
  return {
    spec,
    tree,
    features,
    evaluator: linearEvaluator(features, dim),
    data,
    schedule,
    dim,
    train: (member) => {
      const s = dsmSamples(data, schedule, spec.samples, spec.t_range, deriveSeed(spec.seed, 'member', member));
      return trainLinear({ ridge: spec.ridge, parametrization: spec.parametrization }, features, s, schedule);
    },
  };
}

/** runLinearModel      value.extra: LinearState; value.score is the score of member 0 */
export const runLinearModel: NodeImpl<IrModel> = (node, ctx) => {
  if (node.type !== 'linear') throw new Error(`internal: model type '${node.type}' routed to the linear kernel`);
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const fv = lookup(ctx, node.features, 'features');
  const state = makeLinearState(node, fv.tree as IrFeatureTree, data, schedule);
  if (state.features.F !== fv.count)
    throw new Error(
      `internal: features '${node.features}' declare ${fv.count} features but evaluate to ${state.features.F}`,
    );
  let first: LinearModel | null = null;
  const value: ModelValue = {
    kind: 'model',
    type: 'linear',
    data,
    schedule,
    extra: state,
    score: (x, t) => {
      const W = (first ??= state.train(0)).W;
      return evaluatorScore(x, t, schedule, node.parametrization === 'denoiser', state.evaluator.atTime(W, t));
    },
  };
  const result = emptyResult();
  result.scalars.features = state.features.F;
  result.scalars.samples = node.samples;
  return { value, result };
};

/** linearState(value)     the LinearState of a linear model value (throws for other models) */
export function linearState(v: ModelValue): LinearState {
  if (v.type !== 'linear') throw new Error(`internal: expected a linear model, got '${v.type}'`);
  return v.extra as LinearState;
}
