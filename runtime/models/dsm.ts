// Denoising-score-matching samples (docs/theory.md 4.2): P iid triples (t, x0, x) with t ~ U(t_range),
// x0 ~ p_data (the weighted training points) and x ~ N(alpha_t x0, S_t), S_t = s2(t) M.

import { categorical, deriveSeed, normals, uniforms } from '../rng.js';
import type { Schedule } from '../schedule.js';
import type { PointSet } from '../posterior.js';
import { cholesky } from '../linalg/cholesky.js';

/** interface DsmSamples { P, dim, t [P], x0 [P, dim], x [P, dim] }   (float64, row-major) */
export interface DsmSamples {
  P: number;
  dim: number;
  t: Float64Array;
  x0: Float64Array;
  x: Float64Array;
}

/** cholShape(schedule, dim): lower Cholesky factor of M (identity for isotropic processes) */
export function cholShape(schedule: Schedule, dim: number): Float64Array {
  const L = new Float64Array(dim * dim);
  if (!schedule.shape) {
    for (let a = 0; a < dim; a++) L[a * dim + a] = 1;
    return L;
  }
  return cholesky(schedule.shape, 'the diffusion matrix M');
}

/**
 * dsmSamples(data, schedule, P, tRange, seed, draw?): DsmSamples
 * draw.stratified: time j in the j-th of P equal strata of t_range (Monte-Carlo designs, whose
 * lambda-weighted averages are dominated by the few draws near t_min); draw.label names the
 * random streams (default 'dsm').
 * draw.antithetic (implies stratified): points come in pairs (2k, 2k+1) that share one time in
 * the k-th of ceil(P/2) strata and have opposite noise (xi, -xi); the data point of sample i
 * is the component at the van der Corput point vdc(i) (base 2) shifted by one uniform, so every
 * run of 2^m consecutive samples, and so every range of times, holds the components in
 * proportion, and the two of a pair sit half the unit interval apart. Each sample keeps its
 * marginal law (Monte-Carlo averages stay unbiased); lambda-weighted averages, dominated by the
 * few samples near t_min, lose the noise of which component and which side those happened to
 * get. For two equally weighted points a pair is (t, x0_1, xi), (t, x0_2, -xi): a design for
 * data symmetric about the midpoint is then exactly mirror-symmetric.
 */
export function dsmSamples(
  data: PointSet,
  schedule: Schedule,
  P: number,
  tRange: [number, number],
  seed: number,
  draw: { stratified?: boolean; antithetic?: boolean; label?: string } = {},
): DsmSamples {
  const dim = data.dim;
  const label = draw.label ?? 'dsm';
  if (draw.antithetic) return antitheticSamples(data, schedule, P, tRange, seed, label);
  const u = uniforms(deriveSeed(seed, label, 't'), P);
  const comp = categorical(deriveSeed(seed, label, 'x0'), data.weights, P, data.M, 0, 0);
  const xi = normals(deriveSeed(seed, label, 'noise'), P * dim);
  const L = cholShape(schedule, dim);
  const t = new Float64Array(P);
  const x0 = new Float64Array(P * dim);
  const x = new Float64Array(P * dim);
  for (let i = 0; i < P; i++) {
    const ti = draw.stratified
      ? tRange[0] + ((tRange[1] - tRange[0]) * (i + u[i])) / P
      : tRange[0] + (tRange[1] - tRange[0]) * u[i];
    t[i] = ti;
    const al = schedule.alpha(ti);
    const sd = Math.sqrt(schedule.s2(ti));
    const m = comp[i] * dim;
    for (let a = 0; a < dim; a++) {
      let noise = 0;
      for (let b = 0; b <= a; b++) noise += L[a * dim + b] * xi[i * dim + b];
      x0[i * dim + a] = data.points[m + a];
      x[i * dim + a] = al * data.points[m + a] + sd * noise;
    }
  }
  return { P, dim, t, x0, x };
}

/** Radical inverse of i in base 2. */
function vanDerCorput(i: number): number {
  let r = 0;
  let f = 0.5;
  for (let n = i; n > 0; n = Math.floor(n / 2), f /= 2) if (n % 2) r += f;
  return r;
}

function antitheticSamples(
  data: PointSet,
  schedule: Schedule,
  P: number,
  tRange: [number, number],
  seed: number,
  label: string,
): DsmSamples {
  const dim = data.dim;
  const pairs = Math.ceil(P / 2);
  const u = uniforms(deriveSeed(seed, label, 't'), pairs);
  const shift = uniforms(deriveSeed(seed, label, 'x0'), 1)[0];
  const xi = normals(deriveSeed(seed, label, 'noise'), pairs * dim);
  const cum = new Float64Array(data.M);
  let total = 0;
  for (let m = 0; m < data.M; m++) cum[m] = total += data.weights[m];
  const L = cholShape(schedule, dim);
  const t = new Float64Array(P);
  const x0 = new Float64Array(P * dim);
  const x = new Float64Array(P * dim);
  for (let i = 0; i < P; i++) {
    const k = Math.floor(i / 2);
    const sign = i % 2 ? -1 : 1;
    const ti = tRange[0] + ((tRange[1] - tRange[0]) * (k + u[k])) / pairs;
    t[i] = ti;
    const q = ((vanDerCorput(i) + shift) % 1) * total;
    let c = 0;
    while (c < data.M - 1 && q >= cum[c]) c++;
    const al = schedule.alpha(ti);
    const sd = Math.sqrt(schedule.s2(ti));
    const m = c * dim;
    for (let a = 0; a < dim; a++) {
      let noise = 0;
      for (let b = 0; b <= a; b++) noise += L[a * dim + b] * xi[k * dim + b];
      x0[i * dim + a] = data.points[m + a];
      x[i * dim + a] = al * data.points[m + a] + sign * sd * noise;
    }
  }
  return { P, dim, t, x0, x };
}
