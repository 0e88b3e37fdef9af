// Scales of a data set that several rules compare against: its extent per axis and the
// distances from each distinct point to its nearest distinct neighbour (nearest.ts). Both are
// loops, never spreads: data sets hold up to millions of points.
import type { IrCell, IrData, IrNode } from '../ir/types.js';
import { nearestSpacing as spacingOf } from './nearest.js';
import { packedOf, packedValues } from '../ir/packed-points.js';

export function nodeNamed<K extends IrNode['kind']>(
  cell: IrCell,
  name: string,
  kind: K,
): Extract<IrNode, { kind: K }> | undefined {
  const n = cell.nodes.find((x) => x.name === name && x.kind === kind);
  return n as Extract<IrNode, { kind: K }> | undefined;
}

export function nodesOf<K extends IrNode['kind']>(cell: IrCell, kind: K): Extract<IrNode, { kind: K }>[] {
  return cell.nodes.filter((x) => x.kind === kind) as Extract<IrNode, { kind: K }>[];
}

/** [min, max] of each coordinate. */
export function extent(data: IrData): [number, number][] {
  const xs = packed(data);
  const dim = data.dim;
  return Array.from({ length: dim }, (_, a) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < xs.length; i += dim) {
      if (xs[i] < lo) lo = xs[i];
      if (xs[i] > hi) hi = xs[i];
    }
    return [lo, hi] as [number, number];
  });
}

// Several rules, and every cell of a sweep that shares a data set, ask for the same points and
// distances. Cells have data nodes of their own that share the points (rows or packed values).
const packedCache = new WeakMap<object, Float64Array>();
const spacingCache = new WeakMap<object, { median: number; max: number } | null>();
const key = (data: IrData): object => packedOf(data)?.values ?? data.points;

/** The points in one array, point i at [i * dim, (i + 1) * dim) (packed-points.ts). */
function packed(data: IrData): Float64Array {
  let xs = packedCache.get(key(data));
  if (!xs) {
    xs = packedValues(data, data.dim);
    packedCache.set(key(data), xs);
  }
  return xs;
}

/**
 * The median and the largest of the distances from each distinct point to its nearest other
 * distinct point (nearest.ts), or undefined with fewer than two distinct points.
 */
export function nearestSpacing(data: IrData): { median: number; max: number } | undefined {
  let s = spacingCache.get(key(data));
  if (s === undefined) {
    s = spacingOf(packed(data), data.dim) ?? null;
    spacingCache.set(key(data), s);
  }
  return s ?? undefined;
}

export const fmt = (x: number) =>
  Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3)
    ? x.toExponential(2).replace(/\.?0*e\+?/, 'e')
    : String(Number(x.toPrecision(4)));
