// Node implementations of the metrics (METRIC_NODES; definitions in runtime/metrics.ts). Every metric returns the
// scalar `value`, its `standard_error` and the label `se_over` saying what the error covers
// (runtime/metric-errors.ts): `members` for ensemble-like samples (SampleValue.members), the
// spread between members; `draws` for single models, the noise of the finite draws. Some metrics
// add context scalars (median, bandwidth), see docs/outputs.md.
// `against`: another sample node, or 'true_density' = p(x | t_min) of the data, where t_min is
// the time of the measured sample set (null is read as 'true_density').

import type { IrMetric } from '../../compiler/ir/types.js';
import {
  effectiveDimension,
  effectiveDimensionOfSums,
  gapFlags,
  klDivergence,
  memorizedFlags,
  mixtureBinProbabilities,
  mmd2,
  mmd2Weighted,
  momentSums,
  nearestDistances,
  sampleBinProbabilities,
  totalVariation,
} from '../metrics.js';
import { bootstrap, groupMeans, groupsOf, meanError, pooledBins, type Groups } from '../metric-errors.js';
import { deriveSeed, mixtureSamples } from '../rng.js';
import { cholesky } from '../linalg/cholesky.js';
import type { IrHistogram } from '../../compiler/ir/types.js';
import { emptyResult, lookup, type NodeImpl, type NodeContext, type SampleValue } from './types.js';

function against(node: IrMetric, ctx: NodeContext): SampleValue | 'true_density' {
  return node.against === null || node.against === 'true_density'
    ? 'true_density'
    : lookup(ctx, node.against, 'sample');
}

/** Every sample of v: samplers keep them all for a node a metric reads (samplers/members.ts). */
function allSamples(v: SampleValue): Float32Array {
  if (!v.samples) throw new Error('internal: a metric reads a sample node that kept only its written rows');
  return v.samples;
}

/** Bin probabilities (outside bin last) of every group, [G, bins + 1], and the group sizes. */
function groupBins(v: SampleValue, g: Groups, spec: IrHistogram): { bins: Float64Array; sizes: Int32Array } {
  let L = 0;
  let bins = new Float64Array(0);
  const sizes = new Int32Array(g.count);
  for (let k = 0; k < g.count; k++) {
    const a = g.start[k];
    const b = g.start[k + 1];
    const p = sampleBinProbabilities(allSamples(v).subarray(a * v.dim, b * v.dim), b - a, v.dim, spec);
    if (k === 0) {
      L = p.length;
      bins = new Float64Array(g.count * L);
    }
    bins.set(p, k * L);
    sizes[k] = b - a;
  }
  return { bins, sizes };
}

function fractionOf(flags: Uint8Array): number {
  let k = 0;
  for (let i = 0; i < flags.length; i++) k += flags[i];
  return k / flags.length;
}

export const runMetric: NodeImpl<IrMetric> = (node, ctx) => {
  const of = lookup(ctx, node.of, 'sample');
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const { n, dim } = of;
  const samples = allSamples(of);
  const result = emptyResult();
  const s = result.scalars;
  const groups = groupsOf(n, of.members);
  let seOver = groups.over;
  const seed = deriveSeed(ctx.cell.seed, 'bootstrap', node.name);
  const binsOf = (v: SampleValue | 'true_density') =>
    v === 'true_density'
      ? mixtureBinProbabilities(data, schedule, of.t, node.histogram)
      : sampleBinProbabilities(allSamples(v), v.n, v.dim, node.histogram);
  switch (node.metric) {
    case 'memorized_fraction':
    case 'gap_mass': {
      const flags = (node.metric === 'gap_mass' ? gapFlags : memorizedFlags)(samples, n, dim, data, node.radius);
      const p = fractionOf(flags);
      s.value = p;
      s.standard_error =
        groups.over === 'members' ? meanError(groupMeans(flags, groups)) : Math.sqrt((p * (1 - p)) / n);
      break;
    }
    case 'nearest_distance': {
      const raw = nearestDistances(samples, n, dim, data);
      let se: number;
      if (groups.over === 'members') se = meanError(groupMeans(raw, groups));
      else {
        let m = 0;
        for (let i = 0; i < n; i++) m += raw[i] / n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (raw[i] - m) ** 2;
        se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN;
      }
      const d = Float64Array.from(raw).sort();
      s.value = d.reduce((a, b) => a + b, 0) / n;
      s.standard_error = se;
      s.median = n % 2 ? d[(n - 1) / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
      s.max = d[n - 1];
      break;
    }
    case 'total_variation':
    case 'kl': {
      const p = sampleBinProbabilities(samples, n, dim, node.histogram);
      const other = against(node, ctx);
      const q = binsOf(other);
      const distance = node.metric === 'kl' ? klDivergence : totalVariation;
      s.value = distance(p, q);
      // Both sets are resampled by their own groups; the true density is exact.
      const P = groupBins(of, groups, node.histogram);
      const otherGroups = other === 'true_density' ? null : groupsOf(other.n, other.members);
      const Q = other === 'true_density' ? null : groupBins(other, otherGroups!, node.histogram);
      if (otherGroups?.over === 'members') seOver = 'members';
      const pb = new Float64Array(p.length);
      const qb = new Float64Array(q.length);
      s.standard_error = bootstrap(Q ? [groups.count, otherGroups!.count] : [groups.count], seed, (w) =>
        distance(pooledBins(P.bins, P.sizes, w[0], pb), Q ? pooledBins(Q.bins, Q.sizes, w[1], qb) : q),
      );
      break;
    }
    case 'mmd': {
      const other = against(node, ctx);
      let Y: ArrayLike<number>;
      let ny: number;
      let otherMembers: number | undefined;
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
        Y = allSamples(other);
        ny = other.n;
        otherMembers = other.members;
      }
      const gy = groupsOf(ny, otherMembers);
      if (gy.over === 'members') seOver = 'members';
      const groupOf = (g: Groups) => (row: number) => {
        // start is increasing: the group of a row by binary search.
        let lo = 0;
        let hi = g.count - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (g.start[mid] <= row) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
      const r = mmd2(samples, n, Y, ny, dim, node.radius, undefined, {
        x: groupOf(groups),
        gx: groups.count,
        y: groupOf(gy),
        gy: gy.count,
      });
      s.value = r.value;
      s.standard_error = bootstrap([groups.count, gy.count], seed, (w) => mmd2Weighted(r.blocks!, w[0], w[1]));
      s.bandwidth = r.bandwidth;
      break;
    }
    case 'effective_dimension': {
      s.value = effectiveDimension(samples, n, dim);
      const L = 1 + dim + dim * dim;
      const sums = new Float64Array(groups.count * L);
      for (let g = 0; g < groups.count; g++)
        sums.set(momentSums(samples, groups.start[g], groups.start[g + 1], dim), g * L);
      s.standard_error = bootstrap([groups.count], seed, (w) => effectiveDimensionOfSums(sums, w[0], dim));
      break;
    }
    default: {
      const unhandled: never = node.metric;
      throw new Error(`internal: unhandled metric ${JSON.stringify(unhandled)}`);
    }
  }
  result.labels = { se_over: seOver };
  return { value: { kind: 'metric', value: s.value }, result };
};

/** One implementation per IR metric (a mapped type: a metric without one is a compile error). */
export const METRIC_NODES: { [K in IrMetric['metric']]: NodeImpl<IrMetric & { metric: K }> } = {
  memorized_fraction: runMetric,
  gap_mass: runMetric,
  nearest_distance: runMetric,
  total_variation: runMetric,
  kl: runMetric,
  mmd: runMetric,
  effective_dimension: runMetric,
};
