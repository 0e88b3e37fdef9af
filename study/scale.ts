// `--scale F`: run a study at reduced (or increased) statistics. Every Monte-Carlo count (draws
// per model, ensemble / virtual members, mc_samples of samplers and maps) is multiplied by F and
// rounded, never below 1; which counts of a sampler are Monte-Carlo counts its descriptor says
// (stdlib/builtins/samplers.ts, `scaled`). Training-set sizes (P), feature counts and grids are left alone: they
// define the experiment, not its statistical precision.
// Two counts have a higher floor, because below it the result is wrong rather than noisy:
// - members: an ensemble's mean and quartile band are taken across members, and per-member
//   quantities are heavy-tailed (the Fig. 2 gap mass ranges from 0 to 0.9 between members of one
//   cell), so one member says nothing about the ensemble. At least MIN_MEMBERS (or all of them).
// - mc_samples: the population design estimates an F x F feature covariance; with fewer design
//   points than features it is rank-deficient and the effective SDE collapses (Fig. 3, F = 1000:
//   at 100 points the theory put 55-80% of its mass at the centre, at 1000 it matched the trained
//   ensembles' pattern). At least MIN_MC_SAMPLES (or all of them).
import type { IrDocument, IrNode } from '../compiler/ir/types.js';
import { samplerOf, type ScaledCountField } from '../stdlib/builtins/samplers.js';

export interface ScaledCount {
  cell: string;
  node: string;
  field: 'draws' | ScaledCountField;
  from: number;
  to: number;
}

export const MIN_MEMBERS = 10;
export const MIN_MC_SAMPLES = 1000;

/** n scaled by factor and rounded, never below min(n, floor) nor below 1. */
export function scaleCount(n: number, factor: number, floor = 1): number {
  // 0 marks a count the node does not use (e.g. mc_samples of a closed-form map): keep it.
  if (n <= 0) return n;
  return Math.max(1, Math.min(n, floor), Math.round(n * factor));
}

const FLOORS: Record<ScaledCount['field'], number> = { draws: 1, members: MIN_MEMBERS, mc_samples: MIN_MC_SAMPLES };

function scaleNode(
  node: IrNode,
  factor: number,
  record: (field: ScaledCount['field'], from: number, to: number) => void,
): IrNode {
  const scaled = (field: ScaledCount['field'], n: number): number => {
    const to = scaleCount(n, factor, FLOORS[field]);
    if (to !== n) record(field, n, to);
    return to;
  };
  if (node.kind === 'sample') {
    const out: Record<string, unknown> = { ...node, draws: scaled('draws', node.draws) };
    for (const field of samplerOf(node).scaled)
      out[field] = scaled(field, (node as Record<typeof field, number>)[field]);
    return out as IrNode;
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
