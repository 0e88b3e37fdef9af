// Theory versus ensemble: where a cell has both a trained ensemble and the effective-SDE theory
// for the same model, how far apart their densities are. The distance is the `total_variation`
// metric's (runtime/metrics.ts): (1/2) sum_b |p_b - q_b| over the histogram bins plus one bin for
// the mass outside the range, so the report and a `metric ... = total_variation(trained, against
// = theory)` with the same histogram give the same number. Its standard error is the metric's
// bootstrap over members (runtime/metric-errors.ts), from each member's density; a sample without
// members (white-noise theory) is taken as exact.
import type { IrCell, IrHistogram, IrSample } from '../compiler/ir/types.js';
import {
  bootstrap,
  deriveSeed,
  pooledBins,
  totalVariation,
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

/** Bin probabilities with the outside bin last: pooled, and per member [members, bins + 1]. */
function binsOf(r: NodeResult, volume: number): { pooled: Float64Array; members: Float64Array | null; count: number } {
  const d = r.arrays.density.data;
  const B = d.length;
  const pooled = new Float64Array(B + 1);
  for (let b = 0; b < B; b++) pooled[b] = d[b] * volume;
  pooled[B] = 1 - (r.scalars.inside_fraction ?? NaN);
  const md = r.arrays.member_density?.data;
  if (!md || md.length % B !== 0) return { pooled, members: null, count: 0 };
  const K = md.length / B;
  const members = new Float64Array(K * (B + 1));
  for (let k = 0; k < K; k++) {
    let inside = 0;
    for (let b = 0; b < B; b++) {
      const p = md[k * B + b] * volume;
      members[k * (B + 1) + b] = p;
      inside += p;
    }
    members[k * (B + 1) + B] = Math.max(0, 1 - inside);
  }
  return { pooled, members, count: K };
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
      const sets = [P, Q].filter((s) => s.members !== null);
      const scratch = sets.map(() => new Float64Array(P.pooled.length));
      const tvError =
        sets.length === 0
          ? NaN
          : bootstrap(
              sets.map((s) => s.count),
              deriveSeed(cell.seed, 'bootstrap', `${ens.name}~${th.name}`),
              (w) => {
                const pooled = sets.map((s, i) =>
                  pooledBins(s.members!, new Float64Array(s.count).fill(1), w[i], scratch[i]),
                );
                return totalVariation(P.members ? pooled[0] : P.pooled, Q.members ? pooled[sets.length - 1] : Q.pooled);
              },
            );
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
