// Renders every plot of a study into the run folder: `file` as named in the study (relative to
// the run folder, its extension replaced) as SVG, PNG, PDF and its Vega-Lite spec (`.vl.json`,
// data inlined), plus CSV for tables. Files are written atomically. A plot of nodes that ran at
// reduced statistics (--scale < 1) says so under its title.
import * as path from 'node:path';
import {
  FIGURE_EXTS,
  PLOT_FUNCTION,
  plotRelativePath,
  plotStem,
  plotTitle,
  runOwnedConflict,
} from '../../compiler/ir/plot-files.js';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import { writeFileAtomic } from '../atomic.js';
import { toCsv } from '../csv.js';
import { densitySpec } from './density.js';
import { lossSpec } from './loss.js';
import { mapSpec } from './maps.js';
import { svgToPdf } from './pdf.js';
import { standaloneSpec, svgToPng, vegaLiteToSvg, type VlSpec } from './render.js';
import { metricTable, tableSpec } from './table.js';
import type { Reduced } from '../reduced.js';

export interface WrittenPlot {
  name: string;
  /** The name the study wrote (plotTitle). */
  title: string;
  type: IrPlot['type'];
  /** Paths relative to the run folder. */
  files: string[];
  svg: string;
  ms: number;
}

export async function writePlots(
  runDir: string,
  doc: IrDocument,
  results: Map<string, CellResult>,
  log: (line: string) => void,
  reduced: Reduced | null = null,
  /** Polled before each plot; when it returns true the writing stops with an error. */
  interrupted: () => boolean = () => false,
): Promise<WrittenPlot[]> {
  // The checker refuses these; IR written by other tools gets the same answer here, before any
  // plot is written, so a run's own metrics.csv or cell folders are never replaced.
  for (const plot of doc.plots) {
    const conflict = runOwnedConflict(plot.file, plot.type);
    if (conflict) throw new Error(`plot ${plot.name}: the file \`${plot.file}\` ${conflict}`);
  }
  const out: WrittenPlot[] = [];
  // Two plots may share a stem (`to "a.svg"` and `to "a.csv"`): a later plot whose files would
  // overwrite an earlier one's gets its plot function appended (`a-table.svg`), else its name.
  const taken = new Set<string>();
  const claim = (base: string, exts: readonly string[], plot: IrPlot): string => {
    const free = (b: string) => exts.every((e) => !taken.has(b + e));
    const chosen =
      [base, `${base}-${PLOT_FUNCTION[plot.type]}`, `${base}-${plot.name}`].find(free) ??
      `${base}-${plot.name}-${taken.size}`;
    for (const e of exts) taken.add(chosen + e);
    return chosen;
  };
  for (const plot of doc.plots) {
    if (interrupted()) throw new Error('interrupted');
    const t0 = Date.now();
    const declared = plotStem(plotRelativePath(plot.file));
    const files: string[] = [];
    let spec: VlSpec;
    if (plot.type === 'density') spec = densitySpec(doc, plot, results);
    else if (plot.type === 'heatmap' || plot.type === 'vkernel') spec = mapSpec(doc, plot, results);
    else if (plot.type === 'loss') spec = lossSpec(doc, plot, results);
    else {
      const table = metricTable(doc, plot, results);
      const csv = `${claim(declared, ['.csv'], plot)}.csv`;
      writeFileAtomic(path.join(runDir, csv), toCsv(table.header, table.rows));
      files.push(csv);
      spec = tableSpec(plot, table);
    }
    if (reduced && plot.inputs.some((i) => reduced.nodes.has(i))) spec = withSubtitle(spec, reduced.line);
    const base = claim(declared, FIGURE_EXTS, plot);
    const svg = await vegaLiteToSvg(spec);
    const [png, pdf] = await Promise.all([svgToPng(svg), svgToPdf(svg)]);
    const bytes: Record<(typeof FIGURE_EXTS)[number], string | Buffer> = {
      '.svg': svg,
      '.png': png,
      '.pdf': pdf,
      '.vl.json': `${JSON.stringify(standaloneSpec(spec), null, 1)}\n`,
    };
    for (const ext of FIGURE_EXTS) {
      writeFileAtomic(path.join(runDir, `${base}${ext}`), bytes[ext]);
      files.push(`${base}${ext}`);
    }
    const ms = Date.now() - t0;
    out.push({ name: plot.name, title: plotTitle(plot), type: plot.type, files, svg, ms });
    log(`plot ${plot.name}: ${files.join(', ')}`);
  }
  return out;
}

/** The spec with a second title line (vega-lite titles take an array of lines). */
function withSubtitle(spec: VlSpec, line: string): VlSpec {
  const s = spec as unknown as { title?: unknown };
  const first =
    typeof s.title === 'string'
      ? s.title
      : typeof (s.title as { text?: unknown })?.text === 'string'
        ? (s.title as { text: string }).text
        : '';
  return { ...spec, title: first ? [first, line] : line } as unknown as VlSpec;
}
