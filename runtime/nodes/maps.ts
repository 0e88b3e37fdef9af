// Node implementation for the posterior maps: `map.posterior_weights`, `map.score`, `map.proxy_covariance`,
// `map.score_variance_ratio` (docs/theory.md 3.2, 3.4). Output layout in docs/outputs.md.

import type { IrGrid, IrMap } from '../../compiler/ir/types.js';
import type { ResultArray } from '../results.js';
import { posterior, type PosteriorField } from '../posterior.js';
import { chunkSize, chunks } from '../memory.js';
import { checkFinite } from '../errors.js';
import { emptyResult, lookup, type NodeImpl } from './types.js';

/** Grid axes and all grid points in C order (first axis slowest), float64 [n_points, dim]. */
export function gridPoints(grid: IrGrid): { axes: Float64Array[]; points: Float64Array; count: number } {
  const axes = grid.axes.map(({ lo, hi, n }) =>
    Float64Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1))),
  );
  const dim = axes.length;
  const count = axes.reduce((p, a) => p * a.length, 1);
  const points = new Float64Array(count * dim);
  for (let g = 0; g < count; g++) {
    let r = g;
    for (let a = dim - 1; a >= 0; a--) {
      const n = axes[a].length;
      points[g * dim + a] = axes[a][r % n];
      r = Math.floor(r / n);
    }
  }
  return { axes, points, count };
}

/** Dimension names of a map's grid axes, in axis order: the coordinates are `grid_x`, `grid_y`. */
export function gridDims(axes: number): string[] {
  return ['x', 'y', 'z'].slice(0, axes);
}

/** The grid arrays every map returns: grid_x, grid_y (2D), t. */
/** The V-kernel maps' V and V_se [n_t, ...grid, D, D] (linear: vkernel/maps.ts; NTK: vkernel/ntk-map.ts). */
export function vkernelArrays(
  nt: number,
  axes: Float64Array[],
  D: number,
  V: Float64Array,
  se: Float64Array,
): Record<'V' | 'V_se', ResultArray> {
  const shape = [nt, ...axes.map((a) => a.length), D, D];
  const dims = ['t', ...gridDims(axes.length), 'dim_i', 'dim_j'];
  return {
    V: { shape, dtype: 'float64', data: V, doc: 'V-kernel [n_t, ...grid, D, D]', dims },
    V_se: { shape, dtype: 'float64', data: se, doc: 'Monte-Carlo standard error of V [n_t, ...grid, D, D]', dims },
  };
}

export function gridArrays(axes: Float64Array[], t: number[]): Record<string, ResultArray> {
  const out: Record<string, ResultArray> = {};
  const dims = gridDims(axes.length);
  axes.forEach((a, i) => {
    out[`grid_${dims[i]}`] = {
      shape: [a.length],
      dtype: 'float64',
      data: a,
      doc: `${dims[i]} coordinates of the grid [n_${dims[i]}]`,
      dims: [dims[i]],
    };
  });
  out.t = { shape: [t.length], dtype: 'float64', data: Float64Array.from(t), doc: 'map times [n_t]', dims: ['t'] };
  return out;
}

/** The map quantities computed from the posterior of the data alone (no model). */
export type PosteriorQuantity = 'posterior_weights' | 'score' | 'proxy_covariance' | 'score_variance_ratio';

const FIELD: { [Q in PosteriorQuantity]: PosteriorField } = {
  posterior_weights: 'weights',
  score: 'score',
  proxy_covariance: 'trC',
  score_variance_ratio: 'ratio',
};

export const runPosteriorMap: NodeImpl<IrMap & { quantity: PosteriorQuantity }> = (node, ctx) => {
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const { dim, M } = data;
  const { axes, points, count } = gridPoints(node.grid);
  const field = FIELD[node.quantity];
  const per = field === 'weights' ? M : field === 'score' ? dim : 1;
  const withMatrix = node.quantity === 'proxy_covariance';
  const values = new Float64Array(node.t.length * count * per);
  const matrix = withMatrix ? new Float64Array(node.t.length * count * dim * dim) : null;
  const bytesPerPoint = 8 * (dim + M + 3 * dim * dim + 4 * dim + 2);
  const size = chunkSize(count, bytesPerPoint, ctx.memoryBudget, `map '${node.name}' grid points`);
  ctx.progress?.start(`${node.name}: ${node.t.length} times x ${count} points`, node.t.length);
  node.t.forEach((t, k) => {
    for (const [s, e] of chunks(count, size)) {
      ctx.checkInterrupted();
      const want: PosteriorField[] = withMatrix ? ['trC', 'C'] : [field];
      const out = posterior(data, schedule, t, points.subarray(s * dim, e * dim), want);
      values.set(out[field]!, (k * count + s) * per);
      if (matrix) matrix.set(out.C!, (k * count + s) * dim * dim);
    }
    checkFinite(values.subarray(k * count * per, (k + 1) * count * per), {
      quantity: `map '${node.name}' (${node.quantity})`,
      step: k,
      t,
      s2: schedule.s2(t),
    });
    ctx.progress?.tick(k + 1);
  });
  ctx.progress?.end();
  const gridShape = node.grid.axes.map((a) => a.n);
  const result = emptyResult();
  const tail = per > 1 ? [per] : [];
  const docs: Record<string, string> = {
    posterior_weights: 'posterior weights w_m [n_t, grid..., M]',
    score: 'exact score s(x, t) [n_t, grid..., dim]',
    proxy_covariance: 'tr C(x, t) [n_t, grid...]',
    score_variance_ratio: 'tr C / (tr C + |s|^2) [n_t, grid...]',
  };
  const gdims = ['t', ...gridDims(gridShape.length)];
  const tailDims = tail.length === 0 ? [] : field === 'weights' ? ['point'] : ['dim'];
  result.arrays.values = {
    shape: [node.t.length, ...gridShape, ...tail],
    dtype: 'float64',
    data: values,
    doc: docs[node.quantity],
    dims: [...gdims, ...tailDims],
  };
  if (matrix)
    result.arrays.matrix = {
      shape: [node.t.length, ...gridShape, dim, dim],
      dtype: 'float64',
      data: matrix,
      doc: 'proxy-score covariance C(x, t) [n_t, grid..., dim, dim]',
      dims: [...gdims, 'dim_i', 'dim_j'],
    };
  Object.assign(result.arrays, gridArrays(axes, node.t));
  return { value: { kind: 'map' }, result };
};
