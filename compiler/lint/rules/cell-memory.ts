// GTV0806 cell-memory: one cell needs more memory at once than the machine has.
//
// The estimate is deliberately simple (docs/lint.md): what a cell keeps until it ends (histograms,
// kept samples, map values, trained weights of every ensemble member) plus the largest piece of
// work the runtime cannot split into chunks (a linear model's F x F Gram matrix with its Cholesky
// factor and one P x F design block, an NTK design's kernel matrices, a Gaussian-field sampler's
// F x F covariance). Particles are chunked by the runtime and are not counted.
import { LINT } from '../../codes/lint.js';
import type { IrNode } from '../../ir/types.js';
import { nodeNamed } from '../geometry.js';
import type { LintRule } from '../types.js';

const F64 = 8;
/** Samples a sampler keeps as an array (runtime SAMPLE_CAP is of this order). */
const KEPT_SAMPLES = 1e5;

export const cellMemory: LintRule = {
  code: LINT.cellMemory,
  mergeBySpan: true,
  check({ cell, src, totalMemory }) {
    let kept = 0;
    let peak = 0;
    let peakWhat = '';
    const F = (model: string) => {
      const m = nodeNamed(cell, model, 'model');
      const f = m?.type === 'linear' ? nodeNamed(cell, m.features, 'features') : undefined;
      return f?.count ?? 0;
    };
    const dimOf = (data: string) => nodeNamed(cell, data, 'data')?.dim ?? 1;
    for (const n of cell.nodes) {
      const [keeps, work, what] = estimate(n, F, dimOf);
      kept += keeps;
      if (work > peak) [peak, peakWhat] = [work, what];
    }
    const total = kept + peak;
    if (total <= totalMemory) return [];
    return [
      {
        message: `a cell needs about ${bytes(total)} at once (${peakWhat ? `${peakWhat}, plus ` : ''}${bytes(kept)} of results), more than this machine's memory`,
        span: src.studySpan,
        // The machine's size stays out of the text so that output does not depend on where it runs.
        hint: 'reduce features, samples, members, grid points or bins',
      },
    ];
  },
};

/** [bytes kept until the cell ends, bytes of the largest unsplittable work, what that work is]. */
function estimate(n: IrNode, F: (model: string) => number, dimOf: (data: string) => number): [number, number, string] {
  switch (n.kind) {
    case 'model':
      if (n.type === 'linear') {
        const f = F(n.name);
        return [f * F64, (2 * f * f + n.samples * f) * F64, `\`${n.name}\`'s ${f} x ${f} Gram matrix and ${n.samples} x ${f} design`];
      }
      // kernel, eigenvectors, its copy, the filter's divided differences and the design influence [N, N, D]
      if (n.type === 'ntk') return [n.design * F64, (4 + dimOf(n.data)) * n.design * n.design * F64, `\`${n.name}\`'s ${n.design} x ${n.design} kernel matrices`];
      return [0, 0, ''];
    case 'sample': {
      const dim = dimOf(n.data);
      const hist = n.histogram.bins ** Math.min(dim, 2) * F64;
      const members = n.method === 'ensemble' || n.method === 'effective_sde' ? n.members : 1;
      const f = n.method === 'ensemble' || n.method === 'effective_sde' ? F(n.model) : 0;
      const weights = n.method === 'ensemble' ? members * f * F64 : 0;
      const cov = n.method === 'effective_sde' ? 2 * f * f * F64 : 0;
      return [hist + KEPT_SAMPLES * dim * 4 + weights, cov, cov ? `\`${n.name}\`'s ${f} x ${f} feature covariance` : ''];
    }
    case 'map': {
      const points = n.grid.axes.reduce((p, a) => p * a.n, 1);
      const values = points * Math.max(1, n.t.length) * n.grid.axes.length ** 2 * F64;
      return [values, 0, ''];
    }
    case 'data':
      return [n.points.length * (n.dim + 1) * F64, 0, ''];
    default:
      return [0, 0, ''];
  }
}

function bytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) [b, u] = [b / 1024, u + 1];
  return `${Number(b.toPrecision(3))} ${units[u]}`;
}
