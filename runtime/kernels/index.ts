// THE kernel table: one entry per IR node kind (and method / type / quantity / metric).
//
// Adding a computation = an IR kind + a checker signature + one line here. Keys:
//   data, forward, features,
//   model.<type>        true | naive | linear | ntk
//   sample.<method>     pf_ode | naive | ensemble | effective_sde
//   map.<quantity>      posterior_weights | score | proxy_covariance | score_variance_ratio |
//                       vkernel | vkernel_time_correlation | score_error
//   metric.<metric>     memorized_fraction | gap_mass | nearest_distance | total_variation | kl |
//                       mmd | effective_dimension
// A key missing from the table makes executeCell fail with "no kernel for <key>" before any
// node of the cell runs.

import type { IrNode } from '../../compiler/ir/types.js';
import type { Kernel } from './types.js';
import { dataKernel, forwardKernel, modelKernel } from './basic.js';
import { featuresKernel, linearModelKernel } from '../models/linear-kernel.js';
import { ensembleKernel } from '../samplers/ensemble.js';
import { effectiveSdeKernel } from '../samplers/effective-sde.js';
import { vkernelMapKernel } from '../vkernel/maps.js';
import { ntkModelKernel } from '../models/ntk.js';
import { naiveKernel, pfOdeKernel } from './samples.js';
import { posteriorMapKernel } from './maps.js';
import { metricKernel } from './metrics.js';
import { scoreErrorKernel } from '../maps/score-error.js';

export function kernelKey(node: IrNode): string {
  switch (node.kind) {
    case 'data':
    case 'forward':
    case 'features':
      return node.kind;
    case 'model':
      return `model.${node.type}`;
    case 'sample':
      return `sample.${node.method}`;
    case 'map':
      return `map.${node.quantity}`;
    case 'metric':
      return `metric.${node.metric}`;
  }
}

// Each kernel is typed for its own node kind; the table erases that (kernelKey routes correctly).
const k = <N extends IrNode>(fn: Kernel<N>) => fn as unknown as Kernel;

export const KERNELS: Record<string, Kernel> = {
  data: k(dataKernel),
  forward: k(forwardKernel),
  'model.true': k(modelKernel),
  'model.naive': k(modelKernel),
  'sample.pf_ode': k(pfOdeKernel),
  'sample.naive': k(naiveKernel),
  'map.posterior_weights': k(posteriorMapKernel),
  'map.score': k(posteriorMapKernel),
  'map.proxy_covariance': k(posteriorMapKernel),
  'map.score_variance_ratio': k(posteriorMapKernel),
  'metric.memorized_fraction': k(metricKernel),
  'metric.gap_mass': k(metricKernel),
  'metric.nearest_distance': k(metricKernel),
  'metric.total_variation': k(metricKernel),
  'metric.kl': k(metricKernel),
  'metric.mmd': k(metricKernel),
  'metric.effective_dimension': k(metricKernel),
  features: k(featuresKernel),
  'model.linear': k(linearModelKernel),
  'sample.ensemble': k(ensembleKernel),
  'sample.effective_sde': k(effectiveSdeKernel),
  'map.vkernel': k(vkernelMapKernel),
  'map.vkernel_time_correlation': k(vkernelMapKernel),
  'model.ntk': k(ntkModelKernel),
  'map.score_error': k(scoreErrorKernel),
};
