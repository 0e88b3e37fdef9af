// The samples a sample node's result keeps: at most SAMPLE_CAP rows of its n, evenly strided
// (ensembles store their draws member by member, and a prefix would show the first member alone).
// Ensembles whose full samples no metric reads store only these rows (samplers/members.ts), so
// the row arithmetic lives here, where the member loops (particles/member.ts) and the result
// (samplers/common.ts) both read it.

const SAMPLE_CAP = 10_000;

/** How many of n samples the result keeps. */
export function keptCount(n: number): number {
  return Math.min(n, SAMPLE_CAP);
}

/** The sample row that kept row k is (k < kept). */
export function keptRow(k: number, n: number, kept: number): number {
  return Math.floor((k * n) / kept);
}

/** The first kept row k whose sample row is at least `row`. */
export function firstKeptAtOrAfter(row: number, n: number, kept: number): number {
  let k = Math.ceil((row * kept) / n);
  while (k > 0 && keptRow(k - 1, n, kept) >= row) k--;
  while (k < kept && keptRow(k, n, kept) < row) k++;
  return k;
}
