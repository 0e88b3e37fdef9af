// `plot loss(...)`: the training loss of every member of mlp ensembles (their `loss` arrays
// [members, steps], the DSM objective of each step's batch) against the step, log scale, one
// panel per cell, one colour per sample set and one thin line per member. Long runs are thinned
// to at most MAX_POINTS steps per member (every k-th step, the last one kept), so the spec stays
// small; the arrays in the cell folders keep every step.
import { plotTitle } from '../../compiler/ir/plot-files.js';
import type { IrDocument, IrPlot } from '../../compiler/ir/types.js';
import type { CellResult } from '../../runtime/light.js';
import { facetted } from './facet.js';
import { requireArray } from './inputs.js';
import { facetOrder, panelKey, splitAxes, type PanelKey } from './panels.js';
import type { VlSpec } from './render.js';

export const MAX_POINTS = 400;

const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** The steps drawn of a run of `steps` steps: every k-th and the last. */
export function thinnedSteps(steps: number, max = MAX_POINTS): number[] {
  const k = Math.max(1, Math.ceil(steps / max));
  const out: number[] = [];
  for (let s = 0; s < steps; s += k) out.push(s);
  if (out[out.length - 1] !== steps - 1) out.push(steps - 1);
  return out;
}

export function lossSpec(doc: IrDocument, plot: IrPlot, results: Map<string, CellResult>): VlSpec {
  const { rowAxes, colAxes } = splitAxes(doc, plot.by);
  const keys: PanelKey[] = [];
  const data: Record<string, unknown>[] = [];
  for (const cell of doc.cells) {
    const res = results.get(cell.id);
    if (!res) continue;
    const key = panelKey(doc, cell, { rowAxes, colAxes });
    keys.push(key);
    for (const input of plot.inputs) {
      const loss = requireArray(res.nodes[input], 'loss', input);
      const [members, steps] = loss.shape;
      const drawn = thinnedSteps(steps);
      for (let m = 0; m < members; m++)
        for (const s of drawn) {
          const y = loss.data[m * steps + s];
          // A log axis has no place for 0 or a non-finite loss: those steps are left out.
          if (y > 0 && Number.isFinite(y))
            data.push({ row: key.row, col: key.col, series: input, line: `${input}#${m}`, step: s + 1, loss: y });
        }
    }
  }
  const { rows, cols } = facetOrder(keys);
  const layer = [
    {
      mark: { type: 'line', strokeWidth: 0.8, opacity: 0.6 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', scale: { type: 'log', nice: false } },
        y: {
          field: 'loss',
          type: 'quantitative',
          title: 'training loss',
          scale: { type: 'log' },
        },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: { domain: plot.inputs, range: plot.inputs.map((_, i) => COLORS[i % COLORS.length]) },
          legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolOpacity: 1 },
        },
        detail: { field: 'line', type: 'nominal' },
      },
    },
  ];
  return facetted({
    title: `${plotTitle(plot)} (one line per member)`,
    rows,
    cols,
    data,
    layer,
    width: 260,
    height: 180,
  });
}
