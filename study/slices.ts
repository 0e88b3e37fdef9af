// Slices of a study's cells for `gtv run --cells i/n`: slice i (1-based) holds the cells whose
// index % n == i - 1. Round-robin rather than contiguous blocks because a sweep's cost usually
// grows along an axis (more draws, larger P), so neighbouring cells should land in different
// slices.

export interface SliceSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 <= i <= n); returns a message naming the problem otherwise. */
export function parseSlice(text: string): SliceSpec | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `\`--cells\` must be i/n, slice i of n (e.g. 2/4), got \`${text}\``;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `\`--cells ${text}\`: need 1 <= i <= n`;
  return { index, count };
}

/** The slice (1-based) of `count` that computes the cell with this index. */
export function sliceOf(cellIndex: number, count: number): number {
  return (cellIndex % count) + 1;
}

export function inSlice(cellIndex: number, slice: SliceSpec | null | undefined): boolean {
  return !slice || sliceOf(cellIndex, slice.count) === slice.index;
}

export function formatSlice(slice: SliceSpec): string {
  return `${slice.index}/${slice.count}`;
}
