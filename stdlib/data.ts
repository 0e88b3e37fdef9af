// Pure generators of the data built-ins. The compiler calls them with checked arguments and puts
// the result into the IR as points and weights, so the runtime never generates data itself.
// Weights here are unnormalized (relative); the lowering normalizes them to sum to 1.
import { mulberry32 } from './prng.js';

export interface PointSet {
  points: number[][];
  weights: number[];
}

const equal = (points: number[][]): PointSet => ({ points, weights: points.map(() => 1) });

export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));
}

export function geomspace(a: number, b: number, n: number): number[] {
  const sign = a < 0 ? -1 : 1;
  const la = Math.log(Math.abs(a));
  const lb = Math.log(Math.abs(b));
  // exp(log) is off in the last bits (1e-2 comes back as 0.010000000000000005); 15 significant
  // digits give back the values a user means, and the cell ids derived from them stay readable.
  return linspace(la, lb, n).map((l, i) =>
    i === 0 ? a : i === n - 1 ? b : sign * Number(Math.exp(l).toPrecision(15)),
  );
}

/** n equal (unnormalized) weights. */
export function ones(n: number): number[] {
  // Preallocated: pushing a million ones one by one regrows the array about thirty times.
  return new Array<number>(n).fill(1);
}

export function points(list: number[][], weights?: number[]): PointSet {
  return { points: list, weights: weights ?? list.map(() => 1) };
}

/** Vertices (r cos(angle + 2 pi m / n), r sin(...)), m = 0..n-1. */
export function polygon(n: number, radius: number, angle: number): PointSet {
  return ring(n, radius, [0, 0], angle);
}

/** cos and sin with rounding noise at the zeros removed: cos(pi / 2) is 0, not 6.1e-17. */
function cosSin(a: number): [number, number] {
  const snap = (v: number) => (Math.abs(v) < 1e-15 ? 0 : v);
  return [snap(Math.cos(a)), snap(Math.sin(a))];
}

export function ring(n: number, radius: number, center: number[], angle = 0): PointSet {
  return equal(
    Array.from({ length: n }, (_, m) => {
      const [c, s] = cosSin(angle + (2 * Math.PI * m) / n);
      return [center[0] + radius * c, center[1] + radius * s];
    }),
  );
}

export function line(from: number[], to: number[], n: number): PointSet {
  const s = linspace(0, 1, n);
  return equal(s.map((u) => from.map((f, k) => (u === 1 ? to[k] : f + u * (to[k] - f)))));
}

/** n^dim points, the last axis fastest. */
export function grid(lo: number, hi: number, n: number, dim: number): PointSet {
  const axis = linspace(lo, hi, n);
  let out: number[][] = [[]];
  for (let d = 0; d < dim; d++) out = out.flatMap((p) => axis.map((v) => [...p, v]));
  return equal(out);
}

/** n draws: a uniform component, then an isotropic Gaussian around its mean. */
export function mixture(means: number[][], std: number, n: number, seed: number): PointSet {
  const rng = mulberry32(seed);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const mean = means[Math.min(means.length - 1, Math.floor(rng.uniform() * means.length))];
    out.push(mean.map((m) => m + std * rng.normal()));
  }
  return equal(out);
}

/** mixture's draws packed (point i at [i * dim, (i + 1) * dim)), the same numbers; the means all have length dim. */
export function mixtureValues(means: number[][], std: number, n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const dim = means[0].length;
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const mean = means[Math.min(means.length - 1, Math.floor(rng.uniform() * means.length))];
    for (let a = 0; a < dim; a++) out[i * dim + a] = mean[a] + std * rng.normal();
  }
  return out;
}

export function rotate(d: PointSet, angle: number, center: number[]): PointSet {
  const [c, s] = cosSin(angle);
  return {
    points: d.points.map(([x, y]) => {
      const u = x - center[0];
      const v = y - center[1];
      return [center[0] + c * u - s * v, center[1] + s * u + c * v];
    }),
    weights: d.weights,
  };
}

export function scale(d: PointSet, factor: number): PointSet {
  return { points: d.points.map((p) => p.map((v) => v * factor)), weights: d.weights };
}

export function shift(d: PointSet, by: number[]): PointSet {
  return { points: d.points.map((p) => p.map((v, k) => v + by[k])), weights: d.weights };
}

export function duplicate(d: PointSet, index: number, k: number): PointSet {
  return { points: d.points, weights: d.weights.map((w, i) => (i === index ? w * k : w)) };
}

/** `weight` is relative to one ordinary point of d (the mean of d's weights). */
export function outlier(d: PointSet, at: number[], weight: number): PointSet {
  const mean = d.weights.reduce((a, b) => a + b, 0) / Math.max(1, d.weights.length);
  return { points: [...d.points, at], weights: [...d.weights, weight * mean] };
}

/** Each set keeps its relative weights, scaled so that every point of every set counts once. */
export function concat(sets: PointSet[]): PointSet {
  const out: PointSet = { points: [], weights: [] };
  for (const s of sets) {
    const total = s.weights.reduce((a, b) => a + b, 0);
    const perPoint = total > 0 ? s.points.length / total : 1;
    // A loop, not push(...s.points): spreading 10^6 points overflows the call stack.
    for (const p of s.points) out.points.push(p);
    for (const w of s.weights) out.weights.push(w * perPoint);
  }
  return out;
}

export function normalize(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
