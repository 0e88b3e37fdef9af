// The array shapes docs/outputs.md promises for each IR node, so the run test can hold every
// example's files to the documentation. Only the documented arrays are listed; a node may return
// more (e.g. NTK V-kernel maps add `nu`), which the test allows.
import type { IrDocument, IrNode } from '../../compiler/ir/types.js';

function dimOf(doc: IrDocument, dataName: string, nodes: IrNode[]): number {
  const d = nodes.find((n) => n.kind === 'data' && n.name === dataName);
  if (!d || d.kind !== 'data') throw new Error(`no data node ${dataName} in ${doc.study}`);
  return d.dim;
}

/** array name -> shape for one node (an empty object when the node returns no documented arrays). */
export function expectedShapes(doc: IrDocument, node: IrNode, nodes: IrNode[]): Record<string, number[]> {
  switch (node.kind) {
    case 'data':
      return { points: [node.points.length, node.dim], weights: [node.points.length] };
    case 'forward':
      return { t: [101], alpha: [101], beta: [101], d: [101], s2: [101] };
    case 'sample': {
      const dim = dimOf(doc, node.data, nodes);
      const b = node.histogram.bins;
      const members =
        node.method === 'ensemble' || (node.method === 'effective_sde' && node.variant === 'gaussian_field')
          ? node.members
          : 0;
      const n = node.draws * Math.max(1, members);
      const out: Record<string, number[]> = { samples: [Math.min(n, 10000), dim] };
      if (dim <= 2) {
        const bins = dim === 1 ? [b] : [b, b];
        out.density = bins;
        out.edges_x = [b + 1];
        if (dim === 2) out.edges_y = [b + 1];
        if (members > 0) {
          out.density_q25 = bins;
          out.density_q75 = bins;
          out.member_density = [members, ...bins];
        }
      }
      const model = nodes.find((m) => m.kind === 'model' && m.name === (node as { model?: string }).model);
      if (node.method === 'ensemble' && model?.kind === 'model' && model.type === 'mlp')
        out.loss = [members, model.steps];
      return out;
    }
    case 'map': {
      const dim = dimOf(doc, node.data, nodes);
      const grid = node.grid.axes.map((a) => a.n);
      const out: Record<string, number[]> = { t: [node.t.length], grid_x: [grid[0]] };
      if (dim >= 2) out.grid_y = [grid[1]];
      const nt = node.t.length;
      switch (node.quantity) {
        case 'posterior_weights': {
          const data = nodes.find((n) => n.kind === 'data' && n.name === node.data);
          out.values = [nt, ...grid, data && data.kind === 'data' ? data.points.length : -1];
          break;
        }
        case 'score':
          out.values = [nt, ...grid, dim];
          break;
        case 'proxy_covariance':
          out.values = [nt, ...grid];
          out.matrix = [nt, ...grid, dim, dim];
          break;
        case 'score_variance_ratio':
          out.values = [nt, ...grid];
          break;
        case 'vkernel':
        case 'vkernel_time_correlation':
          out.V = [nt, ...grid, dim, dim];
          break;
        default:
          break;
      }
      return out;
    }
    default:
      return {};
  }
}
