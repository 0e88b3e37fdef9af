// Density histograms of sample sets. Histograms of 3D+ data are not supported (an error): the IR
// checker limits them.

import type { IrHistogram } from '../compiler/ir/types.js';

export interface Histogram {
  shape: number[];
  density: Float64Array;
  edges: Float64Array[];
  /** Fraction of samples inside the range. */
  inside: number;
  /** Bin volume (uniform bins). */
  volume: number;
}

export function edgesOf(range: [number, number], bins: number): Float64Array {
  const e = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) e[i] = range[0] + ((range[1] - range[0]) * i) / bins;
  return e;
}

/**
 * histogram(samples, n, dim, spec: IrHistogram): Histogram
 * 1D: density [bins]; 2D: density [bins_x, bins_y] (row index = x bin, column = y bin).
 * density = count / (n * bin volume) with n the TOTAL sample count, so it integrates to the
 * fraction of samples inside the range (`inside`), not to 1: mass that left the range is
 * reported, not silently renormalized away. Bins are half-open [lo, hi) except the last,
 * which is closed (numpy's convention).
 */
export function histogram(samples: ArrayLike<number>, n: number, dim: number, spec: IrHistogram): Histogram {
  if (dim > 2) throw new Error(`histograms of ${dim}D samples are not supported`);
  const bins = spec.bins;
  const counts = new Float64Array(dim === 1 ? bins : bins * bins);
  const inside =
    dim === 1 ? counts1(samples, n, spec.range[0], bins, counts) : counts2(samples, n, spec.range, bins, counts);
  return histogramOfCounts(counts, inside, n, dim, spec);
}

// The bin loops, one per dimension (every ensemble member's histogram runs one): a value v in
// [lo, hi] goes to bin floor((v - lo) / (hi - lo) * bins), hi itself to the last; anything else,
// NaN included, is outside.

function counts1(
  samples: ArrayLike<number>,
  n: number,
  range: [number, number],
  bins: number,
  counts: Float64Array,
): number {
  const [lo, hi] = range;
  const width = hi - lo;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.floor(((v - lo) / width) * bins);
    counts[b >= bins ? bins - 1 : b]++;
    inside++;
  }
  return inside;
}

function counts2(
  samples: ArrayLike<number>,
  n: number,
  range: [number, number][],
  bins: number,
  counts: Float64Array,
): number {
  const [[xlo, xhi], [ylo, yhi]] = range;
  const xw = xhi - xlo;
  const yw = yhi - ylo;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const u = samples[2 * i];
    const v = samples[2 * i + 1];
    if (!(u >= xlo && u <= xhi && v >= ylo && v <= yhi)) continue;
    const bx = Math.floor(((u - xlo) / xw) * bins);
    const by = Math.floor(((v - ylo) / yw) * bins);
    counts[(bx >= bins ? bins - 1 : bx) * bins + (by >= bins ? bins - 1 : by)]++;
    inside++;
  }
  return inside;
}

function binVolume(spec: IrHistogram, dim: number): number {
  let volume = 1;
  for (let a = 0; a < dim; a++) volume *= (spec.range[a][1] - spec.range[a][0]) / spec.bins;
  return volume;
}

/** The histogram of n samples from its bin counts and the count inside the range. */
function histogramOfCounts(counts: Float64Array, inside: number, n: number, dim: number, spec: IrHistogram): Histogram {
  const bins = spec.bins;
  const edges = spec.range.slice(0, dim).map((r) => edgesOf(r, bins));
  const volume = binVolume(spec, dim);
  const density = counts.map((c) => (n > 0 ? c / (n * volume) : 0));
  return { shape: dim === 1 ? [bins] : [bins, bins], density, edges, inside: n > 0 ? inside / n : 0, volume };
}

/**
 * The histogram of `members` sample sets of `draws` samples each, pooled, from their histograms
 * (memberDensity [members, bins], each as histogram(draws) computed it): the same bytes as
 * histogram() of the pooled samples, without a pass over them. A member's bin count c comes back
 * exactly as round(density * draws * volume), since density = c / (draws * volume) is within one
 * rounding of it and c is an integer far below 2^52; the pooled counts are their exact sums.
 */
export function pooledHistogram(
  memberDensity: Float64Array,
  members: number,
  draws: number,
  dim: number,
  spec: IrHistogram,
): Histogram {
  if (dim > 2) throw new Error(`histograms of ${dim}D samples are not supported`);
  const B = dim === 1 ? spec.bins : spec.bins * spec.bins;
  if (memberDensity.length !== members * B)
    throw new Error(`internal: ${memberDensity.length} member densities for ${members} members x ${B} bins`);
  const perCount = draws * binVolume(spec, dim);
  const counts = new Float64Array(B);
  let inside = 0;
  for (let m = 0; m < members; m++) {
    const row = m * B;
    for (let b = 0; b < B; b++) {
      const c = Math.round(memberDensity[row + b] * perCount);
      counts[b] += c;
      inside += c;
    }
  }
  return histogramOfCounts(counts, inside, members * draws, dim, spec);
}

/** binProbabilities(h): Float64Array  probability mass per bin (density * volume) */
export function binProbabilities(h: Histogram): Float64Array {
  return h.density.map((d) => d * h.volume);
}
