// Each distinct point's distance to its nearest other distinct point, in O(N log N): the scale
// the coarse-grid (median) and float32-score (maximum) rules compare against. Data sets reach
// millions of points (csv, mixture), so neither the pairwise definition nor a spread over the
// points is usable here.
//
// The distances are the same numbers as the pairwise definition's: every candidate distance is
// Math.hypot of the coordinate differences (query minus other point, in axis order), and a part
// of the space is skipped only when no point in it can be strictly closer. Pruning relies on
// hypot(d) >= |d_a| for every axis a and on fl(q - p) being monotone in p, both of which hold in
// floating point. test/lint/nearest.test.ts compares against the brute force.
//
// In 2D and 3D a uniform grid of about one point per cell answers most queries from the 3^d
// cells around the point (nearest-grid.ts); a point whose neighbour lies beyond the cells the
// grid searches or whose squared distances cannot be trusted, and data whose cells are too full
// (clusters, points on a line), go to a k-d tree, balanced whatever the distribution.
import { gridNearest } from './nearest-grid.js';

/** Leaves hold at most this many points (6, 12 and 24 took the same time on 1e6 random 2D and 3D points). */
const LEAF = 12;

/** Points as rows, or packed: point i is xs[i * dim .. (i + 1) * dim). */
export type PointsIn = readonly (readonly number[])[] | Float64Array;

/** Nearest-distinct-neighbour distance of every distinct point, ascending (empty with fewer than two). */
export function nearestDistances(points: PointsIn, dim: number): Float64Array {
  return unsorted(points, dim).sort();
}

/**
 * The median (the sorted distances' element floor((m - 1) / 2)) and the largest of the m
 * distances, or undefined with fewer than two distinct points: what the lint rules read, by
 * selection instead of a sort, which cost a million-point `gtv check` a seventh of a second.
 */
export function nearestSpacing(points: PointsIn, dim: number): { median: number; max: number } | undefined {
  const d = unsorted(points, dim);
  if (d.length === 0) return undefined;
  let max = d[0];
  for (let i = 1; i < d.length; i++) if (d[i] > max) max = d[i];
  return { median: select(d, (d.length - 1) >> 1), max };
}

/** The k-th smallest of a (reordering a): Hoare's selection with a median-of-three pivot. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The distances in no particular order. */
function unsorted(points: PointsIn, dim: number): Float64Array {
  const packed = pack(points, dim);
  if (dim === 1) return nearest1d(packed);
  const out = dim <= 3 ? gridNearest(packed, dim, (xs) => new KdTree(distinctPoints(xs, dim), dim)) : undefined;
  return out ?? treeNearest(packed, dim);
}

function pack(points: PointsIn, dim: number): Float64Array {
  if (points instanceof Float64Array) return points;
  const xs = new Float64Array(points.length * dim);
  for (let i = 0; i < points.length; i++) for (let a = 0; a < dim; a++) xs[i * dim + a] = points[i][a];
  return xs;
}

/** Every distinct point's distance by a query of the k-d tree (unsorted). */
export function treeNearest(packed: Float64Array, dim: number): Float64Array {
  const xs = distinctPoints(packed, dim);
  const m = xs.length / dim;
  if (m < 2) return new Float64Array(0);
  const tree = new KdTree(xs, dim);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = tree.nearestOther(i);
  return out;
}

function nearest1d(xs: Float64Array): Float64Array {
  const sorted = xs.slice().sort();
  // -0 and 0 are one point, as in the pairwise definition (its key is the printed coordinate).
  let m = 0;
  for (let i = 0; i < sorted.length; i++) if (m === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i];
  if (m < 2) return new Float64Array(0);
  const out = new Float64Array(m);
  // Math.hypot is monotone in |d| and fl(a - b) = -fl(b - a), so one call on the smaller gap
  // gives the smaller of the two neighbours' distances.
  for (let i = 0; i < m; i++) {
    const left = i > 0 ? sorted[i] - sorted[i - 1] : Infinity;
    const right = i < m - 1 ? sorted[i + 1] - sorted[i] : Infinity;
    out[i] = Math.hypot(Math.min(left, right));
  }
  return out;
}

/**
 * The distinct points' coordinates, packed (first occurrences, in order). Equal means === on
 * every axis, so -0 and 0 are one point, as in the definition. An open-addressing hash table
 * keeps this O(N); a sort with a comparator was the slowest step at 1e6 points.
 */
function distinctPoints(points: Float64Array, dim: number): Float64Array {
  const n = points.length / dim;
  const xs = new Float64Array(n * dim);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = i * dim;
    let h = 0x811c9dc5;
    for (let a = 0; a < dim; a++) {
      bits[0] = points[p + a] + 0; // -0 + 0 is 0: equal points hash alike
      h = Math.imul(h ^ words[0], 0x01000193);
      h = Math.imul(h ^ words[1], 0x01000193);
    }
    h ^= h >>> 15;
    let slot = h & (size - 1);
    let found = false;
    for (;;) {
      const j = table[slot];
      if (j < 0) break;
      let same = true;
      for (let a = 0; a < dim && same; a++) same = xs[j * dim + a] === points[p + a];
      if (same) {
        found = true;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
    if (found) continue;
    table[slot] = m;
    for (let a = 0; a < dim; a++) xs[m * dim + a] = points[p + a];
    m++;
  }
  return xs.slice(0, m * dim);
}

/**
 * A k-d tree over packed points, which it reorders in place so that every node's points are
 * contiguous (sequential memory access while building and in the leaves). Each inner node splits
 * at the median, so the tree is balanced whatever the distribution (clusters, a far outlier,
 * points on a line).
 */
export class KdTree {
  // Per node: its range of points, split axis (-1 for a leaf) and split value; the children of
  // node k are 2k + 1 and 2k + 2.
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly axis: Int8Array;
  private readonly split: Float64Array;
  private readonly stack = new Int32Array(128);
  private readonly dists = new Float64Array(128);
  private readonly q: Float64Array;
  private readonly d: number[];

  constructor(
    private readonly xs: Float64Array,
    private readonly dim: number,
  ) {
    const n = xs.length / dim;
    let size = 1;
    while (size * LEAF < n) size *= 2;
    this.lo = new Int32Array(2 * size);
    this.hi = new Int32Array(2 * size);
    this.axis = new Int8Array(2 * size).fill(-1);
    this.split = new Float64Array(2 * size);
    this.q = new Float64Array(dim);
    this.d = new Array<number>(dim).fill(0);
    this.build(0, 0, n);
  }

  /**
   * Splits along the widest side of the node's box: the root's bounding box, cut at each split
   * value on the way down (cheaper than a bounding box of every node's points, and the median
   * split keeps the tree balanced either way).
   */
  private build(node: number, lo: number, hi: number, box?: Float64Array): void {
    this.lo[node] = lo;
    this.hi[node] = hi;
    if (hi - lo <= LEAF) return;
    const { xs, dim } = this;
    if (!box) {
      box = new Float64Array(2 * dim).fill(Infinity);
      for (let a = 0; a < dim; a++) box[dim + a] = -Infinity;
      for (let k = lo; k < hi; k++)
        for (let a = 0; a < dim; a++) {
          const v = xs[k * dim + a];
          if (v < box[a]) box[a] = v;
          if (v > box[dim + a]) box[dim + a] = v;
        }
    }
    let axis = 0;
    for (let a = 1; a < dim; a++) if (box[dim + a] - box[a] > box[dim + axis] - box[axis]) axis = a;
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, axis);
    const split = xs[mid * dim + axis];
    this.axis[node] = axis;
    this.split[node] = split;
    const left = box.slice();
    left[dim + axis] = split;
    const right = box.slice();
    right[axis] = split;
    this.build(2 * node + 1, lo, mid, left);
    this.build(2 * node + 2, mid, hi, right);
  }

  /** Partially sorts points lo..hi along the axis so that point k is the k-th smallest (Hoare quickselect). */
  private select(lo: number, hi: number, k: number, axis: number): void {
    const { xs, dim } = this;
    while (hi > lo) {
      const pivot = xs[((lo + hi) >> 1) * dim + axis];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (xs[i * dim + axis] < pivot) i++;
        while (xs[j * dim + axis] > pivot) j--;
        if (i <= j) {
          for (let a = 0; a < dim; a++) {
            const t = xs[i * dim + a];
            xs[i * dim + a] = xs[j * dim + a];
            xs[j * dim + a] = t;
          }
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /** Distance from point p (by its position in the tree) to the nearest other point. */
  nearestOther(p: number): number {
    return this.nearestTo(this.xs, p * this.dim);
  }

  /**
   * Distance from the point at src[at .. at + dim) to the nearest point of the tree not equal to
   * it (the points are distinct, so that is every point but itself).
   */
  nearestTo(src: Float64Array, at: number): number {
    const { xs, dim, stack, dists, q, d } = this;
    for (let a = 0; a < dim; a++) q[a] = src[at + a];
    let best = Infinity;
    // Pending nodes, each with how far beyond its split q lies (a lower bound on its distances).
    let top = 0;
    stack[top] = 0;
    dists[top++] = 0;
    while (top > 0) {
      top--;
      let node = stack[top];
      // The margin keeps the skip safe even if hypot(d) fell an ulp below |d_a|.
      if (dists[top] > best * (1 + 1e-12)) continue;
      // Descend to the leaf on q's side, leaving the far children on the stack.
      while (this.axis[node] >= 0) {
        const a = this.axis[node];
        const s = this.split[node];
        const left = 2 * node + 1;
        if (q[a] < s) {
          stack[top] = left + 1;
          dists[top++] = s - q[a];
          node = left;
        } else {
          // Points equal to the split value can lie on both sides.
          stack[top] = left;
          dists[top++] = q[a] - s;
          node = left + 1;
        }
      }
      // An equal point (the query itself) is at distance 0, which never counts.
      for (let o = this.lo[node]; o < this.hi[node]; o++) {
        // Squared distances only skip points that are certainly farther (their rounding is far
        // below the 1e-10 margin, and best is in the range where squares neither overflow nor
        // lose precision); every distance kept is Math.hypot's, the definition's.
        const sure = best <= 1e140 && best >= 1e-140;
        const bound = best * best * (1 + 1e-10);
        const b = o * dim;
        if (dim === 2) {
          const dx = q[0] - xs[b];
          const dy = q[1] - xs[b + 1];
          if (sure && dx * dx + dy * dy > bound) continue;
          const h = Math.hypot(dx, dy);
          if (h < best && h > 0) best = h;
        } else if (dim === 3) {
          const dx = q[0] - xs[b];
          const dy = q[1] - xs[b + 1];
          const dz = q[2] - xs[b + 2];
          if (sure && dx * dx + dy * dy + dz * dz > bound) continue;
          const h = Math.hypot(dx, dy, dz);
          if (h < best && h > 0) best = h;
        } else {
          let sq = 0;
          for (let a = 0; a < dim; a++) {
            d[a] = q[a] - xs[b + a];
            sq += d[a] * d[a];
          }
          if (sure && sq > bound) continue;
          const h = Math.hypot(...d);
          if (h < best && h > 0) best = h;
        }
      }
    }
    return best;
  }
}
