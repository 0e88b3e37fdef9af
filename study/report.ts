// report.html: one self-contained page per run (opens from disk, no network, no scripts): the
// run summary, every plot (SVG inlined as data URIs so their ids cannot clash), the theory versus
// ensemble comparison, the metrics, each cell's parameters, the timings and the study source.
import * as path from 'node:path';
import { PLOT_FUNCTION } from '../compiler/ir/plot-files.js';
import type { IrDocument, IrNode } from '../compiler/ir/types.js';
import type { CellResult } from '../runtime/light.js';
import { writeFileAtomic } from './atomic.js';
import { compareTheoryEnsemble, type Comparison } from './compare.js';
import type { Manifest } from './manifest.js';
import { metricsTable } from './metrics-table.js';
import { reducedStatistics, type Reduced } from './reduced.js';
import type { WrittenPlot } from './plots/write.js';
import { formatValue } from './plots/panels.js';
import { formatDuration } from './progress.js';

export interface ReportInput {
  manifest: Manifest;
  doc: IrDocument;
  sourceText: string;
  results: Map<string, CellResult>;
  plots: WrittenPlot[];
  /** Theory-versus-ensemble comparisons already computed, by cell id (the driver computes each
   * cell's while the next cell runs); the others are computed here. */
  comparisons?: Map<string, Comparison[]>;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: number | string | null | undefined): string {
  if (typeof v === 'string') return esc(v);
  if (v === null || v === undefined || !Number.isFinite(v)) return '<span class="na">n/a</span>';
  return esc(formatValue(Number(v.toPrecision(5))));
}

/** A column name that may wrap after `.` and `_` (`gap.<wbr>standard_<wbr>error`), so wide tables fit. */
function breakable(h: string): string {
  return esc(h).replace(/([._])/g, '$1<wbr>');
}

/** A table in a box that scrolls sideways when it is still wider than the page. */
function table(header: string[], rows: string[][], cls = ''): string {
  const th = header.map((h) => `<th>${breakable(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table class="${cls}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A node's parameters in one line; point lists are summarized, not dumped. */
export function nodeParams(node: IrNode): string {
  const skip = new Set(['kind', 'name']);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (skip.has(k)) continue;
    if (k === 'points' && Array.isArray(v))
      parts.push(`points: ${v.length} x ${node.kind === 'data' ? node.dim : '?'}`);
    else if (k === 'weights' && Array.isArray(v)) {
      const uniform = v.every((w) => Math.abs(w - v[0]) < 1e-12);
      parts.push(`weights: ${uniform ? 'uniform' : JSON.stringify(v)}`);
    } else parts.push(`${k}: ${JSON.stringify(v)}`);
  }
  return parts.join(', ');
}

function summary(m: Manifest, reduced: Reduced | null): string {
  const rows: [string, string][] = [
    ['status', esc(m.status)],
    ['source', esc(m.source)],
    ['gtv version', esc(m.gtv_version)],
    ['backend', esc(m.backend)],
    ['seed', esc(String(m.seed))],
    [
      'scale',
      `${esc(String(m.scale))}${m.scaled_counts.length ? ` (${m.scaled_counts.length} counts changed)` : ''}` +
        (reduced ? `<div class="note">${esc(reduced.line)}: ${esc(REDUCED_MEANING)}</div>` : ''),
    ],
    ['cells', `${m.cells.filter((c) => c.status === 'done').length} of ${m.cells.length} done`],
    ['study hash', `<code>${esc(m.study_hash)}</code>`],
    ['started', esc(m.started)],
    ['elapsed', esc(formatDuration(Date.parse(m.updated) - Date.parse(m.started)))],
  ];
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** `<title> (<plot function>)`, as the study wrote them: `gap (table)`; `table(gap)` and `density` alone. */
function plotLabel(p: { title: string; type: WrittenPlot['type'] }, bold = false): string {
  const fn = PLOT_FUNCTION[p.type];
  const title = bold ? `<b>${esc(p.title)}</b>` : esc(p.title);
  return p.title === fn || p.title.startsWith(`${fn}(`) ? title : `${title} (${esc(fn)})`;
}

function plotsSection(plots: WrittenPlot[]): string {
  if (plots.length === 0) return '<p>This study declares no plots.</p>';
  return plots
    .map((p) => {
      const uri = `data:image/svg+xml;base64,${Buffer.from(p.svg, 'utf8').toString('base64')}`;
      const links = p.files.map((f) => `<a href="${esc(f)}">${esc(path.posix.basename(f))}</a>`).join(' · ');
      return `<figure><img src="${uri}" alt="${esc(p.title)}"><figcaption>${plotLabel(p, true)}: ${links}</figcaption></figure>`;
    })
    .join('\n');
}

const REDUCED_MEANING =
  'values are noisier than at full scale; their standard errors (over members for ensembles, over draws for single models, as se_over says) tell by how much';

const ERRORS =
  '<code>standard_error</code> is the standard error of <code>value</code>, and <code>se_over</code> says what it covers: ' +
  '<code>members</code> = the spread between the members of an ensemble or effective-SDE sample (sd of the per-member value / sqrt(members); ' +
  'a bootstrap over members for total variation, KL, MMD and effective dimension), <code>draws</code> = the finite draws of a single model. ' +
  'It measures spread, not the upward bias of histogram distances (docs/outputs.md).';

function comparisonSection(
  doc: IrDocument,
  results: Map<string, CellResult>,
  reduced: Reduced | null,
  done: Map<string, Comparison[]> | undefined,
): string {
  const rows = doc.cells.flatMap((c) => {
    const r = results.get(c.id);
    return r ? (done?.get(c.id) ?? compareTheoryEnsemble(c, r)) : [];
  });
  if (rows.length === 0) return '';
  return (
    '<h2 id="theory">Theory versus ensemble</h2>\n' +
    "<p>Total variation distance between the trained ensemble's mean density and the effective-SDE theory for the same model " +
    '(0 = identical, 1 = disjoint), on the histogram bins plus one bin for the mass outside the range: the definition of the ' +
    '<code>total_variation</code> metric. Its standard error is a bootstrap over the members of both (se_over: members); ' +
    'mass = fraction of each density inside the histogram range.' +
    (reduced && rows.some((r) => reduced.nodes.has(r.ensemble) || reduced.nodes.has(r.theory))
      ? ` <span class="note">${esc(reduced.line)}.</span>`
      : '') +
    '</p>\n' +
    table(
      ['cell', 'ensemble', 'theory', 'model', 'TV distance', 'standard error', 'mass (ensemble)', 'mass (theory)'],
      rows.map((r) => [
        esc(r.cell),
        esc(r.ensemble),
        esc(r.theory),
        esc(r.model),
        num(r.tv),
        num(r.tvError),
        num(r.massEnsemble),
        num(r.massTheory),
      ]),
    )
  );
}

function metricsSection(doc: IrDocument, results: Map<string, CellResult>, reduced: Reduced | null): string {
  const t = metricsTable(doc, results);
  if (t.columns.length === 0) return '<p>No scalar results.</p>';
  const axes = doc.axes.map((a) => a.name);
  const hasErrors = t.columns.some((c) => c.endsWith('.se_over'));
  // Columns of nodes that ran at reduced statistics are marked, with the counts below the table.
  const marked = (c: string) => reduced !== null && reduced.nodes.has(c.slice(0, c.lastIndexOf('.')));
  const header = t.columns.map((c) => (marked(c) ? `${c} *` : c));
  return (
    (hasErrors ? `<p>${ERRORS}</p>\n` : '') +
    table(
      ['cell', ...axes, ...header],
      t.rows.map((r) => [
        esc(r.cell),
        ...axes.map((a) => num(r.values[a])),
        ...t.columns.map((c) => num(r.metrics[c])),
      ]),
      'num',
    ) +
    (reduced && t.columns.some(marked) ? `\n<p class="note">* ${esc(reduced.line)}: ${esc(REDUCED_MEANING)}.</p>` : '')
  );
}

function cellsSection(doc: IrDocument, results: Map<string, CellResult>): string {
  return doc.cells
    .map((cell) => {
      const res = results.get(cell.id);
      const rows = cell.nodes.map((n) => {
        const notes = res?.nodes[n.name]?.notes ?? [];
        const params =
          esc(nodeParams(n)) + (notes.length ? `<div class="note">${notes.map(esc).join('<br>')}</div>` : '');
        return [esc(n.name), esc(n.kind), params];
      });
      const values = Object.entries(cell.values)
        .map(([k, v]) => `${k} = ${formatValue(v)}`)
        .join(', ');
      return `<details><summary><b>${esc(cell.id)}</b>${values ? ` (${esc(values)})` : ''}, seed ${cell.seed}</summary>\n${table(['node', 'kind', 'parameters'], rows)}</details>`;
    })
    .join('\n');
}

function timingsSection(m: Manifest, plots: WrittenPlot[]): string {
  const labels = new Map(plots.map((p) => [p.name, plotLabel(p)]));
  const cellRows = m.cells.map((c) => [
    esc(c.id),
    esc(c.status),
    esc(c.from ?? ''),
    c.ms === null ? '' : esc(formatDuration(c.ms)),
    esc(
      Object.entries(c.timings)
        .map(([k, v]) => `${k} ${formatDuration(v)}`)
        .join(', '),
    ),
  ]);
  const plotRows = m.plots.map((p) => [labels.get(p.name) ?? esc(p.name), esc(formatDuration(p.ms))]);
  return (
    table(['cell', 'status', 'from', 'this run', 'computation per node'], cellRows) +
    (plotRows.length ? `\n<h3>Plots</h3>\n${table(['plot', 'render time'], plotRows)}` : '')
  );
}

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
table:not(.num) td { overflow-wrap: break-word; }
.scroll { overflow-x: auto; max-width: 100%; }
table.num td { white-space: nowrap; }
table.num td { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { background: #f6f6f6; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; font-size: 0.85em; }
details { margin: 0.3em 0; } .note { color: #8a5a00; font-size: 0.9em; } .na { color: #999; }
nav a { margin-right: 1em; }
`;

export function renderReport(input: ReportInput): string {
  const { manifest: m, doc, sourceText, results, plots } = input;
  const reduced = reducedStatistics(doc, m.scale, m.scaled_counts);
  const comparison = comparisonSection(doc, results, reduced, input.comparisons);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'">
<title>gtv run: ${esc(doc.study)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Study <code>${esc(doc.study)}</code></h1>
<nav><a href="#plots">Plots</a>${comparison ? '<a href="#theory">Theory vs ensemble</a>' : ''}<a href="#metrics">Metrics</a><a href="#cells">Cells</a><a href="#timings">Timings</a><a href="#source">Source</a></nav>
${summary(m, reduced)}
<h2 id="plots">Plots</h2>
${plotsSection(plots)}
${comparison}
<h2 id="metrics">Metrics</h2>
${metricsSection(doc, results, reduced)}
<h2 id="cells">Cells and their parameters</h2>
${cellsSection(doc, results)}
<h2 id="timings">Timings</h2>
${timingsSection(m, plots)}
<h2 id="source">Study source (<code>${esc(m.source)}</code>)</h2>
<pre>${esc(sourceText)}</pre>
</body>
</html>
`;
}

export function writeReport(runDir: string, input: ReportInput): void {
  writeFileAtomic(path.join(runDir, 'report.html'), renderReport(input));
}
