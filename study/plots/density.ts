// `plot density(...)`: 1D sample densities as curves in the style of the paper's Figure 2 (true
// density black, PF-ODE with the true score gray, trained ensemble mean red with its quartile
// band, effective-SDE theory blue), one panel per cell; the plot's `band` shades ensembles by the
// quartile band, the mean +- one standard error over members, or both (a legend and the title say
// which); 2D sample densities as heatmaps with the training points on top (Figure 3).
import { plotTitle } from '../../compiler/ir/plot-files.js';
import type { IrCell, IrDocument, IrPlot, IrSample } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import { samplerOf } from '../../stdlib/builtins/samplers.js';
import { facetted } from './facet.js';
import { colorScaleFor, heatmapGridSpec, type HeatPanel } from './heatmap-grid.js';
import type { ColorScale } from './raster.js';
import { bandOf, centers, nodeOf, requireArray, seBandOf, trainingPoints } from './inputs.js';
import { facetOrder, formatValue, panelKey, splitAxes, type PanelKey } from './panels.js';
import type { VlSpec } from './render.js';
import { trueDensity } from './truth.js';

interface Style {
  label: string;
  color: string;
}

const TRUE_DENSITY: Style = { label: 'true density', color: 'black' };
const QUARTILE_SHADE = 'shaded: 25-75% quartile band across members';
const SE_SHADE = 'shaded: ensemble mean +- 1 standard error over members';

function styleOf(node: IrSample | undefined, name: string): Style {
  if (!node) return { label: name, color: '#7f7f7f' };
  return samplerOf(node).legend(node, name);
}

function sampleDim(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): number {
  for (const cell of doc.cells) {
    for (const input of plot.inputs) {
      const density = results.get(cell.id)?.nodes[input]?.arrays.density;
      if (density) return density.shape.length;
    }
  }
  throw new Error(`plot '${plot.name}': no input has a density`);
}

export function densitySpec(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): VlSpec {
  return sampleDim(doc, plot, results) === 2 ? density2dSpec(doc, plot, results) : density1dSpec(doc, plot, results);
}

function density1dSpec(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): VlSpec {
  const { rowAxes, colAxes } = splitAxes(doc, plot.by);
  const keys: PanelKey[] = [];
  const data: Record<string, unknown>[] = [];
  const styles: Style[] = [];
  const use = (s: Style): string => {
    if (!styles.some((x) => x.label === s.label)) styles.push(s);
    return s.label;
  };
  const showQuartiles = plot.band !== 'se';
  const showSe = plot.band === 'se' || plot.band === 'both';
  let quartiles = false;
  let seBand = false;
  for (const cell of doc.cells) {
    const res = results.get(cell.id);
    if (!res) continue;
    const key = panelKey(doc, cell, { rowAxes, colAxes });
    keys.push(key);
    const at = { row: key.row, col: key.col };
    const first = plot.inputs.map((i) => nodeOf(cell, i)).find((n): n is IrSample => n?.kind === 'sample');
    const truth = first ? trueDensity(cell, first) : null;
    if (truth && first) {
      const label = use(TRUE_DENSITY);
      const xs = centers(requireArray(res.nodes[first.name], 'edges_x', first.name).data);
      xs.forEach((x, i) => data.push({ kind: 'line', ...at, series: label, x, y: truth[i] }));
    }
    for (const input of plot.inputs) {
      const nr = res.nodes[input];
      const density = requireArray(nr, 'density', input);
      const xs = centers(requireArray(nr, 'edges_x', input).data);
      const series = use(styleOf(nodeOf(cell, input) as IrSample | undefined, input));
      xs.forEach((x, i) => data.push({ kind: 'line', ...at, series, x, y: density.data[i] }));
      const band = showQuartiles ? bandOf(nr) : null;
      if (band) {
        quartiles = true;
        xs.forEach((x, i) =>
          data.push({
            kind: 'band',
            shade: QUARTILE_SHADE,
            ...at,
            series,
            x,
            lo: band.lo.data[i],
            hi: band.hi.data[i],
          }),
        );
      }
      const se = showSe ? seBandOf(nr) : null;
      if (se) {
        seBand = true;
        xs.forEach((x, i) => data.push({ kind: 'se', shade: SE_SHADE, ...at, series, x, lo: se.lo[i], hi: se.hi[i] }));
      }
    }
    for (const p of trainingPoints(cell, plot.points)) data.push({ kind: 'pt', ...at, px: p[0] });
  }
  // The true density underneath, the theory and trained curves on top.
  styles.sort((a, b) => (a === TRUE_DENSITY ? -1 : b === TRUE_DENSITY ? 1 : 0));
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: styles.map((s) => s.label), range: styles.map((s) => s.color) },
    // Stroke symbols at full opacity: the band layer would otherwise fade the legend swatches.
    legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5 },
  };
  // Which shading is which: a second legend of grey swatches at the bands' opacities.
  const shades = [
    ...(quartiles ? [[QUARTILE_SHADE, seBand ? 0.15 : 0.25]] : []),
    ...(seBand ? [[SE_SHADE, quartiles ? 0.45 : 0.3]] : []),
  ] as [string, number][];
  const shadeEncoding = {
    field: 'shade',
    type: 'ordinal',
    sort: shades.map((s) => s[0]),
    title: null,
    scale: { domain: shades.map((s) => s[0]), range: shades.map((s) => s[1]) },
    legend: {
      orient: 'bottom',
      direction: 'vertical',
      symbolType: 'square',
      symbolFillColor: '#555',
      symbolStrokeWidth: 0,
      labelLimit: 0,
    },
  };
  const x = { field: 'x', type: 'quantitative', title: 'x (data units)', scale: { nice: false, zero: false } };
  // A fixed top (y_max) clips tall memorization peaks so the mass between them stays readable.
  const yScale = plot.y_max === null ? {} : { scale: { domain: [0, plot.y_max], clamp: true } };
  const layer = [
    {
      transform: [{ filter: "datum.kind == 'band' || datum.kind == 'se'" }],
      mark: { type: 'area' },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', ...yScale },
        y2: { field: 'hi' },
        color,
        opacity: shadeEncoding,
      },
    },
    {
      transform: [{ filter: "datum.kind == 'line'" }],
      mark: { type: 'line', strokeWidth: 1.4, interpolate: 'linear' },
      encoding: { x, y: { field: 'y', type: 'quantitative', title: 'density (per unit x)', ...yScale }, color },
    },
    {
      transform: [{ filter: "datum.kind == 'pt'" }],
      mark: { type: 'tick', color: '#e41a1c', thickness: 2, size: 10 },
      encoding: { x: { field: 'px', type: 'quantitative' }, y: { datum: 0, type: 'quantitative' } },
    },
  ];
  const { rows, cols } = facetOrder(keys);
  const shading =
    quartiles && seBand
      ? 'light: quartile band across members; dark: mean +- 1 standard error over members'
      : quartiles
        ? 'shaded: quartile band across ensemble members'
        : seBand
          ? 'shaded: ensemble mean +- 1 standard error over members'
          : null;
  const title = shading ? `${plotTitle(plot)} (${shading})` : plotTitle(plot);
  return facetted({ title, rows, cols, data, layer, width: 170, height: 110 });
}

/** Short row label of a 2D input: its name, and what it is unless the name says so (`theory`, not `theory (theory)`). */
export function shortLabel(node: IrSample | undefined, name: string): string {
  if (!node) return name;
  const kind = samplerOf(node).short;
  return name.toLowerCase().includes(kind.toLowerCase()) ? name : `${name} (${kind})`;
}

function density2dSpec(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): VlSpec {
  // Several inputs (trained, theory, ...) take the rows and every sweep axis the columns, as in
  // Figure 3; a single input uses the plot's `by` layout.
  const several = plot.inputs.length > 1;
  const { rowAxes, colAxes } = several
    ? { rowAxes: [], colAxes: [...plot.by, ...doc.axes.map((a) => a.name).filter((a) => !plot.by.includes(a))] }
    : splitAxes(doc, plot.by);
  const panels: HeatPanel[] = [];
  for (const cell of doc.cells as IrCell[]) {
    const res = results.get(cell.id);
    if (!res) continue;
    plot.inputs.forEach((input, order) => {
      const nr = res.nodes[input];
      const density = requireArray(nr, 'density', input);
      const ex = requireArray(nr, 'edges_x', input).data;
      const ey = requireArray(nr, 'edges_y', input).data;
      const prefix = several
        ? { label: shortLabel(nodeOf(cell, input) as IrSample | undefined, input), order }
        : undefined;
      panels.push({
        key: panelKey(doc, cell, { rowPrefix: prefix, rowAxes, colAxes }),
        values: density.data,
        nx: density.shape[0],
        ny: density.shape[1],
        x: [ex[0], ex[ex.length - 1]],
        y: [ey[0], ey[ey.length - 1]],
        points: trainingPoints(cell, plot.points),
      });
    });
  }
  // Sample densities of near-memorizing models are a few tall spikes over a faint spread (the gaps
  // the models fill, Figure 3). On a linear scale the spread is all the darkest colour, so the
  // colours follow log density over three decades: from the 99.5th percentile of the non-empty
  // bins (a cap below the spikes; brighter values take the top colour) down to a thousandth of it
  // (lower values, empty bins included, take the bottom colour). The colour bar is vega's log
  // scale over the same range, its ticks at real values.
  const top = positivePercentile(
    panels.map((p) => p.values),
    0.995,
  );
  if (!(top > 0)) {
    const scale = colorScaleFor(panels, 'viridis', 0);
    return heatmapGridSpec({
      title: plotTitle(plot),
      panels,
      scale,
      colorTitle: 'density (per unit area)',
      xTitle: 'x (data units)',
      yTitle: 'y (data units)',
    });
  }
  const floor = top / LOG_RANGE;
  const scale: ColorScale = { scheme: 'viridis', reverse: false, type: 'log', domain: [floor, top] };
  return heatmapGridSpec({
    title: plotTitle(plot),
    panels,
    scale,
    colorTitle: [
      'density (per unit area),',
      `log scale from ${formatValue(round2(floor))}`,
      `(and below) to ${formatValue(round2(top))} (and above)`,
    ],
    xTitle: 'x (data units)',
    yTitle: 'y (data units)',
  });
}

/** The log colour scale of 2D sample densities spans this ratio (three decades). */
export const LOG_RANGE = 1000;

function round2(v: number): number {
  return Number(v.toPrecision(2));
}

function positivePercentile(arrays: ArrayLike<number>[], q: number): number {
  const all: number[] = [];
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i] > 0 && Number.isFinite(a[i])) all.push(a[i]);
  if (all.length === 0) return 0;
  all.sort((x, y) => x - y);
  return all[Math.min(all.length - 1, Math.floor(q * all.length))];
}
