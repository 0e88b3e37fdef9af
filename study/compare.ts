// Theory versus ensemble: where a cell has both a trained ensemble and the effective-SDE theory
// for the same model, how far apart their densities are. The distance is the `total_variation`
// metric's (runtime/metrics.ts): (1/2) sum_b |p_b - q_b| over the histogram bins plus one bin for
// the mass outside the range, so the report and a `metric ... = total_variation(trained, against
// = theory)` with the same histogram give the same number. Its standard error is the metric's
// bootstrap over members (runtime/metric-errors.ts), from each member's density; a sample without
// members (white-noise theory) is taken as exact.
import type { IrCell, IrHistogram, IrSample } from '../compiler/ir/types.js';
import {
  BOOTSTRAP,
  bootstrapWeights,
  deriveSeed,
  replicateSd,
  totalVariation,
  TV_BLOCK,
  tvReplicatesWasm,
  type CellResult,
  type NodeResult,
} from '../runtime/light.js';

export interface Comparison {
  cell: string;
  ensemble: string;
  theory: string;
  model: string;
  /** Total variation distance between the two densities (0 = identical, 1 = disjoint). */
  tv: number;
  /** Bootstrap standard error of tv over the members of both (NaN with fewer than 2). */
  tvError: number;
  /** Mass of each density inside the histogram range. */
  massEnsemble: number;
  massTheory: number;
}

function binVolume(spec: IrHistogram, dim: number): number {
  let volume = 1;
  for (let a = 0; a < dim; a++) volume *= (spec.range[a][1] - spec.range[a][0]) / spec.bins;
  return volume;
}

/**
 * A sample's bin probabilities with the outside bin last: pooled [bins + 1], and when it has
 * members their densities [members, bins] as written, with each member's outside mass; a
 * member's probability in bin b is memberDensity * volume.
 */
interface BinSet {
  pooled: Float64Array;
  memberDensity: ArrayLike<number> | null;
  outside: Float64Array;
  count: number;
}

function binsOf(r: NodeResult, volume: number): BinSet {
  const d = r.arrays.density.data;
  const B = d.length;
  const pooled = new Float64Array(B + 1);
  for (let b = 0; b < B; b++) pooled[b] = d[b] * volume;
  pooled[B] = 1 - (r.scalars.inside_fraction ?? NaN);
  const md = r.arrays.member_density?.data;
  if (!md || md.length % B !== 0) return { pooled, memberDensity: null, outside: new Float64Array(0), count: 0 };
  const K = md.length / B;
  const outside = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let inside = 0;
    for (let b = 0; b < B; b++) inside += md[k * B + b] * volume;
    outside[k] = Math.max(0, 1 - inside);
  }
  return { pooled, memberDensity: md, outside, count: K };
}

/** Bins per block of tvReplicates: a block of every member's probabilities stays in cache (the
 * width the wasm kernel takes). */
const BLOCK = TV_BLOCK;

/**
 * One replicate's pooled bin probabilities over a block of n bins: out[j] = sum over the drawn
 * members g (in increasing order) of c_g * blk[g, j], divided by the replicate's total weight,
 * as pooledBins adds them. Four bins at a time in registers, so each member's weight is read
 * once per four bins.
 */
function pooledBlock(
  out: Float64Array,
  blk: Float64Array,
  members: Int32Array,
  weights: Float64Array,
  from: number,
  to: number,
  n: number,
  total: number,
): void {
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let i = from; i < to; i++) {
      const c = weights[i];
      const o = members[i] * BLOCK + j;
      a0 += c * blk[o];
      a1 += c * blk[o + 1];
      a2 += c * blk[o + 2];
      a3 += c * blk[o + 3];
      a4 += c * blk[o + 4];
      a5 += c * blk[o + 5];
      a6 += c * blk[o + 6];
      a7 += c * blk[o + 7];
    }
    out[j] = a0 / total;
    out[j + 1] = a1 / total;
    out[j + 2] = a2 / total;
    out[j + 3] = a3 / total;
    out[j + 4] = a4 / total;
    out[j + 5] = a5 / total;
    out[j + 6] = a6 / total;
    out[j + 7] = a7 / total;
  }
  for (; j < n; j++) {
    let a = 0;
    for (let i = from; i < to; i++) a += weights[i] * blk[members[i] * BLOCK + j];
    out[j] = a / total;
  }
}

/** A resampled set's replicates as lists of the drawn members and their weights (zeros left out, as pooledBins skips them). */
function drawnLists(w: Float64Array, K: number, B: number) {
  const start = new Int32Array(B + 1);
  const members = new Int32Array(B * K);
  const weights = new Float64Array(B * K);
  const totals = new Float64Array(B);
  let k = 0;
  for (let r = 0; r < B; r++) {
    start[r] = k;
    let total = 0;
    for (let g = 0; g < K; g++) {
      const c = w[r * K + g];
      if (c === 0) continue;
      members[k] = g;
      weights[k++] = c;
      total += c;
    }
    totals[r] = total;
  }
  start[B] = k;
  return { start, members, weights, totals };
}

/**
 * The total variation between P and Q in every bootstrap replicate, with the bytes of
 * totalVariation(pooledBins(P), pooledBins(Q)) per replicate (metric-errors.ts), which resample
 * members with weights `weights[s]` [B, members]; a set without members stays its pooled bins.
 * The replicates are computed together, bin block by bin block: each block of the member
 * densities is read once for all replicates instead of once per replicate (a 200 x 200 map of 100
 * members is 32 MB, read 200 times). The sums run in the same order as there: members in
 * increasing order within a bin, bins in increasing order within a replicate.
 */
function tvReplicates(P: BinSet, Q: BinSet, weights: Float64Array[], B: number, volume: number): Float64Array {
  const L = P.pooled.length;
  const bins = L - 1;
  const sides = [P, Q];
  const resampled = sides.filter((s) => s.memberDensity !== null);
  const lists = sides.map((s) =>
    s.memberDensity === null ? null : drawnLists(weights[resampled.indexOf(s)], s.count, B),
  );
  const wasm = tvReplicatesWasm(
    lists,
    sides.map((s) => s.count),
    B,
  );
  const blocks = wasm?.blocks ?? sides.map((s) => new Float64Array(s.count * BLOCK));
  const acc = wasm?.accs ?? [new Float64Array(BLOCK), new Float64Array(BLOCK)];
  const sums = new Float64Array(B);
  for (let j0 = 0; j0 < L; j0 += BLOCK) {
    const n = Math.min(BLOCK, L - j0);
    sides.forEach((s, side) => {
      const md = s.memberDensity;
      if (md === null) {
        acc[side].set(s.pooled.subarray(j0, j0 + n));
        return;
      }
      const blk = blocks[side];
      for (let g = 0; g < s.count; g++)
        for (let jj = 0; jj < n; jj++) {
          const j = j0 + jj;
          blk[g * BLOCK + jj] = j < bins ? md[g * bins + j] * volume : s.outside[g];
        }
    });
    if (wasm) {
      wasm.run(n);
      continue;
    }
    const [p, q] = acc;
    for (let r = 0; r < B; r++) {
      for (let side = 0; side < 2; side++) {
        const l = lists[side];
        if (l) pooledBlock(acc[side], blocks[side], l.members, l.weights, l.start[r], l.start[r + 1], n, l.totals[r]);
      }
      let sum = sums[r];
      for (let jj = 0; jj < n; jj++) sum += Math.abs(p[jj] - q[jj]);
      sums[r] = sum;
    }
  }
  return (wasm?.sums() ?? sums).map((x) => 0.5 * x);
}

export function compareTheoryEnsemble(cell: IrCell, result: CellResult): Comparison[] {
  const samples = cell.nodes.filter((n): n is IrSample => n.kind === 'sample');
  const out: Comparison[] = [];
  for (const ens of samples.filter((s) => s.method === 'ensemble')) {
    for (const th of samples.filter((s) => s.method === 'effective_sde' && s.model === ens.model)) {
      const a = result.nodes[ens.name];
      const b = result.nodes[th.name];
      if (!a?.arrays.density || !b?.arrays.density || a.arrays.density.data.length !== b.arrays.density.data.length)
        continue;
      const volume = binVolume(ens.histogram, a.arrays.density.shape.length);
      const P = binsOf(a, volume);
      const Q = binsOf(b, volume);
      const tv = totalVariation(P.pooled, Q.pooled);
      const sets = [P, Q].filter((s) => s.memberDensity !== null);
      const weights =
        sets.length === 0
          ? null
          : bootstrapWeights(
              sets.map((s) => s.count),
              deriveSeed(cell.seed, 'bootstrap', `${ens.name}~${th.name}`),
              BOOTSTRAP,
            );
      const tvError = weights ? replicateSd(tvReplicates(P, Q, weights, BOOTSTRAP, volume)) : NaN;
      out.push({
        cell: cell.id,
        ensemble: ens.name,
        theory: th.name,
        model: ens.model,
        tv,
        tvError,
        massEnsemble: 1 - P.pooled[P.pooled.length - 1],
        massTheory: 1 - Q.pooled[Q.pooled.length - 1],
      });
    }
  }
  return out;
}
