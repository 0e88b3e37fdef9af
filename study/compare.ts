// Theory versus ensemble: where a cell has both a trained ensemble and the effective-SDE theory
// for the same model, how far apart their densities are. Total variation between two histogram
// densities on the same bins is half the L1 distance, sum |p - q| * (bin volume) / 2, in [0, 1].
import type { IrCell, IrSample } from '../compiler/ir/types.js';
import type { CellResult } from '../runtime/results.js';

export interface Comparison {
  cell: string;
  ensemble: string;
  theory: string;
  model: string;
  /** Total variation distance between the two densities (0 = identical, 1 = disjoint). */
  tv: number;
  /** Mass of each density inside the histogram range. */
  massEnsemble: number;
  massTheory: number;
}

function binVolume(edges: ArrayLike<number>[]): number {
  return edges.reduce((v, e) => v * (e[e.length - 1] - e[0]) / (e.length - 1), 1);
}

export function compareTheoryEnsemble(cell: IrCell, result: CellResult): Comparison[] {
  const samples = cell.nodes.filter((n): n is IrSample => n.kind === 'sample');
  const out: Comparison[] = [];
  for (const ens of samples.filter((s) => s.method === 'ensemble')) {
    for (const th of samples.filter((s) => s.method === 'effective_sde' && s.model === ens.model)) {
      const a = result.nodes[ens.name]?.arrays;
      const b = result.nodes[th.name]?.arrays;
      if (!a?.density || !b?.density || a.density.data.length !== b.density.data.length) continue;
      const edges = [a.edges_x?.data, a.edges_y?.data].filter((e): e is NonNullable<typeof e> => e !== undefined);
      const vol = binVolume(edges);
      let l1 = 0;
      let ma = 0;
      let mb = 0;
      for (let i = 0; i < a.density.data.length; i++) {
        l1 += Math.abs(a.density.data[i] - b.density.data[i]);
        ma += a.density.data[i];
        mb += b.density.data[i];
      }
      out.push({ cell: cell.id, ensemble: ens.name, theory: th.name, model: ens.model, tv: (l1 * vol) / 2, massEnsemble: ma * vol, massTheory: mb * vol });
    }
  }
  return out;
}
