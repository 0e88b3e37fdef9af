// Gaussian-field virtual NTK models of the effective SDE (math.md 6.3, 10): mu(z) = mubar_tau(z) +
// a Gaussian field with the covariance of vkernel/ntk.ts ntkMuCov,
//   Cov[mu(z), mu(z')] = (1/P) { N sum_j w_j(z) w_j(z') (C_j + r_j r_j^T) - g(z) g(z')^T },
//   w_j(z) = lambda_j k_tau(z, z_j) / N (weightedKernelRow), g(z) = sum_j w_j(z) r_j,
// drawn exactly (for the design) as
//   field(z) = sqrt(N / P) sum_j w_j(z) [L_j zeta_j + (eps_j - mean eps) r_j]
// (L_j = chol C_j; zeta, eps standard normal; centring eps gives the - g g^T term). Through the
// Nystrom extension, sum_j w_j(z) y_j = sum_l Theta(z, z_l) c_l with
//   c_l = lambda_l^{1/2} sum_k v_lk gain_k b_k,  b_k = (1/N) sum_j lambda_j^{1/2} v_jk y_j,
//   gain_k = (1 - exp(-lr tau nu_k)) / nu_k,
// so a virtual model is an NTK model on the design points (models/ntk.ts ntkEvaluator) with
// coefficients c, the same form as a trained model on its P samples. The mean's coefficients
// are the same map applied to y_j = E[x0 | z_j].
// Plain data only (typed arrays, possibly shared), so a worker thread draws the virtual model it
// samples (fast/ntk-member.ts); a model depends only on its seed.
//
// API
//   interface NtkField                 what a draw reads
//   ntkField(pop): NtkField            from a population (vkernel/ntk.ts)
//   drawNtkCoef(field, seed): c [N, D] the virtual model's coefficients on the design points
//   ntkCoef(field, y): c [N, D]        the map y [N, D] -> c, for any y (deterministic)

import { deriveSeed, normals } from '../rng.js';
import { noiseFactors } from './population.js';
import type { NtkPopulation } from './ntk.js';

export interface NtkField {
  N: number;
  D: number;
  P: number;
  /** Number of kept eigenpairs. */
  K: number;
  lambda: Float64Array;
  /** Cholesky factors of Cov[x0 | z_j] [N, D, D]. */
  noiseChol: Float64Array;
  resid: Float64Array;
  /** Eigenvectors [N, K] and gain_k [K]. */
  v: Float64Array;
  gain: Float64Array;
  /** Coefficients of the mean mubar_tau on the design [N, D]. */
  meanCoef: Float64Array;
}

export function ntkField(pop: NtkPopulation): NtkField {
  const { N, D, P, lambda, noise, resid, nu, v, state } = pop;
  const { lr, tau } = state.spec;
  const K = nu.length;
  const gain = Float64Array.from(nu, (n) => -Math.expm1(-lr * n * tau) / n);
  const field: NtkField = { N, D, P, K, lambda, noiseChol: noiseFactors(noise, N, D), resid, v, gain, meanCoef: new Float64Array(0) };
  field.meanCoef = ntkCoef(field, pop.ybar);
  return field;
}

export function ntkCoef(field: Pick<NtkField, 'N' | 'D' | 'K' | 'lambda' | 'v' | 'gain'>, y: Float64Array): Float64Array {
  const { N, D, K, lambda, v, gain } = field;
  const b = new Float64Array(K * D);
  for (let j = 0; j < N; j++) {
    const sl = Math.sqrt(lambda[j]);
    const row = j * K;
    for (let d = 0; d < D; d++) {
      const yj = (sl * y[j * D + d]) / N;
      if (yj === 0) continue;
      for (let k = 0; k < K; k++) b[d * K + k] += v[row + k] * yj;
    }
  }
  for (let d = 0; d < D; d++) for (let k = 0; k < K; k++) b[d * K + k] *= gain[k];
  const c = new Float64Array(N * D);
  for (let l = 0; l < N; l++) {
    const sl = Math.sqrt(lambda[l]);
    const row = l * K;
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += v[row + k] * b[d * K + k];
      c[l * D + d] = sl * s;
    }
  }
  return c;
}

export function drawNtkCoef(field: NtkField, seed: number): Float64Array {
  const { N, D, P, noiseChol: L, resid } = field;
  const zeta = normals(deriveSeed(seed, 'ntk-field', 'zeta'), N * D);
  const eps = normals(deriveSeed(seed, 'ntk-field', 'eps'), N);
  let mean = 0;
  for (let j = 0; j < N; j++) mean += eps[j];
  mean /= N;
  const scale = Math.sqrt(N / P);
  const y = new Float64Array(N * D);
  for (let j = 0; j < N; j++) {
    const o = j * D * D;
    const e = eps[j] - mean;
    for (let a = 0; a < D; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[o + a * D + b] * zeta[j * D + b];
      y[j * D + a] = scale * (s + e * resid[j * D + a]);
    }
  }
  const c = ntkCoef(field, y);
  for (let i = 0; i < c.length; i++) c[i] += field.meanCoef[i];
  return c;
}
