// Every metric's signature, keyed by the IR's metrics (IrMetric['metric'] in
// compiler/ir/types.ts): a metric without an entry here, or an entry without a metric there, is
// a compile error. The lowering is shared (compiler/lower/metric.ts: a `radius` or `bandwidth`
// argument becomes the node's `radius`); the runtime side is runtime/nodes/metrics.ts.
import type { IrMetric } from '../../compiler/ir/types.js';
import { metricHistogram, metricOf, positive } from '../params.js';
import type { BuiltinSpec } from '../types.js';

export type MetricName = IrMetric['metric'];

export interface MetricDescriptor<K extends MetricName> {
  spec: BuiltinSpec & { kind: 'metric'; name: K };
}

export const METRICS: { readonly [K in MetricName]: MetricDescriptor<K> } = {
  memorized_fraction: {
    spec: {
      kind: 'metric',
      name: 'memorized_fraction',
      doc: 'Fraction of samples within `radius` of a training point.',
      params: [
        metricOf,
        {
          name: 'radius',
          type: 'number',
          range: positive,
          default: { value: 0.1 },
          doc: 'Distance counted as memorized.',
        },
      ],
    },
  },
  gap_mass: {
    spec: {
      kind: 'metric',
      name: 'gap_mass',
      doc: 'Fraction of samples farther than `radius` from every training point.',
      params: [
        metricOf,
        {
          name: 'radius',
          type: 'number',
          range: positive,
          default: { value: 0.1 },
          doc: 'Distance beyond which a sample is in a gap.',
        },
      ],
    },
  },
  nearest_distance: {
    spec: {
      kind: 'metric',
      name: 'nearest_distance',
      doc: 'Histogram of the distance from each sample to its nearest training point.',
      params: [metricOf, ...metricHistogram],
    },
  },
  total_variation: {
    spec: {
      kind: 'metric',
      name: 'total_variation',
      doc: 'Total-variation distance between two sample histograms, or against the true density.',
      params: [
        metricOf,
        {
          name: 'against',
          type: 'sample',
          acceptsTrueDensity: true,
          doc: 'A second sample set, or `true_density` (p(x | t_min)).',
        },
        ...metricHistogram,
      ],
    },
  },
  kl: {
    spec: {
      kind: 'metric',
      name: 'kl',
      doc: 'KL divergence of a sample histogram from a second one or from the true density.',
      params: [
        metricOf,
        {
          name: 'against',
          type: 'sample',
          acceptsTrueDensity: true,
          default: { value: 'true_density' },
          doc: 'A second sample set, or `true_density`.',
        },
        ...metricHistogram,
      ],
    },
  },
  mmd: {
    spec: {
      kind: 'metric',
      name: 'mmd',
      doc: 'Maximum mean discrepancy (Gaussian kernel) between two sample sets.',
      params: [
        metricOf,
        { name: 'against', type: 'sample', doc: 'The second sample set.' },
        { name: 'bandwidth', type: 'number', range: positive, default: { value: 0.1 }, doc: 'Kernel bandwidth.' },
      ],
    },
  },
  effective_dimension: {
    spec: {
      kind: 'metric',
      name: 'effective_dimension',
      doc: 'Participation-ratio dimension of the sample covariance.',
      params: [metricOf],
    },
  },
};
