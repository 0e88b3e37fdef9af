// Seeds: a cell's seed derives from the study seed and the cell id, a node's from its cell's seed
// and its name, so adding a cell or a node never changes the random draws of the others.
// Each is the first four bytes of a SHA-256 digest, read big-endian as an unsigned 32-bit integer.
import { createHash } from 'node:crypto';

export function hashSeed(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}

export const cellSeed = (studySeed: number, cellId: string) => hashSeed(`${studySeed}:${cellId}`);
export const nodeSeed = (cell: number, nodeName: string) => hashSeed(`${cell}:${nodeName}`);
