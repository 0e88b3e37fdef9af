// Scales of a data set that several rules compare against: its extent per axis, the smallest
// distance between two distinct points, and the largest nearest-neighbour distance.
import type { IrCell, IrData, IrNode } from '../ir/types.js';

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
    const xs = data.points.map((p) => p[a]);
    return [Math.min(...xs), Math.max(...xs)] as [number, number];
  });
}

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));

/** Each distinct point's distance to its nearest other distinct point (empty with fewer than 2). */
export function nearestDistances(data: IrData): number[] {
  const seen = new Set<string>();
  const pts = data.points.filter((p) => {
    const k = p.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (pts.length < 2) return [];
  return pts.map((p, i) => Math.min(...pts.filter((_, j) => j !== i).map((q) => dist(p, q))));
}

export const fmt = (x: number) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2).replace(/\.?0*e\+?/, 'e') : String(Number(x.toPrecision(4))));
