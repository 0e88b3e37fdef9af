// Panel grids laid out by sweep axes. A plot's `by` axes give the rows (first) and columns
// (second); panel headers read `eps = 0.001`. Axes a plot does not name still distinguish cells,
// so they are appended to the column label rather than silently overplotted.
import type { IrCell, IrDocument } from '../../compiler/ir/types.js';

export function formatValue(v: number): string {
  if (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6)) return String(Number(v.toPrecision(6)));
  return v
    .toExponential()
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

export function axisLabel(axis: string, v: number): string {
  return `${axis} = ${formatValue(v)}`;
}

/** A panel's place in the grid; `rowOrder`/`colOrder` sort labels by axis values, not as text. */
export interface PanelKey {
  row: string;
  col: string;
  rowOrder: number[];
  colOrder: number[];
}

export interface GridSpec {
  /** Extra label parts that come before the axis labels (e.g. the input node's name). */
  rowPrefix?: { label: string; order: number };
  colPrefix?: { label: string; order: number };
  rowAxes: string[];
  colAxes: string[];
}

/** Which axes go to rows and which to columns for a plot with `by` axes. */
export function splitAxes(doc: IrDocument, by: string[]): { rowAxes: string[]; colAxes: string[] } {
  const rest = doc.axes.map((a) => a.name).filter((a) => !by.includes(a));
  if (by.length === 0) return { rowAxes: [], colAxes: rest };
  return { rowAxes: by.slice(0, 1), colAxes: [...by.slice(1), ...rest] };
}

function part(cell: IrCell, axes: string[], doc: IrDocument): { label: string[]; order: number[] } {
  const label = axes.map((a) => axisLabel(a, cell.values[a]));
  // Order by the value's position on its axis, so `P = 64` sorts before `P = 128`.
  const order = axes.map((a) => doc.axes.find((x) => x.name === a)?.values.indexOf(cell.values[a]) ?? 0);
  return { label, order };
}

export function panelKey(doc: IrDocument, cell: IrCell, grid: GridSpec): PanelKey {
  const r = part(cell, grid.rowAxes, doc);
  const c = part(cell, grid.colAxes, doc);
  const join = (prefix: GridSpec['rowPrefix'], p: { label: string[]; order: number[] }) => ({
    label: [...(prefix ? [prefix.label] : []), ...p.label].join(', '),
    order: [...(prefix ? [prefix.order] : []), ...p.order],
  });
  const row = join(grid.rowPrefix, r);
  const col = join(grid.colPrefix, c);
  return { row: row.label, col: col.label, rowOrder: row.order, colOrder: col.order };
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Distinct row and column labels in axis order, for vega-lite's facet `sort`. */
export function facetOrder(keys: PanelKey[]): { rows: string[]; cols: string[] } {
  const uniq = (pick: (k: PanelKey) => [string, number[]]): string[] => {
    const seen = new Map<string, number[]>();
    for (const k of keys) {
      const [label, order] = pick(k);
      if (!seen.has(label)) seen.set(label, order);
    }
    return [...seen.entries()].sort((a, b) => compareOrder(a[1], b[1])).map(([l]) => l);
  };
  return { rows: uniq((k) => [k.row, k.rowOrder]), cols: uniq((k) => [k.col, k.colOrder]) };
}
