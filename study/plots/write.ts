// Renders every plot of a study into the run folder: `file` as named in the study (relative to
// the run folder) in both SVG and PNG, plus CSV for tables. Files are written atomically.
import * as path from 'node:path';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/results.js';
import { writeFileAtomic } from '../atomic.js';
import { toCsv } from '../csv.js';
import { densitySpec } from './density.js';
import { mapSpec } from './maps.js';
import { svgToPng, vegaLiteToSvg, type VlSpec } from './render.js';
import { metricTable, tableSpec } from './table.js';

export interface WrittenPlot {
  name: string;
  type: IrPlot['type'];
  /** Paths relative to the run folder. */
  files: string[];
  svg: string;
  ms: number;
}

function stem(file: string): string {
  const ext = path.extname(file);
  return ['.svg', '.png', '.csv'].includes(ext.toLowerCase()) ? file.slice(0, -ext.length) : file;
}

/** The plot's file relative to the run folder, kept inside it whatever the study wrote. */
function safeRelative(file: string): string {
  const norm = path.posix.normalize(file.replace(/\\/g, '/')).replace(/^(\.\.\/)+/, '').replace(/^\/+/, '');
  return norm === '' || norm === '.' ? 'plot' : norm;
}

export async function writePlots(
  runDir: string,
  doc: IrDocument,
  results: Map<string, CellResult>,
  log: (line: string) => void,
  /** Polled before each plot; when it returns true the writing stops with an error. */
  interrupted: () => boolean = () => false,
): Promise<WrittenPlot[]> {
  const out: WrittenPlot[] = [];
  // Two plots may share a stem (`to "a.svg"` and `to "a.csv"`): a later plot whose files would
  // overwrite an earlier one's gets its name appended instead.
  const taken = new Set<string>();
  const claim = (base: string, exts: string[], plot: IrPlot): string => {
    const free = (b: string) => exts.every((e) => !taken.has(b + e));
    const chosen = free(base) ? base : `${base}-${plot.name}`;
    for (const e of exts) taken.add(chosen + e);
    return chosen;
  };
  for (const plot of doc.plots) {
    if (interrupted()) throw new Error('interrupted');
    const t0 = Date.now();
    const declared = stem(safeRelative(plot.file));
    const files: string[] = [];
    let spec: VlSpec;
    if (plot.type === 'density') spec = densitySpec(doc, plot, results);
    else if (plot.type === 'heatmap' || plot.type === 'vkernel') spec = mapSpec(doc, plot, results);
    else {
      const table = metricTable(doc, plot, results);
      const csv = `${claim(declared, ['.csv'], plot)}.csv`;
      writeFileAtomic(path.join(runDir, csv), toCsv(table.header, table.rows));
      files.push(csv);
      spec = tableSpec(plot, table);
    }
    const base = claim(declared, ['.svg', '.png'], plot);
    const svg = await vegaLiteToSvg(spec);
    writeFileAtomic(path.join(runDir, `${base}.svg`), svg);
    writeFileAtomic(path.join(runDir, `${base}.png`), svgToPng(svg));
    files.push(`${base}.svg`, `${base}.png`);
    const ms = Date.now() - t0;
    out.push({ name: plot.name, type: plot.type, files, svg, ms });
    log(`plot ${plot.name}: ${files.join(', ')}`);
  }
  return out;
}
