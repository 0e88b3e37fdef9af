// Measures of the paper's qualitative results, computed from a run's histogram arrays (docs/
// outputs.md: `density` is count / (n * bin volume), pooled over all ensemble members).
import type { Array64 } from './run-example.js';

function centres(edges: Array64): number[] {
  return Array.from({ length: edges.data.length - 1 }, (_, i) => (edges.data[i] + edges.data[i + 1]) / 2);
}

/**
 * 1D gap mass: the probability in bins whose centre lies between the outermost training points
 * and farther than `radius` from every one of them (Fig. 2: the mass "between the points").
 */
export function gapMass1d(density: Array64, edges: Array64, points: number[], radius: number): number {
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  let mass = 0;
  centres(edges).forEach((c, i) => {
    const far = points.every((p) => Math.abs(c - p) > radius);
    if (far && c > lo && c < hi) mass += density.data[i] * (edges.data[i + 1] - edges.data[i]);
  });
  return mass;
}

function segmentDistance(p: [number, number], a: number[], b: number[]): number {
  const [abx, aby] = [b[0] - a[0], b[1] - a[1]];
  const u = Math.min(1, Math.max(0, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / (abx * abx + aby * aby)));
  return Math.hypot(p[0] - a[0] - u * abx, p[1] - a[1] - u * aby);
}

export interface SquareFill {
  /** Mass within `band` of a side (adjacent points), outside the vertex discs. */
  adjacent: number;
  /** Mass within `band` of a diagonal (opposite points), outside the vertex discs. */
  opposite: number;
  /** Mass within `vertexRadius` of a training point. */
  vertices: number;
}

/**
 * Fig. 3: where the mass between four points on a square lies. `points` are the square's
 * vertices in order around it; 2D density rows are x bins, columns y bins.
 */
export function squareFill(
  density: Array64,
  ex: Array64,
  ey: Array64,
  points: number[][],
  band: number,
  vertexRadius: number,
): SquareFill {
  const cx = centres(ex);
  const cy = centres(ey);
  const out: SquareFill = { adjacent: 0, opposite: 0, vertices: 0 };
  const n = points.length;
  for (let i = 0; i < cx.length; i++) {
    for (let j = 0; j < cy.length; j++) {
      const m = density.data[i * cy.length + j] * (ex.data[i + 1] - ex.data[i]) * (ey.data[j + 1] - ey.data[j]);
      if (m === 0) continue;
      const p: [number, number] = [cx[i], cy[j]];
      if (points.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) < vertexRadius)) {
        out.vertices += m;
        continue;
      }
      if (points.some((q, k) => segmentDistance(p, q, points[(k + 1) % n]) < band)) out.adjacent += m;
      if ([0, 1].some((k) => segmentDistance(p, points[k], points[k + 2]) < band)) out.opposite += m;
    }
  }
  return out;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Index of the grid value nearest to x. */
export function nearestIndex(grid: ArrayLike<number>, x: number): number {
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (Math.abs(grid[i] - x) < Math.abs(grid[best] - x)) best = i;
  return best;
}
