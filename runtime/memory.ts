// Memory estimates and chunking.
//
// Estimates count the float32 tensors a step keeps alive at once (state, velocity, Heun
// predictor, temporaries) and the float64 posterior buffers (weights [M], mean, score): they are
// upper bounds, not measurements, which is what a budget wants.

import os from 'node:os';
import { MemoryLimitError } from './errors.js';

/** defaultBudget(): number          bytes; a quarter of os.freemem(), at most 2 GiB */
export function defaultBudget(): number {
  return Math.min(os.freemem() / 4, 2 * 1024 ** 3);
}

/**
 * chunkSize(items, bytesPerItem, budget, what): number
 * largest number of items per chunk whose working set fits the budget; throws
 * MemoryLimitError when even one item does not fit (the only thing that cannot be chunked).
 */
export function chunkSize(items: number, bytesPerItem: number, budget: number, what: string): number {
  if (bytesPerItem > budget)
    throw new MemoryLimitError(
      `${what}: one unit of work needs ${formatBytes(bytesPerItem)} but the memory budget is ${formatBytes(budget)}; ` +
        'raise the budget or reduce the problem size (grid, features, data points)',
    );
  return Math.max(1, Math.min(items, Math.floor(budget / bytesPerItem)));
}

/** chunks(total, size): Array<[start, end)> */
export function chunks(total: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < total; s += size) out.push([s, Math.min(total, s + size)]);
  return out;
}

/** pfOdeBytesPerParticle(dim, M, solver): estimated bytes one particle needs during a step */
export function pfOdeBytesPerParticle(dim: number, M: number, solver: 'euler' | 'heun'): number {
  const f32Tensors = solver === 'heun' ? 10 : 6;
  // float64 posterior scratch per particle: input copy, weights, mean, score
  const f64 = dim + M + 2 * dim;
  return f32Tensors * dim * 4 + f64 * 8 + 64;
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = b / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
