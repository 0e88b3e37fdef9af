// THE table from IR nodes to their implementations: one entry per node kind, and per model type,
// sample method (the sub-table in samples.ts), map quantity and metric (metrics.ts). Each sub-table is a
// mapped type over the union in compiler/ir/types.ts, so a kind, method, quantity or metric
// without an implementation is a compile error.

import type {
  IrData,
  IrFeatures,
  IrForward,
  IrMap,
  IrMetric,
  IrModel,
  IrNode,
  IrSample,
} from '../../compiler/ir/types.js';
import type { NodeImpl } from './types.js';
import { runClosedFormModel, runData, runForward } from './basic.js';
import { runFeatures, runLinearModel } from '../models/linear-node.js';
import { runVkernelMap } from '../vkernel/maps.js';
import { runNtkModel } from '../models/ntk.js';
import { runMlpModel } from '../models/mlp/node.js';
import { SAMPLE_NODES } from './samples.js';
import { runPosteriorMap } from './maps.js';
import { METRIC_NODES } from './metrics.js';
import { runScoreError } from '../maps/score-error.js';

export interface NodeTable {
  data: NodeImpl<IrData>;
  forward: NodeImpl<IrForward>;
  features: NodeImpl<IrFeatures>;
  model: { [T in IrModel['type']]: NodeImpl<Extract<IrModel, { type: T }>> };
  sample: { [M in IrSample['method']]: NodeImpl<Extract<IrSample, { method: M }>> };
  map: { [Q in IrMap['quantity']]: NodeImpl<IrMap & { quantity: Q }> };
  metric: { [K in IrMetric['metric']]: NodeImpl<IrMetric & { metric: K }> };
}

export const NODES: NodeTable = {
  data: runData,
  forward: runForward,
  features: runFeatures,
  model: {
    true: runClosedFormModel,
    naive: runClosedFormModel,
    linear: runLinearModel,
    ntk: runNtkModel,
    mlp: runMlpModel,
  },
  sample: SAMPLE_NODES,
  map: {
    posterior_weights: runPosteriorMap,
    score: runPosteriorMap,
    proxy_covariance: runPosteriorMap,
    score_variance_ratio: runPosteriorMap,
    vkernel: runVkernelMap,
    vkernel_time_correlation: runVkernelMap,
    score_error: runScoreError,
  },
  metric: METRIC_NODES,
};

/**
 * The implementation of `node`. The lookup key is read from the node itself, so the widening
 * casts below only forget what the table's types already guarantee.
 */
export function implementationOf(node: IrNode): NodeImpl {
  switch (node.kind) {
    case 'data':
      return NODES.data as NodeImpl;
    case 'forward':
      return NODES.forward as NodeImpl;
    case 'features':
      return NODES.features as NodeImpl;
    case 'model':
      return NODES.model[node.type] as NodeImpl;
    case 'sample':
      return NODES.sample[node.method] as NodeImpl;
    case 'map':
      return NODES.map[node.quantity] as NodeImpl;
    case 'metric':
      return NODES.metric[node.metric] as NodeImpl;
    default: {
      const unknown: never = node;
      throw new Error(`internal: no implementation for node ${JSON.stringify(unknown)}`);
    }
  }
}
