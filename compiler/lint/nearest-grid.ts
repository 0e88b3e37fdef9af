// Nearest-distinct-neighbour distances of 2D and 3D points on a uniform grid (nearest.ts holds
// the definition and the k-d tree). Points are bucketed by a counting sort into cells of about
// one point each; a query scans the block of cells around its own, then rings around that, and
// stops once no unscanned cell can hold a strictly closer point. Linear time when the cells are
// evenly filled, which is what most data sets do at the scale the grid is sized for.
//
// Two guards bound the grid's work: data whose cells are too full (clusters, points on a line,
// a far outlier stretching the bounding box) is left to the k-d tree entirely, and a point whose
// neighbour lies beyond RINGS rings asks the tree (built on first need).

/** Rings scanned before a query goes to the k-d tree: about 1000 cells (31^2 in 2D, 9^3 in 3D). */
const RINGS = [0, 0, 15, 4];

/** Over this many pair checks per point within cells (sum of squared cell counts / N), the grid is not used. */
const CROWDED = 24;

/** Squared distances within this factor of the least may be the nearest by Math.hypot (both are within a few ulps of exact). */
const TIE = 1 + 1e-10;

/** Cell-index units of slack in the stopping rule: far above the rounding of (x - lo) / h. */
const SLACK = 1e-6;

export interface Tree {
  nearestTo(src: Float64Array, at: number): number;
}

/**
 * Distances (unsorted) of each distinct point of xs (packed, dim 2 or 3) to its nearest other
 * distinct point, or undefined when the grid does not suit the data. `tree` builds the k-d tree
 * over the packed points for the queries the grid leaves.
 */
export function gridNearest(xs: Float64Array, dim: number, tree: (xs: Float64Array) => Tree): Float64Array | undefined {
  const n = xs.length / dim;
  if (n < 2) return new Float64Array(0);
  const grid = Grid.over(xs, dim);
  if (!grid) return undefined;
  const distinct = grid.markCopies();
  if (distinct < 2) return new Float64Array(0);
  let fallback: Tree | undefined;
  const out = new Float64Array(distinct);
  let m = 0;
  for (let p = 0; p < n; p++) {
    if (grid.copy[p]) continue;
    let d = grid.nearest(p);
    if (d < 0) {
      fallback ??= tree(xs);
      d = fallback.nearestTo(grid.g, 3 * p);
    }
    out[m++] = d;
  }
  return out;
}

class Grid {
  /** Later copies of a point (=== on every axis, so -0 is 0) are marked; only the first counts. */
  readonly copy: Uint8Array;
  /** Points within rounding of the best squared distance so far: the nearest by Math.hypot is
   * among them. Math.hypot costs as much as dozens of squared distances, so only these pay for it. */
  private readonly near = new Int32Array(32);
  private readonly nearSq = new Float64Array(32);

  private constructor(
    private readonly dim: number,
    /** Points in cell order, 3 slots each (z is 0 in 2D). */
    readonly g: Float64Array,
    /** Cell c holds points start[c] .. start[c + 1] - 1; cells run x fastest, then y, then z. */
    private readonly start: Int32Array,
    private readonly size: readonly number[],
    private readonly lo: readonly number[],
    /** Cells per unit length, and cell widths, per axis (0 across an axis of one cell). */
    private readonly scale: readonly number[],
    private readonly width: readonly number[],
  ) {
    this.copy = new Uint8Array(g.length / 3);
  }

  static over(xs: Float64Array, dim: number): Grid | undefined {
    const n = xs.length / dim;
    const lo = [0, 0, 0];
    const span = [0, 0, 0];
    for (let a = 0; a < dim; a++) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = a; i < xs.length; i += dim) {
        const v = xs[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      lo[a] = min;
      span[a] = max - min;
    }
    if (!span.every(Number.isFinite)) return undefined;
    const size = cellCounts(span, n);
    const scale = [0, 1, 2].map((a) => (size[a] > 1 ? size[a] / span[a] : 0));
    const width = [0, 1, 2].map((a) => (size[a] > 1 ? span[a] / size[a] : 0));
    const cells = size[0] * size[1] * size[2];
    const cellOf = cellIndices(xs, dim, size, lo, scale);
    const start = new Int32Array(cells + 1);
    for (let i = 0; i < n; i++) start[cellOf[i] + 1]++;
    let crowd = 0;
    for (let c = 0; c < cells; c++) {
      crowd += start[c + 1] * start[c + 1];
      start[c + 1] += start[c];
    }
    if (crowd > CROWDED * n) return undefined;
    const g = new Float64Array(3 * n);
    const fill = start.slice(0, cells);
    for (let i = 0; i < n; i++) {
      const k = fill[cellOf[i]]++;
      for (let a = 0; a < dim; a++) g[3 * k + a] = xs[i * dim + a];
    }
    return new Grid(dim, g, start, size, lo, scale, width);
  }

  /** Marks later copies (each shares its first copy's cell) and returns the number of distinct points. */
  markCopies(): number {
    const { g, start, copy } = this;
    let distinct = 0;
    for (let c = 0; c + 1 < start.length; c++) {
      for (let j = start[c]; j < start[c + 1]; j++) {
        for (let i = start[c]; i < j; i++) {
          if (!copy[i] && g[3 * i] === g[3 * j] && g[3 * i + 1] === g[3 * j + 1] && g[3 * i + 2] === g[3 * j + 2]) {
            copy[j] = 1;
            break;
          }
        }
        if (!copy[j]) distinct++;
      }
    }
    return distinct;
  }

  /**
   * Distance from point p to its nearest other distinct point, or -1 when the grid cannot tell
   * (the neighbour is beyond the rings scanned, too many ties, or squares that may overflow or lose precision).
   */
  nearest(p: number): number {
    const { g, lo, scale, width, size } = this;
    const qx = g[3 * p];
    const qy = g[3 * p + 1];
    const qz = g[3 * p + 2];
    // The query's cell coordinates, as the bucketing computed them (its cell is their floor).
    const fx = (qx - lo[0]) * scale[0];
    const fy = (qy - lo[1]) * scale[1];
    const fz = (qz - lo[2]) * scale[2];
    const ix = Math.min(size[0] - 1, Math.floor(fx));
    const iy = Math.min(size[1] - 1, Math.floor(fy));
    const iz = Math.min(size[2] - 1, Math.floor(fz));
    this.found = 0;
    this.bestSq = Infinity;
    for (let r = 1; r <= RINGS[this.dim]; r++) {
      if (!this.scanRing(p, ix, iy, iz, r)) return -1;
      // Every point not yet seen lies in a cell outside the block scanned, so at least the
      // distance from q to the block's nearest open face (one with cells beyond it) away. With
      // no open face every point has been seen.
      let reach = Infinity;
      if (ix - r > 0) reach = Math.min(reach, (fx - (ix - r) - SLACK) * width[0]);
      if (ix + r < size[0] - 1) reach = Math.min(reach, (ix + r + 1 - fx - SLACK) * width[0]);
      if (iy - r > 0) reach = Math.min(reach, (fy - (iy - r) - SLACK) * width[1]);
      if (iy + r < size[1] - 1) reach = Math.min(reach, (iy + r + 1 - fy - SLACK) * width[1]);
      if (iz - r > 0) reach = Math.min(reach, (fz - (iz - r) - SLACK) * width[2]);
      if (iz + r < size[2] - 1) reach = Math.min(reach, (iz + r + 1 - fz - SLACK) * width[2]);
      if (reach === Infinity || Math.sqrt(this.bestSq) * (1 + 1e-9) < reach * (1 - 1e-9))
        return this.hypotOfBest(qx, qy, qz);
    }
    return -1;
  }

  private found = 0;
  private bestSq = Infinity;

  /** Scans the cells at Chebyshev distance r from (ix, iy, iz), all cells within 1 when r is 1; false when the ties overflow. */
  private scanRing(p: number, ix: number, iy: number, iz: number, r: number): boolean {
    const { size, start } = this;
    const [nx, ny, nz] = size;
    const x0 = Math.max(0, ix - r);
    const x1 = Math.min(nx - 1, ix + r);
    for (let z = Math.max(0, iz - r); z <= Math.min(nz - 1, iz + r); z++) {
      const zEdge = r === 1 || z === iz - r || z === iz + r;
      for (let y = Math.max(0, iy - r); y <= Math.min(ny - 1, iy + r); y++) {
        const row = (z * ny + y) * nx;
        // A row on the ring's faces is new from end to end (consecutive cells, so one run of
        // points); inside, only its two end cells are.
        if (zEdge || y === iy - r || y === iy + r) {
          if (!this.scan(p, start[row + x0], start[row + x1 + 1])) return false;
        } else {
          if (ix - r >= 0 && !this.scan(p, start[row + ix - r], start[row + ix - r + 1])) return false;
          if (ix + r < nx && !this.scan(p, start[row + ix + r], start[row + ix + r + 1])) return false;
        }
      }
    }
    return true;
  }

  private scan(p: number, from: number, to: number): boolean {
    const { g, copy, near, nearSq } = this;
    const qx = g[3 * p];
    const qy = g[3 * p + 1];
    const qz = g[3 * p + 2];
    let bestSq = this.bestSq;
    let found = this.found;
    for (let o = from; o < to; o++) {
      if (copy[o] || o === p) continue;
      const dx = qx - g[3 * o];
      const dy = qy - g[3 * o + 1];
      const dz = qz - g[3 * o + 2];
      const sq = dx * dx + dy * dy + dz * dz;
      if (sq > bestSq * TIE) continue;
      if (sq < bestSq) bestSq = sq;
      if (found === near.length) {
        let kept = 0;
        for (let k = 0; k < found; k++) {
          if (nearSq[k] > bestSq * TIE) continue;
          near[kept] = near[k];
          nearSq[kept++] = nearSq[k];
        }
        found = kept;
        if (found === near.length) return false;
      }
      near[found] = o;
      nearSq[found++] = sq;
    }
    this.bestSq = bestSq;
    this.found = found;
    return true;
  }

  /** Math.hypot's distance to the nearest of the points within rounding of the least squared distance, or -1 if the squares are unreliable. */
  private hypotOfBest(qx: number, qy: number, qz: number): number {
    const { g, near, nearSq, bestSq } = this;
    if (!(bestSq >= 1e-280 && bestSq <= 1e280)) return -1;
    let best = Infinity;
    for (let k = 0; k < this.found; k++) {
      if (nearSq[k] > bestSq * TIE) continue;
      const o = 3 * near[k];
      const h =
        this.dim === 2 ? Math.hypot(qx - g[o], qy - g[o + 1]) : Math.hypot(qx - g[o], qy - g[o + 1], qz - g[o + 2]);
      if (h < best) best = h;
    }
    return best;
  }
}

/** The cell of each point: x fastest, then y, then z (a point on the top edge is in the last cell). */
function cellIndices(
  xs: Float64Array,
  dim: number,
  size: readonly number[],
  lo: readonly number[],
  scale: readonly number[],
): Int32Array {
  const n = xs.length / dim;
  const out = new Int32Array(n);
  const [nx, ny, nz] = size;
  const [lx, ly, lz] = lo;
  const [sx, sy, sz] = scale;
  for (let i = 0; i < n; i++) {
    const x = Math.min(nx - 1, Math.floor((xs[i * dim] - lx) * sx));
    const y = Math.min(ny - 1, Math.floor((xs[i * dim + 1] - ly) * sy));
    const z = dim === 3 ? Math.min(nz - 1, Math.floor((xs[i * dim + 2] - lz) * sz)) : 0;
    out[i] = (z * ny + y) * nx + x;
  }
  return out;
}

/** Cells per axis: about n in all, as near cubes as the spans allow (one cell across a zero span). */
function cellCounts(span: number[], n: number): number[] {
  const open = span.filter((s) => s > 0);
  if (open.length === 0) return [1, 1, 1];
  // Logarithms: a product of spans can overflow or underflow where each span is fine.
  const logCell = (open.reduce((t, s) => t + Math.log(s), 0) - Math.log(n)) / open.length;
  return span.map((s) => (s > 0 ? Math.max(1, Math.min(n, Math.floor(Math.exp(Math.log(s) - logCell)))) : 1));
}
