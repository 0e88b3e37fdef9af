// Exact finite-P weights of a trained NTK model given its design: the independent computation the
// V-kernel is checked against (bench/ntk-variance.ts, test/runtime-models/ntk-exact.test.ts).
// Given the DSM inputs, a trained model is linear in its targets (docs/theory.md 8 and 10), so the
// ensemble's variance over target noise is exact from the weights, with no target draws.
//
// A design is n distinct atoms z_a with multiplicities m_a (m_a = 1 for a continuum draw; a design
// resampled from a finite population repeats atoms). The loss (1/P) sum_a m_a lambda_a (f(z_a) - ybar_a)^2,
// ybar_a the mean of the atom's m_a targets, gives by gradient flow (models/ntk.ts)
//   mu_hat(z) = sum_a H_a(z) ybar_a,  H_a(z) = Theta(z, Z) W U g(nu) U^T W e_a,
//   K = W Theta_ZZ W = U diag(nu) U^T,  W = diag((m_a lambda_a)^{1/2}),  g = flowGain(nu, lr tau / P).
// The self-influence of atom a (the hat matrix's diagonal, d mu_hat(z_a) / d ybar_a) is
// sum_k U_ak^2 (1 - exp(-c nu_k)); per training sample it is that over m_a. Its sum over samples is
// the NTK analogue of a linear model's F (trace of the hat matrix), each sample's share the analogue
// of its leverage (the bench reports both: small leverage rules out the linear model's random-matrix
// regime as the cause of a deviation, docs/theory-checks.md 6.1).
//
// API
//   fitWeights(Z, lambda, mult, n, dim, depth, c, U, Q): { H [Q, n], self [n] }
//     Z [n, dim+2] embedded atoms, U [Q, dim+2] embedded evaluation points, c = lr tau / P
//   resampledDesign(pop, P, seed): Design   P draws (uniforms of stream seed) with replacement from a population's N design
//     points (1D), merged into atoms with counts: the population is then the design itself, for
//     which the V-kernel is the exact large-P limit (no Nystrom error)
//   designMoments(d, depth, c, U, Q): per point the mean sum_a H_a ybar_a and the target-noise
//     variance sum_a H_a^2 C_a / m_a given the design
//   ensembleVariance(means, noise): Var = E[noise] + Var[mean] over designs, with its SE

import { flowGain, ntkTheta, symEig } from '../models/ntk.js';
import { uniforms } from '../rng.js';
import type { NtkPopulationData } from './ntk.js';

export interface FitWeights {
  /** H_a(u_q) [Q, n]. */
  H: Float64Array;
  /** Self-influence of each atom on its mean target [n]. */
  self: Float64Array;
}

export function fitWeights(
  Z: Float64Array,
  lambda: Float64Array,
  mult: Float64Array,
  n: number,
  dim: number,
  depth: number,
  c: number,
  U: Float64Array,
  Q: number,
): FitWeights {
  const e = dim + 2;
  const w = Float64Array.from(lambda, (l, a) => Math.sqrt(l * mult[a]));
  const K = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b <= a; b++) {
      const k = w[a] * w[b] * ntkTheta(Z, a * e, Z, b * e, e, depth);
      K[a * n + b] = k;
      K[b * n + a] = k;
    }
  const { values, vectors } = symEig(K, n);
  const nuMax = values.reduce((x, y) => Math.max(x, y), 0);
  const g = Float64Array.from(values, (v) => flowGain(v, c, nuMax));
  const self = new Float64Array(n);
  for (let a = 0; a < n; a++) for (let k = 0; k < n; k++) self[a] += vectors[a * n + k] ** 2 * g[k] * values[k];
  const H = new Float64Array(Q * n);
  const r = new Float64Array(n);
  const p = new Float64Array(n);
  for (let q = 0; q < Q; q++) {
    // r_b = Theta(u_q, z_b) w_b;  p_k = g_k (U^T r)_k;  H_qa = w_a (U p)_a
    for (let b = 0; b < n; b++) r[b] = ntkTheta(U, q * e, Z, b * e, e, depth) * w[b];
    p.fill(0);
    for (let b = 0; b < n; b++) for (let k = 0; k < n; k++) p[k] += vectors[b * n + k] * r[b];
    for (let k = 0; k < n; k++) p[k] *= g[k];
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[a * n + k] * p[k];
      H[q * n + a] = w[a] * s;
    }
  }
  return { H, self };
}

/** A design of atoms with multiplicities (1D data): embedded inputs, weights, mean targets, noise. */
export interface Design {
  n: number;
  Z: Float64Array;
  lambda: Float64Array;
  mult: Float64Array;
  ybar: Float64Array;
  C: Float64Array;
  /** The population index of each atom (resampled designs only). */
  index?: number[];
}

export function resampledDesign(pop: NtkPopulationData, P: number, seed: number): Design {
  if (pop.D !== 1) throw new Error('internal: resampledDesign supports 1D populations');
  const e = 3;
  const u = uniforms(seed, P);
  const count = new Float64Array(pop.N);
  for (let i = 0; i < P; i++) count[Math.floor(u[i] * pop.N)]++;
  const used = [...count.keys()].filter((j) => count[j] > 0);
  const n = used.length;
  const Z = new Float64Array(n * e);
  used.forEach((j, a) => Z.set(pop.Z.subarray(j * e, (j + 1) * e), a * e));
  const pick = (arr: Float64Array) => Float64Array.from(used, (j) => arr[j]);
  return { n, Z, lambda: pick(pop.lambda), mult: pick(count), ybar: pick(pop.ybar), C: pick(pop.noise), index: used };
}

export interface DesignMoments extends FitWeights {
  /** sum_a H_a(u_q) ybar_a [Q]. */
  mean: Float64Array;
  /** sum_a H_a(u_q)^2 C_a / m_a [Q]. */
  noise: Float64Array;
}

export function designMoments(d: Design, depth: number, c: number, U: Float64Array, Q: number): DesignMoments {
  const fit = fitWeights(d.Z, d.lambda, d.mult, d.n, 1, depth, c, U, Q);
  const mean = new Float64Array(Q);
  const noise = new Float64Array(Q);
  for (let q = 0; q < Q; q++)
    for (let a = 0; a < d.n; a++) {
      const h = fit.H[q * d.n + a];
      mean[q] += h * d.ybar[a];
      noise[q] += (h * h * d.C[a]) / d.mult[a];
    }
  return { ...fit, mean, noise };
}

export interface EnsembleVariance {
  /** E_design[noise] + Var_design[mean] and its standard error over designs. */
  total: number;
  se: number;
  /** E_design[noise] (the target-noise part). */
  noise: number;
  /** The ensemble mean and its standard error. */
  mean: number;
  meanSe: number;
}

export function ensembleVariance(means: number[], noise: number[]): EnsembleVariance {
  const n = means.length;
  const avg = means.reduce((a, b) => a + b, 0) / n;
  // Per-design unbiased terms: their average is the variance, their spread over sqrt(n) its SE.
  const per = means.map((m, i) => noise[i] + ((m - avg) ** 2 * n) / (n - 1));
  const total = per.reduce((a, b) => a + b, 0) / n;
  const se = Math.sqrt(per.reduce((a, b) => a + (b - total) ** 2, 0) / (n - 1) / n);
  const meanSe = Math.sqrt(means.reduce((a, b) => a + (b - avg) ** 2, 0) / (n - 1) / n);
  return { total, se, noise: noise.reduce((a, b) => a + b, 0) / n, mean: avg, meanSe };
}
