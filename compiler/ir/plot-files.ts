// Which files a plot writes into the run folder, and which names the run folder keeps for
// itself. Shared by the checker (compiler/lower/plot.ts refuses a plot that would overwrite a
// run's own file) and the writer (study/plots/write.ts, which refuses again for IR from
// elsewhere), so the two cannot disagree.
import type { IrPlot } from './types.js';

/** Files gtv writes at the top of a run folder (study/README.md, docs/outputs.md). */
export const RUN_OWNED_FILES = [
  'manifest.json',
  'metrics.csv',
  'metrics.json',
  'report.html',
  'study.gtv',
  'plan.json',
  'slurm.sh',
  '.gtv-lock',
];
/** Folders gtv fills: cell folders, and the slices of a planned run. */
export const RUN_OWNED_DIRS = ['cells', 'slices'];
/** Temporaries carry this mark (study/atomic.ts) and are swept at the next run. */
const TEMP_MARK = '.gtv-tmp-';

/** What every plot is written as, beside a table's CSV (study/plots/write.ts). */
export const FIGURE_EXTS = ['.svg', '.png', '.pdf', '.vl.json'] as const;
/** Extensions a plot's `to "..."` may carry; the writer replaces them with its own. */
const PLOT_EXTS = ['.csv', ...FIGURE_EXTS];

/** The plot's file relative to the run folder, kept inside it whatever the IR says. */
export function plotRelativePath(file: string): string {
  const parts: string[] = [];
  for (const part of file.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : 'plot';
}

/** The path without a .svg / .png / .pdf / .vl.json / .csv extension, which the plot writer adds itself. */
export function plotStem(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  // As path.extname: a leading dot (`.svg` alone) starts a name, not an extension.
  const ext = PLOT_EXTS.find((e) => name.endsWith(e) && name.length > e.length);
  return ext ? file.slice(0, file.length - ext.length) : file;
}

/** The extensions a plot of this type is written in. */
export function plotExtensions(type: IrPlot['type']): string[] {
  return type === 'metric_table' ? ['.csv', ...FIGURE_EXTS] : [...FIGURE_EXTS];
}

/**
 * Why a plot cannot write `file` (a phrase to follow the file name: "would overwrite the run's
 * own `metrics.csv`"), or null. Compared
 * without case: on macOS and Windows `Metrics.CSV` is `metrics.csv`.
 */
export function runOwnedConflict(file: string, type: IrPlot['type']): string | null {
  const rel = plotRelativePath(file);
  const top = rel.split('/')[0].toLowerCase();
  if (rel.includes('/') && RUN_OWNED_DIRS.includes(top))
    return `is under \`${top}/\`, which holds the run's ${top === 'cells' ? 'cell results' : 'slices'}`;
  const stem = plotStem(rel);
  for (const ext of plotExtensions(type)) {
    const written = `${stem}${ext}`;
    if (RUN_OWNED_FILES.includes(written.toLowerCase())) return `would overwrite the run's own \`${written}\``;
    if (written.includes(TEMP_MARK))
      return `contains \`${TEMP_MARK}\`, which marks temporary files the next run deletes`;
  }
  return null;
}

/** The plot function a study calls for each plot type (`plot table(...)` is a `metric_table`). */
export const PLOT_FUNCTION: Record<IrPlot['type'], string> = {
  density: 'density',
  heatmap: 'heatmap',
  vkernel: 'vkernel',
  metric_table: 'table',
  loss: 'loss',
};

/**
 * The name to show for a plot, from what the study wrote. The checker names a plot the study did
 * not name after its file (`to "ring.svg"`: `ring`), with the extension appended when another
 * plot has that name (`to "ring.csv"`: `ring_csv`), or, without a file either, after its
 * function (`table_1`). Those show as the file's name (`ring`) and the call (`table(gap, memorized)`).
 */
export function plotTitle(plot: IrPlot): string {
  const fn = PLOT_FUNCTION[plot.type];
  const name = plot.file.replace(/^.*\//, '');
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  if (new RegExp(`^${fn}_\\d+$`).test(plot.name) && stem === plot.name) return `${fn}(${plot.inputs.join(', ')})`;
  if (ext && plot.name === `${stem}_${ext}`) return stem;
  return plot.name;
}
