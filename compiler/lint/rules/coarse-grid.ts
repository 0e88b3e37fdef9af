// GTV0802 coarse-grid: a map's grid step, or a histogram's bin width, is wider than half the
// smallest distance between two distinct training points. The boundary region between the two
// closest points is where the proxy-score covariance lives (math.md 3.3); with fewer than two
// grid points or bins across the gap it falls between them.
import { LINT } from '../../codes/lint.js';
import type { IrHistogram } from '../../ir/types.js';
import { fmt, nearestDistances, nodeNamed, nodesOf } from '../geometry.js';
import type { Finding, LintRule } from '../types.js';

export const coarseGrid: LintRule = {
  code: LINT.coarseGrid,
  check({ cell, src }) {
    const out: Finding[] = [];
    const gapOf = (dataName: string) => {
      const data = nodeNamed(cell, dataName, 'data');
      const d = data ? nearestDistances(data) : [];
      return d.length ? Math.min(...d) : undefined;
    };
    for (const m of nodesOf(cell, 'map')) {
      const gap = gapOf(m.data);
      if (gap === undefined) continue;
      const step = Math.max(...m.grid.axes.map((a) => (a.n > 1 ? (a.hi - a.lo) / (a.n - 1) : Infinity)));
      if (step > gap / 2) {
        out.push({
          message: `the grid step ${fmt(step)} of \`${m.name}\` is wider than half the smallest distance between training points (${fmt(gap)})`,
          span: src.argSpan(m.name, 'grid'),
          hint: `use at least ${pointsNeeded(m.grid.axes, gap)} grid points per axis, or a narrower range`,
        });
      }
    }
    // A metric binned like the sample it measures repeats the sample's finding: skip it.
    const samples = nodesOf(cell, 'sample');
    const metrics = nodesOf(cell, 'metric').filter((m) => m.histogram.bins !== nodeNamed(cell, m.of, 'sample')?.histogram.bins);
    const histograms: { name: string; histogram: IrHistogram; data: string }[] = [...samples, ...metrics];
    for (const h of histograms) {
      const gap = gapOf(h.data);
      if (gap === undefined) continue;
      const width = Math.max(...h.histogram.range.map(([lo, hi]) => (hi - lo) / h.histogram.bins));
      if (width > gap / 2) {
        const bins = Math.max(...h.histogram.range.map(([lo, hi]) => Math.ceil((2 * (hi - lo)) / gap)));
        out.push({
          message: `the histogram bins of \`${h.name}\` (width ${fmt(width)}) are wider than half the smallest distance between training points (${fmt(gap)})`,
          span: src.argSpan(h.name, 'bins', 'range'),
          hint: `use at least ${bins} bins, or a narrower range`,
        });
      }
    }
    return out;
  },
};

function pointsNeeded(axes: { lo: number; hi: number }[], gap: number): number {
  return Math.max(...axes.map((a) => Math.ceil((2 * (a.hi - a.lo)) / gap) + 1));
}
