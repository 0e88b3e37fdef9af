// Run-level metrics: one row per cell (its id and axis values) and one column per node scalar
// and label (a metric's `se_over`: what its standard error covers), as metrics.csv (for
// spreadsheets and pandas) and metrics.json (for scripts).
import * as path from 'node:path';
import type { IrDocument } from '../compiler/ir/types.js';
import type { CellResult } from '../runtime/light.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { toCsv } from './csv.js';

export interface MetricsTable {
  /** `node.scalar` column names in first-seen order. */
  columns: string[];
  rows: { cell: string; values: Record<string, number>; metrics: Record<string, number | string> }[];
}

export function metricsTable(doc: IrDocument, results: Map<string, CellResult>): MetricsTable {
  const columns: string[] = [];
  const rows: MetricsTable['rows'] = [];
  for (const cell of doc.cells) {
    const res = results.get(cell.id);
    if (!res) continue;
    const metrics: Record<string, number | string> = {};
    for (const [node, r] of Object.entries(res.nodes)) {
      for (const [k, v] of [...Object.entries(r.scalars), ...Object.entries(r.labels ?? {})]) {
        const col = `${node}.${k}`;
        if (!columns.includes(col)) columns.push(col);
        metrics[col] = v;
      }
    }
    rows.push({ cell: cell.id, values: cell.values, metrics });
  }
  return { columns, rows };
}

export function writeMetricsTable(runDir: string, doc: IrDocument, results: Map<string, CellResult>): void {
  const table = metricsTable(doc, results);
  const axes = doc.axes.map((a) => a.name);
  // The cell id's `,` becomes `;` so no field needs quotes: numpy.genfromtxt splits quoted
  // fields at their commas. The axis columns carry the same values.
  const csvRows = table.rows.map((r) => [
    r.cell.replaceAll(',', ';'),
    ...axes.map((a) => r.values[a]),
    ...table.columns.map((c) => r.metrics[c] ?? null),
  ]);
  writeFileAtomic(path.join(runDir, 'metrics.csv'), toCsv(['cell', ...axes, ...table.columns], csvRows));
  const json = table.rows.map((r) => ({
    cell: r.cell,
    values: r.values,
    metrics: Object.fromEntries(
      Object.entries(r.metrics).map(([k, v]) => [k, typeof v === 'string' || Number.isFinite(v) ? v : null]),
    ),
  }));
  writeJsonAtomic(path.join(runDir, 'metrics.json'), json);
}
