// Scales of a data set that several rules compare against: its extent per axis and the
// distances from each distinct point to its nearest distinct neighbour (nearest.ts). Both are
// loops, never spreads: data sets hold up to millions of points.
import type { IrCell, IrData, IrNode } from '../ir/types.js';
import { nearestDistances as nearestOf } from './nearest.js';

export function nodeNamed<K extends IrNode['kind']>(cell: IrCell, name: string, kind: K): Extract<IrNode, { kind: K }> | undefined {
  const n = cell.nodes.find((x) => x.name === name && x.kind === kind);
  return n as Extract<IrNode, { kind: K }> | undefined;
}

export function nodesOf<K extends IrNode['kind']>(cell: IrCell, kind: K): Extract<IrNode, { kind: K }>[] {
  return cell.nodes.filter((x) => x.kind === kind) as Extract<IrNode, { kind: K }>[];
}

/** [min, max] of each coordinate. */
export function extent(data: IrData): [number, number][] {
  return Array.from({ length: data.dim }, (_, a) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of data.points) {
      if (p[a] < lo) lo = p[a];
      if (p[a] > hi) hi = p[a];
    }
    return [lo, hi] as [number, number];
  });
}

// Several rules, and every cell of a sweep that shares a data set, ask for the same distances.
const nearestCache = new WeakMap<readonly number[][], Float64Array>();

/** Each distinct point's distance to its nearest other distinct point, ascending (empty with fewer than 2). */
export function nearestDistances(data: IrData): Float64Array {
  let d = nearestCache.get(data.points);
  if (!d) {
    d = nearestOf(data.points, data.dim);
    nearestCache.set(data.points, d);
  }
  return d;
}

export const fmt = (x: number) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2).replace(/\.?0*e\+?/, 'e') : String(Number(x.toPrecision(4))));
