// Seeds: a cell's seed derives from the study seed and the cell id, a node's from its cell's seed
// and its name, so adding a cell or a node never changes the random draws of the others.
// Each is the first four bytes of a SHA-256 digest, read big-endian as an unsigned 32-bit integer.
//
// A seeded node (model, sample, map) that does not depend on every sweep axis takes the seed of
// the cell id over the axes it depends on (`eps=0.01` for Figure 2's exact-score curve, which the
// five P of a row share; `main` for a node that depends on none, as in a study without sweeps),
// so that cells that differ only in axes it ignores compute the same node with the same draws, and
// the runtime computes it once (runtime/execute.ts). A node that depends on every axis keeps the
// seed above. Which axes a node depends on is read off the lowered cells: an axis counts when two
// cells that differ only in it give the node (or anything it refers to) different IR.
import { createHash } from 'node:crypto';
import type { IrAxis, IrCell, IrNode } from '../ir/types.js';
import { fmt } from '../evaluate.js';

export function hashSeed(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}

export const cellSeed = (studySeed: number, cellId: string) => hashSeed(`${studySeed}:${cellId}`);
export const nodeSeed = (cell: number, nodeName: string) => hashSeed(`${cell}:${nodeName}`);

/** Node kinds whose `seed` is derived here (the others' seeds are arguments, part of their IR). */
const SEEDED = new Set<IrNode['kind']>(['model', 'sample', 'map']);

/**
 * Per node name, a digest of its IR without its own seed and of the IR of the nodes it refers to
 * (a top-level string field naming another node of the cell), recursively: equal digests mean the
 * same computation up to the seed.
 */
function contentKeys(cell: IrCell): Map<string, string> {
  const names = new Set(cell.nodes.map((n) => n.name));
  const keys = new Map<string, string>();
  for (const node of cell.nodes) {
    const { seed: _, ...rest } = node as IrNode & { seed?: number };
    const own = SEEDED.has(node.kind) ? rest : node;
    const refs = Object.values(node)
      .filter((v): v is string => typeof v === 'string' && v !== node.name && names.has(v))
      .map((v) => keys.get(v) ?? v);
    keys.set(node.name, createHash('sha256').update(JSON.stringify(own)).update(refs.join('\0')).digest('hex'));
  }
  return keys;
}

/** Rewrites, in place, the seeds of nodes that do not depend on every axis (see above). */
export function shareSeeds(studySeed: number, axes: readonly IrAxis[], cells: IrCell[]): void {
  if (axes.length === 0 || cells.length < 2) return;
  const keys = cells.map(contentKeys);
  const names = new Set(cells.flatMap((c) => c.nodes.filter((n) => SEEDED.has(n.kind)).map((n) => n.name)));
  const dependsOn = new Map<string, IrAxis[]>();
  for (const name of names) {
    const used = axes.filter((axis) => {
      // Cells grouped by their values on the other axes: within a group only `axis` varies.
      const groups = new Map<string, string>();
      return cells.some((cell, i) => {
        const rest = axes
          .filter((a) => a !== axis)
          .map((a) => cell.values[a.name])
          .join(',');
        const key = keys[i].get(name) ?? '';
        const first = groups.get(rest);
        if (first === undefined) groups.set(rest, key);
        return first !== undefined && first !== key;
      });
    });
    dependsOn.set(name, used);
  }
  for (const cell of cells) {
    for (const node of cell.nodes) {
      const used = dependsOn.get(node.name);
      if (!SEEDED.has(node.kind) || !('seed' in node) || !used || used.length === axes.length) continue;
      const id = used.length === 0 ? 'main' : used.map((a) => `${a.name}=${fmt(cell.values[a.name])}`).join(',');
      (node as IrNode & { seed: number }).seed = nodeSeed(cellSeed(studySeed, id), node.name);
    }
  }
}
