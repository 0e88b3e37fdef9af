// `plot heatmap(...)` and `plot vkernel(...)`: map fields. 2D grids become heatmap panels with one
// column per map time (`t = 0.05`) and a row per cell and input (Figure 1); with a single time
// the sweep axes take rows and columns instead. 1D grids become curves over x, one per time.
import { plotTitle } from '../../compiler/ir/plot-files.js';
import type { IrDocument, IrMap, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import { facetted } from './facet.js';
import { colorScaleFor, heatmapGridSpec, type HeatPanel } from './heatmap-grid.js';
import { mapSlices, nodeOf, trainingPoints } from './inputs.js';
import { axisLabel, facetOrder, formatValue, panelKey, splitAxes, type PanelKey } from './panels.js';
import type { VlSpec } from './render.js';

const QUANTITY_TITLE: Record<IrMap['quantity'], string> = {
  posterior_weights: 'posterior weight w_m',
  score: 'score s(x, t) (1/data unit)',
  proxy_covariance: 'tr C(x, t) (1/data unit²)',
  score_variance_ratio: 'tr C / (tr C + |s|²)',
  vkernel: 'V-kernel V(x, x; t)',
  vkernel_time_correlation: "V-kernel V(x, t; x', t')",
  score_error: 'learned − true score (1/data unit)',
};

function quantityOf(doc: IrDocument, input: string): IrMap['quantity'] {
  for (const cell of doc.cells) {
    const n = nodeOf(cell, input);
    if (n && n.kind === 'map') return n.quantity;
  }
  throw new Error(`'${input}' is not a map`);
}

export function mapSpec(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): VlSpec {
  const quantities = plot.inputs.map((i) => quantityOf(doc, i));
  let colorTitle = quantities.every((q) => q === quantities[0]) ? QUANTITY_TITLE[quantities[0]] : 'value';
  const allAxes = [...plot.by, ...doc.axes.map((a) => a.name).filter((a) => !plot.by.includes(a))];
  const sliced = doc.cells.flatMap((cell) => {
    const res = results.get(cell.id);
    if (!res) return [];
    return plot.inputs.map((input, order) => ({
      cell,
      input,
      order,
      ...mapSlices(res.nodes[input], input, quantityOf(doc, input)),
    }));
  });
  const reduced = sliced.find((s) => s.reduced)?.reduced;
  if (reduced === 'norm') colorTitle = `norm of ${colorTitle}`;
  if (reduced === 'max') colorTitle = `max over m of ${colorTitle}`;
  if (reduced === 'trace') colorTitle = `trace of ${colorTitle}`;
  const is2d = sliced.some((s) => s.slices[0]?.gridY);
  const singleTime = sliced.every((s) => s.slices.length === 1);
  const layout = singleTime ? splitAxes(doc, plot.by) : { rowAxes: allAxes, colAxes: [] as string[] };
  const keyFor = (s: (typeof sliced)[number], t: number, k: number): PanelKey => {
    const key = panelKey(doc, s.cell, {
      rowPrefix: plot.inputs.length > 1 ? { label: s.input, order: s.order } : undefined,
      colPrefix: singleTime ? undefined : { label: `t = ${formatValue(t)}`, order: k },
      ...layout,
    });
    return key;
  };

  if (!is2d) {
    const data: Record<string, unknown>[] = [];
    const keys: PanelKey[] = [];
    for (const s of sliced) {
      const key = panelKey(doc, s.cell, {
        rowPrefix: plot.inputs.length > 1 ? { label: s.input, order: s.order } : undefined,
        ...splitAxes(doc, plot.by),
      });
      keys.push(key);
      for (const slice of s.slices) {
        slice.gridX.forEach((x, i) =>
          data.push({
            kind: 'line',
            row: key.row,
            col: key.col,
            t: axisLabel('t', slice.t),
            tv: slice.t,
            x,
            y: slice.values[i],
          }),
        );
      }
      for (const p of trainingPoints(s.cell, plot.points))
        data.push({ kind: 'pt', row: key.row, col: key.col, px: p[0] });
    }
    const { rows, cols } = facetOrder(keys);
    const layer = [
      {
        transform: [{ filter: "datum.kind == 'line'" }],
        mark: { type: 'line', strokeWidth: 1.4 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x (data units)', scale: { nice: false, zero: false } },
          y: { field: 'y', type: 'quantitative', title: colorTitle },
          color: {
            field: 't',
            type: 'ordinal',
            title: 'time t',
            sort: { field: 'tv' },
            scale: { scheme: plot.type === 'vkernel' ? 'magma' : 'viridis' },
          },
        },
      },
      {
        transform: [{ filter: "datum.kind == 'pt'" }],
        mark: { type: 'tick', color: '#e41a1c', thickness: 2, size: 10 },
        encoding: { x: { field: 'px', type: 'quantitative' }, y: { datum: 0, type: 'quantitative' } },
      },
    ];
    return facetted({ title: plotTitle(plot), rows, cols, data, layer, width: 170, height: 110 });
  }

  const panels: HeatPanel[] = [];
  for (const s of sliced) {
    s.slices.forEach((slice, k) => {
      const gx = slice.gridX;
      const gy = slice.gridY!;
      // Grid values sit at cell centres: the image extends half a spacing beyond the end points.
      const half = (g: Float64Array) => (g.length > 1 ? (g[1] - g[0]) / 2 : 0.5);
      panels.push({
        key: keyFor(s, slice.t, k),
        values: slice.values,
        nx: gx.length,
        ny: gy.length,
        x: [gx[0] - half(gx), gx[gx.length - 1] + half(gx)],
        y: [gy[0] - half(gy), gy[gy.length - 1] + half(gy)],
        points: trainingPoints(s.cell, plot.points),
      });
    });
  }
  const bounded = quantities.every((q) => q === 'score_variance_ratio' || q === 'posterior_weights');
  const scale = colorScaleFor(panels, plot.type === 'vkernel' ? 'magma' : 'viridis', bounded ? 0 : undefined);
  // With one map time the panels carry no `t = ...` header, so the title says it.
  const times = [...new Set(sliced.flatMap((s) => s.slices.map((x) => x.t)))];
  const title =
    singleTime && times.length === 1 ? `${plotTitle(plot)} (t = ${formatValue(times[0])})` : plotTitle(plot);
  return heatmapGridSpec({ title, panels, scale, colorTitle, xTitle: 'x (data units)', yTitle: 'y (data units)' });
}
