// Metrics on sample sets (design.md 2), in float64. Definitions (n samples x_i, training points
// mu_m, radius r):
//
//   memorizedFraction  fraction of samples with min_m |x_i - mu_m| <= r (Euclidean); memorizedFlags
//                      and gapFlags give the per-sample indicators (for per-member fractions).
//   gapMass            fraction of samples with min_m |x_i - mu_m| > r that lie inside the
//                      axis-aligned bounding box of the training points: mass that moved into the
//                      gaps between points, as opposed to mass spread outside the data's extent.
//   nearestDistances   d_i = min_m |x_i - mu_m| for every sample (summarized by mean and median).
//   totalVariation     TV(p, q) = (1/2) sum_b |p_b - q_b| over histogram bins plus one extra
//                      "outside the range" bin, p and q bin probabilities (each sums to 1).
//   klDivergence       KL(p || q) = sum_b p_b log(p_b / q_b) over the same bins; terms with
//                      p_b = 0 are 0, and p_b > 0 = q_b gives +Infinity (returned as is).
//   mmd2               unbiased squared maximum mean discrepancy with the Gaussian kernel
//                      k(x, y) = exp(-|x - y|^2 / (2 h^2)); h <= 0 selects the median pairwise
//                      distance of the pooled sets (median heuristic). Uses at most `cap` rows of
//                      each set, evenly strided: ensembles store their draws member by member,
//                      so a prefix would be the first member alone. With row groups (members or
//                      blocks of draws) it also returns the kernel sums per pair of groups, from
//                      which mmd2Weighted recomputes it for resampled groups (the bootstrap of
//                      metric-errors.ts); momentSums / effectiveDimensionOfSums do the same for
//                      the effective dimension.
//   effectiveDimension participation ratio (sum lambda)^2 / sum lambda^2 of the eigenvalues of
//                      the sample covariance: 1 for samples on a line, dim for isotropic spread.
//   mixtureBinProbabilities  exact bin probabilities of p(x | t) = sum_m pi_m N(alpha mu_m, S_t):
//                      products of normal CDF differences when S_t is diagonal; otherwise the
//                      density at 3x3 Gauss-Legendre nodes per bin times the bin area. The
//                      outside-the-range mass is appended as the last entry.

import type { IrHistogram } from '../compiler/ir/types.js';
import type { PointSet } from './posterior.js';
import type { Schedule } from './schedule.js';
import { edgesOf, binProbabilities, histogram } from './histogram.js';
import { cholesky, solveLower } from './linalg/cholesky.js';
import { symEig } from './linalg/sym-eig.js';

export function nearestDistances(samples: ArrayLike<number>, n: number, dim: number, data: PointSet): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let m = 0; m < data.M; m++) {
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const v = samples[i * dim + a] - data.points[m * dim + a];
        d2 += v * v;
      }
      if (d2 < best) best = d2;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}

/** 1 for samples within r of a training point (memorized), else 0. */
export function memorizedFlags(
  samples: ArrayLike<number>,
  n: number,
  dim: number,
  data: PointSet,
  r: number,
): Uint8Array {
  const d = nearestDistances(samples, n, dim, data);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (d[i] <= r) out[i] = 1;
  return out;
}

/** 1 for samples farther than r from every training point and inside their bounding box, else 0. */
export function gapFlags(samples: ArrayLike<number>, n: number, dim: number, data: PointSet, r: number): Uint8Array {
  const lo = new Float64Array(dim).fill(Infinity);
  const hi = new Float64Array(dim).fill(-Infinity);
  for (let m = 0; m < data.M; m++)
    for (let a = 0; a < dim; a++) {
      lo[a] = Math.min(lo[a], data.points[m * dim + a]);
      hi[a] = Math.max(hi[a], data.points[m * dim + a]);
    }
  const d = nearestDistances(samples, n, dim, data);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (d[i] <= r) continue;
    let inside = true;
    for (let a = 0; a < dim; a++) {
      const v = samples[i * dim + a];
      if (v < lo[a] || v > hi[a]) inside = false;
    }
    if (inside) out[i] = 1;
  }
  return out;
}

function fraction(flags: Uint8Array): number {
  let k = 0;
  for (let i = 0; i < flags.length; i++) k += flags[i];
  return k / flags.length;
}

export function memorizedFraction(
  samples: ArrayLike<number>,
  n: number,
  dim: number,
  data: PointSet,
  r: number,
): number {
  return fraction(memorizedFlags(samples, n, dim, data, r));
}

export function gapMass(samples: ArrayLike<number>, n: number, dim: number, data: PointSet, r: number): number {
  return fraction(gapFlags(samples, n, dim, data, r));
}

/** Bin probabilities of a sample histogram with the outside mass appended. */
export function sampleBinProbabilities(
  samples: ArrayLike<number>,
  n: number,
  dim: number,
  spec: IrHistogram,
): Float64Array {
  const h = histogram(samples, n, dim, spec);
  const p = binProbabilities(h);
  const out = new Float64Array(p.length + 1);
  out.set(p);
  out[p.length] = 1 - h.inside;
  return out;
}

export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - q[i]);
  return 0.5 * s;
}

export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] <= 0) continue;
    if (q[i] <= 0) return Infinity;
    s += p[i] * Math.log(p[i] / q[i]);
  }
  return s;
}

/**
 * Kernel sums of mmd2 by group, for the bootstrap over groups (metric-errors.ts): xx[g * Gx + h]
 * sums k over ordered pairs of kept X rows in groups g, h (including each row with itself),
 * likewise yy; xy[g * Gy + h] over X rows in g and Y rows in h; cx, cy count kept rows per group.
 */
export interface MmdBlocks {
  xx: Float64Array;
  yy: Float64Array;
  xy: Float64Array;
  cx: Float64Array;
  cy: Float64Array;
}

export function mmd2(
  X: ArrayLike<number>,
  nx: number,
  Y: ArrayLike<number>,
  ny: number,
  dim: number,
  bandwidth: number,
  cap = 2000,
  groups?: { x: (row: number) => number; gx: number; y: (row: number) => number; gy: number },
): { value: number; bandwidth: number; blocks?: MmdBlocks } {
  const n = Math.min(nx, cap);
  const m = Math.min(ny, cap);
  // Row k of a capped set is row floor(k * total / kept) of the full one.
  const rowX = (k: number) => Math.floor((k * nx) / n);
  const rowY = (k: number) => Math.floor((k * ny) / m);
  const d2 = (A: ArrayLike<number>, i: number, B: ArrayLike<number>, j: number) => {
    const ri = A === X ? rowX(i) : rowY(i);
    const rj = B === X ? rowX(j) : rowY(j);
    let s = 0;
    for (let a = 0; a < dim; a++) {
      const v = A[ri * dim + a] - B[rj * dim + a];
      s += v * v;
    }
    return s;
  };
  let h = bandwidth;
  if (!(h > 0)) {
    // Median heuristic on a deterministic pooled subsample (first 200 of each).
    const k = Math.min(200, n);
    const l = Math.min(200, m);
    const ds: number[] = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < l; j++) ds.push(Math.sqrt(d2(X, i, Y, j)));
    ds.sort((a, b) => a - b);
    h = ds[Math.floor(ds.length / 2)] || 1;
  }
  const g = -0.5 / (h * h);
  const gx = groups ? Int32Array.from({ length: n }, (_, i) => groups.x(rowX(i))) : null;
  const gy = groups ? Int32Array.from({ length: m }, (_, j) => groups.y(rowY(j))) : null;
  const Gx = groups?.gx ?? 0;
  const Gy = groups?.gy ?? 0;
  const blocks: MmdBlocks | undefined = groups
    ? {
        xx: new Float64Array(Gx * Gx),
        yy: new Float64Array(Gy * Gy),
        xy: new Float64Array(Gx * Gy),
        cx: new Float64Array(Gx),
        cy: new Float64Array(Gy),
      }
    : undefined;
  // Sum of k over the unordered pairs of one set's kept rows, and (with groups) by group pair.
  const within = (
    A: ArrayLike<number>,
    count: number,
    grp: Int32Array | null,
    G: number,
    S: Float64Array | undefined,
  ) => {
    let sum = 0;
    for (let i = 0; i < count; i++)
      for (let j = i + 1; j < count; j++) {
        const e = Math.exp(g * d2(A, i, A, j));
        sum += e;
        if (S) {
          S[grp![i] * G + grp![j]] += e;
          S[grp![j] * G + grp![i]] += e;
        }
      }
    return sum;
  };
  const xx = within(X, n, gx, Gx, blocks?.xx);
  const yy = within(Y, m, gy, Gy, blocks?.yy);
  let xy = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const e = Math.exp(g * d2(X, i, Y, j));
      xy += e;
      if (blocks) blocks.xy[gx![i] * Gy + gy![j]] += e;
    }
  if (blocks) {
    for (let i = 0; i < n; i++) ((blocks.xx[gx![i] * Gx + gx![i]] += 1), (blocks.cx[gx![i]] += 1));
    for (let j = 0; j < m; j++) ((blocks.yy[gy![j] * Gy + gy![j]] += 1), (blocks.cy[gy![j]] += 1));
  }
  const value = (2 * xx) / (n * (n - 1)) + (2 * yy) / (m * (m - 1)) - (2 * xy) / (n * m);
  return { value, bandwidth: h, blocks };
}

/**
 * mmd2 of the sets whose groups are taken wx[g] and wy[h] times (a bootstrap replicate): the same
 * unbiased form over pairs of kept rows that are not copies of one row. wx = wy = 1 gives mmd2.
 */
export function mmd2Weighted(b: MmdBlocks, wx: ArrayLike<number>, wy: ArrayLike<number>): number {
  const Gx = b.cx.length;
  const Gy = b.cy.length;
  const within = (S: Float64Array, c: Float64Array, w: ArrayLike<number>, G: number) => {
    let sum = 0;
    let N = 0;
    let self = 0;
    for (let k = 0; k < G; k++) {
      if (w[k] === 0) continue;
      N += w[k] * c[k];
      self += w[k] * w[k] * c[k];
      for (let l = 0; l < G; l++) if (w[l] !== 0) sum += w[k] * w[l] * S[k * G + l];
    }
    return { term: (sum - self) / (N * N - self), N };
  };
  const X = within(b.xx, b.cx, wx, Gx);
  const Y = within(b.yy, b.cy, wy, Gy);
  let xy = 0;
  for (let k = 0; k < Gx; k++) {
    if (wx[k] === 0) continue;
    for (let l = 0; l < Gy; l++) if (wy[l] !== 0) xy += wx[k] * wy[l] * b.xy[k * Gy + l];
  }
  return X.term + Y.term - (2 * xy) / (X.N * Y.N);
}

/** Sums of x and x x^T of rows start..end-1 (for the effective dimension of resampled groups). */
export function momentSums(samples: ArrayLike<number>, start: number, end: number, dim: number): Float64Array {
  const out = new Float64Array(1 + dim + dim * dim);
  out[0] = end - start;
  for (let i = start; i < end; i++)
    for (let a = 0; a < dim; a++) {
      const v = samples[i * dim + a];
      out[1 + a] += v;
      for (let b = 0; b < dim; b++) out[1 + dim + a * dim + b] += v * samples[i * dim + b];
    }
  return out;
}

/** Effective dimension from weighted moment sums (rows of `sums` as momentSums returns). */
export function effectiveDimensionOfSums(sums: Float64Array, w: ArrayLike<number>, dim: number): number {
  const L = 1 + dim + dim * dim;
  const tot = new Float64Array(L);
  for (let g = 0; g < w.length; g++) if (w[g] !== 0) for (let j = 0; j < L; j++) tot[j] += w[g] * sums[g * L + j];
  const N = tot[0];
  const cov = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++)
    for (let b = 0; b < dim; b++)
      cov[a * dim + b] = (tot[1 + dim + a * dim + b] - (tot[1 + a] * tot[1 + b]) / N) / (N - 1);
  return participationRatio(cov, dim);
}

/** (sum lambda)^2 / sum lambda^2 over the eigenvalues of the covariance cov [dim, dim] (negative rounding clipped). */
function participationRatio(cov: Float64Array, dim: number): number {
  const ev = Array.from(symEig(cov, dim).values, (v) => Math.max(0, v));
  const s = ev.reduce((p, v) => p + v, 0);
  const s2 = ev.reduce((p, v) => p + v * v, 0);
  return s2 > 0 ? (s * s) / s2 : 0;
}

export function effectiveDimension(samples: ArrayLike<number>, n: number, dim: number): number {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) mean[a] += samples[i * dim + a] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++)
        cov[a * dim + b] += ((samples[i * dim + a] - mean[a]) * (samples[i * dim + b] - mean[b])) / (n - 1);
  return participationRatio(cov, dim);
}

// ---- exact bin probabilities of the Gaussian mixture p(x | t) ------------------------------

/** erfc to ~1e-15 relative: Taylor series of erf for |x| < 2.5, Lentz continued fraction beyond. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** P(lo <= X < hi) for X ~ N(mu, sd^2), accurate in both tails. */
function normalInterval(lo: number, hi: number, mu: number, sd: number): number {
  const a = (lo - mu) / (sd * Math.SQRT2);
  const b = (hi - mu) / (sd * Math.SQRT2);
  if (a >= 0) return 0.5 * (erfc(a) - erfc(b));
  if (b <= 0) return 0.5 * (erfc(-b) - erfc(-a));
  return 1 - 0.5 * (erfc(-a) + erfc(b));
}

const GL3_X = [-Math.sqrt(0.6), 0, Math.sqrt(0.6)];
const GL3_W = [5 / 9, 8 / 9, 5 / 9];

export function mixtureBinProbabilities(
  data: PointSet,
  schedule: Schedule,
  t: number,
  spec: IrHistogram,
): Float64Array {
  const dim = data.dim;
  if (dim > 2) throw new Error(`bin probabilities of ${dim}D densities are not supported`);
  const alpha = schedule.alpha(t);
  const S = schedule.S(t, dim);
  const bins = spec.bins;
  const edges = spec.range.slice(0, dim).map((r) => edgesOf(r, bins));
  const nb = dim === 1 ? bins : bins * bins;
  const out = new Float64Array(nb + 1);
  const diagonal = dim === 1 || (S[0][1] === 0 && S[1][0] === 0);
  for (let m = 0; m < data.M; m++) {
    const w = data.weights[m];
    const mu = Array.from({ length: dim }, (_, a) => alpha * data.points[m * dim + a]);
    if (diagonal) {
      const px = Array.from({ length: bins }, (_, i) =>
        normalInterval(edges[0][i], edges[0][i + 1], mu[0], Math.sqrt(S[0][0])),
      );
      if (dim === 1) px.forEach((p, i) => (out[i] += w * p));
      else {
        const py = Array.from({ length: bins }, (_, j) =>
          normalInterval(edges[1][j], edges[1][j + 1], mu[1], Math.sqrt(S[1][1])),
        );
        for (let i = 0; i < bins; i++) for (let j = 0; j < bins; j++) out[i * bins + j] += w * px[i] * py[j];
      }
    } else {
      const L = cholesky(S);
      const norm = 1 / (2 * Math.PI * L[0] * L[3]);
      const hx = edges[0][1] - edges[0][0];
      const hy = edges[1][1] - edges[1][0];
      const v = new Float64Array(2);
      for (let i = 0; i < bins; i++)
        for (let j = 0; j < bins; j++) {
          let s = 0;
          for (let a = 0; a < 3; a++)
            for (let b = 0; b < 3; b++) {
              v[0] = edges[0][i] + 0.5 * hx * (1 + GL3_X[a]) - mu[0];
              v[1] = edges[1][j] + 0.5 * hy * (1 + GL3_X[b]) - mu[1];
              solveLower(L, 2, v);
              s += GL3_W[a] * GL3_W[b] * Math.exp(-0.5 * (v[0] * v[0] + v[1] * v[1]));
            }
          out[i * bins + j] += w * norm * s * 0.25 * hx * hy;
        }
    }
  }
  let inside = 0;
  for (let i = 0; i < nb; i++) inside += out[i];
  out[nb] = Math.max(0, 1 - inside);
  return out;
}
