// What linear and NTK ensembles share around their members: the members' DSM training sets, and
// the sample output with the across-member band. Arrays: density (mean over members = the pooled
// samples' histogram, equal draws per member), density_q25, density_q75, member_density
// [members, ...bins]; samples are all members' draws (member-major), and the sample value says how
// many members (SampleValue.members), so metrics take their standard errors across members.

import type { IrSample } from '../../compiler/ir/types.js';
import { deriveSeed } from '../rng.js';
import type { NodeContext, NodeOutput } from '../nodes/types.js';
import { keptCount } from '../sample-subset.js';
import type { LinearState } from '../models/linear-node.js';
import { dsmSamples } from '../models/dsm.js';
import { targets } from '../models/linear.js';
import { sampleOutput } from './common.js';
import { pooledHistogram } from '../histogram.js';

type SampleNode = IrSample;

/** The members' draws and per-member histograms, as the pool's threads wrote them. */
export interface MembersOut {
  samples: Float32Array;
  memberDensity: Float64Array;
  binCount: number;
}

/**
 * The shared samples array of an ensemble and its MemberSampling.keep: every member's draws when
 * a metric of the cell reads the node's samples (or the context does not say), else only the rows
 * the result keeps: 40-80 MB less memory per paper-sized ensemble, all of it touched for the
 * first time (11-17 us per 4 KiB page on these machines: bench/first-touch.ts).
 */
export function memberSamples(
  node: SampleNode,
  members: number,
  dim: number,
  ctx?: NodeContext,
): { samples: Float32Array; keep: number | null } {
  const n = members * node.draws;
  const kept = keptCount(n);
  const keep = ctx?.samplesRead && !ctx.samplesRead.has(node.name) && kept < n ? kept : null;
  return { samples: new Float32Array(new SharedArrayBuffer(4 * (keep ?? n) * dim)), keep };
}

/**
 * The DSM training sets of members 0..members-1 (linear and NTK ensembles), in shared memory for
 * the threads: per member, member-major, x [P, dim], t [P], lambda [P] and targets Y [P, dim].
 */
export function trainingSets(
  state: Pick<LinearState, 'data' | 'schedule' | 'dim'> & {
    spec: { samples: number; t_range: LinearState['spec']['t_range']; seed: number };
  },
  parametrization: Parameters<typeof targets>[2],
  members: number,
): { P: number; x: Float64Array; t: Float64Array; lambda: Float64Array; Y: Float64Array } {
  const { spec, data, schedule, dim } = state;
  const P = spec.samples;
  const x = new Float64Array(new SharedArrayBuffer(8 * members * P * dim));
  const t = new Float64Array(new SharedArrayBuffer(8 * members * P));
  const lambda = new Float64Array(new SharedArrayBuffer(8 * members * P));
  const Y = new Float64Array(new SharedArrayBuffer(8 * members * P * dim));
  for (let m = 0; m < members; m++) {
    const s = dsmSamples(data, schedule, P, spec.t_range, deriveSeed(spec.seed, 'member', m));
    const tg = targets(s, schedule, parametrization);
    x.set(s.x, m * P * dim);
    t.set(s.t, m * P);
    lambda.set(tg.lambda, m * P);
    Y.set(tg.Y, m * P * dim);
  }
  return { P, x, t, lambda, Y };
}

/** numpy's default (linear) quantile of a sorted array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Rearranges a[from..to) so that a[i] is the value a sort would put there, smaller or equal ones before it, larger or equal after (Hoare, median of three; no NaN). */
function select(a: Float64Array, from: number, to: number, i: number): void {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot.
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let l = lo;
    let h = hi;
    while (l <= h) {
      while (a[l] < pivot) l++;
      while (a[h] > pivot) h--;
      if (l <= h) {
        const t = a[l];
        a[l++] = a[h];
        a[h--] = t;
      }
    }
    if (i <= h) hi = h;
    else if (i >= l) lo = l;
    else return;
  }
}

/** numpy's linear quantile q of n values of which the first `zeros` of the sorted order are +0 and the rest are a[0..n - zeros), positive, in any order (reordered). */
function quantileOfZerosAnd(a: Float64Array, zeros: number, n: number, q: number): number {
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const k = n - zeros;
  const at = (p: number): number => {
    if (p < zeros) return 0;
    select(a, 0, k, p - zeros);
    return a[p - zeros];
  };
  const vlo = at(lo);
  // The next order statistic: the smallest of what select left above position lo.
  let vhi: number;
  if (hi === lo) vhi = vlo;
  else if (hi < zeros) vhi = 0;
  else if (lo < zeros) vhi = at(hi);
  else {
    vhi = Infinity;
    for (let j = lo - zeros + 1; j < k; j++) if (a[j] < vhi) vhi = a[j];
  }
  return vlo + (pos - lo) * (vhi - vlo);
}

/**
 * Per bin, numpy's 25% and 75% quantiles of the members' densities [members, B]. A density is
 * +0 where a member has no draw in the bin (histogram.ts), which is most bins of a 2D map for
 * most members: the zeros lead the sorted column, the order statistics the quartiles read are
 * selected among the nonzero values (no sort), and a bin whose quartiles both fall among the
 * zeros costs one pass. The same values as sorting the whole column; a column with a negative
 * value, a -0 or a NaN is sorted whole.
 */
export function memberQuartiles(
  memberDensity: Float64Array,
  members: number,
  B: number,
): { q25: Float64Array; q75: Float64Array } {
  const q25 = new Float64Array(B);
  const q75 = new Float64Array(B);
  const col = new Float64Array(members);
  const nonzero = new Float64Array(members);
  // The highest sorted position either quartile reads (numpy's linear rule reads floor and floor + 1).
  const top = Math.min(members - 1, Math.floor((members - 1) * 0.75) + 1);
  for (let b = 0; b < B; b++) {
    let k = 0;
    let plain = true;
    for (let m = 0; m < members; m++) {
      const v = memberDensity[m * B + b];
      if (v > 0) nonzero[k++] = v;
      else if (v !== 0 || Object.is(v, -0)) plain = false; // negative, -0 or NaN: not the +0 of an empty bin
    }
    const zeros = members - k;
    if (plain && zeros > top) continue; // both quartiles are +0
    if (plain) {
      q25[b] = quantileOfZerosAnd(nonzero, zeros, members, 0.25);
      q75[b] = quantileOfZerosAnd(nonzero, zeros, members, 0.75);
      continue;
    }
    for (let m = 0; m < members; m++) col[m] = memberDensity[m * B + b];
    col.sort();
    q25[b] = quantile(col, 0.25);
    q75[b] = quantile(col, 0.75);
  }
  return { q25, q75 };
}

/** Sample output plus the across-member band. */
export function membersOutput(
  node: SampleNode,
  dim: number,
  members: number,
  out: MembersOut,
  notes: string[],
): NodeOutput {
  const n = members * node.draws;
  const pooled = dim <= 2 ? pooledHistogram(out.memberDensity, members, node.draws, dim, node.histogram) : undefined;
  const res = sampleOutput(out.samples, n, dim, node.histogram, node.grid.t_min, notes, pooled);
  if (res.value.kind === 'sample') res.value.members = members;
  res.result.scalars.members = members;
  if (dim > 2) return res;
  const B = out.binCount;
  const shape = dim === 1 ? [node.histogram.bins] : [node.histogram.bins, node.histogram.bins];
  const { q25, q75 } = memberQuartiles(out.memberDensity, members, B);
  const a = res.result.arrays;
  const binDims = a.density.dims;
  a.density_q25 = {
    shape,
    dtype: 'float64',
    data: q25,
    doc: '25% quantile across members of the density per bin',
    dims: binDims,
  };
  a.density_q75 = {
    shape,
    dtype: 'float64',
    data: q75,
    doc: '75% quantile across members of the density per bin',
    dims: binDims,
  };
  a.member_density = {
    shape: [members, ...shape],
    dtype: 'float64',
    data: out.memberDensity,
    doc: 'density per bin of each member [members, ...bins]',
    dims: ['member', ...binDims],
  };
  return res;
}
