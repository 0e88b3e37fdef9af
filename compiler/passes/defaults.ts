// Defaults computed from other values (the signature table's `computed` defaults; those of one
// feature basis are in its descriptor, stdlib/builtins/features.ts), and feature-tree counts.
import type { IrFeatureTree } from '../ir/types.js';

/** Histogram range per data axis: the data's bounding box padded by max(0.5, extent / 4). */
export function defaultRange(points: number[][] | Float64Array, dim: number): [number, number][] {
  const out: [number, number][] = [];
  const packed = points instanceof Float64Array;
  const n = packed ? points.length / dim : points.length;
  for (let k = 0; k < dim; k++) {
    // A loop, not a spread: data sets hold up to millions of points.
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = packed ? points[i * dim + k] : points[i][k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const pad = Math.max(0.5, (hi - lo) / 4);
    out.push([lo - pad, hi + pad]);
  }
  return out;
}

export function featureCount(tree: IrFeatureTree): number {
  if (tree.op === 'basis') return tree.n;
  if (tree.op === 'product') return tree.factors.reduce((a, f) => a * featureCount(f), 1);
  return tree.parts.reduce((a, f) => a + featureCount(f), 0);
}

export function featureAxes(tree: IrFeatureTree, out = new Set<string>()): Set<string> {
  if (tree.op === 'basis') tree.axes.forEach((a) => out.add(a));
  else (tree.op === 'product' ? tree.factors : tree.parts).forEach((f) => featureAxes(f, out));
  return out;
}
