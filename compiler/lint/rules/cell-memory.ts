// GTV0806 cell-memory: one cell needs more memory at once than the machine has.
//
// The estimate is deliberately simple (docs/lint.md): what a cell keeps until it ends (histograms,
// every draw of every sampler, map values, trained weights of every ensemble member) plus the
// largest piece of work the runtime cannot split into chunks (a linear model's F x F Gram matrix
// with its Cholesky factor and one P x F design block, an NTK design's kernel matrices, and what
// each sampler's descriptor adds: stdlib/builtins/samplers.ts). Particles in flight are chunked by the runtime and
// are not counted. A cell over the machine's memory is a warning on the study (it may still run,
// swapping); one array larger than the whole memory cannot be allocated at all, which is an error
// on the argument that sets its size. Arrays beyond what a typed array can index are the
// checker's GTV0410, before the linter runs.
import { LINT } from '../../codes/lint.js';
import { pointCount } from '../../ir/packed-points.js';
import type { IrModel, IrNode } from '../../ir/types.js';
import { samplerOf } from '../../../stdlib/builtins/samplers.js';
import { nodeNamed } from '../geometry.js';
import type { SourceLookup } from '../lookup.js';
import type { Finding, LintRule } from '../types.js';

const F64 = 8;
const F32 = 4;

/** One allocation the runtime makes in a piece, and the argument that sets its size. */
interface Piece {
  bytes: number;
  what: string;
  decl: string;
  args: string[];
}

export const cellMemory: LintRule<typeof LINT.cellMemory> = {
  code: LINT.cellMemory,
  mergeBySpan: true,
  check({ cell, src, totalMemory }) {
    let kept = 0;
    let peak = 0;
    let peakWhat = '';
    const pieces: Piece[] = [];
    const F = (model: string) => {
      const m = nodeNamed(cell, model, 'model');
      const f = m?.type === 'linear' ? nodeNamed(cell, m.features, 'features') : undefined;
      return f?.count ?? 0;
    };
    const dimOf = (data: string) => nodeNamed(cell, data, 'data')?.dim ?? 1;
    for (const n of cell.nodes) {
      const [keeps, work, what] = estimate(n, F, dimOf, pieces);
      kept += keeps;
      if (work > peak) [peak, peakWhat] = [work, what];
    }
    const out: Finding[] = [];
    for (const p of pieces) {
      if (p.bytes <= totalMemory) continue;
      out.push({
        message: `${p.what} takes ${bytes(p.bytes)} in one array, more than this machine's memory`,
        span: spanOf(src, p),
        hint: `lower ${p.args[0]}`,
        severity: 'error',
      });
    }
    const total = kept + peak;
    if (out.length === 0 && total > totalMemory) {
      out.push({
        message: `a cell needs about ${bytes(total)} at once (${peakWhat ? `${peakWhat}, plus ` : ''}${bytes(kept)} of results), more than this machine's memory`,
        span: src.studySpan,
        // The machine's size stays out of the text so that output does not depend on where it runs.
        hint: 'reduce features, samples, members, grid points or bins',
      });
    }
    return out;
  },
};

function spanOf(src: SourceLookup, p: Piece) {
  return src.argSpan(p.decl, ...p.args);
}

/** [bytes kept until the cell ends, bytes of the largest unsplittable work, what that work is]; single arrays go to `pieces`. */
function estimate(
  n: IrNode,
  F: (model: string) => number,
  dimOf: (data: string) => number,
  pieces: Piece[],
): [number, number, string] {
  switch (n.kind) {
    case 'model':
      return modelMemory(n, F, dimOf, pieces);
    case 'sample': {
      const dim = dimOf(n.data);
      const hist = dim <= 2 ? n.histogram.bins ** dim * F64 : 0;
      const sampler = samplerOf(n);
      const members = sampler.pooledMembers(n) ?? 1;
      const extra = sampler.memory(n, n.model === 'true' ? 0 : F(n.model));
      // The runtime keeps every draw (float32) for the metrics until the cell ends.
      const draws = n.draws * members * dim * F32;
      pieces.push({
        bytes: draws,
        what: `\`${n.name}\`'s ${fmtCount(n.draws * members)} draws`,
        decl: n.name,
        args: ['draws', 'members'],
      });
      pieces.push({ bytes: hist, what: `the histogram of \`${n.name}\``, decl: n.name, args: ['bins'] });
      return [hist + draws + extra.kept, extra.work, extra.work ? `\`${n.name}\`'s ${extra.what}` : ''];
    }
    case 'map': {
      const points = n.grid.axes.reduce((p, a) => p * a.n, 1);
      const values = points * Math.max(1, n.t.length) * n.grid.axes.length ** 2 * F64;
      return [values, 0, ''];
    }
    case 'data':
      return [pointCount(n) * (n.dim + 1) * F64, 0, ''];
    case 'forward':
    case 'features':
    case 'metric':
      return [0, 0, ''];
    default: {
      const unhandled: never = n;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}

function modelMemory(
  n: IrModel,
  F: (model: string) => number,
  dimOf: (data: string) => number,
  pieces: Piece[],
): [number, number, string] {
  switch (n.type) {
    case 'linear': {
      const f = F(n.name);
      pieces.push({
        bytes: f * f * F64,
        what: `\`${n.name}\`'s ${f} x ${f} Gram matrix`,
        decl: n.name,
        args: ['features'],
      });
      return [
        f * F64,
        (2 * f * f + n.samples * f) * F64,
        `\`${n.name}\`'s ${f} x ${f} Gram matrix and ${n.samples} x ${f} design`,
      ];
    }
    case 'ntk':
      // kernel, eigenvectors, its copy, the filter's divided differences and the design influence [N, N, D]
      pieces.push({
        bytes: n.design * n.design * F64,
        what: `\`${n.name}\`'s ${n.design} x ${n.design} kernel matrix`,
        decl: n.name,
        args: ['design'],
      });
      return [
        n.design * F64,
        (4 + dimOf(n.data)) * n.design * n.design * F64,
        `\`${n.name}\`'s ${n.design} x ${n.design} kernel matrices`,
      ];
    case 'mlp': {
      // training: the batch's activations and their gradients (float32, a few per layer); the parameters are small
      const work = 4 * 4 * n.batch * n.width * (n.depth + 1);
      return [0, work, `\`${n.name}\`'s training batch (${n.batch} x ${n.width} activations per layer)`];
    }
    case 'true':
    case 'naive':
      return [0, 0, ''];
    default: {
      const unhandled: never = n;
      throw new Error(`internal: unhandled model ${JSON.stringify(unhandled)}`);
    }
  }
}

const fmtCount = (x: number) => (x >= 1e6 ? x.toExponential(2).replace(/\.?0*e\+?/, 'e') : String(x));

function bytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) [b, u] = [b / 1024, u + 1];
  return `${Number(b.toPrecision(3))} ${units[u]}`;
}
