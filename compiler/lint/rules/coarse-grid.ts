// GTV0802 coarse-grid: a map's grid step, or a histogram's bin width, is wider than half the
// data's spacing: the median distance from a training point to its nearest neighbour (the
// median, not the minimum, so one chance close pair in a sampled data set does not decide). The
// boundary regions between neighbouring points are where the proxy-score covariance lives
// (docs/theory.md 3.3); with fewer than two grid points or bins across a typical gap they fall between.
import { LINT } from '../../codes/lint.js';
import type { IrHistogram } from '../../ir/types.js';
import { fmt, nearestSpacing, nodeNamed, nodesOf } from '../geometry.js';
import type { Finding, LintRule } from '../types.js';

export const coarseGrid: LintRule<typeof LINT.coarseGrid> = {
  code: LINT.coarseGrid,
  check({ cell, src }) {
    const out: Finding[] = [];
    const gapOf = (dataName: string) => {
      const data = nodeNamed(cell, dataName, 'data');
      return data ? nearestSpacing(data)?.median : undefined;
    };
    for (const m of nodesOf(cell, 'map')) {
      const gap = gapOf(m.data);
      if (gap === undefined) continue;
      const step = Math.max(...m.grid.axes.map((a) => (a.n > 1 ? (a.hi - a.lo) / (a.n - 1) : Infinity)));
      if (step > gap / 2) {
        out.push({
          message: `the grid step ${fmt(step)} of \`${m.name}\` is wider than half the spacing of the training points (${fmt(gap)}, the median nearest-neighbour distance)`,
          span: src.argSpan(m.name, 'grid'),
          hint: `use at least ${pointsNeeded(m.grid.axes, gap)} grid points per axis, or a narrower range`,
        });
      }
    }
    // A metric binned like the sample it measures repeats the sample's finding: skip it.
    const samples = nodesOf(cell, 'sample');
    const metrics = nodesOf(cell, 'metric').filter(
      (m) => m.histogram.bins !== nodeNamed(cell, m.of, 'sample')?.histogram.bins,
    );
    const histograms: { name: string; histogram: IrHistogram; data: string }[] = [...samples, ...metrics];
    for (const h of histograms) {
      const gap = gapOf(h.data);
      if (gap === undefined) continue;
      const width = Math.max(...h.histogram.range.map(([lo, hi]) => (hi - lo) / h.histogram.bins));
      if (width > gap / 2) {
        const bins = Math.max(...h.histogram.range.map(([lo, hi]) => Math.ceil((2 * (hi - lo)) / gap)));
        out.push({
          message: `the histogram bins of \`${h.name}\` (width ${fmt(width)}) are wider than half the spacing of the training points (${fmt(gap)}, the median nearest-neighbour distance)`,
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
