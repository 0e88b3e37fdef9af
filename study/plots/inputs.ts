// Reading plot inputs out of cell results, by the array names of docs/outputs.md: samples give
// `density` with `edges_x` (and `edges_y`), ensembles also a quartile band and per-member
// densities (for the standard-error band); maps give `values`
// [n_t, grid..., tail?] with `grid_x` (`grid_y`) and `t`.
import type { IrCell, IrData, IrNode } from '../../compiler/ir/types.js';
import type { NodeResult, ResultArray } from '../../runtime/light.js';

/** An ensemble's quartile band across members (runtime/samplers/ensemble.ts). */
export function bandOf(res: NodeResult): { lo: ResultArray; hi: ResultArray } | null {
  const lo = res.arrays.density_q25;
  const hi = res.arrays.density_q75;
  return lo && hi ? { lo, hi } : null;
}

/** An ensemble's mean density +- one standard error over members, per bin, from member_density. */
export function seBandOf(res: NodeResult): { lo: Float64Array; hi: Float64Array } | null {
  const md = res.arrays.member_density;
  const d = res.arrays.density;
  if (!md || !d) return null;
  const B = d.data.length;
  const K = md.shape[0];
  if (K < 2 || md.data.length !== K * B) return null;
  const lo = new Float64Array(B);
  const hi = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let m = 0;
    for (let k = 0; k < K; k++) m += md.data[k * B + b] / K;
    let ss = 0;
    for (let k = 0; k < K; k++) ss += (md.data[k * B + b] - m) ** 2;
    const se = Math.sqrt(ss / (K - 1) / K);
    lo[b] = d.data[b] - se;
    hi[b] = d.data[b] + se;
  }
  return { lo, hi };
}

export function centers(edges: ArrayLike<number>): number[] {
  return Array.from({ length: edges.length - 1 }, (_, i) => (edges[i] + edges[i + 1]) / 2);
}

export function nodeOf(cell: IrCell, name: string): IrNode | undefined {
  return cell.nodes.find((n) => n.name === name);
}

/** Training points of a data node, from the IR (they are materialized there). */
export function trainingPoints(cell: IrCell, name: string | null): number[][] {
  if (!name) return [];
  const node = nodeOf(cell, name);
  return node && node.kind === 'data' ? (node as IrData).points : [];
}

export function requireArray(res: NodeResult | undefined, name: string, node: string): ResultArray {
  const a = res?.arrays[name];
  if (!a) throw new Error(`node '${node}' has no '${name}' array`);
  return a;
}

/** One time slice of a map as a scalar field over its grid (vector tails reduced). */
export interface MapSlice {
  t: number;
  /** Grid-shaped values, C order (x slowest). */
  values: Float64Array;
  gridX: Float64Array;
  gridY: Float64Array | null;
}

export type Reduction = 'trace' | 'max' | 'norm' | null;

/**
 * Splits a map's field (`values`, or `V` [n_t, grid..., D, D] for V-kernel maps) into time
 * slices. A trailing axis is reduced to one number per point: the trace of a V-kernel matrix,
 * the largest posterior weight, the Euclidean norm of a vector (score, score error).
 */
export function mapSlices(res: NodeResult, node: string, quantity: string): { slices: MapSlice[]; reduced: Reduction } {
  const values = res.arrays.values ?? requireArray(res, 'V', node);
  const gridX = Float64Array.from(requireArray(res, 'grid_x', node).data);
  const gridY = res.arrays.grid_y ? Float64Array.from(res.arrays.grid_y.data) : null;
  const ts = Array.from(requireArray(res, 't', node).data);
  const points = gridX.length * (gridY ? gridY.length : 1);
  const tail = values.shape.slice(1 + (gridY ? 2 : 1)).reduce((a, b) => a * b, 1);
  const reduced: Reduction =
    tail === 1 ? null : quantity.startsWith('vkernel') ? 'trace' : quantity === 'posterior_weights' ? 'max' : 'norm';
  const side = Math.round(Math.sqrt(tail));
  const slices = ts.map((t, k) => {
    const out = new Float64Array(points);
    for (let p = 0; p < points; p++) {
      const base = (k * points + p) * tail;
      let v = reduced === 'max' ? -Infinity : 0;
      for (let j = 0; j < tail; j++) {
        const x = values.data[base + j];
        if (reduced === null) v = x;
        else if (reduced === 'max') v = Math.max(v, x);
        else if (reduced === 'norm') v += x * x;
        else if (j % (side + 1) === 0) v += x; // diagonal of a side x side matrix
      }
      out[p] = reduced === 'norm' ? Math.sqrt(v) : v;
    }
    return { t, values: out, gridX, gridY };
  });
  return { slices, reduced };
}
