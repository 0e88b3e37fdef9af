// `--scale F`: run a study at reduced (or increased) statistics. Every Monte-Carlo count (draws
// per model, ensemble / virtual members, mc_samples of samplers and maps) is multiplied by F and
// rounded, never below 1. Training-set sizes (P), feature counts and grids are left alone: they
// define the experiment, not its statistical precision.
import type { IrDocument, IrNode } from '../compiler/ir/types.js';

export interface ScaledCount {
  cell: string;
  node: string;
  field: 'draws' | 'members' | 'mc_samples';
  from: number;
  to: number;
}

export function scaleCount(n: number, factor: number): number {
  // 0 marks a count the node does not use (e.g. mc_samples of a closed-form map): keep it.
  if (n <= 0) return n;
  return Math.max(1, Math.round(n * factor));
}

function scaleNode(node: IrNode, factor: number, record: (field: ScaledCount['field'], from: number, to: number) => void): IrNode {
  const scaled = (field: ScaledCount['field'], n: number): number => {
    const to = scaleCount(n, factor);
    if (to !== n) record(field, n, to);
    return to;
  };
  if (node.kind === 'sample') {
    const out = { ...node, draws: scaled('draws', node.draws) };
    if (out.method === 'ensemble') out.members = scaled('members', out.members);
    if (out.method === 'effective_sde') {
      out.members = scaled('members', out.members);
      out.mc_samples = scaled('mc_samples', out.mc_samples);
    }
    return out;
  }
  if (node.kind === 'map') return { ...node, mc_samples: scaled('mc_samples', node.mc_samples) };
  return node;
}

/** A copy of `doc` with every Monte-Carlo count scaled by `factor`, and the list of changes. */
export function applyScale(doc: IrDocument, factor: number): { doc: IrDocument; changes: ScaledCount[] } {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`scale must be a positive number, got ${factor}`);
  const changes: ScaledCount[] = [];
  const cells = doc.cells.map((cell) => ({
    ...cell,
    nodes: cell.nodes.map((node) =>
      scaleNode(node, factor, (field, from, to) => changes.push({ cell: cell.id, node: node.name, field, from, to })),
    ),
  }));
  return { doc: { ...doc, cells }, changes };
}
