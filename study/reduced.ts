// What a run at `--scale` < 1 tells its reader (issue 9): which nodes ran with fewer members,
// draws or Monte-Carlo samples than the study asks for, and one line saying so, for the report
// next to each affected metric and for the title of each affected plot. A 1/10 Figure 2 is
// noisier, not broken; the standard errors (se_over) say by how much.
import type { IrDocument, IrNode } from '../compiler/ir/types.js';
import type { ScaledCount } from './scale.js';
import { samplerOf } from '../stdlib/builtins/samplers.js';

export interface Reduced {
  /** Nodes whose counts were scaled down, and the metrics of them. */
  nodes: Set<string>;
  /** e.g. "reduced statistics (scale 0.1: trained 10 members x 10000 draws; exact 100000 draws)". */
  line: string;
}

function counts(node: IrNode): string {
  if (node.kind === 'sample') {
    const pooled = samplerOf(node).pooledMembers(node);
    const members = pooled !== undefined ? `${pooled} members x ` : '';
    return `${node.name} ${members}${node.draws} draws`;
  }
  return `${node.name} ${node.kind === 'map' ? `${node.mc_samples} Monte-Carlo samples` : ''}`.trim();
}

/** null when nothing was scaled down (scale >= 1, or every count at its floor). */
export function reducedStatistics(doc: IrDocument, scale: number, changes: ScaledCount[]): Reduced | null {
  const down = changes.filter((c) => c.to < c.from);
  if (down.length === 0) return null;
  const nodes = new Set(down.map((c) => c.node));
  const described: string[] = [];
  // The counts of the first cell that has each node: scaling is the same factor in every cell.
  for (const cell of doc.cells)
    for (const n of cell.nodes)
      if (nodes.has(n.name) && !described.some((d) => d.startsWith(`${n.name} `))) described.push(counts(n));
  for (const cell of doc.cells)
    for (const n of cell.nodes)
      if (n.kind === 'metric' && (nodes.has(n.of) || (n.against !== null && nodes.has(n.against)))) nodes.add(n.name);
  return { nodes, line: `reduced statistics (scale ${scale}: ${described.join('; ')})` };
}
