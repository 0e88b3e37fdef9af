// Sweep expansion: the cartesian product of the axes, row-major (the last axis varies fastest),
// each cell named by its values, e.g. `eps=0.0001,P=64`; a study without sweeps has one cell `main`.
import type { IrAxis } from '../ir/types.js';
import { fmt } from '../evaluate.js';

export interface CellCoords {
  id: string;
  index: number;
  values: Record<string, number>;
}

export function expandCells(axes: readonly IrAxis[]): CellCoords[] {
  let combos: number[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => [...c, v]));
  return combos.map((vals, index) => {
    const values: Record<string, number> = {};
    axes.forEach((a, k) => (values[a.name] = vals[k]));
    const id = axes.length === 0 ? 'main' : axes.map((a, k) => `${a.name}=${fmt(vals[k])}`).join(',');
    return { id, index, values };
  });
}
