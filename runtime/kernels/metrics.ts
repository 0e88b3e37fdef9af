// Kernel for every `metric.*` key (definitions in runtime/metrics.ts). Every metric returns the
// scalar `value`; some add context scalars (standard errors, bandwidths), see docs/outputs.md.
// `against`: another sample node, or 'true_density' = p(x | t_min) of the data, where t_min is
// the time of the measured sample set (null is read as 'true_density').

import type { IrMetric } from '../../compiler/ir/types.js';
import {
  effectiveDimension,
  gapMass,
  klDivergence,
  memorizedFraction,
  mixtureBinProbabilities,
  mmd2,
  nearestDistances,
  sampleBinProbabilities,
  totalVariation,
} from '../metrics.js';
import { deriveSeed, mixtureSamples } from '../rng.js';
import { cholesky } from '../linalg.js';
import { emptyResult, lookup, type Kernel, type KernelContext, type SampleValue } from './types.js';

function against(node: IrMetric, ctx: KernelContext): SampleValue | 'true_density' {
  return node.against === null || node.against === 'true_density' ? 'true_density' : lookup(ctx, node.against, 'sample');
}

export const metricKernel: Kernel<IrMetric> = (node, ctx) => {
  const of = lookup(ctx, node.of, 'sample');
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const { samples, n, dim } = of;
  const result = emptyResult();
  const s = result.scalars;
  const binsOf = (v: SampleValue | 'true_density') =>
    v === 'true_density' ? mixtureBinProbabilities(data, schedule, of.t, node.histogram) : sampleBinProbabilities(v.samples, v.n, v.dim, node.histogram);
  switch (node.metric) {
    case 'memorized_fraction':
    case 'gap_mass': {
      const p = (node.metric === 'gap_mass' ? gapMass : memorizedFraction)(samples, n, dim, data, node.radius);
      s.value = p;
      s.standard_error = Math.sqrt((p * (1 - p)) / n);
      break;
    }
    case 'nearest_distance': {
      const d = Float64Array.from(nearestDistances(samples, n, dim, data)).sort();
      s.value = d.reduce((a, b) => a + b, 0) / n;
      s.median = n % 2 ? d[(n - 1) / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
      s.max = d[n - 1];
      break;
    }
    case 'total_variation':
    case 'kl': {
      const p = sampleBinProbabilities(samples, n, dim, node.histogram);
      const q = binsOf(against(node, ctx));
      s.value = node.metric === 'kl' ? klDivergence(p, q) : totalVariation(p, q);
      break;
    }
    case 'mmd': {
      const other = against(node, ctx);
      let Y: ArrayLike<number>;
      let ny: number;
      if (other === 'true_density') {
        ny = 2000;
        const alpha = schedule.alpha(of.t);
        Y = mixtureSamples(
          deriveSeed(ctx.cell.seed, 'metric', node.name),
          data.points.map((v) => alpha * v),
          data.weights,
          dim,
          cholesky(schedule.S(of.t, dim)),
          ny,
        );
      } else {
        Y = other.samples;
        ny = other.n;
      }
      const r = mmd2(samples, n, Y, ny, dim, node.radius);
      s.value = r.value;
      s.bandwidth = r.bandwidth;
      break;
    }
    case 'effective_dimension':
      s.value = effectiveDimension(samples, n, dim);
      break;
  }
  return { value: { kind: 'metric', value: s.value }, result };
};
