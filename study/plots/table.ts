// `plot table(...)`: the scalars and labels (se_over) of metric nodes, one row per cell, as a rendered text table
// (SVG/PNG, for the report and slides) and as CSV (for analysis).
import { plotTitle } from '../../compiler/ir/plot-files.js';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import type { CsvValue } from '../csv.js';
import { formatValue } from './panels.js';
import type { VlSpec } from './render.js';

export interface MetricTable {
  /** `cell`, the axis names, then one column per metric scalar and label. */
  header: string[];
  /** How many axis columns follow `cell`. */
  axes: number;
  rows: CsvValue[][];
}

export function metricTable(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): MetricTable {
  const columns: string[] = [];
  for (const cell of doc.cells) {
    for (const input of plot.inputs) {
      const r = results.get(cell.id)?.nodes[input];
      for (const k of [...Object.keys(r?.scalars ?? {}), ...Object.keys(r?.labels ?? {})]) {
        const col = k === 'value' ? input : `${input}.${k}`;
        if (!columns.includes(col)) columns.push(col);
      }
    }
  }
  const axes = doc.axes.map((a) => a.name);
  const rows = doc.cells.map((cell) => {
    const res = results.get(cell.id);
    const values: Record<string, number | string> = {};
    for (const input of plot.inputs) {
      const r = res?.nodes[input];
      for (const [k, v] of [...Object.entries(r?.scalars ?? {}), ...Object.entries(r?.labels ?? {})])
        values[k === 'value' ? input : `${input}.${k}`] = v;
    }
    return [cell.id, ...axes.map((a) => cell.values[a]), ...columns.map((c) => values[c] ?? null)];
  });
  return { header: ['cell', ...axes, ...columns], axes: axes.length, rows };
}

export function tableSpec(plot: IrPlot, table: MetricTable): VlSpec {
  // The cell id repeats the axis values at full precision; the image shows the values only
  // (rounded), unless there are no axes.
  const skip = table.axes > 0 ? 1 : 0;
  const header = table.header.slice(skip);
  const data = table.rows.flatMap((r, i) =>
    r.slice(skip).map((v, j) => ({
      row: i,
      col: header[j],
      text: typeof v === 'number' ? formatValue(Number(v.toPrecision(4))) : (v ?? ''),
    })),
  );
  return {
    title: plotTitle(plot),
    data: { values: data },
    width: { step: 140 },
    height: { step: 20 },
    mark: { type: 'text', align: 'center', fontSize: 11 },
    encoding: {
      x: {
        field: 'col',
        type: 'nominal',
        sort: header,
        axis: { orient: 'top', title: null, labelAngle: 0, labelLimit: 0, domain: false, ticks: false },
      },
      y: { field: 'row', type: 'ordinal', axis: null },
      text: { field: 'text', type: 'nominal' },
    },
  } as unknown as VlSpec;
}
