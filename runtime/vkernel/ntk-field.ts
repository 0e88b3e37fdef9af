// Gaussian-field virtual NTK models of the effective SDE (docs/theory.md 6.3, 10): mu(z) = the
// trained ensemble's mean to first order in 1/P (vkernel/ntk.ts finiteMeanModes) + a Gaussian field with the covariance of vkernel/ntk.ts ntkMuCov,
//   Cov[mu(z), mu(z')] = (1/P) { N sum_j w_j(z) w_j(z') C_j + <phi(z; .) phi(z'; .)> - <phi(z)> <phi(z')> },
//   w_j(z) = lambda_j k_tau(z, z_j) / N,  phi(z; z_j) = sum_k e_k(z) infl_jk  (vkernel/ntk.ts),
// drawn exactly (for the design) as
//   field(z) = sqrt(N / P) sum_j w_j(z) L_j zeta_j + (P N)^{-1/2} sum_j (eps_j - mean eps) phi(z; z_j)
// (L_j = chol C_j; zeta, eps standard normal; centring eps subtracts the mean influence). Both
// parts, and the mean, are sums of the Nystrom modes, sum_k beta_k e_k(z), and
//   sum_k beta_k e_k(z) = sum_l Theta(z, z_l) c_l,  c_l = lambda_l^{1/2} sum_k v_lk beta_k / (nu_k sqrt N),
// so a virtual model is an NTK model on the design points (models/ntk.ts ntkEvaluator) with
// coefficients c, the same form as a trained model on its P samples.
// Plain data only (typed arrays, possibly shared), so a worker thread draws the virtual model it
// samples (particles/ntk-member.ts); a model depends only on its seed.

import { deriveSeed, normals } from '../rng.js';
import { noiseFactors } from './population.js';
import { finiteMeanModes, type NtkPopulation } from './ntk.js';

/** interface NtkField                 what a draw reads */
export interface NtkField {
  N: number;
  D: number;
  P: number;
  /** Number of kept eigenpairs. */
  K: number;
  lambda: Float64Array;
  /** Cholesky factors of Cov[x0 | z_j] [N, D, D]. */
  noiseChol: Float64Array;
  /** Eigenvectors [N, K], eigenvalues and filter [K]. */
  v: Float64Array;
  nu: Float64Array;
  f: Float64Array;
  /** Mean in modes [K, D]; design influence [N, K, D] (vkernel/ntk.ts). */
  meanModes: Float64Array;
  infl: Float64Array;
}

/** ntkField(pop): NtkField            from a population (vkernel/ntk.ts) */
export function ntkField(pop: NtkPopulation): NtkField {
  const { N, D, P, lambda, noise, nu, v, f, infl } = pop;
  return {
    N,
    D,
    P,
    K: nu.length,
    lambda,
    noiseChol: noiseFactors(noise, N, D),
    v,
    nu,
    f,
    meanModes: finiteMeanModes(pop),
    infl,
  };
}

/** modeCoef(field, beta): c [N, D]    the map beta [K, D] -> c */
export function modeCoef(
  field: Pick<NtkField, 'N' | 'D' | 'K' | 'lambda' | 'v' | 'nu'>,
  beta: Float64Array,
): Float64Array {
  const { N, D, K, lambda, v, nu } = field;
  const b = Float64Array.from(beta, (x, i) => x / (nu[Math.floor(i / D)] * Math.sqrt(N)));
  const c = new Float64Array(N * D);
  for (let l = 0; l < N; l++) {
    const sl = Math.sqrt(lambda[l]);
    const row = l * K;
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += v[row + k] * b[k * D + d];
      c[l * D + d] = sl * s;
    }
  }
  return c;
}

/** drawNtkCoef(field, seed): c [N, D] the virtual model's coefficients on the design points */
export function drawNtkCoef(field: NtkField, seed: number): Float64Array {
  const { N, D, P, K, noiseChol: L, v, f, infl, lambda } = field;
  const zeta = normals(deriveSeed(seed, 'ntk-field', 'zeta'), N * D);
  const eps = normals(deriveSeed(seed, 'ntk-field', 'eps'), N);
  let mean = 0;
  for (let j = 0; j < N; j++) mean += eps[j];
  mean /= N;
  const beta = Float64Array.from(field.meanModes);
  const sn = 1 / Math.sqrt(P);
  const sd = 1 / Math.sqrt(P * N);
  const y = new Float64Array(D);
  for (let j = 0; j < N; j++) {
    // noise part: f_k lambda_j^{1/2} v_jk (L_j zeta_j) / sqrt(P)
    const o = j * D * D;
    const w = Math.sqrt(lambda[j]) * sn;
    for (let a = 0; a < D; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[o + a * D + b] * zeta[j * D + b];
      y[a] = w * s;
    }
    const e = (eps[j] - mean) * sd;
    const row = j * K;
    for (let k = 0; k < K; k++) {
      const vk = v[row + k] * f[k];
      const io = (row + k) * D;
      for (let a = 0; a < D; a++) beta[k * D + a] += vk * y[a] + e * infl[io + a];
    }
  }
  return modeCoef(field, beta);
}
