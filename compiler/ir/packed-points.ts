// A data set read from a large file stays one Float64Array through checking: its `points`
// (rows, what the IR's JSON and the runtime read) are made on first read, and the compiler's own
// passes (validation, defaults, lint) read the packed values instead. A million rows of small
// arrays cost more in garbage collection than everything else `gtv check` does with them.
import { rowsOf } from '../../stdlib/files.js';

export interface PackedPoints {
  /** Point i is values[i * dim .. (i + 1) * dim). */
  values: Float64Array;
  dim: number;
  count: number;
}

const packed = new WeakMap<object, PackedPoints>();
const rowsMade = new WeakMap<PackedPoints, number[][]>();

/**
 * Gives obj a `points` property (in the place it already has, so the JSON's key order holds) that
 * makes the rows from p when first read and is an ordinary property from then on.
 */
export function withPackedPoints<T extends { points: number[][] }>(obj: T, p: PackedPoints): T {
  const settle = (rows: number[][]) => {
    packed.delete(obj);
    Object.defineProperty(obj, 'points', { value: rows, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(obj, 'points', {
    enumerable: true,
    configurable: true,
    get() {
      // Cells of a sweep share one data set's points: they share its rows too, as before packing.
      let rows = rowsMade.get(p);
      if (!rows) rowsMade.set(p, (rows = rowsOf(p.values, p.dim, p.count)));
      settle(rows);
      return rows;
    },
    set: settle,
  });
  packed.set(obj, p);
  return obj;
}

/** The packed points of obj while its rows have not been made (then they may be changed in place). */
export function packedOf(obj: object): PackedPoints | undefined {
  return packed.get(obj);
}

/** Gives target the points of source, packed if they are. */
export function withPointsOf<T extends { points: number[][] }>(target: T, source: { points: number[][] }): T {
  const p = packedOf(source);
  if (p) return withPackedPoints(target, p);
  target.points = source.points;
  return target;
}

export function pointCount(obj: { points: number[][] }): number {
  return packedOf(obj)?.count ?? obj.points.length;
}

/** The points packed, without making rows (a copy when the rows exist). */
export function packedValues(obj: { points: number[][] }, dim: number): Float64Array {
  const p = packedOf(obj);
  if (p) return p.values;
  const rows = obj.points;
  const xs = new Float64Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) for (let a = 0; a < dim; a++) xs[i * dim + a] = rows[i][a];
  return xs;
}
