// compiler/lint/nearest.ts against the pairwise definition it replaces (each distinct point's
// distance to its nearest other distinct point, duplicates counted once): the same numbers,
// exactly, on random sets with duplicates, clusters, ties and lattices in 1 to 4 dimensions;
// and a large set well inside the time a quadratic algorithm would need.
import { expect } from 'chai';
import { nearestDistances, nearestSpacing } from '../../compiler/lint/nearest.js';
import { gridNearest } from '../../compiler/lint/nearest-grid.js';

/** The O(N^2) definition, written as the lint rules first had it. */
function bruteForce(points: number[][]): number[] {
  const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));
  const seen = new Set<string>();
  const pts = points.filter((p) => {
    const k = p.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (pts.length < 2) return [];
  return pts
    .map((p, i) => pts.reduce((m, q, j) => (j === i ? m : Math.min(m, dist(p, q))), Infinity))
    .sort((x, y) => x - y);
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number, n: number, dim: number) => number[][];
const point = (dim: number, f: (a: number) => number) => Array.from({ length: dim }, (_, a) => f(a));
const SETS: Record<string, Gen> = {
  uniform: (r, n, dim) => Array.from({ length: n }, () => point(dim, () => r() * 4 - 2)),
  // Repeats of earlier points, so a point's duplicate must not count as its neighbour.
  duplicates: (r, n, dim) => {
    const out: number[][] = [];
    for (let i = 0; i < n; i++)
      out.push(out.length > 0 && r() < 0.4 ? [...out[Math.floor(r() * out.length)]] : point(dim, () => r()));
    return out;
  },
  // A lattice: many equal distances and points on every split value.
  lattice: (r, n, dim) => Array.from({ length: n }, () => point(dim, () => Math.floor(r() * 5) * 0.25)),
  // Tight clusters far apart plus one far outlier: unbalanced for a uniform grid.
  clusters: (r, n, dim) => [
    ...Array.from({ length: n - 1 }, () => point(dim, () => (r() < 0.5 ? -1e3 : 1e3) + 1e-6 * r())),
    point(dim, () => 1e9),
  ],
  // All points on one line through the space, and signed zeros that the definition treats as equal.
  line: (r, n, dim) =>
    Array.from({ length: n }, (_, i) => point(dim, (a) => (i % 7 === 0 ? (a % 2 ? -0 : 0) : (a + 1) * r()))),
};

describe('lint nearest-neighbour distances', () => {
  for (const dim of [1, 2, 3, 4]) {
    for (const [name, gen] of Object.entries(SETS)) {
      it(`${dim}D ${name}: identical to the pairwise definition`, () => {
        for (const [seed, n] of [
          [1, 0],
          [2, 1],
          [3, 2],
          [4, 3],
          [5, 17],
          [6, 200],
          [7, 600],
        ]) {
          const pts = gen(rng(seed * 100 + dim), n, dim);
          const exact = bruteForce(pts);
          expect(Array.from(nearestDistances(pts, dim)), `seed ${seed}, ${n} points`).to.deep.equal(exact);
          // What the lint rules read, by selection: the sorted distances' middle and last element.
          expect(nearestSpacing(pts, dim), `spacing, seed ${seed}, ${n} points`).to.deep.equal(
            exact.length ? { median: exact[(exact.length - 1) >> 1], max: exact[exact.length - 1] } : undefined,
          );
        }
      });
    }
  }

  // The grid's own paths (nearest-grid.ts), each against the definition: queries it answers
  // alone, queries it passes to the tree (a neighbour beyond its rings, squares too small to
  // trust), and data it refuses (crowded cells).
  const packed = (pts: number[][]) => new Float64Array(pts.flat());
  const noTree = () => {
    throw new Error('the grid asked the tree');
  };
  const GRID_SETS: Record<string, Gen> = {
    ...SETS,
    // Half the points in a corner 1% of the box: cells there hold about 50 points each.
    dense: (r, n, dim) => Array.from({ length: n }, (_, i) => point(dim, () => (i % 2 ? r() * 0.1 : r()))),
    // A uniform cloud with a hole of radius 0.45 and one point at its centre: that point's
    // neighbour is beyond the rings the grid scans.
    hole: (r, n, dim) => {
      const out: number[][] = [point(dim, () => 0.5)];
      while (out.length < n) {
        const p = point(dim, () => r());
        if (Math.hypot(...p.map((v) => v - 0.5)) > 0.45) out.push(p);
      }
      return out;
    },
    // Points about 1e-162 apart: their squared distances underflow.
    tiny: (r, n, dim) => Array.from({ length: n }, () => point(dim, () => r() * 1e-160)),
  };
  for (const dim of [2, 3]) {
    for (const [name, gen] of Object.entries(GRID_SETS)) {
      it(`${dim}D ${name}, 2000 points through the grid: identical to the pairwise definition`, () => {
        const pts = gen(rng(77 + dim), 2000, dim);
        const expected = bruteForce(pts);
        expect(Array.from(nearestDistances(pts, dim))).to.deep.equal(expected);
        let asked = 0;
        const viaGrid = gridNearest(packed(pts), dim, (xs) => {
          asked++;
          // The pairwise definition for one query (the points other than it).
          const nearestTo = (src: Float64Array, at: number) => {
            let best = Infinity;
            for (let i = 0; i < xs.length; i += dim) {
              const h =
                dim === 2
                  ? Math.hypot(src[at] - xs[i], src[at + 1] - xs[i + 1])
                  : Math.hypot(src[at] - xs[i], src[at + 1] - xs[i + 1], src[at + 2] - xs[i + 2]);
              if (h > 0 && h < best) best = h;
            }
            return best;
          };
          expect(xs).to.have.length(pts.length * dim);
          return { nearestTo };
        });
        if (viaGrid) expect(Array.from(viaGrid).sort((x, y) => x - y)).to.deep.equal(expected);
        if (name === 'uniform')
          expect(gridNearest(packed(pts), dim, noTree), 'uniform data stays on the grid').to.not.equal(undefined);
        if (name === 'clusters' || name === 'line')
          expect(viaGrid, 'crowded cells leave the data to the tree').to.equal(undefined);
        if (name === 'tiny' || name === 'hole')
          expect(asked, 'the tree, built once for the queries passed to it').to.equal(1);
      });
    }
  }

  it('picks the nearest by Math.hypot where squared distances order two neighbours the other way', () => {
    // From the origin: a's squared distance is the smaller, b's Math.hypot is.
    const a = [-0.3505287290028096, -0.5519010447571793];
    const b = [-0.639785008711741, -0.13468591495813004];
    expect(a[0] * a[0] + a[1] * a[1]).to.be.lessThan(b[0] * b[0] + b[1] * b[1]);
    expect(Math.hypot(...a)).to.be.greaterThan(Math.hypot(...b));
    const pts = [[0, 0], a, b];
    expect(Array.from(gridNearest(packed(pts), 2, noTree) ?? []).sort((x, y) => x - y)).to.deep.equal(bruteForce(pts));
    expect(Array.from(nearestDistances(pts, 2))).to.deep.equal(bruteForce(pts));
  });

  it('all copies of one point: no distinct pair, no distances', () => {
    expect(
      Array.from(
        nearestDistances(
          Array.from({ length: 50 }, () => [0.5, -1]),
          2,
        ),
      ),
    ).to.deep.equal([]);
  });

  it('two points: both at their distance', () => {
    expect(
      Array.from(
        nearestDistances(
          [
            [0, 0, 0],
            [1, 2, 2],
          ],
          3,
        ),
      ),
    ).to.deep.equal([3, 3]);
  });

  it('1e5 points in 2D within seconds (the pairwise definition takes minutes)', function () {
    this.timeout(20000);
    const r = rng(9);
    const pts = Array.from({ length: 1e5 }, () => [r(), r()]);
    const t0 = performance.now();
    const d = nearestDistances(pts, 2);
    const ms = performance.now() - t0;
    expect(d.length).to.equal(1e5);
    // Generous for a loaded 2-core machine: about 0.2 s when idle.
    expect(ms).to.be.lessThan(5000);
    // Spot check against a direct scan for a few points.
    const first = pts[0];
    const direct = pts.slice(1).reduce((m, q) => Math.min(m, Math.hypot(first[0] - q[0], first[1] - q[1])), Infinity);
    expect(Array.from(d)).to.include(direct);
  });
});
